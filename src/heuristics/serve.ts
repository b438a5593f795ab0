/** GH's greedy step: serves unmet demand from spare replicas, then free GPUs, then new VMs by cost per effective coverage. */
import type { Offer } from './context.js';
import { cheapestOffer, freeVmGroupGpus, type PricedOffer, windowSpend } from './fleet.js';
import { EPS, addFlow, type WindowScope, type WindowState } from './window.js';

export interface ServeOptions {
  allowBuy: boolean;
  /** Multiplies candidate c's score (AGH's perturbed ranking, fixed per start); 1 when absent. */
  noise?: (c: number) => number;
}

/** Serves the unmet demand of the pairs in `order` (steps 1-3 of GH, gh.ts). */
export function serve(scope: WindowScope, order: readonly number[], options: ServeOptions): void {
  const { ctx, env, state } = scope;
  const usable = ctx.usable;
  // cheapestOffer per VM group (null: none may be added) until a purchase changes it: a purchase moves its own VM
  // group's counts, and with quotas every group's room in the region too. Under a spend cap any replica placed
  // changes the spend, so nothing is kept from one purchase to the next.
  const priced: (PricedOffer | null | undefined)[] = new Array(ctx.vmGroups.length);
  const capped = env.spendCap !== undefined;
  const { freeGpus, ran } = ctx.scratch;
  // Replicas of each config that ran last window (they serve on without a model load).
  ran.fill(0);
  for (const [c, count] of env.prevReplicas) ran[c] = count;
  for (const i of order) {
    let remaining = state.unmet[i]!;
    if (remaining <= EPS) continue;
    const pair = ctx.pairs[i]!;
    const col = pair.columns;
    // 1. Spare capacity of replicas already placed.
    // Placed replicas are far fewer than a pair's options: look them up rather than scan the options.
    const spare: { c: number; rtt: number }[] = [];
    for (const [c, count] of state.replicas) {
      const rtt = count > 0 ? pair.rttOf.get(c) : undefined;
      if (rtt !== undefined) spare.push({ c, rtt });
    }
    spare.sort((a, b) => a.rtt - b.rtt || ctx.cands[b.c]!.rates[pair.w]! - ctx.cands[a.c]!.rates[pair.w]! || a.c - b.c);
    for (const { c } of spare) {
      if (remaining <= EPS) break;
      const rate = ctx.cands[c]!.rates[pair.w]!;
      const free = ((state.replicas.get(c) ?? 0) * usable - (state.load.get(c) ?? 0)) * rate;
      if (free <= EPS) continue;
      const amount = Math.min(remaining, free);
      addFlow(scope, c, i, amount);
      remaining -= amount;
    }
    while (remaining > EPS) {
      // 2. Free GPUs in VMs already bought.
      const withFree = freeVmGroupGpus(scope, freeGpus);
      let placed: { c: number; n: number; cover: number; score: number; rtt: number } | undefined;
      // Under a spend cap, replicas that start load their llm: that cost must fit what is left of the cap too.
      const left = capped && withFree > 0 ? env.spendCap! - windowSpend(scope) : Infinity;
      for (let k = withFree > 0 ? 0 : col.c.length; k < col.c.length; k++) {
        const tp = col.tp[k]!;
        const free = freeGpus[col.vmGroup[k]!]!;
        if (free < tp) continue;
        const c = col.c[k]!;
        const rtt = col.rtt[k]!;
        const per = col.per[k]!;
        const n = affordable(
          state,
          ran[c]!,
          c,
          col.loadUsd[k]!,
          Math.min(Math.floor(free / tp), Math.max(1, Math.ceil(remaining / per - 1e-9))),
          left,
        );
        if (n <= 0) continue;
        const cover = Math.min(remaining, n * per);
        const score = (n * tp) / cover;
        if (!placed || score < placed.score - 1e-12 || (Math.abs(score - placed.score) <= 1e-12 && rtt < placed.rtt))
          placed = { c, n, cover, score, rtt };
      }
      if (placed) {
        state.replicas.set(placed.c, (state.replicas.get(placed.c) ?? 0) + placed.n);
        addFlow(scope, placed.c, i, placed.cover);
        remaining -= placed.cover;
        continue;
      }
      if (!options.allowBuy) break;
      // 3. A new VM, by cost per effective coverage.
      const penaltyPerRps = pair.penalty * 3600 * env.hours;
      if (capped) priced.fill(undefined);
      const spent = capped ? windowSpend(scope) : 0;
      let bought: { c: number; offer: Offer; vms: number; n: number; cover: number; score: number; rtt: number } | undefined;
      for (let k = 0; k < col.c.length; k++) {
        const g = col.vmGroup[k]!;
        let offer = priced[g];
        if (offer === undefined) offer = priced[g] = cheapestOffer(scope, ctx.vmGroups[g]!) ?? null;
        if (!offer) continue;
        const c = col.c[k]!;
        const rtt = col.rtt[k]!;
        const tp = col.tp[k]!;
        const loadUsd = col.loadUsd[k]!;
        const free = freeGpus[g]!;
        const per = col.per[k]!;
        const n = affordable(
          state,
          ran[c]!,
          c,
          loadUsd,
          Math.min(Math.floor((free + ctx.vmGroups[g]!.gpusPerVm) / tp), Math.max(1, Math.ceil(remaining / per - 1e-9))),
          capped ? env.spendCap! - spent - offer.cost : Infinity,
        );
        if (n <= 0) continue;
        const cover = Math.min(remaining, n * per);
        // Replicas beyond those that ran last window load their llm first.
        const cost = loadUsd > 0 ? offer.cost + newStarts(state, ran[c]!, c, n) * loadUsd : offer.cost;
        if (cost >= cover * penaltyPerRps) continue; // cheaper to leave it unmet
        const score = (cost / cover) * (options.noise ? options.noise(c) : 1);
        if (!bought || score < bought.score - 1e-12 || (Math.abs(score - bought.score) <= 1e-12 && rtt < bought.rtt)) {
          // While the remaining demand fills whole VMs the ranking cannot change: buy them together.
          const perVm = col.perVm[k]!;
          const full = Math.floor(remaining / (perVm * per) + 1e-9);
          let vms = free === 0 && n === perVm ? Math.max(1, Math.min(offer.most, full)) : 1;
          // offer.most counts the VMs' cost against a cap; the replicas on the VMs beyond the first load too.
          if (capped && vms > 1 && loadUsd > 0) {
            // `cost` is the first VM's, its replicas' loads included.
            vms = Math.max(1, Math.min(vms, 1 + Math.floor((env.spendCap! - spent - cost + 1e-9) / (offer.cost + perVm * loadUsd))));
          }
          bought = {
            c,
            offer: offer.offer,
            vms,
            n: n + (vms - 1) * perVm,
            cover: Math.min(remaining, (n + (vms - 1) * perVm) * per),
            score,
            rtt,
          };
        }
      }
      if (!bought) break;
      state.vms.set(bought.offer.key, (state.vms.get(bought.offer.key) ?? 0) + bought.vms);
      if (env.quotas.length > 0) priced.fill(undefined);
      else priced[ctx.cands[bought.c]!.vmGroup] = undefined;
      state.replicas.set(bought.c, (state.replicas.get(bought.c) ?? 0) + bought.n);
      addFlow(scope, bought.c, i, bought.cover);
      remaining -= bought.cover;
    }
    state.unmet[i] = remaining > EPS ? remaining : 0;
  }
}

/**
 * The most of n more replicas of candidate c whose model loads fit in `left` USD (replicas that ran last window
 * load nothing); n itself when loads are free or nothing caps the spend.
 */
function affordable(state: WindowState, ran: number, c: number, loadUsd: number, n: number, left: number): number {
  if (loadUsd <= 0 || left === Infinity) return n;
  if (newStarts(state, ran, c, n) * loadUsd <= left + 1e-9) return n;
  const kept = ran === 0 ? 0 : Math.max(0, ran - (state.replicas.get(c) ?? 0));
  return Math.min(n, kept + Math.max(0, Math.floor((left + 1e-9) / loadUsd)));
}

/** Of n more replicas of candidate c, how many start (load their llm): those beyond the `ran` that ran last window. */
function newStarts(state: WindowState, ran: number, c: number, n: number): number {
  if (ran === 0) return n;
  const kept = Math.max(0, ran - (state.replicas.get(c) ?? 0));
  return Math.max(0, n - kept);
}
