import { describe, expect, it } from 'vitest';
import { LinearExpr, Problem, checkFeasibility, linear, objectiveValue, rowActivities, sum } from '../../src/lp/index.js';

describe('Problem.compile', () => {
  it('merges repeated columns, drops zeros, sorts columns and moves constants to the right-hand side', () => {
    const p = new Problem();
    const x = p.addVariable({ label: 'x' });
    const y = p.addVariable({ label: 'y' });
    const z = p.addVariable({ label: 'z' });
    p.addConstraint('row', new LinearExpr().add(z, 2).add(x, 1).add(x, 2).add(y, 1).add(y, -1).addConstant(3), '<=', 10);
    const program = p.compile();
    expect(Array.from(program.rowColumns)).toEqual([0, 2]);
    expect(Array.from(program.rowValues)).toEqual([3, 2]);
    expect(program.rowLower[0]).toBe(-Infinity);
    expect(program.rowUpper[0]).toBe(7);
  });

  it('encodes senses as row bounds', () => {
    const p = new Problem();
    const x = p.addVariable({ label: 'x' });
    p.addConstraint('le', sum([x]), '<=', 1);
    p.addConstraint('ge', sum([x]), '>=', 2);
    p.addConstraint('eq', sum([x]), '=', 3);
    const program = p.compile();
    expect(Array.from(program.rowLower)).toEqual([-Infinity, 2, 3]);
    expect(Array.from(program.rowUpper)).toEqual([1, Infinity, 3]);
    expect(program.rowLabels).toEqual(['le', 'ge', 'eq']);
  });

  it('binaries are integers bounded to [0, 1]; integers keep their bounds', () => {
    const p = new Problem();
    p.addVariable({ label: 'b', type: 'binary', upper: 5 });
    p.addVariable({ label: 'n', type: 'integer', lower: -3, upper: 8 });
    p.addVariable({ label: 'c', lower: -Infinity });
    const program = p.compile();
    expect(Array.from(program.integrality)).toEqual([1, 1, 0]);
    expect(Array.from(program.columnLower)).toEqual([0, -3, -Infinity]);
    expect(Array.from(program.columnUpper)).toEqual([1, 8, Infinity]);
  });

  it('sums repeated objective columns and keeps the constant', () => {
    const p = new Problem();
    const x = p.addVariable({ label: 'x', objective: 1 });
    const y = p.addVariable({ label: 'y' });
    p.setObjective(
      linear(
        [
          [x, 2],
          [y, 1],
          [x, 3],
        ],
        4,
      ),
      'maximize',
    );
    p.addObjectiveTerm(y, 0.5);
    const program = p.compile();
    expect(Array.from(program.objective)).toEqual([5, 1.5]);
    expect(program.objectiveConstant).toBe(4);
    expect(program.direction).toBe('maximize');
    expect(objectiveValue(program, [1, 2])).toBe(12);
  });

  it('rejects non-finite coefficients and foreign columns when they are added', () => {
    const p = new Problem();
    const x = p.addVariable({ label: 'x' });
    expect(() => p.addConstraint('nan', new LinearExpr().add(x, Number.NaN), '<=', 1)).toThrow(/coefficient of x in nan is NaN/);
    expect(() => p.addConstraint('inf', sum([x]), '<=', Infinity)).toThrow(/right-hand side of inf/);
    expect(() => p.addConstraint('foreign', new LinearExpr().add(7, 1), '<=', 1)).toThrow(/column 7 does not belong/);
    expect(() => p.addVariable({ label: 'bad', objective: Number.POSITIVE_INFINITY })).toThrow(/objective coefficient of bad/);
  });

  it('returns a frozen program that later changes to the problem do not touch', () => {
    const p = new Problem();
    const x = p.addVariable({ label: 'x' });
    p.addConstraint('r', sum([x]), '<=', 1);
    const program = p.compile();
    p.addVariable({ label: 'y' });
    p.addConstraint('s', sum([x]), '>=', 0);
    expect(program.objective).toHaveLength(1);
    expect(program.rowLower).toHaveLength(1);
    expect(Object.isFrozen(program)).toBe(true);
  });

  it('builds a 200,000-column problem with long rows in linear time and memory', () => {
    const p = new Problem();
    const columns = 200_000;
    const variables = Array.from({ length: columns }, (_, j) => p.addVariable({ label: `x[${j}]`, objective: 1 }));
    for (let row = 0; row < 100; row++) {
      const expr = new LinearExpr();
      for (let j = row; j < columns; j += 100) expr.add(variables[j]!, 1);
      p.addConstraint(`cover[${row}]`, expr, '>=', 1);
    }
    p.addConstraint('all', sum(variables), '<=', columns);
    const program = p.compile();
    expect(program.rowValues).toHaveLength(2 * columns);
    expect(program.rowStarts[program.rowStarts.length - 1]).toBe(2 * columns);
  });
});

describe('checkFeasibility', () => {
  const build = () => {
    const p = new Problem();
    const x = p.addVariable({ label: 'x', type: 'integer', upper: 4 });
    const y = p.addVariable({ label: 'y', lower: -1 });
    p.addConstraint(
      'cap',
      linear([
        [x, 1],
        [y, 1],
      ]),
      '<=',
      5,
    );
    p.addConstraint(
      'floor',
      linear([
        [x, 2],
        [y, -1],
      ]),
      '>=',
      1,
    );
    p.setObjective(
      linear(
        [
          [x, 3],
          [y, 1],
        ],
        1,
      ),
    );
    return p.compile();
  };

  it('accepts a feasible point and reports its objective and activities', () => {
    const program = build();
    const report = checkFeasibility(program, [2, 1]);
    expect(report.feasible).toBe(true);
    expect(report.maxViolation).toBe(0);
    expect(report.objective).toBe(8);
    expect(Array.from(rowActivities(program, [2, 1]))).toEqual([3, 3]);
  });

  it('lists row, bound and integrality violations, largest first, with the numbers', () => {
    const program = build();
    const report = checkFeasibility(program, [4.5, -3]);
    expect(report.feasible).toBe(false);
    expect(report.violations.map((v) => [v.kind, v.label, v.amount])).toEqual([
      ['bound', 'y', 2],
      ['bound', 'x', 0.5],
      ['integrality', 'x', 0.5],
    ]);
    const rowReport = checkFeasibility(program, [4, 3]);
    expect(rowReport.violations).toEqual([{ kind: 'row', index: 0, label: 'cap', value: 7, lower: -Infinity, upper: 5, amount: 2 }]);
    expect(rowReport.maxViolation).toBe(2);
  });

  it('tolerates violations below the tolerance', () => {
    const program = build();
    expect(checkFeasibility(program, [2 + 1e-9, 3]).feasible).toBe(true);
    expect(checkFeasibility(program, [2 + 1e-3, 3]).feasible).toBe(false);
    expect(() => checkFeasibility(program, [1])).toThrow(/1 entries; the program has 2 columns/);
  });
});
