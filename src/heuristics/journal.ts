/**
 * AGH's undo log: a local-search move changes the window state in place, its cost is the delta over the entries
 * it touched, and a rejected move is rolled back entry by entry (no copy of the state per move).
 */
import { REPLICA_TIE_BREAK, routeTieBreak } from '../capacity/formulation.js';
import type { WindowScope, WindowState } from './window.js';

/** A Map whose changes are logged while its journal records. `owner` is the candidate of a flow map (pair -> req/s). */
export class UndoMap<K, V> extends Map<K, V> {
  /** Unset until AGH attaches one (GH's states are UndoMaps too, so that the code on them sees one map shape). */
  journal: Journal | undefined;
  owner = -1;

  static of<K, V>(journal: Journal | undefined, owner = -1): UndoMap<K, V> {
    const map = new UndoMap<K, V>();
    map.journal = journal;
    map.owner = owner;
    return map;
  }

  override set(key: K, value: V): this {
    // Map's constructor calls set before the journal is attached.
    if (this.journal?.recording) this.journal.note(this, key, super.has(key), super.get(key), value);
    return super.set(key, value);
  }

  override delete(key: K): boolean {
    if (this.journal?.recording && super.has(key)) this.journal.note(this, key, true, super.get(key), undefined);
    return super.delete(key);
  }

  restore(key: K, had: boolean, value: V | undefined): void {
    if (had) super.set(key, value as V);
    else super.delete(key);
  }
}

type AnyUndoMap = UndoMap<unknown, unknown>;

/** The window after the one being searched, held fixed: its start-ups are charged against this window's fleet. */
export interface NextWindow {
  vms: ReadonlyMap<string, number>;
  replicas: ReadonlyMap<number, number>;
}

export class Journal {
  recording = false;
  private maps: AnyUndoMap[] = [];
  private keys: unknown[] = [];
  private olds: unknown[] = [];
  /** The value each entry wrote (undefined: deleted). */
  private news: unknown[] = [];
  private had: boolean[] = [];
  /** Copied into, not replaced: one array per journal. */
  private unmetBefore: number[] = [];

  note(map: AnyUndoMap, key: unknown, had: boolean, old: unknown, value: unknown): void {
    this.maps.push(map);
    this.keys.push(key);
    this.had.push(had);
    this.olds.push(old);
    this.news.push(value);
  }

  /** Starts a move on the state. Unmet is a per-pair array (a few numbers): it is saved, not logged. */
  begin(state: WindowState): void {
    this.maps.length = this.keys.length = this.had.length = this.olds.length = this.news.length = 0;
    this.unmetBefore.length = state.unmet.length;
    for (let i = 0; i < state.unmet.length; i++) this.unmetBefore[i] = state.unmet[i]!;
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

  /**
   * The VM groups whose VMs, replicas, loads or routes the move has changed so far (re-pack and trim need
   * look at no others: the rest of the state is as the last accepted move left it, already re-packed and trimmed).
   */
  touchedGroups(scope: WindowScope): Set<number> {
    const { ctx, state } = scope;
    const touched = new Set<number>();
    const vms = state.vms as unknown as AnyUndoMap;
    for (let i = 0; i < this.maps.length; i++) {
      const map = this.maps[i]!;
      if (map === vms) touched.add(ctx.vmGroupOfKey.get(this.keys[i] as string)!);
      else if (map.owner >= 0) touched.add(ctx.cands[map.owner]!.vmGroup);
      // replicas, load and flows are keyed by candidate.
      else touched.add(ctx.cands[this.keys[i] as number]!.vmGroup);
    }
    return touched;
  }

  /**
   * The change since begin() of windowObjective and of windowSpend, plus the next window's start-ups when `next`
   * is given (VMs and replicas it runs beyond this window's), from the entries the move wrote: each entry adds the
   * cost of the value it wrote less that of the value it replaced, so the sum telescopes to final less initial per key.
   */
  delta(scope: WindowScope, prices: ReadonlyMap<string, number>, next?: NextWindow): { objective: number; spend: number } {
    const { ctx, env, state } = scope;
    const startupHours = ctx.input.policies.startupHours;
    const vms = state.vms as unknown as AnyUndoMap;
    const replicas = state.replicas as unknown as AnyUndoMap;
    let spend = 0;
    let other = 0;
    for (let i = 0; i < this.maps.length; i++) {
      const map = this.maps[i]!;
      const now = (this.news[i] as number | undefined) ?? 0;
      const old = (this.olds[i] as number | undefined) ?? 0;
      if (now === old) continue;
      if (map === vms) {
        const key = this.keys[i] as string;
        const price = prices.get(key)!;
        const before = env.prev.get(key) ?? 0;
        spend += price * ((now - old) * env.hours + (Math.max(0, now - before) - Math.max(0, old - before)) * startupHours);
        if (next) {
          const after = next.vms.get(key) ?? 0;
          spend += price * startupHours * (Math.max(0, after - now) - Math.max(0, after - old));
        }
      } else if (map === replicas) {
        const c = this.keys[i] as number;
        const loadUsd = ctx.cands[c]!.loadUsd;
        const before = env.prevReplicas.get(c) ?? 0;
        spend += loadUsd * (Math.max(0, now - before) - Math.max(0, old - before));
        if (next) {
          const after = next.replicas.get(c) ?? 0;
          spend += loadUsd * (Math.max(0, after - now) - Math.max(0, after - old));
        }
        other += REPLICA_TIE_BREAK * (now - old) * env.hours;
      } else if (map.owner >= 0) {
        // A flow map of candidate `owner`: the latency tie-break of its routes.
        const pair = ctx.pairs[this.keys[i] as number]!;
        other += routeTieBreak(ctx.input, pair.w) * pair.rttOf.get(map.owner)! * env.hours * (now - old);
      }
    }
    for (const [i, pair] of ctx.pairs.entries()) other += (state.unmet[i]! - this.unmetBefore[i]!) * 3600 * env.hours * pair.penalty;
    return { objective: spend + other, spend };
  }
}

/** Makes the state's maps (flow maps included) log into `journal` from now on. */
export function attachJournal(state: WindowState, journal: Journal): void {
  for (const map of [state.vms, state.replicas, state.load, state.flows, ...state.flows.values()])
    (map as unknown as UndoMap<unknown, unknown>).journal = journal;
}
