import { describe, expect, it } from 'vitest';
import { RateLearner } from '../../src/calibrate/learn.js';
import { simulate } from '../../src/simulate/runner.js';
import { glpkSolve, simSmall } from '../simulate/support.js';

/**
 * A one-config fleet: each window the planner sizes replicas for the demand at its planned rate x its
 * factor (10% headroom); the replicas really serve `truth` x the planned rate. Returns per window the factor
 * planned with and the share of demand served.
 */
function loop(truth: number, windows: number, noise: (k: number) => number = () => 1) {
  const learner = new RateLearner();
  const planned = 10;
  const trace: { factor: number; served: number }[] = [];
  for (let k = 0; k < windows; k++) {
    const demand = 1000 + 200 * Math.sin(k);
    const factor = learner.factor('l', 'g', 1);
    const replicas = Math.ceil(demand / (0.9 * planned * factor));
    const actual = planned * truth * noise(k);
    const served = Math.min(demand, replicas * actual);
    trace.push({ factor, served: served / demand });
    learner.observe(k, [
      { llm: 'l', gpu: 'g', tp: 1, replicas, utilisation: served / (replicas * actual), plannedUtilisation: served / (replicas * planned) },
    ]);
  }
  return { learner, trace };
}

describe('the learning rule', () => {
  it('a rate 1.5x too optimistic: the factor reaches 1/1.5 after the first window and demand is served from the second', () => {
    const { learner, trace } = loop(1 / 1.5, 6);
    expect(trace[0]!.factor).toBe(1);
    expect(trace[0]!.served).toBeCloseTo(1 / 1.5 / 0.9, 1); // 1/1.5 of the capacity planned, with 10% headroom
    for (const step of trace.slice(1)) {
      expect(step.factor).toBeCloseTo(1 / 1.5, 6);
      expect(step.served).toBe(1);
    }
    expect(learner.settledFrom()).toBe(1);
    expect(learner.factors()).toEqual([
      { llm: 'l', gpu: 'g', tp: 1, factor: expect.closeTo(1 / 1.5, 6), observations: 6, firstChangedWindow: 0, lastChangedWindow: 0 },
    ]);
  });

  it('with a gentler down step it still converges within tolerance in a few windows', () => {
    const learner = new RateLearner({ down: 0.5 });
    for (let k = 0; k < 8; k++)
      learner.observe(k, [{ llm: 'l', gpu: 'g', tp: 1, replicas: 10, utilisation: 1, plannedUtilisation: 1 / 1.5 }]);
    // 1 -> 0.833 -> 0.75 -> 0.708 -> ... halving the gap each window, until inside the 0.5% band.
    expect(learner.factor('l', 'g', 1)).toBeGreaterThanOrEqual(1 / 1.5);
    expect(learner.factor('l', 'g', 1) / (1 / 1.5) - 1).toBeLessThan(0.005);
  });

  it('noisy observations: the factor follows their lower envelope (conservative), never above the truth for long', () => {
    const noise = (k: number) => 1 + 0.05 * Math.sin(2.3 * k);
    const { trace } = loop(0.8, 40, noise);
    const late = trace.slice(10).map((t) => t.factor);
    expect(Math.min(...late)).toBeGreaterThanOrEqual(0.8 * 0.95 - 1e-9);
    expect(Math.max(...late)).toBeLessThanOrEqual(0.8 * 1.05 + 1e-9);
    // With 10% headroom the demand is served in every window once the factor settled below 1.
    expect(trace.slice(1).every((t) => t.served > 0.99)).toBe(true);
  });

  it('recovery is slower than the fall, and a fleet serving what was planned keeps factor 1 exactly', () => {
    const learner = new RateLearner();
    learner.observe(0, [{ llm: 'l', gpu: 'g', tp: 1, replicas: 4, utilisation: 1, plannedUtilisation: 0.5 }]);
    expect(learner.factor('l', 'g', 1)).toBe(0.5);
    learner.observe(1, [{ llm: 'l', gpu: 'g', tp: 1, replicas: 4, utilisation: 0.5, plannedUtilisation: 0.5 }]);
    expect(learner.factor('l', 'g', 1)).toBeCloseTo(0.5 + 0.2 * 0.5, 12);
    const steady = new RateLearner();
    for (let k = 0; k < 5; k++) steady.observe(k, [{ llm: 'l', gpu: 'g', tp: 1, replicas: 4, utilisation: 0.7, plannedUtilisation: 0.7 }]);
    expect(steady.factor('l', 'g', 1)).toBe(1);
    expect(steady.settledFrom()).toBeUndefined();
  });

  it('an unobserved config plans with the pooled factor; a lightly loaded group is no evidence', () => {
    const learner = new RateLearner();
    learner.observe(0, [
      { llm: 'a', gpu: 'g', tp: 1, replicas: 4, utilisation: 0.9, plannedUtilisation: 0.6 },
      { llm: 'b', gpu: 'g', tp: 1, replicas: 4, utilisation: 0.1, plannedUtilisation: 0.01 },
    ]);
    expect(learner.factor('a', 'g', 1)).toBeCloseTo(2 / 3, 12);
    expect(learner.factor('b', 'g', 1)).toBeCloseTo(2 / 3, 12); // pooled: b's busy share is below the minimum
    expect(learner.factors().map((f) => f.llm)).toEqual(['a']);
  });
});

describe("simulate's planner learns from its own windows", () => {
  it('with rates 1.5x too optimistic it serves far more within SLO than without learning, and learns 1/1.5', async () => {
    const input = await simSmall();
    const options = {
      contenders: ['planner'] as const,
      days: 0.5,
      stress: { throughputOptimism: 1.5 },
      solve: await glpkSolve(),
      solverName: 'glpk',
      relativeGap: 0.01,
      timeLimitSec: 10,
    };
    const learned = (await simulate(input, options)).contenders[0]!;
    const fixed = (await simulate(input, { ...options, learnRates: false })).contenders[0]!;
    expect(fixed.learning).toBeUndefined();
    expect(fixed.totals.attainment).toBeLessThan(0.98);
    expect(learned.totals.attainment).toBeGreaterThan(0.995);
    // From the second window on (planned after one observation) nothing is unmet; without learning some is.
    const short = (r: typeof learned) => r.windows.filter((w) => w.index >= 25 && w.unmetRps > 1e-6 * w.demandRps).length;
    expect(short(learned)).toBe(0);
    expect(short(fixed)).toBeGreaterThan(0);
    expect(learned.learning!.factors.length).toBeGreaterThan(0);
    for (const f of learned.learning!.factors) expect(f.factor).toBeCloseTo(1 / 1.5, 6);
    expect(learned.learning!.settledFrom).toBe(25);
  });

  it('without stress the planner plans exactly as without learning', async () => {
    const input = await simSmall();
    const options = {
      contenders: ['planner'] as const,
      days: 0.5,
      solve: await glpkSolve(),
      solverName: 'glpk',
      relativeGap: 0.01,
      timeLimitSec: 10,
    };
    const learned = (await simulate(input, options)).contenders[0]!;
    const fixed = (await simulate(input, { ...options, learnRates: false })).contenders[0]!;
    expect(learned.fleets).toEqual(fixed.fleets);
    expect(learned.learning!.factors.every((f) => f.factor === 1)).toBe(true);
  });
});
