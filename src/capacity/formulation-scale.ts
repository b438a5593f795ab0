import type { DeferrableState } from './deferrable.js';
import type { PlanningInput } from './types.js';

/**
 * Scaling of the capacity MILP (DESIGN.md section 6, "Determinism and numerics"): every flow is counted in a
 * per-workload unit near one replica's rate, and every capacity row (group 2) is divided by a power of two near
 * its config's fastest rate, so that no coefficient sits near a solver's tolerance at any request scale. Powers
 * of two make every conversion exact in floating point. Also the tie-break constants of the objective.
 */

export const SECONDS_PER_HOUR = 3600;
/**
 * USD per (replica's worth of load x ms of round trip): prefers nearer regions among equal-cost plans,
 * never more. Counted in replica loads, not requests, so that it stays a tie-break at any request scale.
 */
export const ROUTE_LATENCY_TIE_BREAK = 1e-7;
/** USD per replica-hour: among equal-cost fleets prefer fewer replicas, deterministically. */
export const REPLICA_TIE_BREAK = 1e-6;

const rateScales = new WeakMap<PlanningInput, number[]>();
/**
 * Per workload, a power of two near its fastest per-replica rate (req/s): the unit in which its load is
 * counted for scaling. Rows and tie-breaks divided by it have coefficients near 1 whether a request is a
 * token (rates of 1e5 req/s and more) or a whole conversation (1e-2), and powers of two scale exactly.
 */
export function workloadRateScale(input: PlanningInput, workload: number): number {
  let scales = rateScales.get(input);
  if (!scales) {
    scales = input.workloads.map((w) => {
      let fastest = 0;
      for (const candidate of input.candidates) fastest = Math.max(fastest, candidate.requestsPerSecByWorkload.get(w.id) ?? 0);
      return powerOfTwoNear(fastest);
    });
    rateScales.set(input, scales);
  }
  return scales[workload] ?? 1;
}

/** The latency tie-break's USD per (request/s x ms x hour) for workload w. */
export function routeTieBreak(input: PlanningInput, workload: number): number {
  return ROUTE_LATENCY_TIE_BREAK / workloadRateScale(input, workload);
}

const solvingInputs = new WeakMap<PlanningInput, { input: PlanningInput; flowUnit: number[] }>();
/**
 * The input the program is built from: each workload's requests counted in units of workloadRateScale (a
 * power of two near its fastest per-replica rate), so that demand, rates and flows are all near 1 whether a
 * request is a token or a conversation (no coefficient near a solver's tolerance). Penalties per unit grow by
 * the same factor, so objectives are in USD as before; powers of two make the conversion exact.
 */
export function solvingInput(input: PlanningInput): { input: PlanningInput; flowUnit: number[] } {
  const cached = solvingInputs.get(input);
  if (cached) return cached;
  const flowUnit = input.workloads.map((_, w) => workloadRateScale(input, w));
  const unitOf = new Map(input.workloads.map((w, i) => [w.id, flowUnit[i]!]));
  const scaled: PlanningInput = {
    ...input,
    workloads: input.workloads.map((w, i) => ({ ...w, unmetPenaltyUsdPerRequest: w.unmetPenaltyUsdPerRequest * flowUnit[i]! })),
    candidates: input.candidates.map((c) => ({
      ...c,
      requestsPerSecByWorkload: new Map([...c.requestsPerSecByWorkload].map(([id, rate]) => [id, rate / (unitOf.get(id) ?? 1)])),
    })),
    demand: input.demand.map((origins, w) => origins.map((series) => series.map((d) => d / flowUnit[w]!))),
  };
  const result = { input: scaled, flowUnit };
  solvingInputs.set(input, result);
  return result;
}

/** The deferrable state in flow units (what was done before arrives in requests/s x hours). */
export function scaledDeferrable(state: DeferrableState | undefined, flowUnit: readonly number[]): DeferrableState | undefined {
  if (!state?.before) return state;
  const before = new Map<string, number>();
  for (const [key, value] of state.before) before.set(key, value / flowUnit[Number(key.split('|')[0])]!);
  return { ...state, before };
}

/** A power of two near the candidate's fastest per-replica rate: group 2's row scale. */
export function capacityRowScale(candidate: PlanningInput['candidates'][number]): number {
  let fastest = 0;
  for (const rate of candidate.requestsPerSecByWorkload.values()) if (Number.isFinite(rate)) fastest = Math.max(fastest, rate);
  return powerOfTwoNear(fastest);
}

/** The power of two nearest a positive rate (1 for none): scaling by it is exact in floating point. */
function powerOfTwoNear(rate: number): number {
  return rate > 0 && Number.isFinite(rate) ? 2 ** Math.round(Math.log2(rate)) : 1;
}
