import { planObjective } from '../capacity/solve.js';
import { mulberry32 } from '../random.js';
import type { Plan, PlanningInput } from '../capacity/types.js';
import { buildContext, type Context } from './context.js';
import { costliestVm, decrement, vmGroupGpus, vmGroupUsedGpus, windowObjective } from './fleet.js';
import { demandOrder, greedyWindow } from './gh.js';
import { planHorizon } from './horizon.js';
import { Journal, journaledState } from './journal.js';
import { repack, trim } from './repack.js';
import { serve } from './serve.js';
import { EPS, newFlowMap, unassign, type WindowEnv, type WindowScope, type WindowState } from './window.js';

/**
 * AGH (DESIGN.md section 7, seeds 2.4): GH plus, per window,
 * - bounded multi-start: start 0 is GH's order and ranking; start 1 serves the smallest demand first; the others
 *   serve in a seeded random order and perturb each config's cost-per-coverage score by up to +-15% (fixed per
 *   start). The count is fixed (never a time limit), so the same input and seed give the same plan;
 * - incremental local search on each start: a move takes k VMs out of one VM group (k doubles while moves pay,
 *   and the whole group is tried too) or one VM out of each of two, drops the replicas that no longer fit, re-homes
 *   their traffic (spare replicas, free GPUs, cheaper new VMs), re-packs TP (M3) and releases idle VMs. The move
 *   changes the state in place under an undo log (journal.ts): its cost is the delta over the entries it touched,
 *   and a move that does not lower the window's objective is rolled back; no state is copied;
 * and keeps the best start per window. The result is the better (by planObjective) of that plan and GH's,
 * so AGH is never worse than GH.
 */
export interface AghOptions {
  /** Starts per window (default 2; start 0 is GH's). */
  starts?: number;
  seed?: number;
  /** Local-search passes over the VM groups per start (default 2). */
  passes?: number;
  /** Most local-search moves evaluated per start (default 16): a count, so that work never depends on time. */
  moves?: number;
}

/** Consolidation tries pairs among this many of the dearest active VM groups (bounds a pass at ~n^2/2 moves). */
const CONSOLIDATION_GROUPS = 6;

export function adaptiveGreedyPlan(input: PlanningInput, options: AghOptions = {}): Plan {
  const starts = Math.max(1, Math.floor(options.starts ?? 2));
  const seed = options.seed ?? 1;
  const passes = Math.max(0, Math.floor(options.passes ?? 2));
  const budget = Math.max(0, Math.floor(options.moves ?? 16));
  const ctx = buildContext(input);
  const prices = new Map(ctx.vmGroups.flatMap((vmGroup) => vmGroup.offers.map((offer) => [offer.key, offer.usdPerHour] as const)));
  // GH's window states: AGH's start 0 begins from them instead of serving again. Only where a window's state does not
  // depend on the previous fleet beyond its cost (no scale-out limit, no budget share).
  const ghStates: WindowState[] = [];
  const gh = planHorizon(
    input,
    (context, env) => {
      const state = greedyWindow(context, env);
      ghStates[env.t] = state;
      return state;
    },
    ctx,
  );
  const reuse = input.policies.maxScaleOutPerWindow === undefined && input.policies.budget?.mode !== 'hard';
  const journal = new Journal();
  const agh = planHorizon(
    input,
    (context, env) => {
      let best: { state: WindowState; objective: number } | undefined;
      for (let s = 0; s < starts; s++) {
        const random = mulberry32(mix(seed, env.t, s));
        const scope = { ctx: context, env, state: journaledState(env, journal) };
        if (s === 0 && reuse) copyInto(ghStates[env.t]!, scope.state);
        else {
          const order = startOrder(env, s, random);
          const noise = s >= 2 ? Float64Array.from(context.cands, () => 1 + 0.3 * (random() - 0.5)) : undefined;
          serve(scope, order, { allowBuy: true, ...(noise ? { noise: (c: number) => noise[c]! } : {}) });
          repack(scope);
          trim(scope);
        }
        localSearch(scope, journal, prices, passes, budget, s === 0 ? undefined : random);
        const objective = windowObjective(scope);
        if (!best || objective < best.objective - 1e-9) best = { state: scope.state, objective };
      }
      return best!.state;
    },
    ctx,
  );
  return planObjective(input, agh) <= planObjective(input, gh) ? agh : gh;
}

/** Fills an empty journaled state with a GH window state (once per window, not per move). */
function copyInto(from: WindowState, to: WindowState): void {
  for (const [key, count] of from.vms) to.vms.set(key, count);
  for (const [c, count] of from.replicas) to.replicas.set(c, count);
  for (const [c, load] of from.load) to.load.set(c, load);
  for (const [c, flows] of from.flows) {
    const copy = newFlowMap(to, c);
    for (const [pair, rps] of flows) copy.set(pair, rps);
    to.flows.set(c, copy);
  }
  for (let i = 0; i < from.unmet.length; i++) to.unmet[i] = from.unmet[i]!;
}

function startOrder(env: WindowEnv, start: number, random: () => number): number[] {
  const order = demandOrder(env);
  if (start === 0) return order;
  if (start === 1) return order.reverse();
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

/** VM groups with VMs, dearest VM first (in a seeded random order, weighted by price, on perturbed starts). */
function activeGroups(ctx: Context, state: WindowState, random?: () => number): number[] {
  const active = ctx.vmGroups.map((_, p) => p).filter((p) => vmGroupGpus(state, ctx.vmGroups[p]!) > 0);
  const key = new Map(active.map((p) => [p, ctx.vmGroups[p]!.offers[0]!.usdPerHour * (random ? 0.7 + 0.6 * random() : 1)]));
  return active.sort((a, b) => key.get(b)! - key.get(a)! || a - b);
}

/** Relocate/consolidate moves on the scope's state, in place; each kept only if it lowers the window objective. */
function localSearch(
  scope: WindowScope,
  journal: Journal,
  prices: ReadonlyMap<string, number>,
  passes: number,
  budget: number,
  random?: () => number,
): void {
  const { ctx, state } = scope;
  let left = budget;
  const move = (apply: () => boolean): boolean => {
    if (left <= 0) return false;
    left--;
    journal.begin(state);
    if (!apply()) {
      journal.rollback(state);
      return false;
    }
    repair(scope);
    if (journal.delta(scope, prices) < -1e-9) {
      journal.commit();
      return true;
    }
    journal.rollback(state);
    return false;
  };
  for (let pass = 0; pass < passes; pass++) {
    let improved = false;
    for (const p of activeGroups(ctx, state, random)) {
      const vmGroup = ctx.vmGroups[p]!;
      const vms = vmGroupGpus(state, vmGroup) / vmGroup.gpusPerVm;
      // Empty the whole VM group (its load moves to other VM groups' spare room or cheaper VMs).
      if (vms > 1 && move(() => removeVms(scope, p, vms))) {
        improved = true;
        continue;
      }
      // k VMs at a time: doubling while it pays, halving after a miss, until one VM does not pay.
      let k = 1;
      let missed = false;
      while (k >= 1 && vmGroupGpus(state, vmGroup) > 0) {
        if (move(() => removeVms(scope, p, k))) {
          improved = true;
          if (!missed) k *= 2;
        } else {
          missed = true;
          k >>= 1;
        }
      }
    }
    if (!improved) {
      // Consolidation: one VM out of each of two VM groups, so that the repair can merge their load.
      const active = activeGroups(ctx, state).slice(0, CONSOLIDATION_GROUPS);
      outer: for (const [a, p] of active.entries()) {
        for (const q of active.slice(a)) {
          if (move(() => removeVms(scope, p, 1) && removeVms(scope, q, 1))) {
            improved = true;
            break outer;
          }
        }
      }
    }
    if (!improved) break;
  }
}

/** Re-serves unmet demand (largest first, buying where worth it), re-packs TP and trims. */
function repair(scope: WindowScope): void {
  const { unmet } = scope.state;
  const order = unmet
    .map((_, i) => i)
    .filter((i) => unmet[i]! > EPS)
    .sort((a, b) => unmet[b]! - unmet[a]! || a - b);
  serve(scope, order, { allowBuy: true });
  repack(scope);
  trim(scope);
}

/**
 * Takes up to k VMs (the costliest first) out of VM group p and drops the replicas that no longer fit, least
 * load per GPU first, as many of one config at a time as the shortfall needs. False if the group had none.
 */
function removeVms(scope: WindowScope, p: number, k: number): boolean {
  const { ctx, state } = scope;
  const vmGroup = ctx.vmGroups[p]!;
  let removed = 0;
  for (; removed < k; removed++) {
    const offer = costliestVm(scope, vmGroup);
    if (!offer) break;
    decrement(state.vms, offer.key);
  }
  if (removed === 0) return false;
  const gpus = vmGroupGpus(state, vmGroup);
  let used = vmGroupUsedGpus(scope, vmGroup);
  while (used > gpus) {
    let pick: { c: number; score: number } | undefined;
    for (const c of vmGroup.candidates) {
      const count = state.replicas.get(c) ?? 0;
      if (count === 0) continue;
      const displaced = Math.max(0, (state.load.get(c) ?? 0) - (count - 1) * ctx.usable);
      const score = displaced / ctx.cands[c]!.tp;
      if (!pick || score < pick.score - 1e-12) pick = { c, score };
    }
    if (!pick) break;
    const tp = ctx.cands[pick.c]!.tp;
    const count = state.replicas.get(pick.c)!;
    const drop = Math.min(count, Math.ceil((used - gpus) / tp));
    if (count > drop) state.replicas.set(pick.c, count - drop);
    else state.replicas.delete(pick.c);
    unassign(scope, pick.c, Math.max(0, (state.load.get(pick.c) ?? 0) - (count - drop) * ctx.usable));
    used -= drop * tp;
  }
  return true;
}

function mix(seed: number, t: number, s: number): number {
  let h = (seed | 0) ^ 0x9e3779b9;
  h = Math.imul(h ^ (t + 0x7f4a7c15), 0x85ebca6b);
  h = Math.imul(h ^ (s + 0x165667b1), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
