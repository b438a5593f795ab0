import type { PlanWindow, PlanningInput } from './types.js';
import { configKey } from '../config-key.js';

/**
 * What the KV-memory and single-path options measure in a plan window, from its routes and replicas alone
 * (definitions shared by the plan summary and the checker, like policies.ts).
 */

export interface KvUse {
  llm: string;
  sku: string;
  tp: number;
  region: string;
  /** GiB of KV cache the routed load holds: sum over routes of requests/s x GiB per request/s. */
  heldGib: number;
  /** GiB the config's replicas hold: replicas x free GiB per replica. */
  freeGib: number;
  /** Free GiB of one replica: the natural size of the row. */
  replicaFreeGib: number;
  /** Sum over routes of GiB per request/s: how far heldGib moves when every route's rate moves by one request/s. */
  gibPerRouteRate: number;
}

/** Per config with KV figures and routed load: the KV cache held and the memory free for it. */
export function kvUseByConfig(input: PlanningInput, window: PlanWindow): KvUse[] {
  const candidates = new Map(input.candidates.map((c) => [configKey(c), c]));
  const replicas = new Map<string, number>();
  for (const r of window.replicas) {
    const key = configKey(r);
    replicas.set(key, (replicas.get(key) ?? 0) + r.count);
  }
  const held = new Map<string, { gib: number; perRate: number }>();
  for (const route of window.routes) {
    const key = configKey(route);
    const gib = candidates.get(key)?.kv?.gibPerRequestPerSec.get(route.workload);
    if (gib === undefined) continue;
    const entry = held.get(key) ?? { gib: 0, perRate: 0 };
    entry.gib += route.requestsPerSec * gib;
    entry.perRate += gib;
    held.set(key, entry);
  }
  return [...held].map(([key, { gib, perRate }]) => {
    const [llm, sku, tp, region] = key.split('|') as [string, string, string, string];
    const replicaFreeGib = candidates.get(key)!.kv!.freeGib;
    return {
      llm,
      sku,
      tp: Number(tp),
      region,
      heldGib: gib,
      freeGib: (replicas.get(key) ?? 0) * replicaFreeGib,
      replicaFreeGib,
      gibPerRouteRate: perRate,
    };
  });
}

/** Per (workload, serving region): the configs (llm, sku, tp) that carry some of its load, sorted. */
export function pathsByWorkloadRegion(
  window: PlanWindow,
  minRequestsPerSec: number | ((workload: string) => number) = 0,
): Map<string, string[]> {
  const paths = new Map<string, Set<string>>();
  const least = typeof minRequestsPerSec === 'number' ? () => minRequestsPerSec : minRequestsPerSec;
  for (const route of window.routes) {
    if (!(route.requestsPerSec > least(route.workload))) continue;
    const key = `${route.workload}|${route.region}`;
    const set = paths.get(key) ?? new Set<string>();
    set.add(`${route.llm} TP ${route.tp} on ${route.sku}`);
    paths.set(key, set);
  }
  return new Map([...paths].map(([key, set]) => [key, [...set].sort()]));
}
