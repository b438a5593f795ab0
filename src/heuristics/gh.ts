import { REPLICA_TIE_BREAK, fleetKey, fleetMap, routeTieBreak } from '../capacity/formulation.js';
import { assemblePlan } from '../capacity/plan.js';
import type { Plan, PlanWindow, PlanningInput } from '../capacity/types.js';
import type { FleetPurchase } from '../catalog/types.js';

/**
 * GH, the greedy heuristic of DESIGN.md section 7 (after the Fast Heterogeneous Serving paper, seeds 2.4),
 * and the window machinery AGH (agh.ts) builds on. No solver: every plan it makes is feasible for the
 * MILP of section 6 (groups 1-4, 8 scale-out, 9 budget), with unmet demand where nothing fits.
 *
 * Per window, demand pairs (workload, origin) are served in descending demand order:
 *   1. spare capacity of replicas already placed (nearest region first);
 *   2. free GPUs of VMs already bought (fewest GPUs per request/s covered);
 *   3. a new VM, ranked by cost per effective coverage (M2): VM cost / min(remaining demand, replicas per VM
 *      x rate x (1 - headroom)), over the configs reachable within the RTT bound whose rate for the workload
 *      is the TP-aware feasibility test (M1: candidates exist only where memory fits and the SLO holds).
 *      A VM is bought only if it costs less than leaving what it covers unmet, and only within quotas,
 *      the scale-out limit and (when set) the window's share of a hard budget.
 * Then M3: per (llm, sku, region) the load is moved to the single TP degree that needs the fewest GPUs when
 * that beats the current mix, and VMs left empty are released.
 */

/** Requests/s below this are rounding noise, not traffic. */
export const EPS = 1e-9;

export interface Offer {
  purchase: FleetPurchase;
  usdPerHour: number;
  key: string;
}

export interface Pool {
  sku: string;
  region: string;
  gpu: string;
  gpusPerVm: number;
  /** Cheapest first. */
  offers: Offer[];
  candidates: number[];
  /** Candidates of the pool grouped by llm, for groups with more than one TP degree (M3's search space). */
  tpGroups: number[][];
}

export interface Cand {
  index: number;
  llm: string;
  tp: number;
  pool: number;
  /** Requests/s per replica by workload index (0: cannot serve it). */
  rates: number[];
  perVm: number;
}

export interface Pair {
  w: number;
  o: number;
  workload: string;
  origin: string;
  /** USD per request left unmet. */
  penalty: number;
  /** Configs that can serve this pair: rate > 0 and region within the RTT bound. */
  options: { c: number; rtt: number }[];
  /** The options as candidate -> RTT. */
  rttOf: Map<number, number>;
}

export interface Context {
  input: PlanningInput;
  pools: Pool[];
  cands: (Cand | undefined)[];
  pairs: Pair[];
  /** 1 - headroom: the usable share of a replica. */
  usable: number;
  /** fleetKey -> pool index. */
  poolOfKey: Map<string, number>;
}

export interface WindowEnv {
  t: number;
  hours: number;
  demand: number[];
  /** VMs running before this window, by fleetKey. */
  prev: ReadonlyMap<string, number>;
  /** Quotas in force this window. */
  quotas: { gpu: string; region: string; gpus: number }[];
  /** Most this window may spend (VM time + start-ups), when a hard budget is being shared out. */
  spendCap?: number;
}

export interface WindowState {
  vms: Map<string, number>;
  replicas: Map<number, number>;
  /** Replica-units of load per candidate: sum of flow / rate. */
  load: Map<number, number>;
  /** candidate -> pair -> requests/s. */
  flows: Map<number, Map<number, number>>;
  /** Per pair, requests/s not served yet. */
  unmet: number[];
}

export interface ServeOptions {
  allowBuy: boolean;
  /** Multiplies candidate c's score (AGH's perturbed ranking, fixed per start); 1 when absent. */
  noise?: (c: number) => number;
}

export function buildContext(input: PlanningInput): Context {
  const pools: Pool[] = [];
  const poolIndex = new Map<string, number>();
  for (const offer of input.skus) {
    for (const region of input.regions) {
      const offers = offer.prices
        .filter((p) => p.region === region && input.purchases.includes(p.purchase))
        .map((p) => ({ purchase: p.purchase, usdPerHour: p.usdPerHour, key: fleetKey(offer.sku, region, p.purchase) }))
        .sort((a, b) => a.usdPerHour - b.usdPerHour || cmp(a.purchase, b.purchase));
      if (offers.length === 0) continue;
      poolIndex.set(`${offer.sku}|${region}`, pools.length);
      pools.push({ sku: offer.sku, region, gpu: offer.gpu, gpusPerVm: offer.gpusPerVm, offers, candidates: [], tpGroups: [] });
    }
  }
  const usable = 1 - input.policies.headroom;
  const cands = input.candidates.map((candidate, index): Cand | undefined => {
    const pool = poolIndex.get(`${candidate.sku}|${candidate.region}`);
    if (pool === undefined) return undefined;
    const gpusPerVm = pools[pool]!.gpusPerVm;
    if (candidate.tp > gpusPerVm || gpusPerVm % candidate.tp !== 0) return undefined;
    const rates = input.workloads.map((w) => {
      const rate = candidate.requestsPerSecByWorkload.get(w.id) ?? 0;
      return Math.max(rate, 0);
    });
    pools[pool]!.candidates.push(index);
    return { index, llm: candidate.llm, tp: candidate.tp, pool, rates, perVm: gpusPerVm / candidate.tp };
  });
  for (const pool of pools) {
    const byLlm = new Map<string, number[]>();
    for (const c of pool.candidates) {
      const llm = cands[c]!.llm;
      const group = byLlm.get(llm);
      if (group) group.push(c);
      else byLlm.set(llm, [c]);
    }
    pool.tpGroups = [...byLlm.values()].filter((group) => group.length > 1);
  }
  const pairs: Pair[] = [];
  for (const [w, workload] of input.workloads.entries()) {
    for (const [o, origin] of workload.origins.entries()) {
      const options: Pair['options'] = [];
      if (usable > 0) {
        for (const cand of cands) {
          if (!cand || cand.rates[w]! <= 0) continue;
          const rtt = input.latencyMs(origin, pools[cand.pool]!.region);
          if (rtt <= workload.maxNetworkRttMs) options.push({ c: cand.index, rtt });
        }
      }
      pairs.push({
        w,
        o,
        workload: workload.id,
        origin,
        penalty: workload.unmetPenaltyUsdPerRequest,
        options,
        rttOf: new Map(options.map((x) => [x.c, x.rtt])),
      });
    }
  }
  const poolOfKey = new Map(pools.flatMap((pool, p) => pool.offers.map((offer) => [offer.key, p] as const)));
  return { input, pools, cands, pairs, usable, poolOfKey };
}

export function windowEnv(ctx: Context, t: number, prev: ReadonlyMap<string, number>, spendCap?: number): WindowEnv {
  const { input } = ctx;
  const quotas = input.policies.quotas
    .filter((q) => (q.fromWindow === undefined || t >= q.fromWindow) && (q.toWindow === undefined || t <= q.toWindow))
    .map((q) => ({ gpu: q.gpu, region: q.region, gpus: q.gpus }));
  return {
    t,
    hours: input.windows[t]!.hours,
    demand: ctx.pairs.map((p) => input.demand[p.w]![p.o]![t]!),
    prev,
    quotas,
    ...(spendCap !== undefined ? { spendCap } : {}),
  };
}

export function emptyState(env: WindowEnv): WindowState {
  return { vms: new Map(), replicas: new Map(), load: new Map(), flows: new Map(), unmet: env.demand.map((d) => Math.max(0, d)) };
}

export function cloneState(state: WindowState): WindowState {
  return {
    vms: new Map(state.vms),
    replicas: new Map(state.replicas),
    load: new Map(state.load),
    flows: new Map([...state.flows].map(([c, f]) => [c, new Map(f)])),
    unmet: [...state.unmet],
  };
}

export function poolGpus(_ctx: Context, state: WindowState, pool: Pool): number {
  let gpus = 0;
  for (const offer of pool.offers) gpus += (state.vms.get(offer.key) ?? 0) * pool.gpusPerVm;
  return gpus;
}

export function poolUsed(ctx: Context, state: WindowState, pool: Pool): number {
  let used = 0;
  for (const c of pool.candidates) used += (state.replicas.get(c) ?? 0) * ctx.cands[c]!.tp;
  return used;
}

function addFlow(ctx: Context, state: WindowState, c: number, pair: number, amount: number): void {
  if (amount <= 0) return;
  const rate = ctx.cands[c]!.rates[ctx.pairs[pair]!.w]!;
  let flows = state.flows.get(c);
  if (!flows) state.flows.set(c, (flows = new Map()));
  flows.set(pair, (flows.get(pair) ?? 0) + amount);
  state.load.set(c, (state.load.get(c) ?? 0) + amount / rate);
  state.unmet[pair] = state.unmet[pair]! - amount;
}

/** Free GPUs (bought, not used by replicas) of the pools that have any. */
function freePoolGpus(ctx: Context, state: WindowState): Map<number, number> {
  const free = new Map<number, number>();
  for (const key of state.vms.keys()) {
    const p = ctx.poolOfKey.get(key)!;
    if (free.has(p)) continue;
    const pool = ctx.pools[p]!;
    free.set(p, poolGpus(ctx, state, pool) - poolUsed(ctx, state, pool));
  }
  for (const [p, gpus] of free) if (gpus <= 0) free.delete(p);
  return free;
}

/** Frees `units` replica-units of candidate c's load, returning the traffic to unmet. */
export function unassign(ctx: Context, state: WindowState, c: number, units: number): void {
  const flows = state.flows.get(c);
  if (!flows || units <= 0) return;
  const cand = ctx.cands[c]!;
  // Smallest flows first: they are the cheapest to re-home elsewhere.
  const entries = [...flows].sort((a, b) => a[1] - b[1] || a[0] - b[0]);
  let left = units;
  for (const [pair, rps] of entries) {
    if (left <= 1e-12) break;
    const rate = cand.rates[ctx.pairs[pair]!.w]!;
    const take = Math.min(rps, left * rate);
    left -= take / rate;
    const rest = rps - take;
    if (rest <= EPS) flows.delete(pair);
    else flows.set(pair, rest);
    state.unmet[pair] = state.unmet[pair]! + take;
  }
  if (flows.size === 0) state.flows.delete(c);
  recomputeLoad(ctx, state, c);
}

function recomputeLoad(ctx: Context, state: WindowState, c: number): void {
  const cand = ctx.cands[c]!;
  let load = 0;
  for (const [pair, rps] of state.flows.get(c) ?? []) load += rps / cand.rates[ctx.pairs[pair]!.w]!;
  if (load > 0) state.load.set(c, load);
  else state.load.delete(c);
}

/** How many more VMs of the pool the quotas allow (Infinity without a quota). */
function quotaRoom(ctx: Context, env: WindowEnv, state: WindowState, pool: Pool): number {
  let room = Infinity;
  for (const quota of env.quotas) {
    if (quota.gpu !== pool.gpu || quota.region !== pool.region) continue;
    let used = 0;
    for (const other of ctx.pools) if (other.gpu === pool.gpu && other.region === pool.region) used += poolGpus(ctx, state, other);
    room = Math.min(room, Math.floor((quota.gpus - used) / pool.gpusPerVm));
  }
  return Math.max(0, room);
}

/** VM time plus start-ups of the window's fleet. */
export function windowSpend(ctx: Context, env: WindowEnv, state: WindowState): number {
  let spend = 0;
  for (const pool of ctx.pools) {
    for (const offer of pool.offers) {
      const count = state.vms.get(offer.key) ?? 0;
      if (count === 0) continue;
      const started = Math.max(0, count - (env.prev.get(offer.key) ?? 0));
      spend += offer.usdPerHour * (count * env.hours + started * ctx.input.policies.startupHours);
    }
  }
  return spend;
}

/** The cheapest VM of the pool one may still add (quota, scale-out, budget share), and its cost this window. */
function cheapestOffer(
  ctx: Context,
  env: WindowEnv,
  state: WindowState,
  pool: Pool,
): { offer: Offer; cost: number; most: number } | undefined {
  const quota = quotaRoom(ctx, env, state, pool);
  if (quota < 1) return undefined;
  const { startupHours, maxScaleOutPerWindow } = ctx.input.policies;
  const spent = env.spendCap !== undefined ? windowSpend(ctx, env, state) : 0;
  let best: { offer: Offer; cost: number; most: number } | undefined;
  for (const offer of pool.offers) {
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

/** Serves the unmet demand of the pairs in `order` (steps 1-3 above). */
export function serve(ctx: Context, env: WindowEnv, state: WindowState, order: readonly number[], options: ServeOptions): void {
  const usable = ctx.usable;
  for (const i of order) {
    let remaining = state.unmet[i]!;
    if (remaining <= EPS) continue;
    const pair = ctx.pairs[i]!;
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
      addFlow(ctx, state, c, i, amount);
      remaining -= amount;
    }
    while (remaining > EPS) {
      // 2. Free GPUs in VMs already bought.
      const freeGpus = freePoolGpus(ctx, state);
      const freeOf = (p: number) => freeGpus.get(p) ?? 0;
      let placed: { c: number; n: number; cover: number; score: number; rtt: number } | undefined;
      for (const { c, rtt } of freeGpus.size > 0 ? pair.options : []) {
        const cand = ctx.cands[c]!;
        const free = freeOf(cand.pool);
        if (free < cand.tp) continue;
        const per = cand.rates[pair.w]! * usable;
        const n = Math.min(Math.floor(free / cand.tp), Math.max(1, Math.ceil(remaining / per - 1e-9)));
        const cover = Math.min(remaining, n * per);
        const score = (n * cand.tp) / cover;
        if (!placed || score < placed.score - 1e-12 || (Math.abs(score - placed.score) <= 1e-12 && rtt < placed.rtt))
          placed = { c, n, cover, score, rtt };
      }
      if (placed) {
        state.replicas.set(placed.c, (state.replicas.get(placed.c) ?? 0) + placed.n);
        addFlow(ctx, state, placed.c, i, placed.cover);
        remaining -= placed.cover;
        continue;
      }
      if (!options.allowBuy) break;
      // 3. A new VM, by cost per effective coverage.
      const penaltyPerRps = pair.penalty * 3600 * env.hours;
      let bought: { c: number; offer: Offer; vms: number; n: number; cover: number; score: number; rtt: number } | undefined;
      const priced = new Map<number, { offer: Offer; cost: number; most: number } | undefined>();
      for (const { c, rtt } of pair.options) {
        const cand = ctx.cands[c]!;
        const pool = ctx.pools[cand.pool]!;
        if (!priced.has(cand.pool)) priced.set(cand.pool, cheapestOffer(ctx, env, state, pool));
        const offer = priced.get(cand.pool);
        if (!offer) continue;
        const free = freeOf(cand.pool);
        const per = cand.rates[pair.w]! * usable;
        const n = Math.min(Math.floor((free + pool.gpusPerVm) / cand.tp), Math.max(1, Math.ceil(remaining / per - 1e-9)));
        if (n <= 0) continue;
        const cover = Math.min(remaining, n * per);
        if (offer.cost >= cover * penaltyPerRps) continue; // cheaper to leave it unmet
        const score = (offer.cost / cover) * (options.noise ? options.noise(c) : 1);
        if (!bought || score < bought.score - 1e-12 || (Math.abs(score - bought.score) <= 1e-12 && rtt < bought.rtt)) {
          // While the remaining demand fills whole VMs the ranking cannot change: buy them together.
          const full = Math.floor(remaining / (cand.perVm * per) + 1e-9);
          const vms = free === 0 && n === cand.perVm ? Math.max(1, Math.min(offer.most, full)) : 1;
          bought = {
            c,
            offer: offer.offer,
            vms,
            n: n + (vms - 1) * cand.perVm,
            cover: Math.min(remaining, (n + (vms - 1) * cand.perVm) * per),
            score,
            rtt,
          };
        }
      }
      if (!bought) break;
      state.vms.set(bought.offer.key, (state.vms.get(bought.offer.key) ?? 0) + bought.vms);
      state.replicas.set(bought.c, (state.replicas.get(bought.c) ?? 0) + bought.n);
      addFlow(ctx, state, bought.c, i, bought.cover);
      remaining -= bought.cover;
    }
    state.unmet[i] = remaining > EPS ? remaining : 0;
  }
}

/**
 * M3, TP upgrade (or downgrade): per (llm, sku, region), move all its load to the one TP degree that needs the
 * fewest GPUs, when that is fewer than the current mix.
 */
export function repack(ctx: Context, state: WindowState): void {
  const usable = ctx.usable;
  for (const pool of ctx.pools) {
    for (const group of pool.tpGroups) {
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
      for (const c of group) {
        state.replicas.delete(c);
        state.flows.delete(c);
        state.load.delete(c);
      }
      if (best.n > 0) {
        state.replicas.set(best.c, best.n);
        state.flows.set(best.c, byPair);
        recomputeLoad(ctx, state, best.c);
      }
    }
  }
}

/** Drops replicas beyond their load and VMs beyond their replicas (the costliest VM first). */
export function trim(ctx: Context, env: WindowEnv, state: WindowState): void {
  const usable = ctx.usable;
  for (const [c, count] of state.replicas) {
    const load = state.load.get(c) ?? 0;
    const needed = load <= 1e-12 ? 0 : Math.ceil(load / usable - 1e-9);
    if (needed < count) {
      if (needed === 0) state.replicas.delete(c);
      else state.replicas.set(c, needed);
    }
  }
  for (const pool of ctx.pools) {
    const used = poolUsed(ctx, state, pool);
    let gpus = poolGpus(ctx, state, pool);
    while (gpus - pool.gpusPerVm >= used) {
      const offer = costliestVm(ctx, env, state, pool);
      if (!offer) break;
      decrement(state.vms, offer.key);
      gpus -= pool.gpusPerVm;
    }
  }
}

/** The VM of the pool whose removal saves most this window (started ones save their start-up too). */
export function costliestVm(ctx: Context, env: WindowEnv, state: WindowState, pool: Pool): Offer | undefined {
  let best: { offer: Offer; saving: number } | undefined;
  for (const offer of pool.offers) {
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
export function windowObjective(ctx: Context, env: WindowEnv, state: WindowState): number {
  let objective = windowSpend(ctx, env, state);
  for (const [i, pair] of ctx.pairs.entries()) objective += state.unmet[i]! * 3600 * env.hours * pair.penalty;
  for (const count of state.replicas.values()) objective += REPLICA_TIE_BREAK * count * env.hours;
  for (const [c, flows] of state.flows) {
    const region = ctx.pools[ctx.cands[c]!.pool]!.region;
    for (const [pair, rps] of flows)
      objective += routeTieBreak(ctx.input, ctx.pairs[pair]!.w) * rps * ctx.input.latencyMs(ctx.pairs[pair]!.origin, region) * env.hours;
  }
  return objective;
}

export function demandOrder(env: WindowEnv): number[] {
  return env.demand.map((_, i) => i).sort((a, b) => env.demand[b]! - env.demand[a]! || a - b);
}

/** GH for one window: serve in descending demand order, then M3 and release idle VMs. */
export function greedyWindow(ctx: Context, env: WindowEnv): WindowState {
  const state = emptyState(env);
  serve(ctx, env, state, demandOrder(env), { allowBuy: true });
  repack(ctx, state);
  trim(ctx, env, state);
  return state;
}

const round6 = (value: number) => Math.round(value * 1e6) / 1e6;
/** Routes round down so that capacity rows never pick up rounding. */
const floor6 = (value: number) => Math.floor(value * 1e6 + 1e-6) / 1e6;

export function toPlanWindow(ctx: Context, env: WindowEnv, state: WindowState): PlanWindow {
  const { input } = ctx;
  const window = input.windows[env.t]!;
  const vms: PlanWindow['vms'] = [];
  const replicas: PlanWindow['replicas'] = [];
  const routes: PlanWindow['routes'] = [];
  for (const pool of ctx.pools) {
    for (const offer of pool.offers) {
      const count = state.vms.get(offer.key) ?? 0;
      if (count > 0)
        vms.push({ region: pool.region, sku: pool.sku, purchase: offer.purchase, count, usdPerHour: offer.usdPerHour, started: 0 });
    }
  }
  for (const [c, count] of [...state.replicas].sort((a, b) => a[0] - b[0])) {
    if (count <= 0) continue;
    const candidate = input.candidates[c]!;
    replicas.push({ llm: candidate.llm, sku: candidate.sku, tp: candidate.tp, region: candidate.region, count });
  }
  for (const [c, flows] of [...state.flows].sort((a, b) => a[0] - b[0])) {
    const candidate = input.candidates[c]!;
    for (const [i, rps] of flows) {
      const requestsPerSec = floor6(rps);
      if (requestsPerSec <= 0) continue;
      const pair = ctx.pairs[i]!;
      routes.push({
        workload: pair.workload,
        origin: pair.origin,
        llm: candidate.llm,
        sku: candidate.sku,
        tp: candidate.tp,
        region: candidate.region,
        requestsPerSec,
      });
    }
  }
  const unmet: PlanWindow['unmet'] = [];
  for (const [i, pair] of ctx.pairs.entries()) {
    const requestsPerSec = round6(state.unmet[i]!);
    if (requestsPerSec > 0) unmet.push({ workload: pair.workload, origin: pair.origin, requestsPerSec });
  }
  return { index: env.t, start: window.start, hours: window.hours, costUsd: 0, gpuHours: 0, vms, replicas, routes, unmet };
}

export type WindowSolver = (ctx: Context, env: WindowEnv) => WindowState;

/**
 * Plans the horizon window by window, each starting from the previous window's fleet. With a hard budget
 * the plan is re-made, if it overspends, with each window capped at its share of the budget (in proportion
 * to what it spent uncapped), so the total stays within the budget.
 */
export function planHorizon(input: PlanningInput, solveWindow: WindowSolver, ctx: Context = buildContext(input)): Plan {
  const run = (caps?: number[]) => {
    const windows: PlanWindow[] = [];
    const spends: number[] = [];
    let prev: ReadonlyMap<string, number> = fleetMap(input);
    for (let t = 0; t < input.windows.length; t++) {
      const env = windowEnv(ctx, t, prev, caps?.[t]);
      const state = solveWindow(ctx, env);
      spends.push(windowSpend(ctx, env, state));
      windows.push(toPlanWindow(ctx, env, state));
      prev = state.vms;
    }
    return { plan: assemblePlan(input, windows, 'feasible'), spends };
  };
  const first = run();
  const budget = input.policies.budget;
  if (budget?.mode !== 'hard') return first.plan;
  const total = first.spends.reduce((a, b) => a + b, 0);
  if (total <= budget.usd) return first.plan;
  return run(first.spends.map((spend) => (budget.usd * spend) / total)).plan;
}

/** GH over the horizon (see the top of this file). */
export function greedyPlan(input: PlanningInput): Plan {
  return planHorizon(input, greedyWindow);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
