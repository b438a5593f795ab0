import { poolOf } from './policies.js';
import type { Candidate, PlanningInput, ReplicaPool } from './types.js';
import { configKey } from '../config-key.js';

/**
 * Model load (SageServe's model interchange): a replica that starts, more replicas of a config in a region
 * (and pool) than the window before, first loads its llm, and the tp GPUs it occupies are paid for that
 * time (Candidate.loadHours). Shared by the formulation (group 8's replica-up columns), the plan's totals,
 * the strategies' window objectives, GH and the simulator's bill, so that all price a start alike.
 */

/** Replicas of one config in a region (and pool), as plans, inputs and fleets list them. */
export interface ReplicaCount {
  llm: string;
  sku: string;
  tp: number;
  region: string;
  pool?: ReplicaPool | undefined;
  count: number;
}

/** The identity of a replica group across windows: config, region and pool. */
export function replicaKey(replica: Omit<ReplicaCount, 'count'>): string {
  return `${configKey(replica)}|${replica.pool ?? ''}`;
}

/** Replica counts by replicaKey. */
export function replicaMap(replicas: readonly ReplicaCount[]): Map<string, number> {
  const map = new Map<string, number>();
  for (const replica of replicas) {
    const key = replicaKey(replica);
    map.set(key, (map.get(key) ?? 0) + replica.count);
  }
  return map;
}

/** Some candidate has a load time: replica starts cost something, and group 8 tracks them. */
export function modelLoadOn(input: PlanningInput): boolean {
  return input.candidates.some((c) => (c.loadHours ?? 0) > 0);
}

/**
 * USD per GPU-hour of the cheapest VM a replica of this pool may sit on (its sku in its region, the input's
 * purchases; reserved VMs are sunk, so they count only when nothing else is offered, at 0). A replica is
 * not tied to one purchase, and the cheapest keeps the start's price a lower bound on what it can cost.
 */
export function loadGpuPrice(input: PlanningInput, sku: string, region: string, pool?: ReplicaPool): number {
  const offer = input.skus.find((s) => s.sku === sku);
  if (!offer) return 0;
  let best = Infinity;
  for (const price of offer.prices) {
    if (
      price.region !== region ||
      price.purchase === 'reserved' ||
      price.purchase === 'committed' ||
      !input.purchases.includes(price.purchase)
    )
      continue;
    if (pool !== undefined && poolOf(price.purchase) !== pool) continue;
    best = Math.min(best, price.usdPerHour / offer.gpusPerVm);
  }
  return Number.isFinite(best) ? best : 0;
}

/** What one start of a replica of the candidate costs: tp GPUs x load hours x USD per GPU-hour. */
export function replicaLoadUsd(input: PlanningInput, candidate: Candidate, pool?: ReplicaPool): number {
  const hours = candidate.loadHours ?? 0;
  return hours > 0 ? candidate.tp * hours * loadGpuPrice(input, candidate.sku, candidate.region, pool) : 0;
}

const pricing = new WeakMap<PlanningInput, Map<string, number>>();

/** USD per start by replicaKey, for the replica groups the input's candidates can form (cached per input). */
function startPrices(input: PlanningInput): Map<string, number> {
  let prices = pricing.get(input);
  if (!prices) {
    prices = new Map();
    for (const candidate of input.candidates) {
      if (!((candidate.loadHours ?? 0) > 0)) continue;
      for (const pool of [undefined, 'firm', 'spot'] as const)
        prices.set(replicaKey({ ...candidate, pool }), replicaLoadUsd(input, candidate, pool));
    }
    pricing.set(input, prices);
  }
  return prices;
}

/**
 * The model loads of one window's replicas against the replicas running before it (by replicaKey):
 * replicas started and what their loads cost.
 */
export function windowModelLoad(
  input: PlanningInput,
  replicas: readonly ReplicaCount[],
  previous: ReadonlyMap<string, number>,
): { started: number; usd: number } {
  let started = 0;
  let usd = 0;
  for (const start of replicaStarts(input, replicas, previous).values()) {
    started += start.started;
    usd += start.usd;
  }
  return { started, usd };
}

/** Per replicaKey with a load time: replicas started against `previous` and what their loads cost. */
export function replicaStarts(
  input: PlanningInput,
  replicas: readonly ReplicaCount[],
  previous: ReadonlyMap<string, number>,
): Map<string, { started: number; usd: number }> {
  const prices = startPrices(input);
  const starts = new Map<string, { started: number; usd: number }>();
  // Summed per key first: a fleet may list one config twice (siloed fleets, one entry per workload).
  for (const [key, count] of replicaMap(replicas)) {
    const price = prices.get(key);
    if (price === undefined) continue;
    const started = Math.max(0, count - (previous.get(key) ?? 0));
    starts.set(key, { started, usd: started * price });
  }
  return starts;
}

/** The replicas running before the first window (policies.currentReplicas), by replicaKey. */
export function initialReplicas(input: PlanningInput): Map<string, number> {
  return replicaMap(input.policies.currentReplicas ?? []);
}

/** Replicas by replicaKey as counts by candidate index (pools apart are summed: GH keeps no pools). */
export function candidateReplicas(input: PlanningInput, replicas: ReadonlyMap<string, number>): Map<number, number> {
  const byCandidate = new Map<number, number>();
  if (replicas.size === 0) return byCandidate;
  for (const [c, candidate] of input.candidates.entries()) {
    let count = 0;
    for (const pool of [undefined, 'firm', 'spot'] as const) count += replicas.get(replicaKey({ ...candidate, pool })) ?? 0;
    if (count > 0) byCandidate.set(c, count);
  }
  return byCandidate;
}
