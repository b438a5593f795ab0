import type { QuotaRule } from '../capacity/types.js';
/** One window's inputs (WindowEnv), the fleet and routes being built in it (WindowState), and flow bookkeeping on that state. */
import type { Context } from './context.js';
import { type Journal, UndoMap } from './journal.js';

/** Requests/s below this are rounding noise, not traffic. */
export const EPS = 1e-9;

export interface WindowEnv {
  t: number;
  hours: number;
  demand: number[];
  /** VMs running before this window, by fleetKey. */
  prev: ReadonlyMap<string, number>;
  /** Replicas running before this window, by candidate index: they serve on without a model load. */
  prevReplicas: ReadonlyMap<number, number>;
  /** Quotas in force this window. */
  quotas: QuotaRule[];
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

/** The window being planned: what every step on it reads (context, window inputs) and the state it changes. */
export interface WindowScope {
  ctx: Context;
  env: WindowEnv;
  state: WindowState;
}

export function windowEnv(
  ctx: Context,
  t: number,
  prev: ReadonlyMap<string, number>,
  spendCap?: number,
  prevReplicas: ReadonlyMap<number, number> = new Map(),
): WindowEnv {
  const { input } = ctx;
  const quotas = input.policies.quotas
    .filter((q) => (q.fromWindow === undefined || t >= q.fromWindow) && (q.toWindow === undefined || t <= q.toWindow))
    .map((q) => ({ ...q }));
  return {
    t,
    hours: input.windows[t]!.hours,
    demand: ctx.pairs.map((p) => input.demand[p.w]![p.o]![t]!),
    prev,
    prevReplicas,
    quotas,
    ...(spendCap !== undefined ? { spendCap } : {}),
  };
}

/**
 * An empty window state. Its maps are UndoMaps (journal.ts), logging into `journal` when one is given or attached
 * later (AGH), so that GH's and AGH's code sees one map shape throughout.
 */
export function emptyState(env: WindowEnv, journal?: Journal): WindowState {
  return {
    vms: UndoMap.of(journal),
    replicas: UndoMap.of(journal),
    load: UndoMap.of(journal),
    flows: UndoMap.of(journal),
    unmet: env.demand.map((d) => Math.max(0, d)),
  };
}

/**
 * A new flow map (pair -> req/s) for candidate c: one that logs into the state's journal when the state has one
 * (AGH's local search, journal.ts), so that every map a move may change can be rolled back.
 */
export function newFlowMap(state: WindowState, c: number): Map<number, number> {
  return UndoMap.of<number, number>(state.flows instanceof UndoMap ? state.flows.journal : undefined, c);
}

/** Routes `amount` requests/s of the pair to candidate c. */
export function addFlow({ ctx, state }: WindowScope, c: number, pair: number, amount: number): void {
  if (amount <= 0) return;
  const rate = ctx.cands[c]!.rates[ctx.pairs[pair]!.w]!;
  let flows = state.flows.get(c);
  if (!flows) state.flows.set(c, (flows = newFlowMap(state, c)));
  flows.set(pair, (flows.get(pair) ?? 0) + amount);
  state.load.set(c, (state.load.get(c) ?? 0) + amount / rate);
  state.unmet[pair] = state.unmet[pair]! - amount;
}

/** Frees `units` replica-units of candidate c's load, returning the traffic to unmet. */
export function unassign(scope: WindowScope, c: number, units: number): void {
  const { ctx, state } = scope;
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
  recomputeLoad(scope, c);
}

/** Sets candidate c's load from its flows. */
export function recomputeLoad({ ctx, state }: WindowScope, c: number): void {
  const cand = ctx.cands[c]!;
  let load = 0;
  for (const [pair, rps] of state.flows.get(c) ?? []) load += rps / cand.rates[ctx.pairs[pair]!.w]!;
  if (load > 0) state.load.set(c, load);
  else state.load.delete(c);
}
