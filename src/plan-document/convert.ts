import type { SolverReport } from '../capacity/solve.js';
import type { Plan } from '../capacity/types.js';
import type { InputHashes } from '../scenario/loaded.js';
import { withReplicaPools } from './read.js';
import { PLAN_SCHEMA_VERSION, type PlanDocument } from './schema.js';

/** A solved plan and its solver report as plan.json content; figures rounded so reruns are byte-identical. */
export function toPlanDocument(
  plan: Plan,
  solver: SolverReport,
  scenario: { name: string; hash: string; overrides: readonly string[]; file?: string; hashes?: InputHashes },
): PlanDocument {
  return {
    schemaVersion: PLAN_SCHEMA_VERSION,
    status: plan.status,
    scenario: {
      name: scenario.name,
      hash: scenario.hash,
      overrides: [...scenario.overrides],
      ...(scenario.file !== undefined ? { file: scenario.file } : {}),
      ...(scenario.hashes ? { hashes: { ...scenario.hashes } } : {}),
    },
    solver: {
      name: solver.name,
      strategy: solver.strategy,
      reason: solver.reason,
      seconds: Math.round(solver.seconds * 1000) / 1000,
      objective: solver.objective === undefined ? null : round(solver.objective, 4),
      bound: solver.bound === undefined ? null : round(solver.bound, 4),
      gap: solver.gap === undefined ? null : round(solver.gap, 6),
      windowsSolved: solver.windowsSolved,
      statuses: Object.fromEntries(Object.entries(solver.statuses).sort()),
    },
    ...(plan.policies ? { policies: plan.policies } : {}),
    ...(plan.sizeClasses ? { sizeClasses: plan.sizeClasses } : {}),
    ...(plan.modelChoice ? { modelChoice: plan.modelChoice } : {}),
    ...(plan.budget ? { budget: { ...plan.budget } } : {}),
    ...(plan.commitments ? { commitments: plan.commitments } : {}),
    totals: { ...plan.totals, gpuHours: round(plan.totals.gpuHours, 4) },
    windows: plan.windows.map((window) => ({ ...window, gpuHours: round(window.gpuHours, 4) })),
  };
}

/** The Plan inside a document (for the checker, which must not trust the solver section). */
export function planOf(given: PlanDocument): Plan {
  const document = withReplicaPools(given);
  return {
    status: document.status,
    totals: document.totals,
    windows: document.windows,
    ...(document.policies ? { policies: document.policies } : {}),
    ...(document.sizeClasses ? { sizeClasses: document.sizeClasses } : {}),
    ...(document.modelChoice ? { modelChoice: document.modelChoice } : {}),
    ...(document.budget ? { budget: document.budget } : {}),
    ...(document.commitments ? { commitments: document.commitments } : {}),
  };
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
