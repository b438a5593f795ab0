import { maySharePair } from '../capacity/interference.js';
import { poolCapacity } from '../capacity/policies.js';
import type { PlanWindow, PlanningInput } from '../capacity/types.js';
import { exceeds, RATE_ROUNDING } from './tolerance.js';
import type { Violation } from './violation.js';
import { configKey } from '../config-key.js';

/**
 * policies.interference: separate (group 10), from the plan and the scenario alone: per config and window, the
 * replicas listing workloads (`workloads`) serve only those, the lists are disjoint, each list's routed load
 * fits its own replicas at 1 - headroom, and no replicas carry two workloads that may not share them by the
 * queueing estimate (interference.ts). Routes of workloads no list names use the config's unlisted replicas.
 */
export function checkInterference(input: PlanningInput, window: PlanWindow): Violation[] {
  if (input.policies.interference !== 'separate') return [];
  const violations: Violation[] = [];
  const at = { window: window.index, start: window.start };
  const candidates = new Map(input.candidates.map((c) => [configKey(c), c]));
  // Per config: its buckets (one per distinct workload list, '' for unlisted replicas) with their capacity.
  const buckets = new Map<
    string,
    Map<string, { workloads?: string[]; replicas: number; load: number; rounding: number; carried: Set<string> }>
  >();
  for (const replica of window.replicas) {
    const key = configKey(replica);
    const byList = buckets.get(key) ?? new Map();
    buckets.set(key, byList);
    const list = replica.workloads ? [...replica.workloads].sort().join(',') : '';
    const bucket = byList.get(list) ?? {
      ...(replica.workloads ? { workloads: [...replica.workloads] } : {}),
      replicas: 0,
      load: 0,
      rounding: 0,
      carried: new Set<string>(),
    };
    bucket.replicas += replica.count * poolCapacity(input, replica.pool);
    byList.set(list, bucket);
  }
  for (const [key, byList] of buckets) {
    const [llm, sku, tp, region] = key.split('|') as [string, string, string, string];
    const seen = new Map<string, string>();
    for (const [list, bucket] of byList)
      for (const workload of bucket.workloads ?? []) {
        const other = seen.get(workload);
        if (other !== undefined && other !== list)
          violations.push({
            group: 'interference',
            ...at,
            region,
            llm,
            sku,
            workload,
            message: `${llm} TP ${tp} on ${sku}: ${workload} is listed by two replica groups ([${other}] and [${list}]); a workload's replicas of a config are one group`,
          });
        seen.set(workload, list);
      }
  }
  for (const route of window.routes) {
    const key = configKey(route);
    const candidate = candidates.get(key);
    const rate = candidate?.requestsPerSecByWorkload.get(route.workload);
    const byList = buckets.get(key);
    if (!candidate || !rate || !byList) continue; // an unknown config or one without replicas: checkPlan reports it
    const bucket = [...byList.values()].find((b) => b.workloads?.includes(route.workload)) ?? byList.get('');
    if (!bucket) {
      violations.push({
        group: 'interference',
        ...at,
        region: route.region,
        llm: route.llm,
        sku: route.sku,
        workload: route.workload,
        message: `${route.llm} TP ${route.tp} on ${route.sku} serves ${route.workload}, but none of its replicas are set apart for it (each lists other workloads)`,
      });
      continue;
    }
    bucket.load += route.requestsPerSec / rate;
    bucket.rounding += RATE_ROUNDING / rate;
    if (route.requestsPerSec > 0) bucket.carried.add(route.workload);
  }
  for (const [key, byList] of buckets) {
    const candidate = candidates.get(key);
    if (!candidate) continue;
    const [llm, sku, tp, region] = key.split('|') as [string, string, string, string];
    const where = { ...at, region, llm, sku };
    for (const bucket of byList.values()) {
      const usable = bucket.replicas * (1 - input.policies.headroom);
      const named = bucket.workloads ? `the replicas set apart for ${bucket.workloads.join(', ')}` : 'the replicas no group names';
      if (exceeds(bucket.load, usable, bucket.rounding, 1))
        violations.push({
          group: 'interference',
          ...where,
          message: `${llm} TP ${tp} on ${sku}: ${named} carry ${bucket.load.toFixed(3)} replicas of load; ${formatCount(bucket.replicas)} replicas at ${(100 * (1 - input.policies.headroom)).toFixed(0)}% give ${usable.toFixed(3)}`,
        });
      const carried = [...bucket.carried].sort();
      for (const [i, a] of carried.entries())
        for (const b of carried.slice(i + 1))
          if (!maySharePair(candidate, a, b))
            violations.push({
              group: 'interference',
              ...where,
              workload: `${a}, ${b}`,
              message: `${llm} TP ${tp} on ${sku}: ${a} and ${b} share ${named}, but by the queueing estimate one of them misses its SLO beside the other at full load`,
            });
    }
  }
  return violations;
}

function formatCount(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}
