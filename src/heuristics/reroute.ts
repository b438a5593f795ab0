import { assemblePlan, compareRoutes } from '../capacity/plan.js';
import { poolCapacity } from '../capacity/policies.js';
import type { Plan, PlanningInput, PlanWindow } from '../capacity/types.js';
import { compareStrings } from '../order.js';
import { configKey } from '../config-key.js';

/**
 * Serves a window's unmet demand on the replicas it already has. GH routes origin by origin, so an origin
 * served late can find every replica it may reach full while an origin served earlier had room elsewhere;
 * its remainder is then left unmet whenever one more VM costs more than the penalty, though the fleet could
 * carry it. Per unmet (workload, origin), in a fixed order: first the spare capacity of reachable replicas
 * that serve the workload, then paths of two: another origin's route of the same workload on a replica this
 * origin reaches moves to a replica with spare capacity that the other origin reaches, and this origin takes
 * its place. VMs and replicas do not change, so neither do costs; only unmet penalties fall. Rates move in
 * plan.json's 1e-6 req/s steps. A re-routed window is kept only if its capacity and demand rows, recomputed
 * from its final routes, still hold (a whole-plan checkPlan would cost more than GH itself; the tests run
 * checkPlan on random instances, and planScenario's self-check stays the net).
 */
export function rerouteUnmet(input: PlanningInput, plan: Plan): Plan {
  if (!plan.windows.some((window) => window.unmet.length)) return plan;
  const lookups = lookupsOf(input);
  const windows = plan.windows.map((window) => (window.unmet.length ? rerouteWindow(input, lookups, window) : window));
  if (windows.every((window, t) => window === plan.windows[t])) return plan;
  return assemblePlan(input, windows, plan.status);
}

const STEP = 1e6;
const down = (value: number) => Math.floor(value * STEP + 1e-9) / STEP;
const round = (value: number) => Math.round(value * STEP) / STEP;

type Route = PlanWindow['routes'][number];

/** The plan-wide lookups every window uses: configs by key, their rates, workloads by id. */
interface Lookups {
  candidates: ReadonlyMap<string, PlanningInput['candidates'][number]>;
  workloads: ReadonlyMap<string, PlanningInput['workloads'][number]>;
  rateOf: (key: string, workload: string) => number;
}

function lookupsOf(input: PlanningInput): Lookups {
  const candidates = new Map(input.candidates.map((c) => [configKey(c), c]));
  return {
    candidates,
    workloads: new Map(input.workloads.map((w) => [w.id, w])),
    rateOf: (key, workload) => candidates.get(key)?.requestsPerSecByWorkload.get(workload) ?? 0,
  };
}

function rerouteWindow(input: PlanningInput, lookups: Lookups, window: PlanWindow): PlanWindow {
  const { candidates, workloads, rateOf } = lookups;
  const usable = new Map<string, number>();
  for (const replica of window.replicas) {
    const key = configKey(replica);
    usable.set(key, (usable.get(key) ?? 0) + replica.count * poolCapacity(input, replica.pool) * (1 - input.policies.headroom));
  }
  const routes: Route[] = window.routes.map((route) => ({ ...route }));
  const load = new Map<string, number>();
  for (const route of routes) {
    const key = configKey(route);
    load.set(key, (load.get(key) ?? 0) + route.requestsPerSec / rateOf(key, route.workload));
  }
  // Spare capacity of a config for a workload, in requests/s, rounded down to the step.
  const spare = (key: string, workload: string) => {
    const rate = rateOf(key, workload);
    return rate > 0 ? down(Math.max(0, (usable.get(key)! - (load.get(key) ?? 0)) * rate)) : 0;
  };
  const configs = [...usable.keys()].sort(compareStrings);
  const reaches = (workload: string, origin: string, key: string) => {
    const w = workloads.get(workload)!;
    const c = candidates.get(key);
    return (
      c !== undefined &&
      input.latencyMs(origin, c.region) <= w.maxNetworkRttMs &&
      (!w.llms || w.llms.includes(c.llm)) &&
      rateOf(key, workload) > 0
    );
  };
  const add = (workload: string, origin: string, key: string, amount: number) => {
    const [llm, sku, tp, region] = key.split('|') as [string, string, string, string];
    const route = routes.find((r) => r.workload === workload && r.origin === origin && configKey(r) === key);
    if (route) route.requestsPerSec = round(route.requestsPerSec + amount);
    else routes.push({ workload, origin, llm, sku, tp: Number(tp), region, requestsPerSec: amount });
    load.set(key, (load.get(key) ?? 0) + amount / rateOf(key, workload));
  };

  let changed = false;
  const unmet: PlanWindow['unmet'] = [];
  const order = [...window.unmet].sort((a, b) => compareStrings(a.workload, b.workload) || compareStrings(a.origin, b.origin));
  for (const entry of order) {
    let left = entry.requestsPerSec;
    for (const key of configs) {
      if (left <= 0) break;
      if (!reaches(entry.workload, entry.origin, key)) continue;
      const amount = Math.min(left, spare(key, entry.workload));
      if (amount <= 0) continue;
      add(entry.workload, entry.origin, key, amount);
      left = round(left - amount);
    }
    for (const via of [...routes].sort(compareRoutes)) {
      if (left <= 0) break;
      if (via.workload !== entry.workload || via.origin === entry.origin || via.requestsPerSec <= 0) continue;
      const viaKey = configKey(via);
      if (!reaches(entry.workload, entry.origin, viaKey)) continue;
      for (const key of configs) {
        if (left <= 0 || via.requestsPerSec <= 0) break;
        if (key === viaKey || !reaches(via.workload, via.origin, key)) continue;
        const amount = Math.min(left, via.requestsPerSec, spare(key, via.workload));
        if (amount <= 0) continue;
        // The other origin moves `amount` from via's config to `key`; this origin takes its place on via's.
        via.requestsPerSec = round(via.requestsPerSec - amount);
        load.set(viaKey, load.get(viaKey)! - amount / rateOf(viaKey, via.workload));
        add(via.workload, via.origin, key, amount);
        add(entry.workload, entry.origin, viaKey, amount);
        left = round(left - amount);
      }
    }
    if (left !== entry.requestsPerSec) changed = true;
    if (left > 0)
      unmet.push(left === entry.requestsPerSec ? entry : { workload: entry.workload, origin: entry.origin, requestsPerSec: left });
  }
  if (!changed) return window;
  const rerouted = { ...window, routes: routes.filter((route) => route.requestsPerSec > 0), unmet };
  return rowsHold(input, lookups, window, rerouted, usable) ? rerouted : window;
}

/** Each config's load within its usable replicas, and each (workload, origin)'s served + unmet as before. */
function rowsHold(
  input: PlanningInput,
  lookups: Lookups,
  before: PlanWindow,
  after: PlanWindow,
  usable: ReadonlyMap<string, number>,
): boolean {
  const { rateOf, workloads } = lookups;
  const load = new Map<string, number>();
  for (const route of after.routes) {
    const key = configKey(route);
    const rate = rateOf(key, route.workload);
    if (!(rate > 0) || !usable.has(key)) return false;
    const w = workloads.get(route.workload);
    if (!w || input.latencyMs(route.origin, route.region) > w.maxNetworkRttMs) return false;
    load.set(key, (load.get(key) ?? 0) + route.requestsPerSec / rate);
  }
  for (const [key, replicas] of load) if (replicas > usable.get(key)! * (1 + 1e-9) + 1e-9) return false;
  const total = (window: PlanWindow) => {
    const sums = new Map<string, number>();
    for (const r of [...window.routes, ...window.unmet])
      sums.set(`${r.workload}|${r.origin}`, (sums.get(`${r.workload}|${r.origin}`) ?? 0) + r.requestsPerSec);
    return sums;
  };
  const was = total(before);
  const now = total(after);
  return [...new Set([...was.keys(), ...now.keys()])].every((key) => Math.abs((was.get(key) ?? 0) - (now.get(key) ?? 0)) <= 1e-7);
}
