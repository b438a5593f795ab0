import type { Catalog } from '../catalog/types.js';
import type { PlanningInput } from '../capacity/types.js';
import type { RequestMix } from '../demand/types.js';
import { type ProfileSet, profileOptions } from '../perf/profile-set.js';
import { replicaPerformance, type Slo } from '../perf/replica.js';
import type { FleetWindow, QueueingSummary } from './types.js';

/**
 * The queueing delay estimate per replica group, from the same model that gives the replicas' SLO rates
 * (src/perf/replica.ts): each replica's prefills form an M/G/1 queue, so at prefill arrival rate lambda the
 * mean wait is sum_w lambda_w E[P_w^2] / (2 (1 - rho)), rho = sum_w lambda_w E[P_w] (Pollaczek-Khinchine with
 * one class per workload). A replica group's load splits evenly over its replicas (they are identical). A request's
 * mean TTFT is its prefill + the decode step in flight + that wait; its TPOT is the decode step plus the
 * stall from other requests' prefills, which grows with rho. The step is the one at the SLO rate's batch, an
 * upper bound at lower loads. Alone on its replicas, a workload at utilisation <= 1 meets its SLO by
 * construction; where workloads share replicas, one's prefills delay and stall the other's, which the fluid
 * capacity rows do not see and this estimate does.
 */
export interface QueueProfile {
  /** Mean and second moment of one request's prefill, ms and ms^2. */
  prefillMs: number;
  prefillSquaredMs2: number;
  /** Decode step in flight when a request arrives, ms. */
  decodeStepMs: number;
  /** The workload's TTFT SLO (on the mean, as the perf model's rates), ms. */
  ttftSloMs: number;
  /** TPOT SLO, ms; the TPOT at the SLO rate alone and that rate's prefill utilisation (rate x mean prefill). */
  tpotSloMs: number;
  tpotAtSloRateMs: number;
  prefillUtilisationAtSloRate: number;
}

/** Queue profile of an (llm, sku, tp) replica for workload w; undefined when it cannot serve w. */
export type QueueProfileOf = (replica: { llm: string; sku: string; tp: number }, w: number) => QueueProfile | undefined;

export interface ReplicaGroupQueueEstimate {
  /** Share of each replica's time spent in prefill (rho); >= 1 means the queue grows without bound. */
  prefillUtilisation: number;
  /** Mean wait behind other prefills, ms (Infinity when rho >= 1). */
  waitMs: number;
  /** Mean TTFT by workload index, ms. */
  ttftMs: Map<number, number>;
  /**
   * Mean TPOT by workload index, ms: the decode step plus the stall from other requests' prefills, which
   * the perf model gives at the SLO rate alone and which grows in proportion to the replica group's prefill
   * utilisation (a long-prompt neighbour stalls decodes more per request it sends).
   */
  tpotMs: Map<number, number>;
}

/** The estimate for a replica group of `replicas` identical replicas carrying `loadByWorkload` requests/s in total. */
export function replicaGroupQueueEstimate(
  loadByWorkload: ReadonlyMap<number, number>,
  replicas: number,
  profileOf: (w: number) => QueueProfile | undefined,
): ReplicaGroupQueueEstimate {
  let rho = 0;
  let secondMoment = 0;
  const profiles = new Map<number, QueueProfile>();
  for (const [w, rps] of loadByWorkload) {
    const profile = profileOf(w);
    if (!profile || !(rps > 0)) continue;
    profiles.set(w, profile);
    const perMs = rps / Math.max(replicas, 1e-9) / 1000;
    rho += perMs * profile.prefillMs;
    secondMoment += perMs * profile.prefillSquaredMs2;
  }
  const waitMs = rho < 1 ? secondMoment / (2 * (1 - rho)) : Infinity;
  const ttftMs = new Map<number, number>();
  const tpotMs = new Map<number, number>();
  for (const [w, profile] of profiles) {
    ttftMs.set(w, profile.prefillMs + profile.decodeStepMs + waitMs);
    const stallAtSloRate = Math.max(0, profile.tpotAtSloRateMs - profile.decodeStepMs);
    tpotMs.set(
      w,
      profile.decodeStepMs + (profile.prefillUtilisationAtSloRate > 0 ? (stallAtSloRate * rho) / profile.prefillUtilisationAtSloRate : 0),
    );
  }
  return { prefillUtilisation: rho, waitMs, ttftMs, tpotMs };
}

/**
 * Queue profiles from the perf model with the given measured profiles (pass the ones the scenario loader's
 * rates used), at each workload's SLO and request mix; memoised per (llm, sku, tp, workload).
 */
export function queueProfiles(
  input: PlanningInput,
  catalog: Catalog,
  mixes: readonly RequestMix[],
  slos: readonly Slo[],
  profiles: ProfileSet,
): QueueProfileOf {
  const gpuOf = new Map(input.skus.map((s) => [s.sku, s.gpu]));
  const memo = new Map<string, QueueProfile | undefined>();
  return (replica, w) => {
    const key = `${replica.llm}|${replica.sku}|${replica.tp}|${w}`;
    if (memo.has(key)) return memo.get(key);
    const llm = catalog.llms.get(replica.llm);
    const gpu = catalog.gpus.get(gpuOf.get(replica.sku) ?? '');
    let profile: QueueProfile | undefined;
    if (llm && gpu) {
      const perf = replicaPerformance(llm, gpu, replica.tp, slos[w]!, mixes[w]!, profileOptions(profiles));
      if (
        perf.meetsSlo &&
        perf.prefillMs !== null &&
        perf.prefillSquaredMs2 !== null &&
        perf.decodeStepMs !== null &&
        perf.tpotMs !== null
      ) {
        profile = {
          prefillMs: perf.prefillMs,
          prefillSquaredMs2: perf.prefillSquaredMs2,
          decodeStepMs: perf.decodeStepMs,
          ttftSloMs: slos[w]!.ttftMs,
          tpotSloMs: slos[w]!.tpotMs,
          tpotAtSloRateMs: perf.tpotMs,
          // The model's own rate (before calibration), whose load the TPOT above is at.
          prefillUtilisationAtSloRate: ((perf.maxRequestsPerSec / perf.calibration) * perf.prefillMs) / 1000,
        };
      }
    }
    memo.set(key, profile);
    return profile;
  };
}

export interface WindowQueueing extends QueueingSummary {
  /** Requests/s by workload index served at replica groups whose estimated mean TTFT or TPOT misses the workload's SLO. */
  lateRps: number[];
}

/** Relative slack on the SLO comparison: a lone workload at utilisation 1 sits exactly at its SLO. */
const SLO_TOLERANCE = 1e-9;
/**
 * Requests/s (under 4 an hour) below which a (replica group, workload) pair is not traffic worth a latency: the last
 * crumbs of a batch backlog, LP noise. Its requests still count; it does not set the worst latency.
 */
const NEGLIGIBLE_RPS = 1e-3;

/** The queueing estimate of every replica group of a window's fleet under the load the dispatcher routed to it. */
export function windowQueueing(
  fleet: FleetWindow,
  replicaGroupLoad: ReadonlyMap<number, ReadonlyMap<number, number>>,
  workloads: number,
  profileOf: QueueProfileOf,
): WindowQueueing {
  const lateRps = Array.from({ length: workloads }, () => 0);
  let waitSum = 0;
  let waitWeight = 0;
  let worst = 0;
  let worstTpot = 0;
  // Replica group indices ascending: sums in a fixed order keep reports byte-identical.
  for (const replicaGroup of [...replicaGroupLoad.keys()].sort((a, b) => a - b)) {
    const loads = replicaGroupLoad.get(replicaGroup)!;
    const replica = fleet.replicas[replicaGroup]!;
    const estimate = replicaGroupQueueEstimate(loads, replica.effectiveCount ?? replica.count, (w) => profileOf(replica, w));
    for (const [w, rps] of [...loads].sort((a, b) => a[0] - b[0])) {
      const profile = profileOf(replica, w);
      const ttft = estimate.ttftMs.get(w);
      const tpot = estimate.tpotMs.get(w);
      if (!profile || ttft === undefined || tpot === undefined) continue;
      if (rps >= NEGLIGIBLE_RPS) {
        worst = Math.max(worst, ttft / profile.ttftSloMs);
        worstTpot = Math.max(worstTpot, tpot / profile.tpotSloMs);
      }
      if (ttft > profile.ttftSloMs * (1 + SLO_TOLERANCE) || tpot > profile.tpotSloMs * (1 + SLO_TOLERANCE)) lateRps[w]! += rps;
      if (Number.isFinite(estimate.waitMs)) {
        waitSum += estimate.waitMs * rps;
        waitWeight += rps;
      }
    }
  }
  return { meanWaitMs: waitWeight > 0 ? waitSum / waitWeight : 0, worstTtftToSlo: worst, worstTpotToSlo: worstTpot, lateRps };
}
