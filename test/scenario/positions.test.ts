import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { parseScenario } from '../../src/scenario/load.js';
import { ScenarioText } from '../../src/scenario/positions.js';

const TEXT = ['name: x', 'horizon:', '  start: 2024-05-10T00:00:00Z', 'workloads:', '  - id: a', '    slo: { ttftMs: 20 }', ''].join('\n');

describe('ScenarioText: where a field path sits in the YAML', () => {
  const source = new ScenarioText(TEXT);

  it('finds a key, a list item and a key inside a flow mapping, 1-based', () => {
    expect(source.locate(['horizon', 'start'])).toEqual({ line: 3, column: 3, exact: true });
    expect(source.locate(['workloads', 0])).toEqual({ line: 5, column: 5, exact: true });
    expect(source.locate(['workloads', 0, 'slo', 'ttftMs'])).toEqual({ line: 6, column: 12, exact: true });
  });

  it('gives the nearest written ancestor of a missing field, marked inexact', () => {
    expect(source.locate(['workloads', 0, 'slo', 'tpotMs'])).toEqual({ line: 6, column: 5, exact: false });
    expect(source.locate(['regions'])).toEqual({ line: 1, column: 1, exact: false });
  });

  it('names the field path around an offset (for syntax errors)', () => {
    expect(source.pathAt(TEXT.indexOf('ttftMs'))).toEqual(['workloads', '0', 'slo', 'ttftMs']);
  });
});

describe('parseScenario error text', () => {
  const issuesOf = (text: string) => {
    try {
      parseScenario(text, 's.yaml');
    } catch (error) {
      if (error instanceof InputError) return error.issues;
      throw error;
    }
    throw new Error('expected an InputError');
  };

  it('puts the line of the field, its path, and a fix on each issue', () => {
    const issues = issuesOf(`${TEXT}policies:\n  budget: 300\n`);
    const budget = issues.find((i) => i.field === 'policies.budget')!;
    expect(budget).toMatchObject({ file: 's.yaml', line: 8, column: 3 }); // TEXT is 6 lines; policies: is 7;
    expect(budget.fix).toMatch(/^write budget: \{ usd: N, mode: hard\|soft \} \(spending limit/);
    const missing = issues.find((i) => i.field === 'workloads.0.slo.tpotMs')!;
    expect(missing).toMatchObject({ line: 6, message: 'missing tpotMs' });
    expect(missing.fix).toMatch(/^add tpotMs: N \(time per output token/);
  });

  it('points a syntax error at its line with a fix for the YAML code', () => {
    const [issue] = issuesOf('name: x\nhorizon:\n\twindows: 3\n');
    expect(issue).toMatchObject({ line: 3, message: expect.stringMatching(/^not valid YAML: Tabs/) });
    expect(issue!.fix).toMatch(/spaces/);
  });
});
