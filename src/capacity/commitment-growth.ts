import type { CommitmentTerm } from './types.js';
import { TERM_HOURS } from './types.js';

/** Hours in a billing month: a 365-day year over 12. */
export const HOURS_PER_MONTH = 730;

/**
 * Demand growth over a commitment's term (scenario commitments.growthPerMonth = g): the planned horizon repeats
 * for the term's months with the fleet of month m (m = 0 for the planned one) scaled by (1 + g)^m. The
 * approximation: the fleet scales with demand as a whole (fractional VMs, the same SKUs and regions, no new
 * quota), so month m's use of the n-th committed VM in window t is min(1, max(0, v[t] x (1 + g)^m - (n - 1))).
 */
export function growthFactors(term: CommitmentTerm, growthPerMonth: number): number[] {
  const months = TERM_HOURS[term] / HOURS_PER_MONTH;
  return Array.from({ length: months }, (_, m) => (1 + growthPerMonth) ** m);
}

/**
 * The share of the horizon the n-th committed VM (n >= 1) is used, as the mean over the term's months of its
 * use with the fleet v[t] (VMs wanted per window, fractional) scaled by each month's factor.
 */
export function marginalUtilisation(fleet: readonly number[], hours: readonly number[], n: number, factors: readonly number[]): number {
  const horizon = hours.reduce((sum, h) => sum + h, 0);
  if (horizon <= 0 || factors.length === 0) return 0;
  let used = 0;
  for (const factor of factors) {
    for (let t = 0; t < fleet.length; t++) used += hours[t]! * Math.min(1, Math.max(0, fleet[t]! * factor - (n - 1)));
  }
  return used / (horizon * factors.length);
}

/**
 * Committed VM-hours used over each repetition of the horizon in month m, summed over the term's months: per
 * window min(count, needed[t] x (1 + g)^m) VMs, needed[t] the VMs the plan's replicas need (uncapped).
 */
export function termUsedHours(needed: readonly number[], hours: readonly number[], count: number, factors: readonly number[]): number {
  let used = 0;
  for (const factor of factors) {
    for (let t = 0; t < needed.length; t++) used += hours[t]! * Math.min(count, needed[t]! * factor);
  }
  return used;
}
