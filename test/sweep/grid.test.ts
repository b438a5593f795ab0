import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import type { Scenario } from '../../src/scenario/schema.js';
import { checkDistinctPaths, checkGridSize, expandGrid, gridSize, parseRange, parseVary, type VaryAxis } from '../../src/sweep/grid.js';
import { axisOverrides, pointOverrides } from '../../src/sweep/overrides.js';

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as Error).message;
  }
  throw new Error('expected an InputError');
}

describe('--vary ranges', () => {
  it('FROM..TO:N gives N evenly spaced values, ends included, without float noise', () => {
    expect(parseRange('0.5..2:7')).toEqual([0.5, 0.75, 1, 1.25, 1.5, 1.75, 2]);
    expect(parseRange('0..1:4')).toEqual([0, 0.333333333333, 0.666666666667, 1]);
    expect(parseRange('10..-10:3')).toEqual([10, 0, -10]);
    expect(parseRange(' 1 .. 3 : 2 ')).toEqual([1, 3]);
  });

  it('rejects ranges it cannot read, with the syntax as the fix', () => {
    expect(message(() => parseRange('0.5..2'))).toMatch(/no point count.*FROM\.\.TO:N/);
    expect(message(() => parseRange('a..2:3'))).toMatch(/FROM 'a' is not a number/);
    expect(message(() => parseRange('1..b:3'))).toMatch(/TO 'b' is not a number/);
    expect(message(() => parseRange('1..2:1'))).toMatch(/N '1' is not a whole number from 2/);
    expect(message(() => parseRange('1..2:2.5'))).toMatch(/N '2.5'/);
    expect(message(() => parseRange('1..1:3'))).toMatch(/starts and ends at 1/);
  });
});

describe('--vary lists', () => {
  it('reads path=values: YAML scalars, ranges and bracketed items, in the order given', () => {
    expect(parseVary('demand.scale=0.5,1..2:3')).toEqual({
      path: 'demand.scale',
      values: [
        { text: '0.5', value: 0.5 },
        { text: '1', value: 1 },
        { text: '1.5', value: 1.5 },
        { text: '2', value: 2 },
      ],
    });
    expect(parseVary('regions=[eastus, westus2],[eastus]').values.map((v) => v.text)).toEqual(['[eastus, westus2]', '[eastus]']);
    expect(parseVary('policies.budget.mode=hard,soft').values.map((v) => v.value)).toEqual(['hard', 'soft']);
  });

  it('names --vary and the path in every error', () => {
    expect(message(() => parseVary('demand.scale'))).toMatch(/^--vary: 'demand.scale' is not path=values \(fix: e\.g\. --vary/);
    expect(message(() => parseVary('demand.scale='))).toMatch(/^--vary demand\.scale: the list of values is empty/);
    expect(message(() => parseVary('demand.scale=,'))).toMatch(/the list of values is empty/);
    expect(message(() => parseVary('demand.scale=1,,2'))).toMatch(
      /^--vary demand\.scale: empty value in '1,,2' \(fix: remove the extra comma\)/,
    );
    expect(message(() => parseVary('demand..scale=1'))).toMatch(/is not a dotted scenario path/);
    expect(message(() => parseVary('demand.scale=1..x:3'))).toMatch(/^--vary demand\.scale: range '1\.\.x:3'/);
    expect(message(() => parseVary('demand.scale=0.5..1:3,1'))).toBe(
      '--vary demand.scale: 1 is listed twice (fix: list each value once; ranges include both ends)',
    );
  });

  it('refuses a path varied twice', () => {
    expect(message(() => checkDistinctPaths([parseVary('a=1'), parseVary('b=1'), parseVary('a=2')]))).toMatch(
      /--vary a: the path is varied twice/,
    );
  });
});

describe('the grid', () => {
  const axes: VaryAxis[] = [parseVary('a=1,2'), parseVary('b=x,y,z')];

  it('is the Cartesian product with the first axis slowest', () => {
    expect(gridSize(axes)).toBe(6);
    expect(expandGrid(axes)).toEqual([
      [0, 0],
      [0, 1],
      [0, 2],
      [1, 0],
      [1, 1],
      [1, 2],
    ]);
    expect(expandGrid([])).toEqual([[]]);
  });

  it('refuses more points than the limit unless forced, saying how many and how to proceed', () => {
    const big = [parseVary('a=0..1:30'), parseVary('b=0..1:20')];
    expect(message(() => checkGridSize(big, false))).toBe(
      '--vary: the grid has 600 points (30 x 20), more than 500 (fix: use fewer values or shorter ranges, or pass --force to run it anyway)',
    );
    expect(() => checkGridSize(big, true)).not.toThrow();
    expect(() => checkGridSize(axes, false, 6)).not.toThrow();
    expect(() => checkGridSize(axes, false, 5)).toThrow(/6 points/);
  });
});

describe('point overrides', () => {
  const scenario = { workloads: [{ demand: { scale: 60 } }, { demand: { scale: 24 } }] } as unknown as Scenario;

  it("demand.scale multiplies every workload's own scale", () => {
    const axis = parseVary('demand.scale=0.75');
    expect(axisOverrides(axis, axis.values[0]!, scenario)).toEqual(['workloads.0.demand.scale=45', 'workloads.1.demand.scale=18']);
  });

  it('other paths pass through as --set text, axis by axis', () => {
    const axes = [parseVary('policies.headroom=0.1,0.2'), parseVary('regions=[eastus],[westus2]')];
    expect(pointOverrides(axes, [1, 0], scenario)).toEqual(['policies.headroom=0.2', 'regions=[eastus]']);
  });

  it('demand.scale must be a positive number', () => {
    for (const bad of ['x', '-1', '0']) {
      const axis = parseVary(`demand.scale=${bad}`);
      expect(message(() => axisOverrides(axis, axis.values[0]!, scenario))).toMatch(
        new RegExp(`^--vary demand\\.scale: '${bad}' is not a positive number`),
      );
    }
  });
});
