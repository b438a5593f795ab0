import { checkFeasibility, type Program } from '../lp/index.js';
import { fleetKey, type BuiltProblem } from './formulation.js';
import { roundUpShares } from './group10-interference.js';
import { replicaKey } from './model-load.js';
import { poolOf } from './policies.js';
import type { PlanningInput } from './types.js';

/** LP values this close below an integer count as that integer (solver noise, not demand). */
const CEIL_TOLERANCE = 1e-7;

/**
 * A deterministic fallback plan from an LP relaxation's point: every replica count rounded up, then in each
 * (sku, region[, pool]) enough VMs for the rounded replicas (the LP's own VMs rounded up, topped up on the
 * group's cheapest purchase), and the scaling columns (VM and replica starts) recomputed from the fleet before each window. Flows
 * are kept, so capacity only grows. Returns the point when it satisfies every row of the program (quotas,
 * spot shares and scale limits can forbid the rounding), otherwise undefined.
 */
export function roundUpFleet(
  input: PlanningInput,
  built: BuiltProblem,
  program: Program,
  lpValues: ArrayLike<number>,
  previousFleet: ReadonlyMap<string, number>,
  previousReplicas: ReadonlyMap<string, number> = new Map(),
): Float64Array | undefined {
  const values = Float64Array.from(lpValues);
  const ceil = (value: number) => Math.max(0, Math.ceil(value - CEIL_TOLERANCE));
  for (const replica of built.replicas) values[replica.variable.index] = ceil(values[replica.variable.index]!);
  roundUpShares(built, values);
  const tpOf = input.candidates.map((c) => c.tp);
  const fixed = (j: number) => program.columnLower[j] === program.columnUpper[j];
  const byGroup = new Map<string, { gpus: number; vms: typeof built.vms }>();
  const groupKey = (window: number, sku: string, region: string, pool?: string) => `${window}|${sku}|${region}|${pool ?? ''}`;
  const separatePools = built.replicas.some((r) => r.pool !== undefined);
  for (const vm of built.vms) {
    const j = vm.variable.index;
    values[j] = fixed(j) ? program.columnLower[j]! : ceil(values[j]!);
    const key = groupKey(vm.window, vm.sku, vm.region, separatePools ? poolOf(vm.purchase) : undefined);
    const group = byGroup.get(key) ?? { gpus: 0, vms: [] };
    group.vms.push(vm);
    byGroup.set(key, group);
  }
  for (const replica of built.replicas) {
    const candidate = input.candidates[replica.candidate]!;
    const group = byGroup.get(groupKey(replica.window, candidate.sku, candidate.region, replica.pool));
    if (!group) return undefined;
    group.gpus += values[replica.variable.index]! * tpOf[replica.candidate]!;
  }
  for (const group of byGroup.values()) {
    const gpusPerVm = group.vms[0]!.gpusPerVm;
    const have = group.vms.reduce((sum, vm) => sum + values[vm.variable.index]! * vm.gpusPerVm, 0);
    if (have >= group.gpus) continue;
    const adjustable = group.vms
      .filter((vm) => !fixed(vm.variable.index))
      .sort((a, b) => a.usdPerHour - b.usdPerHour || (a.purchase < b.purchase ? -1 : 1));
    if (adjustable.length === 0) return undefined;
    values[adjustable[0]!.variable.index]! += Math.ceil((group.gpus - have) / gpusPerVm);
  }
  // Scaling columns (group 8): up and down against the fleet one window earlier.
  const before = new Map(previousFleet);
  for (const t of built.windows) {
    const current = new Map<string, number>();
    for (const vm of built.vms) {
      if (vm.window !== t) continue;
      const key = fleetKey(vm.sku, vm.region, vm.purchase);
      const count = values[vm.variable.index]!;
      current.set(key, count);
      const change = count - (before.get(key) ?? 0);
      if (vm.up) values[vm.up.index] = Math.max(0, change);
      if (vm.down) values[vm.down.index] = Math.max(0, -change);
    }
    for (const [key, count] of current) before.set(key, count);
  }
  // Replica starts (group 8, model load): rup against the replicas one window earlier.
  const replicasBefore = new Map(previousReplicas);
  for (const t of built.windows) {
    const current = new Map<string, number>();
    for (const replica of built.replicas) {
      if (replica.window !== t) continue;
      const key = replicaKey({ ...input.candidates[replica.candidate]!, pool: replica.pool });
      const count = values[replica.variable.index]!;
      current.set(key, count);
      if (replica.up) values[replica.up.index] = Math.max(0, count - (replicasBefore.get(key) ?? 0));
    }
    for (const key of replicasBefore.keys()) if (!current.has(key)) replicasBefore.set(key, 0);
    for (const [key, count] of current) replicasBefore.set(key, count);
  }
  return checkFeasibility(program, values).violations.length === 0 ? values : undefined;
}
