import { describe, expect, it } from 'vitest';
import { buildProblem } from '../../src/capacity/formulation.js';
import { planCapacity, planObjective } from '../../src/capacity/solve.js';
import type { PlanningInput } from '../../src/capacity/types.js';
import { solveExhaustive } from '../../src/heuristics/exhaustive.js';
import { writeLpText } from '../../src/lp/index.js';
import { getSolver } from '../../src/solvers/registry.js';
import { checkPlan } from '../../src/validate/check-plan.js';
import { hasCommand, solveNative } from '../support/native-solvers.js';
import { randomTinyInput } from '../support/tiny-planning.js';

/**
 * The same instance counted in tokens instead of requests: per-replica rates and demand x k, the penalty per
 * request / k. The optimum in USD is unchanged, and every backend must find it whatever the scale.
 */
function countedInTokens(input: PlanningInput, k: number): PlanningInput {
  return {
    ...input,
    candidates: input.candidates.map((c) => ({
      ...c,
      requestsPerSecByWorkload: new Map([...c.requestsPerSecByWorkload].map(([w, rate]) => [w, rate * k])),
    })),
    demand: input.demand.map((origins) => origins.map((series) => series.map((d) => d * k))),
    workloads: input.workloads.map((w) => ({ ...w, unmetPenaltyUsdPerRequest: w.unmetPenaltyUsdPerRequest / k })),
  };
}

const SEEDS = Array.from({ length: 20 }, (_, i) => i + 1);
const K = 1e5; // the tiny instances' 0.8-6 req/s per replica become 0.8e5-6e5: one request is one token
const CBC = hasCommand('cbc');

describe('per-replica rates of about 2e5 req/s solve to the same optimum on every backend', () => {
  it.each(SEEDS)('seed %i: glpk.js, HiGHS and auto equal the exhaustive optimum, and the plan checks', async (seed) => {
    const input = countedInTokens(randomTinyInput(seed), K);
    const oracle = solveExhaustive(input).objective;
    for (const name of ['glpk', 'highs', 'auto']) {
      const solver = await getSolver(name);
      const { plan } = await planCapacity(input, (program, options) => solver.solve(program, options), name, {
        strategy: 'joint',
        relativeGap: 1e-9,
      });
      expect(Math.abs(planObjective(input, plan) - oracle), `${name}`).toBeLessThanOrEqual(0.01 * input.windows.length + 1e-6 * oracle);
      expect(checkPlan(input, plan).violations).toEqual([]);
    }
  });

  it.skipIf(!CBC)(
    `native CBC on the exported LP finds the same optimum${CBC ? '' : ' (skipped: cbc is not installed; apt-get install coinor-cbc)'}`,
    async () => {
      for (const seed of SEEDS.slice(0, 8)) {
        const input = countedInTokens(randomTinyInput(seed), K);
        const oracle = solveExhaustive(input).objective;
        const native = solveNative('cbc', writeLpText(buildProblem(input).program));
        expect(native.status).toBe('optimal');
        expect(Math.abs(native.objective! - oracle)).toBeLessThanOrEqual(0.01 * input.windows.length + 1e-6 * oracle);
      }
    },
  );

  it('the program itself is well scaled: capacity and demand coefficients stay near 1 at any request scale', () => {
    for (const k of [1e-3, 1, 1e5, 1e6]) {
      const { program } = buildProblem(countedInTokens(randomTinyInput(3), k));
      const magnitudes = Array.from(program.rowValues, Math.abs).filter((v) => v > 0);
      expect(Math.min(...magnitudes)).toBeGreaterThan(1e-2);
      expect(Math.max(...magnitudes)).toBeLessThan(1e3);
    }
  });
});
