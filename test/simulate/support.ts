import { join } from 'node:path';
import type { PlanningInput } from '../../src/capacity/types.js';
import { loadScenarioFile } from '../../src/index.js';
import { getSolver } from '../../src/solvers/registry.js';
import type { SolveFn } from '../../src/capacity/solve.js';
import { queueProfiles, type QueueProfileOf } from '../../src/simulate/queueing.js';

export const SIM_SMALL = join(import.meta.dirname, '..', 'fixtures', 'scenarios', 'sim-small.yaml');

export async function simSmall(overrides: string[] = []): Promise<PlanningInput> {
  return (await loadScenarioFile(SIM_SMALL, { set: overrides })).input;
}

/** sim-small's input with the queue profiles the simulate command builds for it. */
export async function simSmallWithQueues(overrides: string[] = []): Promise<{ input: PlanningInput; queueProfile: QueueProfileOf }> {
  const loaded = await loadScenarioFile(SIM_SMALL, { set: overrides });
  return {
    input: loaded.input,
    queueProfile: queueProfiles(
      loaded.input,
      loaded.catalog,
      loaded.mixes,
      loaded.scenario.workloads.map((w) => w.slo),
      loaded.measuredProfiles,
    ),
  };
}

/** glpk.js: fastest on these small window MILPs (measured: 0.7 s for the planner's 24 hours vs 9 s HiGHS). */
export async function glpkSolve(): Promise<SolveFn> {
  const solver = await getSolver('glpk');
  return (program, options) => solver.solve(program, options);
}

export const SIM_SMALL_BATCH = join(import.meta.dirname, '..', 'fixtures', 'scenarios', 'sim-small-batch.yaml');

/** sim-small plus a deferrable batch workload (6 h deadline) on code's llm. */
export async function simSmallBatch(overrides: string[] = []): Promise<PlanningInput> {
  return (await loadScenarioFile(SIM_SMALL_BATCH, { set: overrides })).input;
}
