import type { PlanningInput } from '../capacity/types.js';
import type { Catalog } from '../catalog/types.js';
import type { RequestMix } from '../demand/types.js';
import { type ProfileSet, profileOptions } from '../perf/profile-set.js';
import { replicaPerformance } from '../perf/replica.js';
import { maxThroughput, scaleReplicaGroups, type ReplicaModel } from './request-sim.js';
import type { FleetWindow } from './types.js';

export interface DispatchComparison {
  workload: string;
  region: string;
  /** The replica groups of the region in the plan, one per config: "count x llm TPp on sku". */
  replicaGroups: string[];
  /** @deprecated The same list as replicaGroups, under its earlier name; kept for readers of old simulation.json. */
  pool: string[];
  /** Replicas simulated (the replica groups scaled down, config shares kept). */
  simulatedReplicas: number;
  capacityRps: number;
  proportionalRps: number;
  roundRobinRps: number;
  /** proportional / round-robin - 1. */
  gain: number;
}

/**
 * For each workload, the region whose replicas for it are most heterogeneous in the fleet (most distinct
 * SLO rates, then most replicas), compared under capacity-proportional and round-robin dispatch by the
 * request-level simulation: the highest arrival rate each carries with >= 99% of requests within TTFT.
 */
/** Candidate SLO rate of a replica entry for a workload (0: it cannot serve it). */
function rateFor(input: PlanningInput, replica: FleetWindow['replicas'][number], workload: string): number {
  if (replica.workload !== undefined && replica.workload !== workload) return 0;
  if (replica.workloads !== undefined && !replica.workloads.includes(workload)) return 0;
  return (
    input.candidates
      .find((c) => c.llm === replica.llm && c.sku === replica.sku && c.tp === replica.tp && c.region === replica.region)
      ?.requestsPerSecByWorkload.get(workload) ?? 0
  );
}

/** Distinct replica kinds (by SLO rate) serving one workload in one region; the most over regions. */
export function heterogeneity(input: PlanningInput, fleet: FleetWindow): number {
  let most = 0;
  for (const workload of input.workloads) {
    const kinds = new Map<string, Set<string>>();
    for (const replica of fleet.replicas) {
      const rate = rateFor(input, replica, workload.id);
      if (rate <= 0) continue;
      kinds.set(replica.region, (kinds.get(replica.region) ?? new Set()).add(rate.toPrecision(6)));
    }
    for (const set of kinds.values()) most = Math.max(most, set.size);
  }
  return most;
}

export function compareDispatch(
  input: PlanningInput,
  catalog: Catalog,
  mixes: readonly RequestMix[],
  slos: readonly { ttftMs: number; tpotMs: number }[],
  fleet: FleetWindow,
  profiles: ProfileSet,
  maxReplicas = 24,
): DispatchComparison[] {
  const rows: DispatchComparison[] = [];
  const gpuOf = new Map(input.skus.map((s) => [s.sku, s.gpu]));
  for (const [w, workload] of input.workloads.entries()) {
    const byRegion = new Map<string, { replica: FleetWindow['replicas'][number]; rate: number }[]>();
    for (const replica of fleet.replicas) {
      const rate = rateFor(input, replica, workload.id);
      if (rate <= 0) continue;
      byRegion.set(replica.region, [...(byRegion.get(replica.region) ?? []), { replica, rate }]);
    }
    // Heterogeneity is in the rates: two skus with the same GPU and TP are one kind of replica.
    const kinds = (replicaGroups: { rate: number }[]) => new Set(replicaGroups.map((p) => p.rate.toPrecision(6))).size;
    const ranked = [...byRegion].sort(
      (a, b) =>
        kinds(b[1]) - kinds(a[1]) ||
        b[1].reduce((s, p) => s + p.replica.count, 0) - a[1].reduce((s, p) => s + p.replica.count, 0) ||
        (a[0] < b[0] ? -1 : 1),
    );
    const chosen = ranked[0];
    if (!chosen) continue;
    const [region, replicaGroups] = chosen;
    const scaled = scaleReplicaGroups(
      replicaGroups.map((p) => ({ ...p, count: p.replica.count })),
      maxReplicas,
    );
    const replicas: ReplicaModel[] = [];
    for (const replicaGroup of scaled) {
      const perf = replicaPerformance(
        catalog.llms.get(replicaGroup.replica.llm)!,
        catalog.gpus.get(gpuOf.get(replicaGroup.replica.sku)!)!,
        replicaGroup.replica.tp,
        slos[w]!,
        mixes[w]!,
        profileOptions(profiles),
      );
      const model: ReplicaModel = {
        label: `${replicaGroup.replica.llm} TP${replicaGroup.replica.tp} on ${replicaGroup.replica.sku}`,
        slots: Math.max(1, perf.batch),
        ratePerSec: replicaGroup.rate,
        prefillMs: perf.prefillMs ?? 0,
        decodeStepMs: perf.decodeStepMs ?? 0,
      };
      for (let i = 0; i < replicaGroup.count; i++) replicas.push(model);
    }
    const options = { mix: mixes[w]!, ttftSloMs: slos[w]!.ttftMs };
    const proportionalRps = maxThroughput(replicas, 'proportional', options);
    const roundRobinRps = maxThroughput(replicas, 'round-robin', options);
    const labels = replicaGroups.map((p) => `${p.replica.count} x ${p.replica.llm} TP${p.replica.tp} on ${p.replica.sku}`);
    rows.push({
      workload: workload.id,
      region,
      replicaGroups: labels,
      pool: labels,
      simulatedReplicas: replicas.length,
      capacityRps: replicas.reduce((sum, r) => sum + r.ratePerSec, 0),
      proportionalRps,
      roundRobinRps,
      gain: roundRobinRps > 0 ? proportionalRps / roundRobinRps - 1 : Infinity,
    });
  }
  return rows;
}
