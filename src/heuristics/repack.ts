/** After serving: M3's TP re-pack per (llm, sku, region), and the release of replicas and VMs beyond their load. */
import type { VmGroup } from './context.js';
import { costliestVm, decrement, vmGroupGpus, vmGroupUsedGpus, windowSpend } from './fleet.js';
import { EPS, newFlowMap, recomputeLoad, type WindowScope } from './window.js';

/** The VM groups to visit: all, or only `groups` (those a move touched, in index order). */
function visited(ctx: WindowScope['ctx'], groups?: ReadonlySet<number>): VmGroup[] {
  return groups ? [...groups].sort((a, b) => a - b).map((p) => ctx.vmGroups[p]!) : ctx.vmGroups;
}

/**
 * M3, TP upgrade (or downgrade): per (llm, sku, region), move all its load to the one TP degree that needs the
 * fewest GPUs, when that is fewer than the current mix. Only in `groups` when given (each group is independent).
 */
export function repack(scope: WindowScope, groups?: ReadonlySet<number>): void {
  const { ctx, state } = scope;
  const usable = ctx.usable;
  for (const vmGroup of visited(ctx, groups)) {
    for (const group of vmGroup.tpGroups) {
      let gpus = 0;
      for (const c of group) gpus += (state.replicas.get(c) ?? 0) * ctx.cands[c]!.tp;
      if (gpus === 0) continue;
      const byPair = new Map<number, number>();
      for (const c of group) for (const [pair, rps] of state.flows.get(c) ?? []) byPair.set(pair, (byPair.get(pair) ?? 0) + rps);
      let best: { c: number; n: number; gpus: number } | undefined;
      for (const c of group) {
        const cand = ctx.cands[c]!;
        let units = 0;
        let ok = true;
        for (const [pair, rps] of byPair) {
          const rate = cand.rates[ctx.pairs[pair]!.w]!;
          if (rate <= 0) ok = false;
          else units += rps / rate;
        }
        if (!ok) continue;
        const n = units <= EPS ? 0 : Math.ceil(units / usable - 1e-9);
        if (!best || n * cand.tp < best.gpus) best = { c, n, gpus: n * cand.tp };
      }
      if (!best || best.gpus >= gpus) continue;
      if (scope.env.spendCap !== undefined && overspends(scope, group, best.c, best.n)) continue;
      for (const c of group) {
        state.replicas.delete(c);
        // Emptied before it is detached, so that a journal (journal.ts) sees every route that goes.
        const flows = state.flows.get(c);
        if (flows) for (const pair of [...flows.keys()]) flows.delete(pair);
        state.flows.delete(c);
        state.load.delete(c);
      }
      if (best.n > 0) {
        state.replicas.set(best.c, best.n);
        const flows = newFlowMap(state, best.c);
        for (const [pair, rps] of byPair) flows.set(pair, rps);
        state.flows.set(best.c, flows);
        recomputeLoad(scope, best.c);
      }
    }
  }
}

/**
 * Whether moving a TP group's replicas to n of candidate `to` would take the window past its spend cap: the
 * move changes no VM, only which replicas start and load their llm.
 */
function overspends(scope: WindowScope, group: readonly number[], to: number, n: number): boolean {
  const { ctx, env, state } = scope;
  const starts = (c: number, count: number) => Math.max(0, count - (env.prevReplicas.get(c) ?? 0)) * ctx.cands[c]!.loadUsd;
  let delta = starts(to, n);
  for (const c of group) delta -= starts(c, state.replicas.get(c) ?? 0);
  return delta > 0 && windowSpend(scope) + delta > env.spendCap! + 1e-9;
}

/** Drops replicas beyond their load and VMs beyond their replicas (the costliest VM first); only in `groups` when given. */
export function trim(scope: WindowScope, groups?: ReadonlySet<number>): void {
  const { ctx, state } = scope;
  const usable = ctx.usable;
  const trimReplicas = (c: number, count: number) => {
    const load = state.load.get(c) ?? 0;
    const needed = load <= 1e-12 ? 0 : Math.ceil(load / usable - 1e-9);
    if (needed < count) {
      if (needed === 0) state.replicas.delete(c);
      else state.replicas.set(c, needed);
    }
  };
  const vmGroups = visited(ctx, groups);
  if (groups) {
    for (const vmGroup of vmGroups) for (const c of vmGroup.candidates) trimReplicas(c, state.replicas.get(c) ?? 0);
  } else for (const [c, count] of state.replicas) trimReplicas(c, count);
  for (const vmGroup of vmGroups) {
    const used = vmGroupUsedGpus(scope, vmGroup);
    let gpus = vmGroupGpus(state, vmGroup);
    while (gpus - vmGroup.gpusPerVm >= used) {
      const offer = costliestVm(scope, vmGroup);
      if (!offer) break;
      decrement(state.vms, offer.key);
      gpus -= vmGroup.gpusPerVm;
    }
  }
}
