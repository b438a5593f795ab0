import type { LlmChoice, Plan, PlanningInput } from './types.js';

/**
 * Which llms served each workload and why they were allowed: the model choice a plan states (plan.json
 * `modelChoice`, the reports). Shares are of the requests served over the horizon; quality is the
 * demand-weighted catalog qualityScore of those requests (null when nothing was served).
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
}

export function summariseModelChoice(input: PlanningInput, plan: Plan): ModelChoice[] {
  const candidateLlms = [...new Set(input.candidates.map((c) => c.llm))].sort();
  return input.workloads.map((workload) => {
    const requestsByLlm = new Map<string, number>();
    for (const window of plan.windows)
      for (const route of window.routes)
        if (route.workload === workload.id)
          requestsByLlm.set(route.llm, (requestsByLlm.get(route.llm) ?? 0) + route.requestsPerSec * 3600 * window.hours);
    const served = [...requestsByLlm.values()].reduce((a, b) => a + b, 0);
    const weighted = [...requestsByLlm].reduce((sum, [llm, n]) => sum + n * (input.llmQuality?.get(llm) ?? 0), 0);
    const shares = [...requestsByLlm].filter(([, n]) => n > 0).sort(([a], [b]) => (a < b ? -1 : 1));
    return {
      workload: workload.id,
      llmChoice: workload.llmChoice ?? 'cheapest',
      allowedLlms: [...(workload.llms ?? candidateLlms)],
      minQuality: workload.minQuality ?? null,
      servedShareByLlm: Object.fromEntries(shares.map(([llm, n]) => [llm, round(n / served)])),
      qualityServed: served > 0 && input.llmQuality ? round(weighted / served) : null,
    };
  });
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
