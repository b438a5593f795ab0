import { budgetStatus } from '../capacity/budget-status.js';
import { initialReplicas, modelLoadOn, replicaMap, windowModelLoad } from '../capacity/model-load.js';
import { summariseModelChoice } from '../capacity/model-choice.js';
import { summarisePolicies } from '../capacity/policy-summary.js';
import { summariseCommitments } from '../capacity/commitment-summary.js';
import { summariseSizeClasses } from '../capacity/size-class-summary.js';
import type { Plan, PlanningInput } from '../capacity/types.js';
import { differs, type FigureKind } from './tolerance.js';
import type { Violation } from './violation.js';

/**
 * The figures a plan states beside its fleet, recomputed from the fleet, the catalog and the scenario alone
 * (windows by position, never by their own index): each window's index, each VM's price and VMs started
 * (against the window before; the current fleet and reservations before the first), GPU-hours, start-ups
 * (VM boots and llm loads), request totals, reserved sunk cost, the policy summary and the budget state.
 * Each violation names the figure (`figure`, a path into plan.json). Costs and the capacity rules: check-plan.ts.
 */
export function checkFigures(input: PlanningInput, plan: Plan): { violations: Violation[]; startupCostUsd: number } {
  const violations: Violation[] = [];
  const stated = (
    group: Violation['group'],
    kind: FigureKind,
    figure: string,
    value: number,
    recomputed: number,
    where: Partial<Violation> = {},
  ) => {
    if (!differs(kind, value, recomputed)) return;
    violations.push({
      group,
      ...where,
      figure,
      message: `${figure} is ${value}; the plan's fleet and the scenario give ${round(recomputed)}`,
    });
  };
  const skus = new Map(input.skus.map((sku) => [sku.sku, sku]));
  let previous = initialFleet(input);
  let previousReplicas = initialReplicas(input);
  let gpuHours = 0;
  let bootUsd = 0;
  let loadUsd = 0;
  let served = 0;
  let unmet = 0;
  let hours = 0;

  for (const [i, window] of plan.windows.entries()) {
    const at = { window: i, start: window.start };
    const path = `windows[${i}]`;
    if (window.index !== i) stated('figures', 'count', `${path}.index`, window.index, i, at);
    const current = new Map<string, number>();
    for (const vm of window.vms) {
      const key = `${vm.sku}|${vm.region}|${vm.purchase}`;
      current.set(key, (current.get(key) ?? 0) + vm.count);
    }
    let windowGpuHours = 0;
    for (const [j, vm] of window.vms.entries()) {
      const where = { ...at, region: vm.region, sku: vm.sku };
      const sku = skus.get(vm.sku);
      const price = sku?.prices.find((p) => p.region === vm.region && p.purchase === vm.purchase);
      if (!sku || !price) continue; // check-plan.ts reports a VM with no price
      const figure = `${path}.vms[${j}]`;
      stated('catalog', 'price', `${figure}.usdPerHour`, vm.usdPerHour, price.usdPerHour, where);
      const key = `${vm.sku}|${vm.region}|${vm.purchase}`;
      // Committed VMs are held from before the horizon: never started (the count check is checkCommitments).
      const started = vm.purchase === 'committed' ? 0 : Math.max(0, (current.get(key) ?? 0) - (previous.get(key) ?? 0));
      // A fleet entry listed twice shares its starts: the first entry carries them.
      const first = window.vms.findIndex((v) => `${v.sku}|${v.region}|${v.purchase}` === key) === j;
      stated('figures', 'count', `${figure}.started`, vm.started, first ? started : 0, where);
      if (first) bootUsd += started * price.usdPerHour * input.policies.startupHours;
      windowGpuHours += vm.count * sku.gpusPerVm * window.hours;
    }
    stated('figures', 'gpuHours', `${path}.gpuHours`, window.gpuHours, windowGpuHours, at);
    gpuHours += windowGpuHours;
    previous = current;
    loadUsd += windowModelLoad(input, window.replicas, previousReplicas).usd;
    previousReplicas = replicaMap(window.replicas);
    served += window.routes.reduce((sum, route) => sum + route.requestsPerSec, 0) * window.hours * 3600;
    unmet += window.unmet.reduce((sum, entry) => sum + entry.requestsPerSec, 0) * window.hours * 3600;
    hours += window.hours;
  }

  const { totals } = plan;
  const loads = modelLoadOn(input);
  stated('figures', 'gpuHours', 'totals.gpuHours', totals.gpuHours, gpuHours);
  stated('cost', 'usd', 'totals.startupCostUsd', totals.startupCostUsd, bootUsd + (loads ? loadUsd : 0));
  if (totals.modelLoadCostUsd !== undefined || loads)
    stated('cost', 'usd', 'totals.modelLoadCostUsd', totals.modelLoadCostUsd ?? 0, loadUsd);
  stated('figures', 'requests', 'totals.servedRequests', totals.servedRequests, Math.round(served));
  stated('figures', 'requests', 'totals.unmetRequests', totals.unmetRequests, Math.round(unmet));
  const reserved = input.policies.reserved ?? [];
  if (totals.reservedSunkCostUsd !== undefined || reserved.length) {
    const sunk = reserved.reduce((sum, r) => sum + r.count * r.sunkUsdPerHour * hours, 0);
    stated('cost', 'usd', 'totals.reservedSunkCostUsd', totals.reservedSunkCostUsd ?? 0, sunk);
  }

  violations.push(...checkCommitments(input, plan));
  if (plan.policies) {
    const recomputed = summarisePolicies(input, plan) as unknown as Record<string, unknown>;
    compareSummary(plan.policies as unknown as Record<string, unknown>, recomputed, 'policies', violations);
  }
  // Stated by planScenario (modelChoice always, sizeClasses for split workloads); a plan without them states nothing to check.
  if (plan.modelChoice) compareSummary(plan.modelChoice, summariseModelChoice(input, plan), 'modelChoice', violations);
  if (plan.sizeClasses)
    compareSummary(plan.sizeClasses, summariseSizeClasses(input, plan, input.sizeClasses ?? []), 'sizeClasses', violations, ADDED_LATER);
  if (plan.budget) {
    const recomputed = budgetStatus(input, {
      costUsd: totals.costUsd,
      startupCostUsd: bootUsd + (loads ? loadUsd : 0),
      unmetRequests: Math.round(unmet),
    });
    if (!recomputed) {
      violations.push({ group: 'figures', figure: 'budget', message: 'budget is stated, but the scenario has no policies.budget' });
    } else {
      for (const field of ['usd', 'costWithStartupsUsd', 'leftUsd'] as const)
        stated('figures', 'usd', `budget.${field}`, plan.budget[field], recomputed[field]);
      for (const field of ['mode', 'state'] as const) {
        if (plan.budget[field] !== recomputed[field]) {
          violations.push({
            group: 'figures',
            figure: `budget.${field}`,
            message: `budget.${field} is ${plan.budget[field]}; the plan's fleet and the scenario give ${recomputed[field]}`,
          });
        }
      }
    }
  }
  return { violations, startupCostUsd: bootUsd + (loads ? loadUsd : 0) };
}

/**
 * Commitments: the committed VMs of each (sku, region) are the same count in every window (a commitment
 * is held for its term), and the stated commitment figures recompute from the windows and the offers.
 */
function checkCommitments(input: PlanningInput, plan: Plan): Violation[] {
  const violations: Violation[] = [];
  const held = new Map<string, number>();
  for (const [i, window] of plan.windows.entries()) {
    const here = new Map<string, number>();
    for (const vm of window.vms)
      if (vm.purchase === 'committed') here.set(`${vm.sku}|${vm.region}`, (here.get(`${vm.sku}|${vm.region}`) ?? 0) + vm.count);
    if (i === 0) for (const [key, count] of here) held.set(key, count);
    for (const key of new Set([...held.keys(), ...here.keys()])) {
      const count = here.get(key) ?? 0;
      if (count === (held.get(key) ?? 0)) continue;
      const [sku, region] = key.split('|') as [string, string];
      violations.push({
        group: 'figures',
        window: i,
        start: window.start,
        sku,
        region,
        figure: `windows[${i}].vms`,
        message: `${count} committed ${sku} VMs in ${region}; window 0 holds ${held.get(key) ?? 0}, and a commitment holds for the whole horizon`,
      });
    }
  }
  const offered = (input.policies.commitments ?? []).length > 0;
  if (plan.commitments && !offered) {
    violations.push({ group: 'figures', figure: 'commitments', message: 'commitments are stated, but the scenario offers none' });
  } else if (offered && plan.windows.length) {
    const recomputed = summariseCommitments(input, plan) as unknown as Record<string, unknown>;
    compareSummary(plan.commitments as unknown as Record<string, unknown>, recomputed, 'commitments', violations);
  }
  return violations;
}

/** Figures only a solve of another scenario gives (solve --resilience-cost): not recomputable from the plan. */
const SOLVED_ELSEWHERE = new Set(['policies.locality.resilienceCostUsd', 'policies.locality.costWithoutNPlusOneUsd']);

/** Size-class figures that plans written before them lack: their absence is not a violation. */
const ADDED_LATER: ReadonlySet<string> = new Set(['servedRequests', 'unmetRequests', 'gpuShares']);

/**
 * Walks a stated summary against the recomputed one; every leaf that differs is a violation naming its path.
 * Fields in `mayLack` may be absent (plans written before them); counts of requests (`...Requests`) are
 * compared as whole requests, every other number as a share.
 */
function compareSummary(
  stated: unknown,
  recomputed: unknown,
  path: string,
  violations: Violation[],
  mayLack: ReadonlySet<string> = new Set(),
): void {
  if (SOLVED_ELSEWHERE.has(path)) return;
  if (typeof stated === 'number' && typeof recomputed === 'number') {
    if (differs(path.endsWith('Requests') ? 'requests' : 'share', stated, recomputed)) {
      violations.push({
        group: 'figures',
        figure: path,
        message: `${path} is ${stated}; the plan's fleet and the scenario give ${round(recomputed)}`,
      });
    }
    return;
  }
  if (stated !== null && recomputed !== null && typeof stated === 'object' && typeof recomputed === 'object') {
    const keys = new Set([...Object.keys(stated), ...Object.keys(recomputed)]);
    for (const key of [...keys].sort()) {
      const child = Array.isArray(stated) ? `${path}[${key}]` : `${path}.${key}`;
      const value = (stated as Record<string, unknown>)[key];
      if (value === undefined && mayLack.has(key) && !Array.isArray(stated)) continue;
      compareSummary(value, (recomputed as Record<string, unknown>)[key], child, violations, mayLack);
    }
    return;
  }
  if (stated !== recomputed && !SOLVED_ELSEWHERE.has(path)) {
    violations.push({
      group: 'figures',
      figure: path,
      message: `${path} is ${JSON.stringify(stated) ?? 'absent'}; the plan's fleet and the scenario give ${JSON.stringify(recomputed) ?? 'nothing'}`,
    });
  }
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/** VMs by `sku|region|purchase` before the first window: the current fleet and the reservations. */
export function initialFleet(input: PlanningInput): Map<string, number> {
  const fleet = new Map<string, number>();
  for (const f of [...input.policies.currentFleet, ...(input.policies.reserved ?? []).map((r) => ({ ...r, purchase: 'reserved' }))]) {
    const key = `${f.sku}|${f.region}|${f.purchase}`;
    fleet.set(key, (fleet.get(key) ?? 0) + f.count);
  }
  return fleet;
}
