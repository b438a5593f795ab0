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
