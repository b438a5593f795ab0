import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildProblem } from '../../src/capacity/formulation.js';
import { COLUMN_GENERATION_COLUMNS, SEED_WINDOWS, columnGenerationFits, horizonLpByColumns } from '../../src/capacity/horizon-columns.js';
import { estimateColumnsPerWindow, usesColumnGeneration } from '../../src/capacity/solve.js';
import type { PlanningInput } from '../../src/capacity/types.js';
import { DEFAULT_SCENARIO, loadScenarioFile, planScenario, validatePlan } from '../../src/index.js';
import { linearRelaxation } from '../../src/lp/index.js';
import { compareStrings } from '../../src/order.js';
import { getSolver } from '../../src/solvers/registry.js';

/**
 * The horizon LP by column generation (src/capacity/horizon-columns.ts) is exact: on small horizons whose
 * full LP solves in a moment, its optimum equals the full LP's (1e-7 relative) whatever the policies its
 * pricing covers (spot pools and share, quotas, a current fleet, scaling limits, model loads), on both
 * backends, while it builds only part of the configs.
 */
const BROAD = [
  'horizon.windows=6',
  'regions=[eastus, westus2, southcentralus, centralus, eastus2]',
  'purchases=[on-demand, spot]',
  'workloads.0.llms=[llama-3.1-8b, mistral-7b, llama-3.2-3b, qwen2.5-32b]',
  'workloads.0.llmChoice=cheapest',
  'workloads.1.llms=[llama-3.1-70b, qwen2.5-32b, mixtral-8x7b]',
  'workloads.1.llmChoice=cheapest',
];
const CASES: [string, string[]][] = [
  ['on-demand and spot, one pool', BROAD],
  ['spot pools apart (eviction) and a spot share', [...BROAD, 'policies.spot.evictionProbability=0.2', 'policies.spot.maxShare=0.4']],
  [
    'a binding quota, a current fleet and a scaling limit',
    [
      ...BROAD,
      'policies.quotas=[{region: eastus, gpu: H100-80GB, gpus: 16}, {region: westus2, gpu: A100-80GB, gpus: 8}]',
      'policies.currentFleet=[{region: westus2, sku: NC96ads_A100_v4, count: 3}]',
      'policies.maxScaleOutPerWindow=6',
    ],
  ],
];

/** Every region, sku and llm of the catalog (cheapest chosen), on-demand and spot: bench/scale.bench.ts's wide instance. */
function csvIds(file: string): string[] {
  const lines = readFileSync(join(process.cwd(), 'models', file), 'utf8')
    .trim()
    .split('\n')
    .slice(1);
  return [...new Set(lines.map((line) => line.split(',')[0]!))].sort(compareStrings);
}
const WIDE = [
  `regions=[${csvIds('regions.csv').join(', ')}]`,
  `skus=[${csvIds('skus.csv').join(', ')}]`,
  'purchases=[on-demand, spot]',
  ...[0, 1].flatMap((w) => [`workloads.${w}.llms=[${csvIds('llms.csv').join(', ')}]`, `workloads.${w}.llmChoice=cheapest`]),
];

async function load(set: string[]): Promise<PlanningInput> {
  return (await loadScenarioFile(DEFAULT_SCENARIO, { set })).input;
}

describe('the horizon LP by column generation', () => {
  describe.each(['highs', 'glpk'])('%s', (backend) => {
    it.each(CASES)('%s: the full LP optimum, from part of the configs', async (_name, set) => {
      const input = await load(set);
      expect(columnGenerationFits(input)).toBe(true);
      const solver = await getSolver(backend);
      const run = (program: Parameters<typeof solver.solve>[0]) => solver.solve(program);
      const full = await solver.solve(linearRelaxation(buildProblem(input).program));
      expect(full.status).toBe('optimal');
      const generated = await horizonLpByColumns(input, run);
      if (!('built' in generated)) throw new Error(generated.failed);
      const relative = Math.abs(generated.solution.objective! - full.objective!) / Math.abs(full.objective!);
      expect(relative).toBeLessThanOrEqual(1e-7);
      // It priced (more than one round) and left configs out: the test exercises the pricing, not a full LP.
      expect(generated.rounds).toBeGreaterThan(1);
      expect(generated.configs).toBeLessThan(generated.totalConfigs);
      expect(generated.built.program.objective.length).toBeLessThan(full.values!.length);
    });
  });

  it("the restricted LPs' optima fall round by round to the full LP's: an unconverged one is no bound", async () => {
    const input = await load(CASES[0]![1]);
    const highs = await getSolver('highs');
    const objectives: number[] = [];
    const generated = await horizonLpByColumns(input, async (program) => {
      const solution = await highs.solve(program);
      objectives.push(solution.objective!);
      return solution;
    });
    expect('built' in generated).toBe(true);
    // Each round adds columns to a minimisation: its optimum never rises (to the solver's tolerance), and the
    // first round's was strictly above the optimum, so returning it would have claimed a bound that is none.
    for (let k = 1; k < objectives.length; k++) expect(objectives[k]!).toBeLessThanOrEqual(objectives[k - 1]! * (1 + 1e-9));
    expect(objectives[0]!).toBeGreaterThan(objectives.at(-1)! * (1 + 1e-6));
  });

  it('applies by the rule: not to the default week, to every region and sku over a week, never with uncovered policies', async () => {
    const week = await load([]);
    expect(estimateColumnsPerWindow(week) * week.windows.length).toBeLessThan(COLUMN_GENERATION_COLUMNS);
    expect(usesColumnGeneration(week)).toBe(false);
    const wide = await load([...BROAD.slice(1), 'horizon.windows=168']);
    expect(estimateColumnsPerWindow(wide) * wide.windows.length).toBeGreaterThanOrEqual(COLUMN_GENERATION_COLUMNS);
    expect(usesColumnGeneration(wide)).toBe(true);
    for (const policy of ['policies.spot.onDemandCoversInteractive=0.5', 'policies.kvMemory=load', 'workloads.1.deadlineHours=4']) {
      const covered = await load([...BROAD.slice(1), 'horizon.windows=168', policy, 'policies.spot.evictionProbability=0.1']);
      expect(columnGenerationFits(covered), policy).toBe(false);
      expect(usesColumnGeneration(covered), policy).toBe(false);
    }
  });
  it('seeded by the first week on a horizon of two weeks: still the full LP optimum', async () => {
    const input = await load([
      `horizon.windows=${2 * SEED_WINDOWS}`,
      'workloads.0.demand.repeat=weekly',
      'regions=[eastus, westus2]',
      'workloads.0.llms=[llama-3.1-8b, mistral-7b, llama-3.2-3b]',
      'workloads.0.llmChoice=cheapest',
    ]);
    const highs = await getSolver('highs');
    const full = await highs.solve(linearRelaxation(buildProblem(input).program));
    const whats: string[] = [];
    const generated = await horizonLpByColumns(input, (program, what) => {
      whats.push(what);
      return highs.solve(program);
    });
    if (!('built' in generated)) throw new Error(generated.failed);
    expect(whats[0]).toMatch(/^the first week/);
    expect(whats.at(-1)).toMatch(/^the horizon LP/);
    expect(Math.abs(generated.solution.objective! - full.objective!) / Math.abs(full.objective!)).toBeLessThanOrEqual(1e-7);
  });

  it("lp-rolling with it: the plan validates, and its bound is the full horizon LP's", async () => {
    // Every catalog region and sku over 21 windows: just above the rule's column count.
    const loaded = await loadScenarioFile(DEFAULT_SCENARIO, { set: [...WIDE, 'horizon.windows=21'] });
    expect(usesColumnGeneration(loaded.input)).toBe(true);
    const { result } = await planScenario(loaded, {});
    expect(result.solver.reason).toMatch(/the horizon LP by column generation: \d+ of \d+ configs in \d+ rounds/);
    expect((await validatePlan(loaded.input, result.plan)).check.violations).toEqual([]);
    expect(result.plan.totals.unmetRequests).toBe(0);
    const full = await (await getSolver('highs')).solve(linearRelaxation(buildProblem(loaded.input).program));
    expect(Math.abs(result.solver.bound! - full.objective!) / full.objective!).toBeLessThanOrEqual(1e-7);
    expect(result.solver.gap!).toBeLessThanOrEqual(0.01);
  }, 120_000);
});
