import type { Candidate, QueueFigures } from './types.js';

/**
 * Which workloads may share a config's replicas under policies.interference = 'separate' (group 10), by the
 * queueing estimate simulate uses (src/simulate/queueing.ts): per replica, prefills form an M/G/1 queue, so a
 * workload w on replicas loaded lambda_u by each workload u waits W = sum_u lambda_u E[P_u^2] / (2 (1 - rho)),
 * rho = sum_u lambda_u E[P_u], for a TTFT of P_w + D_w + W, and its TPOT is D_w plus its SLO-rate stall
 * scaled by rho / rho_w*.
 *
 * Over the loads a capacity row admits, {lambda >= 0 : sum_u lambda_u / rate_u <= 1}, rho is linear and W is
 * linear-fractional, so both are largest at a vertex: one workload u alone at its full rate. Hence a set of
 * workloads can share replicas at every load the capacity row allows, with every one of them within its SLO
 * by the estimate, exactly when each pair can: w meets its SLO beside u alone at rate_u, and u beside w.
 * The full rate (not 1 - headroom) because simulate's dispatcher fills replicas to their SLO rate.
 */

/** Relative slack on the SLO comparison, as the estimate's own (a workload alone at its rate sits at its SLO). */
const SLO_TOLERANCE = 1e-9;

/** Whether w meets its TTFT and TPOT SLO on a replica that u loads alone at its full rate. */
export function meetsSloBeside(w: QueueFigures, u: QueueFigures): boolean {
  const perMs = u.requestsPerSec / 1000;
  const rho = perMs * u.prefillMs;
  if (rho >= 1) return false;
  const waitMs = (perMs * u.prefillSquaredMs2) / (2 * (1 - rho));
  const ttftMs = w.prefillMs + w.decodeStepMs + waitMs;
  const stallAtSloRate = Math.max(0, w.tpotAtSloRateMs - w.decodeStepMs);
  const tpotMs = w.decodeStepMs + (w.prefillUtilisationAtSloRate > 0 ? (stallAtSloRate * rho) / w.prefillUtilisationAtSloRate : 0);
  return ttftMs <= w.ttftSloMs * (1 + SLO_TOLERANCE) && tpotMs <= w.tpotSloMs * (1 + SLO_TOLERANCE);
}

/**
 * Whether workloads a and b (ids) may share the candidate's replicas: both have queue figures and each meets
 * its SLO beside the other at its full rate.
 */
export function maySharePair(candidate: Candidate, a: string, b: string): boolean {
  if (a === b) return true;
  const fa = candidate.queue?.get(a);
  const fb = candidate.queue?.get(b);
  if (!fa || !fb) return false;
  return meetsSloBeside(fa, fb) && meetsSloBeside(fb, fa);
}

/**
 * The candidate's workloads (those of `order` it has a rate for) split into sharing groups: first fit in order
 * of mean prefill (ties: the order given), each workload joining the first group all of whose members it may
 * share with. Deterministic; one group when all may share. Without queue figures (the policy off): one group.
 */
export function shareGroups(candidate: Candidate, order: readonly string[]): string[][] {
  const served = order.filter((id) => (candidate.requestsPerSecByWorkload.get(id) ?? 0) > 0);
  if (!candidate.queue) return served.length ? [served] : [];
  const prefill = (id: string) => candidate.queue!.get(id)?.prefillMs ?? Number.POSITIVE_INFINITY;
  const sorted = served.map((id, i) => ({ id, i })).sort((a, b) => prefill(a.id) - prefill(b.id) || a.i - b.i);
  const groups: string[][] = [];
  for (const { id } of sorted) {
    const group = groups.find((members) => members.every((member) => maySharePair(candidate, id, member)));
    if (group) group.push(id);
    else groups.push([id]);
  }
  // Each group's workloads in the order given, groups by their first: stable labels and plan entries.
  const position = new Map(order.map((id, i) => [id, i]));
  for (const group of groups) group.sort((a, b) => position.get(a)! - position.get(b)!);
  return groups.sort((a, b) => position.get(a[0]!)! - position.get(b[0]!)!);
}
