import { describe, expect, it } from 'vitest';
import { planObjective } from '../../src/capacity/solve.js';
import type { PlanningInput } from '../../src/capacity/types.js';
import { AGH_DEFAULTS, type AghOptions, adaptiveGreedySearch, aghSettings } from '../../src/heuristics/agh.js';
import { greedyPlan } from '../../src/heuristics/gh.js';
import { checkPlan } from '../../src/validate/check-plan.js';
import { randomTinyInput } from '../support/tiny-planning.js';

/**
 * randomTinyInput stretched over 3-5 windows with start-ups, model loads and (on some seeds) a scale-out limit or a
 * hard budget: the cases where a change in one window moves the next window's cost, which AGH must charge.
 */
function coupledInput(seed: number): PlanningInput {
  const base = randomTinyInput(seed);
  const count = 3 + (seed % 3);
  const windows = Array.from({ length: count }, (_, t) => ({ start: `2024-05-10T${String(t).padStart(2, '0')}:00:00Z`, hours: 1 }));
  // Demand that rises and falls, so that VMs bought in one window may be kept, dropped or bought again.
  const demand = base.demand.map((byOrigin) =>
    byOrigin.map((series, o) => windows.map((_, t) => Math.round((series[0] ?? 1) * (1 + 0.8 * Math.sin(t * 1.7 + o + seed)) * 10) / 10)),
  );
  const policies: PlanningInput['policies'] = { ...base.policies, startupHours: 1.5 };
  if (seed % 4 === 1) policies.maxScaleOutPerWindow = 1;
  const input: PlanningInput = {
    ...base,
    windows,
    demand,
    candidates: base.candidates.map((c, i) => (i % 2 === 0 ? { ...c, loadHours: 1 } : c)),
    policies,
  };
  if (seed % 4 === 3) {
    const spent = greedyPlan(input).totals.costUsd;
    input.policies = { ...policies, budget: { usd: Math.max(1, spent * 0.8), mode: 'hard' } };
  }
  return input;
}

const SEEDS = Array.from({ length: 160 }, (_, i) => i + 1);
const KNOBS: AghOptions[] = [{}, { starts: 1, moves: 1 }, { starts: 3, moves: 16, slackShare: 0 }, { starts: 4, moves: 2, passes: 1 }];

describe('AGH against GH', () => {
  it.each(SEEDS)('seed %i: AGH is feasible where GH is and never worse than GH, whatever its knobs', (seed) => {
    for (const input of [randomTinyInput(seed), coupledInput(seed)]) {
      const ghPlan = greedyPlan(input);
      const gh = planObjective(input, ghPlan);
      // Every constraint holds, a hard budget included: each window's share caps its VMs and its model loads.
      expect(checkPlan(input, ghPlan).violations).toEqual([]);
      for (const knobs of KNOBS) {
        const { plan } = adaptiveGreedySearch(input, { seed, ...knobs });
        expect(checkPlan(input, plan).violations).toEqual([]);
        expect(planObjective(input, plan)).toBeLessThanOrEqual(gh + 1e-9);
      }
    }
  });

  it('with no moves and one start, AGH is GH byte for byte', () => {
    for (const seed of SEEDS.slice(0, 10)) {
      const input = coupledInput(seed);
      const { plan, work } = adaptiveGreedySearch(input, { starts: 1, moves: 0 });
      expect(JSON.stringify(plan)).toBe(JSON.stringify(greedyPlan(input)));
      expect(work).toEqual({ windows: input.windows.length, extraStarts: 0, moves: 0, kept: 0, mostMovesPerStart: 0 });
    }
  });

  it('improves on GH somewhere among the coupled instances (the search is not idle)', () => {
    const better = SEEDS.filter((seed) => {
      const input = coupledInput(seed);
      return planObjective(input, adaptiveGreedySearch(input, { seed }).plan) < planObjective(input, greedyPlan(input)) - 1e-6;
    });
    expect(better.length).toBeGreaterThan(0);
  });
});

describe("AGH's work budget", () => {
  it('is a count: the same work and plan on every run, within the budget the knobs set', () => {
    for (const seed of [2, 5, 11, 23]) {
      const input = coupledInput(seed);
      for (const knobs of KNOBS) {
        const settings = aghSettings(knobs);
        const first = adaptiveGreedySearch(input, { seed, ...knobs });
        const again = adaptiveGreedySearch(input, { seed, ...knobs });
        expect(again.work).toEqual(first.work);
        expect(JSON.stringify(again.plan)).toBe(JSON.stringify(first.plan));
        const { work } = first;
        expect(work.windows).toBe(input.windows.length);
        expect(work.extraStarts).toBeLessThanOrEqual(work.windows * (settings.starts - 1));
        expect(work.mostMovesPerStart).toBeLessThanOrEqual(settings.moves);
        expect(work.moves).toBeLessThanOrEqual((work.windows + work.extraStarts) * settings.moves);
        expect(work.kept).toBeLessThanOrEqual(work.moves);
      }
    }
  });

  it('runs extra starts only in windows with slack: none at a slack share no window reaches, every window at 0', () => {
    const input = coupledInput(6);
    expect(adaptiveGreedySearch(input, { starts: 3, slackShare: 1e9 }).work.extraStarts).toBe(0);
    expect(adaptiveGreedySearch(input, { starts: 3, slackShare: 0 }).work.extraStarts).toBe(2 * input.windows.length);
  });

  it('fills in the defaults and rounds counts down', () => {
    expect(aghSettings()).toEqual(AGH_DEFAULTS);
    expect(aghSettings({ starts: 0, moves: 2.7, passes: -1, slackShare: -1 })).toEqual({
      ...AGH_DEFAULTS,
      starts: 1,
      moves: 2,
      passes: 0,
      slackShare: 0,
    });
  });
});
