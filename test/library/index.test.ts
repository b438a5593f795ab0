import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as planner from '../../src/index.js';
import { loadScenarioFile, PlanDocumentSchema, planScenario, validatePlan, withResilienceCost, planOf } from '../../src/index.js';

const TINY = join(import.meta.dirname, '..', 'fixtures', 'scenarios', 'tiny.yaml');

describe('the library (src/index.ts)', () => {
  it('exports the entry points the README documents', () => {
    for (const name of [
      'loadScenarioFile',
      'planScenario',
      'validatePlan',
      'simulateScenario',
      'sweepScenario',
      'parsePlanDocument',
      'calibrateScenario',
    ]) {
      expect(typeof (planner as Record<string, unknown>)[name]).toBe('function');
    }
  });

  it('plans a loaded scenario into plan.json content, with progress as a callback and the overrides recorded', async () => {
    const loaded = await loadScenarioFile(TINY, { set: ['horizon.windows=2'] });
    const calls: [number, number][] = [];
    const { result, document } = await planScenario(loaded, { solver: 'glpk', progress: (done, total) => calls.push([done, total]) });
    expect(result.plan.status).toBe('optimal');
    expect(PlanDocumentSchema.parse(document)).toEqual(document);
    // A library plan records the hashes of its inputs; the file only when written next to it (solve --out).
    expect(document.scenario).toEqual({ name: 'tiny', hash: loaded.hash, overrides: ['horizon.windows=2'], hashes: loaded.hashes });
    expect(calls.at(-1)?.[0]).toBe(calls.at(-1)?.[1]);
    const { check } = await validatePlan(loaded.input, planOf(document));
    expect(check.violations).toEqual([]);
  });

  it('withResilienceCost returns a new plan and leaves the one it was given alone', async () => {
    const loaded = await loadScenarioFile(TINY, { set: ['horizon.windows=1', 'policies.locality.nPlusOne=true'] });
    const { result } = await planScenario(loaded, { solver: 'glpk' });
    const before = JSON.stringify(result);
    const priced = await withResilienceCost(loaded.input, result, async () => result);
    expect(JSON.stringify(result)).toBe(before);
    expect(priced.plan.policies?.locality).toMatchObject({ resilienceCostUsd: 0 });
    expect(result.plan.policies?.locality?.resilienceCostUsd).toBeUndefined();
  });
});
