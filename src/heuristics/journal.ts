/**
 * AGH's undo log: a local-search move changes the window state in place, its cost is the delta over the entries
 * it touched, and a rejected move is rolled back entry by entry (no copy of the state per move).
 */
import { REPLICA_TIE_BREAK, routeTieBreak } from '../capacity/formulation.js';
import type { WindowEnv, WindowScope, WindowState } from './window.js';

/** A Map whose changes are logged while its journal records. `owner` is the candidate of a flow map (pair -> req/s). */
export class UndoMap<K, V> extends Map<K, V> {
  journal!: Journal;
  owner = -1;

  static of<K, V>(journal: Journal, owner = -1): UndoMap<K, V> {
    const map = new UndoMap<K, V>();
    map.journal = journal;
    map.owner = owner;
    return map;
  }

  override set(key: K, value: V): this {
    // Map's constructor calls set before the journal is attached.
    if (this.journal?.recording) this.journal.note(this, key, super.has(key), super.get(key));
    return super.set(key, value);
  }

  override delete(key: K): boolean {
    if (this.journal?.recording && super.has(key)) this.journal.note(this, key, true, super.get(key));
    return super.delete(key);
  }

  restore(key: K, had: boolean, value: V | undefined): void {
    if (had) super.set(key, value as V);
    else super.delete(key);
  }
}

type AnyUndoMap = UndoMap<unknown, unknown>;

export class Journal {
  recording = false;
  private maps: AnyUndoMap[] = [];
  private keys: unknown[] = [];
  private had: boolean[] = [];
  private olds: unknown[] = [];
  private unmetBefore: number[] = [];

  note(map: AnyUndoMap, key: unknown, had: boolean, old: unknown): void {
    this.maps.push(map);
    this.keys.push(key);
    this.had.push(had);
    this.olds.push(old);
  }

  /** Starts a move on the state. Unmet is a per-pair array (a few numbers): it is saved, not logged. */
  begin(state: WindowState): void {
    this.maps.length = this.keys.length = this.had.length = this.olds.length = 0;
    this.unmetBefore = state.unmet.slice();
    this.recording = true;
  }

  commit(): void {
    this.recording = false;
  }

  rollback(state: WindowState): void {
    this.recording = false;
    for (let i = this.maps.length - 1; i >= 0; i--) this.maps[i]!.restore(this.keys[i], this.had[i]!, this.olds[i]);
    for (let i = 0; i < this.unmetBefore.length; i++) state.unmet[i] = this.unmetBefore[i]!;
  }

  /** The change of windowObjective since begin(), from the entries the move touched only. */
  delta(scope: WindowScope, prices: ReadonlyMap<string, number>): number {
    const { ctx, env, state } = scope;
    const first = new Map<AnyUndoMap, Map<unknown, unknown>>();
    for (let i = 0; i < this.maps.length; i++) {
      let seen = first.get(this.maps[i]!);
      if (!seen) first.set(this.maps[i]!, (seen = new Map()));
      if (!seen.has(this.keys[i])) seen.set(this.keys[i], this.had[i] ? this.olds[i] : undefined);
    }
    let delta = 0;
    const vms = state.vms as unknown as AnyUndoMap;
    const replicas = state.replicas as unknown as AnyUndoMap;
    for (const [map, before] of first) {
      if (map === vms) {
        for (const [key, old] of before) {
          const k = key as string;
          delta += vmCost(env, ctx.input.policies.startupHours, prices.get(k)!, k, state.vms.get(k) ?? 0);
          delta -= vmCost(env, ctx.input.policies.startupHours, prices.get(k)!, k, (old as number | undefined) ?? 0);
        }
      } else if (map === replicas) {
        for (const [key, old] of before) {
          const c = key as number;
          const loadUsd = ctx.cands[c]!.loadUsd;
          delta +=
            replicaCost(env, loadUsd, c, state.replicas.get(c) ?? 0) - replicaCost(env, loadUsd, c, (old as number | undefined) ?? 0);
        }
      } else if (map.owner >= 0) {
        // A flow map of candidate `owner`: the latency tie-break of its routes.
        const c = map.owner;
        for (const [key, old] of before) {
          const i = key as number;
          const pair = ctx.pairs[i]!;
          const perRps = routeTieBreak(ctx.input, pair.w) * pair.rttOf.get(c)! * env.hours;
          delta += perRps * (((map.get(i) as number | undefined) ?? 0) - ((old as number | undefined) ?? 0));
        }
      }
    }
    for (const [i, pair] of ctx.pairs.entries()) delta += (state.unmet[i]! - this.unmetBefore[i]!) * 3600 * env.hours * pair.penalty;
    return delta;
  }
}

/** One VM key's share of windowSpend: VM time plus the start-ups of VMs beyond last window's. */
function vmCost(env: WindowEnv, startupHours: number, usdPerHour: number, key: string, count: number): number {
  if (count === 0) return 0;
  return usdPerHour * (count * env.hours + Math.max(0, count - (env.prev.get(key) ?? 0)) * startupHours);
}

/** One config's replicas: model loads of those started plus the replica tie-break. */
function replicaCost(env: WindowEnv, loadUsd: number, c: number, count: number): number {
  return Math.max(0, count - (env.prevReplicas.get(c) ?? 0)) * loadUsd + REPLICA_TIE_BREAK * count * env.hours;
}

/** An empty state whose maps log into `journal` (flow maps included, see newFlowMap). */
export function journaledState(env: WindowEnv, journal: Journal): WindowState {
  return {
    vms: UndoMap.of(journal),
    replicas: UndoMap.of(journal),
    load: UndoMap.of(journal),
    flows: UndoMap.of(journal),
    unmet: env.demand.map((d) => Math.max(0, d)),
  };
}
