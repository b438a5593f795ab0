import type { Plan, PlanningInput } from '../capacity/types.js';
import { mulberry32 } from '../random.js';
import { buildContext, type Context } from './context.js';
import { costliestVm, decrement, vmGroupGpus, vmGroupUsedGpus, windowObjective, windowSpend } from './fleet.js';
import { demandOrder, greedyWindow } from './gh.js';
import { assembleHorizon, runHorizon } from './horizon.js';
import { attachJournal, Journal, type NextWindow } from './journal.js';
import { repack, trim } from './repack.js';
import { serve } from './serve.js';
import { EPS, emptyState, unassign, type WindowEnv, type WindowScope, type WindowState } from './window.js';

/**
 * AGH (DESIGN.md section 7, seeds 2.4): GH's plan, then one forward pass over the windows that improves each in
 * place, judged on the horizon objective: the window's own cost (VMs, start-ups against the window before, penalties,
 * tie-breaks) plus the start-ups it causes in the next window, whose fleet is held as GH (or the pass) left it.
 * A change is kept only if it lowers that sum, so AGH is never worse than GH, and no second plan is made.
 *
 * Per window, within a fixed work budget (a count of moves, never a time, so the same input gives the same plan):
 * - local search on GH's window state, the VM groups with the fewest VMs first: a move takes k VMs out of one VM
 *   group (the whole group first, up to EMPTY_GROUP_MAX_VMS, then k doubling while moves pay) or one VM out of each
 *   of two, drops the replicas that no longer fit, re-homes their traffic (spare replicas, free GPUs, cheaper new
 *   VMs), re-packs TP (M3) and releases idle VMs, on the VM groups it touched only. It changes the state in place
 *   under an undo log (journal.ts): its cost is the delta over the entries it wrote, and a move that does not pay
 *   is rolled back; no state is copied;
 * - more starts only where the window leaves slack above its fractional lower bound (slackShare): start 1 serves
 *   the smallest demand first, the others serve in a seeded random order with each config's cost-per-coverage
 *   score perturbed by up to +-15%; each gets the local search too, and the best start is kept.
 */
export interface AghOptions {
  /** Starts per window (default 2; start 0 is GH's state, the others run only where slack is left). */
  starts?: number;
  seed?: number;
  /** Local-search passes over the VM groups per start (default 2). */
  passes?: number;
  /** Most local-search moves evaluated per start (default 4): a count, so that work never depends on time. */
  moves?: number;
  /**
   * Starts beyond the first run only in windows whose objective after start 0 exceeds the window's fractional lower
   * bound by more than this share of it (default 0.01).
   */
  slackShare?: number;
}

/** The knobs AGH runs with when options leave them out. */
export const AGH_DEFAULTS: Readonly<Required<AghOptions>> = { starts: 2, seed: 1, passes: 2, moves: 4, slackShare: 0.01 };

/** The options AGH runs with: the defaults filled in, counts as whole numbers. */
export function aghSettings(options: AghOptions = {}): Required<AghOptions> {
  return {
    starts: Math.max(1, Math.floor(options.starts ?? AGH_DEFAULTS.starts)),
    seed: options.seed ?? AGH_DEFAULTS.seed,
    passes: Math.max(0, Math.floor(options.passes ?? AGH_DEFAULTS.passes)),
    moves: Math.max(0, Math.floor(options.moves ?? AGH_DEFAULTS.moves)),
    slackShare: Math.max(0, options.slackShare ?? AGH_DEFAULTS.slackShare),
  };
}

/** What AGH did: counts only, the same for the same input and options on any machine. */
export interface AghWork {
  windows: number;
  /** Starts beyond GH's, summed over windows. */
  extraStarts: number;
  /** Local-search moves evaluated and kept, summed over windows and starts. */
  moves: number;
  kept: number;
  /** The most moves any one start evaluated (at most the moves option). */
  mostMovesPerStart: number;
}

export interface AghResult {
  plan: Plan;
  work: AghWork;
}

/** Consolidation tries pairs among this many of the dearest active VM groups (bounds a pass at ~n^2/2 moves). */
const CONSOLIDATION_GROUPS = 6;
/** Emptying a whole VM group is tried up to this many VMs: a larger group's traffic is only bought back elsewhere. */
const EMPTY_GROUP_MAX_VMS = 8;
/** A change must lower the objective by more than this (USD) to be kept: well above the plan's rate rounding. */
const MIN_GAIN = 1e-6;

export function adaptiveGreedyPlan(input: PlanningInput, options: AghOptions = {}): Plan {
  return adaptiveGreedySearch(input, options).plan;
}

/** AGH's plan and the work it took (see the top of this file). */
export function adaptiveGreedySearch(input: PlanningInput, options: AghOptions = {}): AghResult {
  const { starts, seed, passes, moves: budget, slackShare } = aghSettings(options);
  const ctx = buildContext(input);
  const prices = new Map(ctx.vmGroups.flatMap((vmGroup) => vmGroup.offers.map((offer) => [offer.key, offer.usdPerHour] as const)));
  const gh = runHorizon(input, greedyWindow, ctx);
  const journal = new Journal();
  // GH's states are improved in place; each window's env already points at the state of the one before it.
  const { states, envs } = gh;
  for (const state of states) attachJournal(state, journal);
  const floorCosts = pairFloorCosts(ctx);
  const work: AghWork = { windows: states.length, extraStarts: 0, moves: 0, kept: 0, mostMovesPerStart: 0 };
  const search: SearchSettings = { journal, prices, passes, budget, work };
  for (let t = 0; t < states.length; t++) {
    const next = states[t + 1];
    const scope: WindowScope = { ctx, env: envs[t]!, state: states[t]! };
    localSearch(scope, next, search);
    if (starts === 1) continue;
    let best = { state: scope.state, ...horizonTerms(scope, next) };
    if (best.objective <= (1 + slackShare) * windowLowerBound(floorCosts, scope.env)) continue;
    for (let s = 1; s < starts; s++) {
      work.extraStarts++;
      const random = mulberry32(mix(seed, t, s));
      const other: WindowScope = { ctx, env: scope.env, state: emptyState(scope.env, journal) };
      const noise = s >= 2 ? Float64Array.from(ctx.cands, () => 1 + 0.3 * (random() - 0.5)) : undefined;
      serve(other, startOrder(scope.env, s, random), { allowBuy: true, ...(noise ? { noise: (c: number) => noise[c]! } : {}) });
      repack(other);
      trim(other);
      localSearch(other, next, search, random);
      const terms = horizonTerms(other, next);
      const fits = input.policies.budget?.mode !== 'hard' || terms.spend <= best.spend + 1e-9;
      if (fits && terms.objective < best.objective - MIN_GAIN && scaleOutHolds(ctx, other.state, next, scope.env.prev))
        best = { state: other.state, ...terms };
    }
    if (best.state !== states[t]) {
      states[t] = best.state;
      const following = envs[t + 1];
      // Re-pointed in place, not copied: one env shape for the code that reads it.
      if (following) {
        following.prev = best.state.vms;
        following.prevReplicas = best.state.replicas;
      }
    }
  }
  return { plan: assembleHorizon(ctx, { envs, states }), work };
}

interface SearchSettings {
  journal: Journal;
  prices: ReadonlyMap<string, number>;
  passes: number;
  budget: number;
  work: AghWork;
}

/** The window's share of the horizon objective and of the spend: its own, plus the next window's start-ups against it. */
function horizonTerms(scope: WindowScope, next: NextWindow | undefined): { objective: number; spend: number } {
  const { ctx, state } = scope;
  let startups = 0;
  if (next) {
    const startupHours = ctx.input.policies.startupHours;
    for (const [key, count] of next.vms) {
      const offer = ctx.vmGroups[ctx.vmGroupOfKey.get(key)!]!.offers.find((o) => o.key === key)!;
      startups += offer.usdPerHour * startupHours * Math.max(0, count - (state.vms.get(key) ?? 0));
    }
    for (const [c, count] of next.replicas) startups += ctx.cands[c]!.loadUsd * Math.max(0, count - (state.replicas.get(c) ?? 0));
  }
  return { objective: windowObjective(scope) + startups, spend: windowSpend(scope) + startups };
}

/**
 * Per pair, the least a request/s can cost per hour: the cheapest VM time per request/s of any config that may serve
 * it (a VM's hourly price over the requests/s its replicas serve), or its penalty if lower.
 */
function pairFloorCosts(ctx: Context): number[] {
  return ctx.pairs.map((pair) => {
    let perRps = pair.penalty * 3600;
    for (const { c } of pair.options) {
      const cand = ctx.cands[c]!;
      const price = ctx.vmGroups[cand.vmGroup]!.offers[0]!.usdPerHour;
      perRps = Math.min(perRps, price / (cand.perVm * cand.rates[pair.w]! * ctx.usable));
    }
    return perRps;
  });
}

/** A lower bound on the window's VM time and penalties: each pair's demand at its floor cost (pairFloorCosts). */
function windowLowerBound(floorCosts: readonly number[], env: WindowEnv): number {
  let bound = 0;
  for (let i = 0; i < floorCosts.length; i++) bound += Math.max(0, env.demand[i]!) * floorCosts[i]! * env.hours;
  return bound;
}

/** Whether this window's fleet keeps to the scale-out limit against the window before and the next window against it. */
function scaleOutHolds(ctx: Context, state: WindowState, next: NextWindow | undefined, prev: ReadonlyMap<string, number>): boolean {
  const limit = ctx.input.policies.maxScaleOutPerWindow;
  if (limit === undefined) return true;
  for (const [key, count] of state.vms) if (count - (prev.get(key) ?? 0) > limit) return false;
  if (next) for (const [key, count] of next.vms) if (count - (state.vms.get(key) ?? 0) > limit) return false;
  return true;
}

function startOrder(env: WindowEnv, start: number, random: () => number): number[] {
  const order = demandOrder(env);
  if (start === 1) return order.reverse();
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

/**
 * VM groups with VMs, smallest fleet first (then dearest VM first; in a seeded random order, weighted by price, on
 * perturbed starts): the stragglers a few VMs strong are the ones that pay to empty, and cheap to try.
 */
function activeGroups(ctx: Context, state: WindowState, random?: () => number): number[] {
  const active = ctx.vmGroups.map((_, p) => p).filter((p) => vmGroupGpus(state, ctx.vmGroups[p]!) > 0);
  const vms = new Map(active.map((p) => [p, vmGroupGpus(state, ctx.vmGroups[p]!) / ctx.vmGroups[p]!.gpusPerVm]));
  const key = new Map(active.map((p) => [p, ctx.vmGroups[p]!.offers[0]!.usdPerHour * (random ? 0.7 + 0.6 * random() : 1)]));
  return active.sort((a, b) => vms.get(a)! - vms.get(b)! || key.get(b)! - key.get(a)! || a - b);
}

/** Relocate/consolidate moves on the scope's state, in place; each kept only if it lowers the horizon objective. */
function localSearch(scope: WindowScope, next: NextWindow | undefined, settings: SearchSettings, random?: () => number): void {
  const { ctx, env, state } = scope;
  const { journal, prices, passes, budget, work } = settings;
  const hardBudget = ctx.input.policies.budget?.mode === 'hard';
  let left = budget;
  const move = (apply: () => boolean): boolean => {
    if (left <= 0) return false;
    left--;
    work.moves++;
    journal.begin(state);
    if (!apply()) {
      journal.rollback(state);
      return false;
    }
    repair(scope, journal);
    const delta = journal.delta(scope, prices, next);
    // Under a hard budget the spend may not grow (GH's plan is within it); the scale-out limit binds both ways.
    if (delta.objective < -MIN_GAIN && (!hardBudget || delta.spend <= 1e-9) && scaleOutHolds(ctx, state, next, env.prev)) {
      journal.commit();
      work.kept++;
      return true;
    }
    journal.rollback(state);
    return false;
  };
  for (let pass = 0; pass < passes && left > 0; pass++) {
    let improved = false;
    for (const p of activeGroups(ctx, state, random)) {
      if (left <= 0) break;
      const vmGroup = ctx.vmGroups[p]!;
      const vms = vmGroupGpus(state, vmGroup) / vmGroup.gpusPerVm;
      // Empty the whole VM group (its load moves to other VM groups' spare room or cheaper VMs).
      if (vms > 1 && vms <= EMPTY_GROUP_MAX_VMS && move(() => removeVms(scope, p, vms))) {
        improved = true;
        continue;
      }
      // k VMs at a time: doubling while it pays, halving after a miss, until one VM does not pay.
      let k = 1;
      let missed = false;
      while (k >= 1 && left > 0 && vmGroupGpus(state, vmGroup) > 0) {
        if (move(() => removeVms(scope, p, k))) {
          improved = true;
          if (!missed) k *= 2;
        } else {
          missed = true;
          k >>= 1;
        }
      }
    }
    if (!improved && left > 0) {
      // Consolidation: one VM out of each of two VM groups, so that the repair can merge their load.
      const active = activeGroups(ctx, state).slice(0, CONSOLIDATION_GROUPS);
      outer: for (const [a, p] of active.entries()) {
        for (const q of active.slice(a)) {
          if (left <= 0) break outer;
          if (move(() => removeVms(scope, p, 1) && removeVms(scope, q, 1))) {
            improved = true;
            break outer;
          }
        }
      }
    }
    if (!improved) break;
  }
  work.mostMovesPerStart = Math.max(work.mostMovesPerStart, budget - left);
}

/** Re-serves unmet demand (largest first, buying where worth it), then re-packs TP and trims the VM groups the move touched. */
function repair(scope: WindowScope, journal: Journal): void {
  const { unmet } = scope.state;
  const order = unmet
    .map((_, i) => i)
    .filter((i) => unmet[i]! > EPS)
    .sort((a, b) => unmet[b]! - unmet[a]! || a - b);
  serve(scope, order, { allowBuy: true });
  const touched = journal.touchedGroups(scope);
  repack(scope, touched);
  trim(scope, touched);
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
