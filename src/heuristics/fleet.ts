import { quotaLimit, quotaUnitsPerVm } from '../capacity/quota.js';
/** Fleet accounting in a window: GPUs bought and used per VM group, quota room, the VM to add or drop next, spend and objective. */
import { REPLICA_TIE_BREAK, routeTieBreak } from '../capacity/formulation.js';
import type { Offer, VmGroup } from './context.js';
import type { WindowScope, WindowState } from './window.js';

export function vmGroupGpus(state: WindowState, vmGroup: VmGroup): number {
  let gpus = 0;
  for (const offer of vmGroup.offers) gpus += (state.vms.get(offer.key) ?? 0) * vmGroup.gpusPerVm;
  return gpus;
}

export function vmGroupUsedGpus({ ctx, state }: WindowScope, vmGroup: VmGroup): number {
  let used = 0;
  for (const c of vmGroup.candidates) used += (state.replicas.get(c) ?? 0) * ctx.cands[c]!.tp;
  return used;
}

/** Free GPUs (bought, not used by replicas) per VM group into `free` (0 where none); returns how many groups have any. */
export function freeVmGroupGpus(scope: WindowScope, free: Float64Array): number {
  const { ctx, state } = scope;
  free.fill(-Infinity);
  for (const key of state.vms.keys()) {
    const p = ctx.vmGroupOfKey.get(key)!;
    if (free[p] !== -Infinity) continue;
    const vmGroup = ctx.vmGroups[p]!;
    free[p] = vmGroupGpus(state, vmGroup) - vmGroupUsedGpus(scope, vmGroup);
  }
  let groups = 0;
  for (let p = 0; p < free.length; p++) {
    if (free[p]! > 0) groups++;
    else free[p] = 0;
  }
  return groups;
}

/** How many more VMs of the VM group the quotas allow (Infinity without a quota). */
function quotaRoom({ ctx, env, state }: WindowScope, vmGroup: VmGroup): number {
  let room = Infinity;
  for (const quota of env.quotas) {
    const units = quotaUnitsPerVm(quota, vmGroup);
    if (quota.region !== vmGroup.region || units === 0) continue;
    let used = 0;
    for (const other of ctx.vmGroups)
      if (other.region === vmGroup.region) used += (vmGroupGpus(state, other) / other.gpusPerVm) * quotaUnitsPerVm(quota, other);
    room = Math.min(room, Math.floor((quotaLimit(quota) - used) / units));
  }
  return Math.max(0, room);
}

/** VM time plus start-ups of the window's fleet: VM boots and the model loads of replicas started. */
export function windowSpend({ ctx, env, state }: WindowScope): number {
  let spend = 0;
  for (const [c, count] of state.replicas) spend += Math.max(0, count - (env.prevReplicas.get(c) ?? 0)) * ctx.cands[c]!.loadUsd;
  for (const vmGroup of ctx.vmGroups) {
    for (const offer of vmGroup.offers) {
      const count = state.vms.get(offer.key) ?? 0;
      if (count === 0) continue;
      const started = Math.max(0, count - (env.prev.get(offer.key) ?? 0));
      spend += offer.usdPerHour * (count * env.hours + started * ctx.input.policies.startupHours);
    }
  }
  return spend;
}

/** A VM one may add, its cost this window, and how many may be added at that price in one go. */
export interface PricedOffer {
  offer: Offer;
  cost: number;
  most: number;
}

/** The cheapest VM of the VM group one may still add (quota, scale-out, budget share), and its cost this window. */
export function cheapestOffer(scope: WindowScope, vmGroup: VmGroup): PricedOffer | undefined {
  const { ctx, env, state } = scope;
  const quota = quotaRoom(scope, vmGroup);
  if (quota < 1) return undefined;
  const { startupHours, maxScaleOutPerWindow } = ctx.input.policies;
  const spent = env.spendCap !== undefined ? windowSpend(scope) : 0;
  let best: PricedOffer | undefined;
  for (const offer of vmGroup.offers) {
    const count = state.vms.get(offer.key) ?? 0;
    const before = env.prev.get(offer.key) ?? 0;
    if (maxScaleOutPerWindow !== undefined && count + 1 - before > maxScaleOutPerWindow) continue;
    const cost = offer.usdPerHour * (env.hours + (count >= before ? startupHours : 0));
    if (env.spendCap !== undefined && spent + cost > env.spendCap + 1e-9) continue;
    // VMs that can be added at this same price in one go (same start-up status, within quota and limits).
    let most = Math.min(quota, count < before ? before - count : Infinity);
    if (maxScaleOutPerWindow !== undefined) most = Math.min(most, maxScaleOutPerWindow - (count - before));
    if (env.spendCap !== undefined) most = Math.min(most, Math.floor((env.spendCap + 1e-9 - spent) / cost));
    if (!best || cost < best.cost - 1e-12) best = { offer, cost, most: Math.max(1, most) };
  }
  return best;
}

/** The VM of the VM group whose removal saves most this window (started ones save their start-up too). */
export function costliestVm({ ctx, env, state }: WindowScope, vmGroup: VmGroup): Offer | undefined {
  let best: { offer: Offer; saving: number } | undefined;
  for (const offer of vmGroup.offers) {
    const count = state.vms.get(offer.key) ?? 0;
    if (count === 0) continue;
    const saving = offer.usdPerHour * (env.hours + (count > (env.prev.get(offer.key) ?? 0) ? ctx.input.policies.startupHours : 0));
    if (!best || saving > best.saving) best = { offer, saving };
  }
  return best?.offer;
}

export function decrement(map: Map<string, number>, key: string): void {
  const count = (map.get(key) ?? 0) - 1;
  if (count > 0) map.set(key, count);
  else map.delete(key);
}

/** The window's share of the MILP objective (VMs, start-ups against the previous window, penalties, tie-breaks). */
export function windowObjective(scope: WindowScope): number {
  const { ctx, env, state } = scope;
  let objective = windowSpend(scope);
  for (const [i, pair] of ctx.pairs.entries()) objective += state.unmet[i]! * 3600 * env.hours * pair.penalty;
  for (const count of state.replicas.values()) objective += REPLICA_TIE_BREAK * count * env.hours;
  for (const [c, flows] of state.flows) {
    const region = ctx.vmGroups[ctx.cands[c]!.vmGroup]!.region;
    for (const [pair, rps] of flows)
      objective += routeTieBreak(ctx.input, ctx.pairs[pair]!.w) * rps * ctx.input.latencyMs(ctx.pairs[pair]!.origin, region) * env.hours;
  }
  return objective;
}
