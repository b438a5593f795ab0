import type { Candidate, FleetEntry, PlanningInput, QuotaRule, ReplicaEntry, WorkloadSpec } from '../capacity/types.js';

export interface SliceOptions {
  /** First window and count (contiguous). */
  from: number;
  count: number;
  /** demand[workload][origin][k] for the slice's k-th window; default: the input's. */
  demand?: readonly (readonly (readonly number[])[])[];
  currentFleet?: readonly FleetEntry[];
  /** Replicas running before the slice's first window (they start without a model load). */
  currentReplicas?: readonly ReplicaEntry[];
  /** Extra quota rules in the input's window indices (capacity events). */
  extraQuotas?: readonly QuotaRule[];
  /** Keep only these workloads (by index). */
  workloads?: readonly number[];
  /** Keep only candidates on these gpus. */
  gpus?: ReadonlySet<string>;
  /** Multiplies every candidate's rate (a planner's optimism about throughput). */
  rateScale?: number;
  /** Multiplies one candidate's rates on top of rateScale (factors learned from observed windows). */
  rateFactor?: (candidate: Candidate) => number;
}

/**
 * A planning input for a contiguous run of windows of a larger one, as a planner at that point would see
 * it: its own demand (a forecast), the fleet it inherits, quota rules shifted to the slice's indices.
 */
export function sliceInput(input: PlanningInput, options: SliceOptions): PlanningInput {
  const { from, count } = options;
  const keep = options.workloads ?? input.workloads.map((_, w) => w);
  const workloads: WorkloadSpec[] = keep.map((w) => input.workloads[w]!);
  const ids = new Set(workloads.map((w) => w.id));
  const demand = keep.map((w, k) =>
    input.workloads[w]!.origins.map((_, o) =>
      (options.demand ? options.demand[k]![o]! : input.demand[w]![o]!.slice(from, from + count)).slice(0, count),
    ),
  );
  const scale = options.rateScale ?? 1;
  const candidates: Candidate[] = [];
  for (const candidate of input.candidates) {
    if (options.gpus && !options.gpus.has(input.skus.find((s) => s.sku === candidate.sku)!.gpu)) continue;
    const factor = options.rateFactor ? options.rateFactor(candidate) : 1;
    const rates = new Map(
      [...candidate.requestsPerSecByWorkload].filter(([id]) => ids.has(id)).map(([id, rate]) => [id, rate * scale * factor]),
    );
    if (rates.size > 0) candidates.push({ ...candidate, requestsPerSecByWorkload: rates });
  }
  const skus = options.gpus ? input.skus.filter((s) => options.gpus!.has(s.gpu)) : input.skus;
  const quotas: QuotaRule[] = [];
  for (const rule of [...input.policies.quotas, ...(options.extraQuotas ?? [])]) {
    const first = rule.fromWindow ?? 0;
    const last = rule.toWindow ?? Infinity;
    if (last < from || first > from + count - 1) continue;
    const { fromWindow: _from, toWindow: _to, ...what } = rule;
    const shifted: QuotaRule = { ...what };
    if (rule.fromWindow !== undefined || rule.toWindow !== undefined) {
      shifted.fromWindow = Math.max(0, first - from);
      shifted.toWindow = Math.min(count - 1, last - from);
    }
    quotas.push(shifted);
  }
  const { budget: _budget, ...policies } = input.policies;
  return {
    ...input,
    windows: input.windows.slice(from, from + count),
    skus,
    workloads,
    candidates,
    demand,
    policies: {
      ...policies,
      quotas,
      currentFleet: options.currentFleet ?? input.policies.currentFleet,
      ...(options.currentReplicas ? { currentReplicas: options.currentReplicas } : {}),
    },
  };
}

/** The fleet a window ends with, as the next window's starting point. */
export function fleetEntries(
  vms: readonly { region: string; sku: string; purchase: FleetEntry['purchase']; count: number }[],
): FleetEntry[] {
  return vms.filter((vm) => vm.count > 0).map((vm) => ({ region: vm.region, sku: vm.sku, purchase: vm.purchase, count: vm.count }));
}
