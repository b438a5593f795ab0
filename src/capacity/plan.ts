import { InternalError } from '../errors.js';
import type { BuiltProblem } from './formulation.js';
import { fleetKey, fleetMap } from './formulation.js';
import type { Plan, PlanStatus, PlanWindow, PlanningInput } from './types.js';
import { compareStrings } from '../order.js';
import { initialReplicas, modelLoadOn, replicaMap, windowModelLoad } from './model-load.js';

const INTEGER_TOLERANCE = 1e-6;
/** Flows below this (requests/s) are solver noise, not traffic. */
const FLOW_EPSILON = 1e-7;

/** Rounds a solver value that must be integral; a value off by more than the tolerance is a bug. */
function integral(value: number, label: string): number {
  const rounded = Math.round(value);
  if (Math.abs(value - rounded) > INTEGER_TOLERANCE) {
    throw new InternalError(`${label} = ${value} is not integral within ${INTEGER_TOLERANCE}`);
  }
  return rounded === 0 ? 0 : rounded;
}

/** Requests/s to 6 decimals: stable JSON, far below any meaningful rate. */
function rate(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/**
 * Reads the fleet, replicas and routes of the built windows out of a solution's values. Costs and
 * started VMs are filled in by assemblePlan, which sees the whole horizon.
 */
export function extractWindows(input: PlanningInput, built: BuiltProblem, values: ArrayLike<number>): PlanWindow[] {
  const byWindow = new Map<number, PlanWindow>();
  for (const t of built.windows) {
    const window = input.windows[t]!;
    byWindow.set(t, {
      index: t,
      start: window.start,
      hours: window.hours,
      costUsd: 0,
      gpuHours: 0,
      vms: [],
      replicas: [],
      routes: [],
      unmet: [],
    });
  }
  for (const vm of built.vms) {
    const count = integral(values[vm.variable.index]!, vm.variable.label);
    if (count > 0) {
      byWindow
        .get(vm.window)!
        .vms.push({ region: vm.region, sku: vm.sku, purchase: vm.purchase, count, usdPerHour: vm.usdPerHour, started: 0 });
    }
  }
  // Group 10 splits a candidate's replicas by sharing group: one entry per group, naming its workloads.
  const sharesOf = new Map<string, BuiltProblem['shares']>();
  for (const share of built.shares) {
    const key = `${share.window}|${share.candidate}|${share.pool ?? ''}`;
    sharesOf.set(key, [...(sharesOf.get(key) ?? []), share]);
  }
  for (const replica of built.replicas) {
    const count = integral(values[replica.variable.index]!, replica.variable.label);
    if (count > 0) {
      const candidate = input.candidates[replica.candidate]!;
      const entry = {
        llm: candidate.llm,
        sku: candidate.sku,
        tp: candidate.tp,
        region: candidate.region,
        count,
        ...(replica.pool ? { pool: replica.pool } : {}),
      };
      const shares = sharesOf.get(`${replica.window}|${replica.candidate}|${replica.pool ?? ''}`);
      if (!shares) byWindow.get(replica.window)!.replicas.push(entry);
      for (const share of shares ?? []) {
        const shareCount = integral(values[share.variable.index]!, share.variable.label);
        if (shareCount > 0) byWindow.get(replica.window)!.replicas.push({ ...entry, count: shareCount, workloads: [...share.workloads] });
      }
    }
  }
  // Recover (workload, origin -> config) routes: an origin's share of a region's traffic is spread over the
  // region's configs in proportion to what each serves of that workload.
  const assignsByKey = new Map<string, Array<{ candidate: number; value: number }>>();
  for (const assign of built.assigns) {
    const value = values[assign.variable.index]! * built.flowUnit[assign.workload]!;
    if (value <= FLOW_EPSILON) continue;
    const key = `${assign.window}|${assign.workload}|${input.candidates[assign.candidate]!.region}`;
    assignsByKey.set(key, [...(assignsByKey.get(key) ?? []), { candidate: assign.candidate, value }]);
  }
  for (const route of built.routes) {
    const value = values[route.variable.index]! * built.flowUnit[route.workload]!;
    if (value <= FLOW_EPSILON) continue;
    const assigned = assignsByKey.get(`${route.window}|${route.workload}|${route.region}`) ?? [];
    const total = assigned.reduce((sum, a) => sum + a.value, 0);
    const workload = input.workloads[route.workload]!;
    for (const { candidate: c, value: share } of assigned) {
      const candidate = input.candidates[c]!;
      const requestsPerSec = rate((value * share) / total);
      if (requestsPerSec <= 0) continue;
      byWindow.get(route.window)!.routes.push({
        workload: workload.id,
        origin: workload.origins[route.origin]!,
        llm: candidate.llm,
        sku: candidate.sku,
        tp: candidate.tp,
        region: candidate.region,
        requestsPerSec,
      });
    }
  }
  for (const unmet of built.unmet) {
    const value = values[unmet.variable.index]! * built.flowUnit[unmet.workload]!;
    if (value <= FLOW_EPSILON) continue;
    const workload = input.workloads[unmet.workload]!;
    byWindow.get(unmet.window)!.unmet.push({ workload: workload.id, origin: workload.origins[unmet.origin]!, requestsPerSec: rate(value) });
  }
  return built.windows.map((t) => byWindow.get(t)!);
}

/**
 * Puts windows in order, counts VMs started against the previous window (the current fleet before the
 * first), and prices everything from the plan itself: costUsd = sum of usdPerHour x hours x VMs;
 * startupCostUsd = VMs started x usdPerHour x startupHours + the model loads of replicas started against
 * the previous window (policies.currentReplicas before the first), modelLoadCostUsd (model-load.ts).
 */
export function assemblePlan(input: PlanningInput, windows: readonly PlanWindow[], status: PlanStatus): Plan {
  const ordered = [...windows].sort((a, b) => a.index - b.index);
  let previous = fleetMap(input);
  let previousReplicas = initialReplicas(input);
  let modelLoadCostUsd = 0;
  const totals = { costUsd: 0, startupCostUsd: 0, gpuHours: 0, servedRequests: 0, unmetRequests: 0 };
  const gpusPerVm = new Map(input.skus.map((sku) => [sku.sku, sku.gpusPerVm]));
  const result: PlanWindow[] = ordered.map((window) => {
    const current = new Map<string, number>();
    let costUsd = 0;
    let gpuHours = 0;
    const vms = [...window.vms].sort(compareFleet).map((vm) => {
      const key = fleetKey(vm.sku, vm.region, vm.purchase);
      current.set(key, vm.count);
      // Committed VMs are held from before the horizon to after it: never started.
      const started = vm.purchase === 'committed' ? 0 : Math.max(0, vm.count - (previous.get(key) ?? 0));
      costUsd += vm.count * vm.usdPerHour * window.hours;
      gpuHours += vm.count * gpusPerVm.get(vm.sku)! * window.hours;
      totals.startupCostUsd += started * vm.usdPerHour * input.policies.startupHours;
      return { ...vm, started };
    });
    previous = current;
    // Replicas started load their llm (model-load.ts): part of the start-up cost, beside the VM boots.
    modelLoadCostUsd += windowModelLoad(input, window.replicas, previousReplicas).usd;
    previousReplicas = replicaMap(window.replicas);
    const routes = [...window.routes].sort(compareRoutes);
    const unmet = [...window.unmet].sort((a, b) => compareStrings(a.workload, b.workload) || compareStrings(a.origin, b.origin));
    totals.servedRequests += routes.reduce((sum, route) => sum + route.requestsPerSec, 0) * window.hours * 3600;
    totals.unmetRequests += unmet.reduce((sum, entry) => sum + entry.requestsPerSec, 0) * window.hours * 3600;
    totals.gpuHours += gpuHours;
    return {
      ...window,
      costUsd: microDollars(costUsd),
      gpuHours,
      vms,
      replicas: [...window.replicas].sort(
        (a, b) =>
          compareStrings(a.region, b.region) ||
          compareStrings(a.llm, b.llm) ||
          compareStrings(a.sku, b.sku) ||
          a.tp - b.tp ||
          compareStrings(a.pool ?? '', b.pool ?? '') ||
          compareStrings((a.workloads ?? []).join('\u0000'), (b.workloads ?? []).join('\u0000')),
      ),
      routes,
      unmet,
    };
  });
  // Exact to the micro-dollar (catalog prices have at most 6 decimals); reports round to the cent.
  totals.costUsd = microDollars(result.reduce((sum, window) => sum + window.costUsd, 0));
  const loads = modelLoadOn(input);
  totals.startupCostUsd = microDollars(totals.startupCostUsd + (loads ? modelLoadCostUsd : 0));
  totals.servedRequests = Math.round(totals.servedRequests);
  totals.unmetRequests = Math.round(totals.unmetRequests);
  const reservedSunkCostUsd = (input.policies.reserved ?? []).reduce(
    (sum, r) => sum + r.count * r.sunkUsdPerHour * ordered.reduce((h, w) => h + w.hours, 0),
    0,
  );
  return {
    status,
    windows: result,
    totals: {
      ...totals,
      ...(loads ? { modelLoadCostUsd: microDollars(modelLoadCostUsd) } : {}),
      ...((input.policies.reserved ?? []).length ? { reservedSunkCostUsd: microDollars(reservedSunkCostUsd) } : {}),
    },
  };
}

function microDollars(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/** plan.json's route order: workload, origin, region, llm, sku, tp. */
export function compareRoutes(a: PlanWindow['routes'][number], b: PlanWindow['routes'][number]): number {
  return (
    compareStrings(a.workload, b.workload) ||
    compareStrings(a.origin, b.origin) ||
    compareStrings(a.region, b.region) ||
    compareStrings(a.llm, b.llm) ||
    compareStrings(a.sku, b.sku) ||
    a.tp - b.tp
  );
}

function compareFleet(a: { region: string; sku: string; purchase: string }, b: { region: string; sku: string; purchase: string }): number {
  return compareStrings(a.region, b.region) || compareStrings(a.sku, b.sku) || compareStrings(a.purchase, b.purchase);
}
