import type { RequestMix } from '../demand/types.js';
import { mulberry32 } from '../random.js';

/**
 * A request-level simulation of one region's replicas for one workload: Poisson arrivals with sizes drawn
 * from the workload's request mix, dispatched to individual replicas either in proportion to their capacity
 * (smooth weighted round-robin by SLO rate) or plainly round-robin, each replica a FIFO queue in front of
 * its batch slots (continuous batching). Answers: how much more traffic does capacity-proportional dispatch
 * carry within the TTFT SLO than round-robin on a heterogeneous set of replicas (the heterogeneous-cluster paper
 * reports +33% to +122%)?
 *
 * Service model, from the perf model's steady state (src/perf/replica.ts): a replica with B slots serves a
 * request in slot-time B x prefill(request) + output tokens x decode step, scaled so that B / E[slot-time]
 * equals its SLO rate. A request's TTFT is its wait for a slot plus its prefill plus one decode step.
 */
export interface ReplicaModel {
  /** Shown in reports, e.g. "qwen2.5-32b TP1 on NC40ads_H100_v5". */
  label: string;
  /** Batch slots (the perf model's batch at the SLO). */
  slots: number;
  /** SLO rate, requests/s. */
  ratePerSec: number;
  /** Mean prefill of the mix and the decode step at the batch, ms. */
  prefillMs: number;
  decodeStepMs: number;
}

export type DispatchPolicy = 'proportional' | 'round-robin';

export interface RequestSimOptions {
  mix: RequestMix;
  ttftSloMs: number;
  /** Simulated seconds (default 900). */
  durationSec?: number;
  seed?: number;
}

export interface RequestSimResult {
  arrivalsPerSec: number;
  requests: number;
  /** Share of requests whose TTFT met the SLO. */
  attainment: number;
  p99TtftMs: number;
}

export function simulateRequests(
  replicas: readonly ReplicaModel[],
  policy: DispatchPolicy,
  arrivalsPerSec: number,
  options: RequestSimOptions,
): RequestSimResult {
  const random = mulberry32(options.seed ?? 1);
  const duration = (options.durationSec ?? 900) * 1000;
  const sizes = requestSizes(options.mix);
  const meanIn = options.mix.meanInputTokens;
  const models = replicas.map((r) => {
    const meanSlot = sizes.reduce(
      (sum, s) => sum + s.share * (r.slots * r.prefillMs * (s.inputTokens / meanIn) + s.outputTokens * r.decodeStepMs),
      0,
    );
    // free: a binary min-heap of the times the slots come free (the earliest first).
    return { ...r, scale: r.slots / (r.ratePerSec / 1000) / meanSlot, free: new Float64Array(r.slots) };
  });
  const pick = dispatcher(
    models.map((m) => m.ratePerSec),
    policy,
  );
  const ttfts: number[] = [];
  let met = 0;
  for (let now = exponential(random, arrivalsPerSec / 1000); now < duration; now += exponential(random, arrivalsPerSec / 1000)) {
    const size = sample(sizes, random());
    const replica = models[pick()]!;
    const start = Math.max(now, replica.free[0]!);
    const prefill = replica.prefillMs * (size.inputTokens / meanIn);
    replaceTop(replica.free, start + replica.scale * (replica.slots * prefill + size.outputTokens * replica.decodeStepMs));
    const ttft = start - now + prefill + replica.decodeStepMs;
    ttfts.push(ttft);
    if (ttft <= options.ttftSloMs) met++;
  }
  ttfts.sort((a, b) => a - b);
  return {
    arrivalsPerSec,
    requests: ttfts.length,
    attainment: ttfts.length > 0 ? met / ttfts.length : 1,
    p99TtftMs: ttfts.length > 0 ? ttfts[Math.min(ttfts.length - 1, Math.ceil(0.99 * ttfts.length) - 1)]! : 0,
  };
}

/** The highest arrival rate (to 0.5%) at which at least `target` of requests meet the TTFT SLO. */
export function maxThroughput(
  replicas: readonly ReplicaModel[],
  policy: DispatchPolicy,
  options: RequestSimOptions & { target?: number },
): number {
  const target = options.target ?? 0.99;
  const capacity = replicas.reduce((sum, r) => sum + r.ratePerSec, 0);
  let low = 0;
  let high = capacity * 1.5;
  while (high - low > capacity * 0.005) {
    const mid = (low + high) / 2;
    if (simulateRequests(replicas, policy, mid, options).attainment >= target) low = mid;
    else high = mid;
  }
  return low;
}

/** Replaces the smallest value of a binary min-heap and restores the heap. */
function replaceTop(heap: Float64Array, value: number): void {
  let i = 0;
  const n = heap.length;
  for (;;) {
    const left = 2 * i + 1;
    if (left >= n) break;
    const right = left + 1;
    const child = right < n && heap[right]! < heap[left]! ? right : left;
    if (heap[child]! >= value) break;
    heap[i] = heap[child]!;
    i = child;
  }
  heap[i] = value;
}

/** Smooth weighted round-robin (nginx's): deterministic, each replica's share equals its weight's share. */
function dispatcher(weights: readonly number[], policy: DispatchPolicy): () => number {
  if (policy === 'round-robin') {
    let next = 0;
    return () => {
      const chosen = next;
      next = (next + 1) % weights.length;
      return chosen;
    };
  }
  const total = weights.reduce((a, b) => a + b, 0);
  const current = weights.map(() => 0);
  return () => {
    let best = 0;
    for (let i = 0; i < weights.length; i++) {
      current[i]! += weights[i]!;
      if (current[i]! > current[best]!) best = i;
    }
    current[best]! -= total;
    return best;
  };
}

function requestSizes(mix: RequestMix): { inputTokens: number; outputTokens: number; share: number }[] {
  return mix.buckets && mix.buckets.length > 0
    ? [...mix.buckets]
    : [{ inputTokens: mix.meanInputTokens, outputTokens: mix.meanOutputTokens, share: 1 }];
}

function sample<T extends { share: number }>(items: readonly T[], u: number): T {
  let acc = 0;
  for (const item of items) {
    acc += item.share;
    if (u < acc) return item;
  }
  return items[items.length - 1]!;
}

function exponential(random: () => number, ratePerMs: number): number {
  return -Math.log(1 - random()) / ratePerMs;
}

/**
 * Scales replica groups down to at most `most` replicas keeping each config's share (at least one each): the
 * throughput ratio between policies depends on the mix of configs, not on how many replicas there are.
 */
export function scaleReplicaGroups<T extends { count: number }>(replicaGroups: readonly T[], most: number): T[] {
  const total = replicaGroups.reduce((sum, p) => sum + p.count, 0);
  if (total <= most) return replicaGroups.map((p) => ({ ...p }));
  return replicaGroups.map((p) => ({ ...p, count: Math.max(1, Math.round((p.count * most) / total)) }));
}
