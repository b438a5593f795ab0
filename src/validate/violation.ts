/** What the checkers report: one broken rule, where, and the numbers. */
export interface Violation {
  /**
   * `figures`: a figure the plan states (started, GPU-hours, request totals, the policy summary, the budget
   * state) that its fleet does not give; `provenance`: the plan was solved with overrides that change what
   * the scenario asks for.
   */
  group:
    | 'demand'
    | 'capacity'
    | 'model-choice'
    | 'packing'
    | 'quota'
    | 'latency'
    | 'scaling'
    | 'budget'
    | 'cost'
    | 'catalog'
    | 'figures'
    | 'provenance'
    | PolicyGroup;
  /** The stated figure that does not recompute, as a path into plan.json (e.g. `windows[1].vms[0].usdPerHour`). */
  figure?: string;
  window?: number;
  start?: string;
  region?: string;
  llm?: string;
  sku?: string;
  workload?: string;
  message: string;
}

/**
 * Optional policy groups: deadline and single-path routing (1), KV memory under load (2), spot (5), locality
 * and resilience (6), quality (7), reserved (8), interference (10).
 */
export type PolicyGroup =
  | 'deadline'
  | 'routing'
  | 'kv-memory'
  | 'spot'
  | 'locality'
  | 'resilience'
  | 'quality'
  | 'reserved'
  | 'interference';

/** Requests/s: plans round flows to 1e-6. */
export const RATE_TOLERANCE = 1e-5;
/**
 * plan.json states route rates to this step (src/capacity/plan.ts), so each stated route may be half a step
 * from the solver's: on a config of rate r that is up to step / (2 r) replicas of load per route, which a slow
 * config shared by many routes adds up past any absolute tolerance. Capacity checks allow that much.
 */
export const ROUTE_RATE_STEP = 1e-6;
