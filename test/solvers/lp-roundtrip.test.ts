import { describe, expect, it } from 'vitest';
import { readLpText, writeLpText } from '../../src/lp/index.js';
import { solveLpText } from '../../src/solvers/highs.js';
import { getSolver } from '../../src/solvers/registry.js';
import { hasCommand, solveNative, type NativeSolver } from '../support/native-solvers.js';
import { conformanceCases } from './cases.js';

// Cases whose answer does not depend on the machine (no time limit) and that reach a backend.
const roundTripCases = conformanceCases.filter((c) => c.deterministic && c.expect.status !== 'error');

describe('LP text round trip between backends', () => {
  it.each(roundTripCases.map((c) => [c.name, c] as const))('%s: glpk on the program = HiGHS on its LP text', async (_name, testCase) => {
    const program = testCase.build();
    const direct = await (await getSolver('glpk')).solve(program);
    const viaText = await solveLpText(writeLpText(program));
    expect(viaText.status, viaText.rawStatus).toBe(direct.status);
    if (direct.status === 'optimal') expect(viaText.objective).toBeCloseTo(direct.objective!, 6);
  });

  it.each(roundTripCases.map((c) => [c.name, c] as const))(
    '%s: HiGHS on the program = glpk on the re-read LP text',
    async (_name, testCase) => {
      const program = testCase.build();
      const direct = await (await getSolver('highs')).solve(program);
      const reread = readLpText(writeLpText(program, { names: 'labels' }));
      const viaText = await (await getSolver('glpk')).solve(reread);
      expect(viaText.status, viaText.rawStatus).toBe(direct.status);
      if (direct.status === 'optimal') expect(viaText.objective).toBeCloseTo(direct.objective!, 6);
    },
  );
});

for (const native of ['glpsol', 'cbc'] as NativeSolver[]) {
  const available = hasCommand(native);
  if (!available) {
    it.skip(`${native} cross-check skipped: '${native}' is not installed (Debian: ${native === 'glpsol' ? 'glpk-utils' : 'coinor-cbc'})`, () => {});
    continue;
  }
  describe(`LP files solved by native ${native}`, () => {
    it.each(roundTripCases.map((c) => [c.name, c] as const))('%s', async (_name, testCase) => {
      const program = testCase.build();
      const text = writeLpText(program, { names: 'labels' });
      const native_ = solveNative(native, text);
      if (testCase.expect.status === 'optimal') {
        expect(native_.status, native_.output).toBe('optimal');
        expect(native_.objective).toBeCloseTo(testCase.expect.objective!, 6);
      } else if (native_.status === 'infeasible_or_unbounded') {
        expect(['infeasible', 'unbounded']).toContain(testCase.expect.status);
      } else if (native_.status === 'other' && /incorrect bounds|lower bound .* upper bound/i.test(native_.output)) {
        // The file itself declares lower > upper: both native readers reject it outright, which is the right answer.
        expect(testCase.expect.status).toBe('infeasible');
      } else {
        expect(native_.status, native_.output).toBe(testCase.expect.status);
      }
    });
  });
}
