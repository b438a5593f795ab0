import { planCapacity } from '../../src/capacity/solve.js';
import type { Plan, PlanningInput } from '../../src/capacity/types.js';
import type { SolveFn } from '../../src/lp/index.js';
import { checkPlan } from '../../src/validate/check-plan.js';
import { type LlmDetAnswer, solveLlmDet } from './llm-det.js';
import { llmRoInput, oneReplicaPerModelTier } from './planner-input.js';

/** One planner run on LLM-RO's instance: its options, plan, rental and whether validate passes it. */
export interface PlannerRun {
  name: string;
  input: PlanningInput;
  plan: Plan;
  rentalUsd: number;
  violations: number;
}

export interface LlmRoComparison {
  planner: PlannerRun[];
  /** LLM_DET as published (its whole objective, its delay row). */
  published: LlmDetAnswer;
  /** LLM_DET minimising rental only, each query type's delay bounded by its own SLO (the leak removed). */
  rentalOnly: LlmDetAnswer;
}

/** planner today, with each option, with both, and with both plus LLM-RO's one replica per (model, tier); LLM_DET twice. */
export async function compareWithLlmRo(solve: SolveFn): Promise<LlmRoComparison> {
  const runs: [string, { kvMemory?: boolean; singlePath?: boolean }, SolveFn][] = [
    ['planner today', {}, solve],
    ['+ kvMemory: load', { kvMemory: true }, solve],
    ['+ routing: single-path', { singlePath: true }, solve],
    ['+ both', { kvMemory: true, singlePath: true }, solve],
    ['+ both + one replica per (model, tier)', { kvMemory: true, singlePath: true }, oneReplicaPerModelTier(solve)],
  ];
  const planner: PlannerRun[] = [];
  for (const [name, options, solveWith] of runs) {
    const input = llmRoInput(options);
    const { plan } = await planCapacity(input, solveWith, 'highs', { strategy: 'joint', relativeGap: 1e-6 });
    planner.push({ name, input, plan, rentalUsd: plan.totals.costUsd, violations: checkPlan(input, plan).violations.length });
  }
  return {
    planner,
    published: await solveLlmDet(solve),
    rentalOnly: await solveLlmDet(solve, { objective: 'rental', delay: 'per-query' }),
  };
}
