import { kvUseByConfig, pathsByWorkloadRegion } from '../capacity/kv-path-use.js';
import { deadlineLag, isInteractive } from '../capacity/policies.js';
import type { Plan, PlanWindow, PlanningInput } from '../capacity/types.js';
import { checkInterference } from './check-interference.js';
import { exceeds, exceedsExactly, RATE_ROUNDING, rateUnit, routesPossible, rowSlack } from './tolerance.js';
import type { Violation } from './violation.js';

/**
 * The optional policies, recomputed from the plan and the scenario alone (groups 1 deferrable and single-path,
 * 2 KV memory under load, 5 share, 6 in-region share and minimum replicas, 7 quality, reservations). The routing futures of groups 5 and 6
 * (on-demand cover, N+1) need an LP and live in resilience.ts.
 */
export function checkPolicies(input: PlanningInput, plan: Plan): Violation[] {
  const violations: Violation[] = [];
  for (const window of plan.windows) {
    if (!input.windows[window.index]) continue; // reported by checkPlan
    violations.push(
      ...spotShare(input, window),
      ...reserved(input, window),
      ...inRegionShare(input, window),
      ...minReplicas(input, window),
      ...quality(input, window),
      ...kvMemory(input, window),
      ...singlePath(input, window),
      ...checkInterference(input, window),
    );
  }
  violations.push(...deadlines(input, plan));
  return violations;
}

function at(window: PlanWindow): { window: number; start: string } {
  return { window: window.index, start: window.start };
}

/** policies.kvMemory: load: the KV cache the routed load holds fits the replicas' free memory, per config. */
function kvMemory(input: PlanningInput, window: PlanWindow): Violation[] {
  if (input.policies.kvMemory !== 'load') return [];
  const violations: Violation[] = [];
  for (const use of kvUseByConfig(input, window)) {
    // Each stated route is up to RATE_ROUNDING req/s from the solver's, which moves the GiB held by that x its GiB per req/s.
    if (!exceeds(use.heldGib, use.freeGib, RATE_ROUNDING * use.gibPerRouteRate, use.replicaFreeGib)) continue;
    violations.push({
      group: 'kv-memory',
      ...at(window),
      region: use.region,
      llm: use.llm,
      sku: use.sku,
      message: `${use.llm} TP ${use.tp} on ${use.sku}: the routed load holds ${use.heldGib.toFixed(2)} GiB of KV cache; its replicas have ${use.freeGib.toFixed(2)} GiB free`,
    });
  }
  return violations;
}

/** policies.routing: single-path: each workload goes to one config per serving region. */
function singlePath(input: PlanningInput, window: PlanWindow): Violation[] {
  if (input.policies.routing !== 'single-path') return [];
  const violations: Violation[] = [];
  // Flows within a row's slack (rounding and solver tolerance, relative to the workload's rate) are noise, not a second path.
  const noise = (workload: string) => rowSlack(0, 0, RATE_ROUNDING, rateUnit(input, workload));
  for (const [key, configs] of pathsByWorkloadRegion(window, noise)) {
    if (configs.length <= 1) continue;
    const [workload, region] = key.split('|') as [string, string];
    violations.push({
      group: 'routing',
      ...at(window),
      workload,
      region,
      message: `single-path routing: ${workload} in ${region} is split over ${configs.length} configs (${configs.join('; ')})`,
    });
  }
  return violations;
}

function spotShare(input: PlanningInput, window: PlanWindow): Violation[] {
  const share = input.policies.spot?.maxShare;
  if (share === undefined) return [];
  const gpusPerVm = new Map(input.skus.map((s) => [s.sku, s.gpusPerVm]));
  const byRegion = new Map<string, { spot: number; all: number }>();
  for (const vm of window.vms) {
    const gpus = vm.count * (gpusPerVm.get(vm.sku) ?? 0);
    const entry = byRegion.get(vm.region) ?? { spot: 0, all: 0 };
    entry.all += gpus;
    if (vm.purchase === 'spot') entry.spot += gpus;
    byRegion.set(vm.region, entry);
  }
  return [...byRegion]
    .filter(([, gpus]) => exceedsExactly(gpus.spot, share * gpus.all))
    .map(([region, gpus]) => ({
      group: 'spot' as const,
      ...at(window),
      region,
      message: `${gpus.spot} of ${gpus.all} GPUs are spot (${((100 * gpus.spot) / gpus.all).toFixed(1)}%); policies.spot.maxShare allows ${(100 * share).toFixed(1)}%`,
    }));
}

function reserved(input: PlanningInput, window: PlanWindow): Violation[] {
  const held = new Map<string, number>();
  for (const r of input.policies.reserved ?? []) held.set(`${r.sku}|${r.region}`, (held.get(`${r.sku}|${r.region}`) ?? 0) + r.count);
  return window.vms
    .filter((vm) => vm.purchase === 'reserved' && vm.count > (held.get(`${vm.sku}|${vm.region}`) ?? 0))
    .map((vm) => ({
      group: 'reserved' as const,
      ...at(window),
      region: vm.region,
      sku: vm.sku,
      message: `${vm.count} reserved ${vm.sku} VMs; the scenario holds ${held.get(`${vm.sku}|${vm.region}`) ?? 0} reservations there`,
    }));
}

function inRegionShare(input: PlanningInput, window: PlanWindow): Violation[] {
  const share = input.policies.locality?.minInRegionShare;
  if (!share) return [];
  const violations: Violation[] = [];
  for (const workload of input.workloads) {
    if (!isInteractive(workload)) continue;
    for (const origin of workload.origins) {
      const routes = window.routes.filter((r) => r.workload === workload.id && r.origin === origin);
      const all = routes.reduce((sum, r) => sum + r.requestsPerSec, 0);
      const local = routes.filter((r) => r.region === origin).reduce((sum, r) => sum + r.requestsPerSec, 0);
      if (exceeds(share * all, local, RATE_ROUNDING * routesPossible(input, workload.id), rateUnit(input, workload.id))) {
        violations.push({
          group: 'locality',
          ...at(window),
          region: origin,
          workload: workload.id,
          message: `${workload.id} from ${origin}: ${local.toFixed(4)} of ${all.toFixed(4)} req/s served in ${origin} (${((100 * local) / all).toFixed(1)}%); minInRegionShare is ${(100 * share).toFixed(1)}%`,
        });
      }
    }
  }
  return violations;
}

function minReplicas(input: PlanningInput, window: PlanWindow): Violation[] {
  const least = input.policies.locality?.minReplicasPerLlm;
  if (least === undefined) return [];
  const count = new Map<string, number>();
  for (const r of window.replicas) count.set(`${r.llm}|${r.region}`, (count.get(`${r.llm}|${r.region}`) ?? 0) + r.count);
  return [...count]
    .filter(([, n]) => n > 0 && n < least)
    .map(([key, n]) => {
      const [llm, region] = key.split('|') as [string, string];
      return {
        group: 'locality' as const,
        ...at(window),
        region,
        llm,
        message: `${n} replica${n === 1 ? '' : 's'} of ${llm} in ${region}; minReplicasPerLlm is ${least} where it runs`,
      };
    });
}

function quality(input: PlanningInput, window: PlanWindow): Violation[] {
  const violations: Violation[] = [];
  for (const workload of input.workloads) {
    if (workload.minQuality === undefined) continue;
    let served = 0;
    let weighted = 0;
    let highest = 0;
    for (const route of window.routes) {
      if (route.workload !== workload.id) continue;
      const score = input.llmQuality?.get(route.llm) ?? 0;
      served += route.requestsPerSec;
      weighted += route.requestsPerSec * score;
      highest = Math.max(highest, score);
    }
    // Quality x requests/s: each route's rounding moves the weighted sum by up to its llm's score.
    const rounding = RATE_ROUNDING * routesPossible(input, workload.id) * Math.max(highest, workload.minQuality);
    if (served > 0 && exceeds(workload.minQuality * served, weighted, rounding, workload.minQuality * rateUnit(input, workload.id))) {
      violations.push({
        group: 'quality',
        ...at(window),
        workload: workload.id,
        message: `${workload.id}: demand-weighted quality ${(weighted / served).toFixed(3)}; minQuality is ${workload.minQuality}`,
      });
    }
  }
  return violations;
}

/**
 * Deferrable workloads: done(t) = requests served or dropped in windows 0..t. Every request is done within
 * its deadline (done(t) >= arrived(t - lag + 1)), none before it arrives (done(t) <= arrived(t)), and all by
 * the end of the horizon.
 */
function deadlines(input: PlanningInput, plan: Plan): Violation[] {
  const violations: Violation[] = [];
  const windows = [...plan.windows].filter((w) => input.windows[w.index]).sort((a, b) => a.index - b.index);
  for (const [w, workload] of input.workloads.entries()) {
    if (isInteractive(workload)) continue;
    for (const [o, origin] of workload.origins.entries()) {
      const arrived: number[] = [];
      let total = 0;
      for (const [t, window] of input.windows.entries()) arrived.push((total += input.demand[w]![o]![t]! * window.hours * 3600));
      let done = 0;
      let seconds = 0;
      for (const window of windows) {
        const t = window.index;
        const rate = [...window.routes, ...window.unmet]
          .filter((r) => r.workload === workload.id && r.origin === origin)
          .reduce((sum, r) => sum + r.requestsPerSec, 0);
        done += rate * window.hours * 3600;
        const lag = deadlineLag(workload, window.hours);
        // Requests: every window so far adds its routes' rounding; the row's size is the workload's rate over the windows.
        seconds += 3600 * window.hours;
        const rounding = RATE_ROUNDING * routesPossible(input, workload.id) * seconds;
        const unit = rateUnit(input, workload.id) * seconds;
        const due = t === input.windows.length - 1 ? arrived[t]! : t - lag + 1 >= 0 ? arrived[t - lag + 1]! : 0;
        const base = { group: 'deadline' as const, ...at(window), workload: workload.id, region: origin };
        if (exceeds(due, done, rounding, unit)) {
          violations.push({
            ...base,
            message: `${workload.id} from ${origin}: ${Math.round(done)} requests done by the end of this window; ${Math.round(due)} had to be (deadline ${workload.deadlineHours} h${t === input.windows.length - 1 ? ', horizon end' : ''})`,
          });
        } else if (exceeds(done, arrived[t]!, rounding, unit)) {
          violations.push({
            ...base,
            message: `${workload.id} from ${origin}: ${Math.round(done)} requests served or dropped by the end of this window; only ${Math.round(arrived[t]!)} had arrived`,
          });
        }
      }
    }
  }
  return violations;
}
