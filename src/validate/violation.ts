/** What the checkers report: one broken rule, where, and the numbers. */
export interface Violation {
  group: 'demand' | 'capacity' | 'model-choice' | 'packing' | 'quota' | 'latency' | 'scaling' | 'budget' | 'cost' | 'catalog' | PolicyGroup;
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
 * and resilience (6), quality (7), reserved (8).
 */
export type PolicyGroup = 'deadline' | 'routing' | 'kv-memory' | 'spot' | 'locality' | 'resilience' | 'quality' | 'reserved';

/** Requests/s: plans round flows to 1e-6. */
export const RATE_TOLERANCE = 1e-5;
