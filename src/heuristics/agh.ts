import { planObjective } from '../capacity/solve.js';
import { mulberry32 } from '../random.js';
import type { Plan, PlanningInput } from '../capacity/types.js';
import { buildContext } from './context.js';
import { costliestVm, decrement, vmGroupGpus, vmGroupUsedGpus, windowObjective } from './fleet.js';
import { demandOrder, greedyPlan } from './gh.js';
import { planHorizon } from './horizon.js';
import { repack, trim } from './repack.js';
import { serve } from './serve.js';
import { EPS, cloneState, emptyState, unassign, type WindowEnv, type WindowScope, type WindowState } from './window.js';

/**
 * AGH (DESIGN.md section 7, seeds 2.4): GH plus, per window,
 * - multi-start: start 0 is GH's order and ranking; start 1 serves the smallest demand first; the others
 *   serve in a random order and perturb each config's cost-per-coverage score by up to +-15% (fixed per start);
 * - relocate / consolidation local search: take one VM out of a VM group, drop the replicas that no longer fit
 *   (those carrying least load per GPU), re-home their traffic on spare replicas, free GPUs of other VMs or a
 *   cheaper new VM, re-pack TP (M3) and release VMs left empty; keep the move if the window's objective falls;
 * and keeps the best start per window. The result is the better (by planObjective) of that plan and GH's,
 * so AGH is never worse than GH. Deterministic for a given seed.
 */
export interface AghOptions {
  /** Starts per window (default 8; start 0 is GH's). */
  starts?: number;
  seed?: number;
  /** Local-search passes over the VM groups per start (default 3). */
  passes?: number;
}

export function adaptiveGreedyPlan(input: PlanningInput, options: AghOptions = {}): Plan {
  const starts = Math.max(1, Math.floor(options.starts ?? 8));
  const seed = options.seed ?? 1;
  const passes = Math.max(0, Math.floor(options.passes ?? 3));
  const ctx = buildContext(input);
  const agh = planHorizon(
    input,
    (context, env) => {
      let best: { state: WindowState; objective: number } | undefined;
      for (let s = 0; s < starts; s++) {
        const random = mulberry32(mix(seed, env.t, s));
        const scope = { ctx: context, env, state: emptyState(env) };
        const order = startOrder(env, s, random);
        const noise = s >= 2 ? Float64Array.from(context.cands, () => 1 + 0.3 * (random() - 0.5)) : undefined;
        serve(scope, order, { allowBuy: true, ...(noise ? { noise: (c: number) => noise[c]! } : {}) });
        repack(scope);
        trim(scope);
        const improved = localSearch(scope, passes, s === 0 ? undefined : random);
        const objective = windowObjective({ ctx: context, env, state: improved });
        if (!best || objective < best.objective - 1e-9) best = { state: improved, objective };
      }
      return best!.state;
    },
    ctx,
  );
  const gh = greedyPlan(input);
  return planObjective(input, agh) <= planObjective(input, gh) ? agh : gh;
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

/** Relocate/consolidate: remove one VM at a time from the scope's state and repair; keep strict improvements. */
function localSearch(scope: WindowScope, passes: number, random?: () => number): WindowState {
  const { ctx, env } = scope;
  let state = scope.state;
  let objective = windowObjective(scope);
  // A trial works on a copy of the current state, so a rejected move leaves it untouched.
  const trialOf = (from: WindowState): WindowScope => ({ ctx, env, state: cloneState(from) });
  for (let pass = 0; pass < passes; pass++) {
    let improved = false;
    const vmGroups = ctx.vmGroups.map((_, p) => p).filter((p) => vmGroupGpus(state, ctx.vmGroups[p]!) > 0);
    // Dearest VMs first (random order on perturbed starts).
    const price = (p: number) => ctx.vmGroups[p]!.offers[0]!.usdPerHour;
    if (random) vmGroups.sort((a, b) => price(b) * (0.7 + 0.6 * random()) - price(a) * (0.7 + 0.6 * random()) || a - b);
    else vmGroups.sort((a, b) => price(b) - price(a) || a - b);
    for (const p of vmGroups) {
      // Empty the whole VM group (its load moves to other VM groups' spare room or cheaper VMs).
      if (vmGroupGpus(state, ctx.vmGroups[p]!) > ctx.vmGroups[p]!.gpusPerVm) {
        const trial = trialOf(state);
        while (removeVm(trial, p));
        const value = repair(trial);
        if (value < objective - 1e-9) {
          state = trial.state;
          objective = value;
          improved = true;
          continue;
        }
      }
      for (;;) {
        const trial = trialOf(state);
        if (!removeVm(trial, p)) break;
        const value = repair(trial);
        if (value < objective - 1e-9) {
          state = trial.state;
          objective = value;
          improved = true;
        } else break;
      }
    }
    if (!improved) {
      // Consolidation: empty one VM in each of two VM groups and let the repair merge their load.
      const active = ctx.vmGroups.map((_, p) => p).filter((p) => vmGroupGpus(state, ctx.vmGroups[p]!) > 0);
      outer: for (const [a, p] of active.entries()) {
        for (const q of active.slice(a)) {
          const trial = trialOf(state);
          if (!removeVm(trial, p) || !removeVm(trial, q)) continue;
          const value = repair(trial);
          if (value < objective - 1e-9) {
            state = trial.state;
            objective = value;
            improved = true;
            break outer;
          }
        }
      }
    }
    if (!improved) break;
  }
  return state;
}

/** Re-serves unmet demand (largest first, buying where worth it), re-packs TP, trims; returns the objective. */
function repair(trial: WindowScope): number {
  const { unmet } = trial.state;
  const order = unmet
    .map((_, i) => i)
    .filter((i) => unmet[i]! > EPS)
    .sort((a, b) => unmet[b]! - unmet[a]! || a - b);
  serve(trial, order, { allowBuy: true });
  repack(trial);
  trim(trial);
  return windowObjective(trial);
}

/** Takes one VM out of VM group p, dropping the replicas that no longer fit (least load per GPU first). */
function removeVm(scope: WindowScope, p: number): boolean {
  const { ctx, state } = scope;
  const vmGroup = ctx.vmGroups[p]!;
  const offer = costliestVm(scope, vmGroup);
  if (!offer) return false;
  decrement(state.vms, offer.key);
  const gpus = vmGroupGpus(state, vmGroup);
  let used = vmGroupUsedGpus(scope, vmGroup);
  while (used > gpus) {
    let pick: { c: number; displaced: number; score: number } | undefined;
    for (const c of vmGroup.candidates) {
      const count = state.replicas.get(c) ?? 0;
      if (count === 0) continue;
      const displaced = Math.max(0, (state.load.get(c) ?? 0) - (count - 1) * ctx.usable);
      const score = displaced / ctx.cands[c]!.tp;
      if (!pick || score < pick.score - 1e-12) pick = { c, displaced, score };
    }
    if (!pick) break;
    const count = state.replicas.get(pick.c)! - 1;
    if (count > 0) state.replicas.set(pick.c, count);
    else state.replicas.delete(pick.c);
    unassign(scope, pick.c, pick.displaced);
    used -= ctx.cands[pick.c]!.tp;
  }
  return true;
}

function mix(seed: number, t: number, s: number): number {
  let h = (seed | 0) ^ 0x9e3779b9;
  h = Math.imul(h ^ (t + 0x7f4a7c15), 0x85ebca6b);
  h = Math.imul(h ^ (s + 0x165667b1), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
