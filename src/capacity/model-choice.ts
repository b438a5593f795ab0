import type { LlmChoice, Plan, PlanningInput } from './types.js';

/**
 * Which llms served each workload and why they were allowed: the model choice a plan states (plan.json
 * `modelChoice`, the reports). Shares are of the requests served over the horizon; quality is the
 * demand-weighted catalog qualityScore of those requests (null when nothing was served). A workload split
 * into size classes is stated once, over all its classes, with each class's figures in `classes`.
 */
export interface ModelChoice {
  workload: string;
  llmChoice: LlmChoice;
  /** The llms the solver was allowed to use: one when pinned (first). */
  allowedLlms: string[];
  minQuality: number | null;
  /** Share of the workload's served requests per llm that served some; sorted by llm id. */
  servedShareByLlm: Record<string, number>;
  qualityServed: number | null;
  /** Size classes (sizeClasses > 1): the same figures per planning unit `<workload>#<c>`. */
  classes?: ClassModelChoice[];
}

export interface ClassModelChoice {
  unit: string;
  servedShareByLlm: Record<string, number>;
  qualityServed: number | null;
}

export function summariseModelChoice(input: PlanningInput, plan: Plan): ModelChoice[] {
  const candidateLlms = [...new Set(input.candidates.map((c) => c.llm))].sort();
  const requestsByUnit = new Map<string, Map<string, number>>();
  for (const window of plan.windows)
    for (const route of window.routes) {
      const byLlm = requestsByUnit.get(route.workload) ?? new Map<string, number>();
      byLlm.set(route.llm, (byLlm.get(route.llm) ?? 0) + route.requestsPerSec * 3600 * window.hours);
      requestsByUnit.set(route.workload, byLlm);
    }
  const served = (units: readonly string[]) => {
    const byLlm = new Map<string, number>();
    for (const unit of units) for (const [llm, n] of requestsByUnit.get(unit) ?? []) byLlm.set(llm, (byLlm.get(llm) ?? 0) + n);
    return shares(input, byLlm);
  };
  const unitsOf = new Map((input.sizeClasses ?? []).map((w) => [w.workload, w.classes.map((c) => c.unit)]));
  const parentOf = new Map([...unitsOf].flatMap(([workload, units]) => units.map((unit) => [unit, workload] as const)));
  const choices: ModelChoice[] = [];
  for (const workload of input.workloads) {
    const parent = parentOf.get(workload.id);
    // A split workload's units are its classes, in order: state the workload at its first class.
    if (parent !== undefined && unitsOf.get(parent)![0] !== workload.id) continue;
    const units = parent === undefined ? [workload.id] : unitsOf.get(parent)!;
    choices.push({
      workload: parent ?? workload.id,
      llmChoice: workload.llmChoice ?? 'cheapest',
      allowedLlms: [...(workload.llms ?? candidateLlms)],
      minQuality: workload.minQuality ?? null,
      ...served(units),
      ...(parent === undefined ? {} : { classes: units.map((unit) => ({ unit, ...served([unit]) })) }),
    });
  }
  return choices;
}

function shares(
  input: PlanningInput,
  requestsByLlm: ReadonlyMap<string, number>,
): { servedShareByLlm: Record<string, number>; qualityServed: number | null } {
  const served = [...requestsByLlm.values()].reduce((a, b) => a + b, 0);
  const weighted = [...requestsByLlm].reduce((sum, [llm, n]) => sum + n * (input.llmQuality?.get(llm) ?? 0), 0);
  const byLlm = [...requestsByLlm].filter(([, n]) => n > 0).sort(([a], [b]) => (a < b ? -1 : 1));
  return {
    servedShareByLlm: Object.fromEntries(byLlm.map(([llm, n]) => [llm, round(n / served)])),
    qualityServed: served > 0 && input.llmQuality ? round(weighted / served) : null,
  };
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
