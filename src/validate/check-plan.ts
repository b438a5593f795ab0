import { describeQuota, quotaLimit, quotaUnitsPerVm } from '../capacity/quota.js';
import { isInteractive, poolCapacity, poolOf, replicaPoolsApart } from '../capacity/policies.js';
import type { Plan, PlanningInput } from '../capacity/types.js';
import { budgetStatus, type BudgetStatus } from '../capacity/budget-status.js';
import { checkFigures, initialFleet } from './check-figures.js';
import { checkPolicies } from './check-policies.js';
import { differs, exceeds, RATE_ROUNDING, rateUnit, routesPossible, rowDiffers } from './tolerance.js';
import type { Violation } from './violation.js';
import { configKey } from '../config-key.js';

export type { PolicyGroup, Violation } from './violation.js';

/**
 * An independent checker of a plan against a scenario: it trusts nothing the solver or the formulation
 * computed and recomputes every number from the plan's fleet and routes and the scenario alone.
 * Groups use the numbers of DESIGN.md section 6.
 */
export interface PlanCheck {
  ok: boolean;
  violations: Violation[];
  /** Unmet demand is not a violation by itself; the caller compares it with --max-unmet. */
  unmetRequests: number;
  /** Recomputed from prices x hours x VMs. */
  costUsd: number;
  /** Where the recomputed cost with start-ups stands against policies.budget (a soft one is reported, not a violation). */
  budget?: BudgetStatus;
}

export function checkPlan(input: PlanningInput, plan: Plan): PlanCheck {
  const violations: Violation[] = [];
  const skus = new Map(input.skus.map((sku) => [sku.sku, sku]));
  const workloadIndex = new Map(input.workloads.map((w, i) => [w.id, i]));
  const candidates = new Map(input.candidates.map((c) => [configKey(c), c]));
  let costUsd = 0;
  let unmetRequests = 0;
  let previous = initialFleet(input);
  // With the eviction derate or on-demand cover, a replica sits on firm or on spot VMs, never both.
  const poolsApart = replicaPoolsApart(input);

  if (plan.windows.length !== input.windows.length) {
    violations.push({
      group: 'demand',
      figure: 'windows',
      message: `plan has ${plan.windows.length} windows; the scenario has ${input.windows.length}`,
    });
  }

  // Windows by position: a window's own index is a stated figure (check-figures.ts), not a key to trust.
  for (const [t, window] of plan.windows.entries()) {
    const spec = input.windows[t];
    const at = { window: t, start: window.start };
    if (!spec || spec.start !== window.start || spec.hours !== window.hours) {
      violations.push({
        group: 'demand',
        ...at,
        figure: `windows[${t}].${spec && spec.start === window.start ? 'hours' : 'start'}`,
        message: `window ${t} (${window.start}, ${window.hours} h) is not the scenario's window ${spec ? `${spec.start}, ${spec.hours} h` : '(none)'}`,
      });
      continue;
    }

    // Cost and fleet: prices from the scenario, not the plan.
    let windowCost = 0;
    const gpusBySkuRegion = new Map<string, number>();
    const current = new Map<string, number>();
    for (const vm of window.vms) {
      const sku = skus.get(vm.sku);
      const price = sku?.prices.find((p) => p.region === vm.region && p.purchase === vm.purchase);
      if (!sku || !price) {
        violations.push({
          group: 'catalog',
          ...at,
          region: vm.region,
          sku: vm.sku,
          message: `${vm.sku} ${vm.purchase} has no price in ${vm.region}`,
        });
        continue;
      }
      if (!Number.isInteger(vm.count) || vm.count < 0) {
        violations.push({
          group: 'packing',
          ...at,
          region: vm.region,
          sku: vm.sku,
          message: `VM count ${vm.count} is not a non-negative integer`,
        });
      }
      windowCost += vm.count * price.usdPerHour * window.hours;
      const key = `${vm.sku}|${vm.region}${poolsApart ? `|${poolOf(vm.purchase)}` : ''}`;
      gpusBySkuRegion.set(key, (gpusBySkuRegion.get(key) ?? 0) + vm.count * sku.gpusPerVm);
      const fleetKey = `${vm.sku}|${vm.region}|${vm.purchase}`;
      current.set(fleetKey, vm.count);
      const added = vm.count - (previous.get(fleetKey) ?? 0);
      // Committed VMs are held for the whole horizon, not started in it.
      if (vm.purchase !== 'committed' && input.policies.maxScaleOutPerWindow !== undefined && added > input.policies.maxScaleOutPerWindow) {
        violations.push({
          group: 'scaling',
          ...at,
          region: vm.region,
          sku: vm.sku,
          message: `adds ${added} VMs; the limit is ${input.policies.maxScaleOutPerWindow} per window`,
        });
      }
    }
    const maxScaleIn = input.policies.maxScaleInPerWindow;
    for (const [fleetKey, before] of previous) {
      const removed = before - (current.get(fleetKey) ?? 0);
      if (maxScaleIn !== undefined && !fleetKey.endsWith('|reserved') && removed > maxScaleIn) {
        const [sku, region] = fleetKey.split('|') as [string, string];
        violations.push({ group: 'scaling', ...at, region, sku, message: `removes ${removed} VMs; the limit is ${maxScaleIn} per window` });
      }
    }
    previous = current;
    costUsd += windowCost;
    if (differs('usd', window.costUsd, windowCost)) {
      violations.push({
        group: 'cost',
        ...at,
        figure: `windows[${t}].costUsd`,
        message: `window cost ${window.costUsd.toFixed(2)} USD; prices x hours x VMs give ${windowCost.toFixed(2)} USD`,
      });
    }

    // Group 3: packing. Replicas need tp GPUs inside one VM (tp divides the VM's GPUs), and all fit.
    const replicaGpus = new Map<string, number>();
    const replicaCount = new Map<string, number>();
    const llmsOn = new Map<string, Set<string>>();
    for (const replica of window.replicas) {
      const sku = skus.get(replica.sku);
      if (!sku || sku.gpusPerVm % replica.tp !== 0) {
        violations.push({
          group: 'packing',
          ...at,
          region: replica.region,
          llm: replica.llm,
          sku: replica.sku,
          message: `TP ${replica.tp} does not fit a ${sku?.gpusPerVm ?? '?'}-GPU VM`,
        });
        continue;
      }
      if (poolsApart && replica.pool === undefined) {
        violations.push({
          group: 'spot',
          ...at,
          region: replica.region,
          llm: replica.llm,
          sku: replica.sku,
          message: 'the spot policy keeps firm and spot replicas apart, but this replica names no pool (firm or spot)',
        });
        continue;
      }
      const key = `${replica.sku}|${replica.region}${poolsApart ? `|${replica.pool}` : ''}`;
      replicaGpus.set(key, (replicaGpus.get(key) ?? 0) + replica.count * replica.tp);
      llmsOn.set(key, (llmsOn.get(key) ?? new Set<string>()).add(replica.llm));
      const config = configKey(replica);
      // Spot replicas count 1 - p replicas of capacity (eviction derate, group 5).
      replicaCount.set(config, (replicaCount.get(config) ?? 0) + replica.count * (poolsApart ? poolCapacity(input, replica.pool) : 1));
    }
    for (const [key, gpus] of replicaGpus) {
      const available = gpusBySkuRegion.get(key) ?? 0;
      if (gpus > available) {
        const [sku, region, pool] = key.split('|') as [string, string, string | undefined];
        const llms = [...llmsOn.get(key)!].sort().join(', ');
        const vms = pool ? `the ${pool} VMs` : 'the VMs';
        violations.push({
          group: 'packing',
          ...at,
          region,
          sku,
          llm: llms,
          message: `replicas of ${llms} need ${gpus} ${sku} GPUs in ${region}; ${vms} have ${available}`,
        });
      }
    }

    // Group 4: quotas.
    for (const quota of input.policies.quotas) {
      const applies = (quota.fromWindow === undefined || t >= quota.fromWindow) && (quota.toWindow === undefined || t <= quota.toWindow);
      if (!applies) continue;
      let used = 0;
      for (const vm of window.vms) {
        const sku = skus.get(vm.sku);
        if (sku && vm.region === quota.region) used += vm.count * quotaUnitsPerVm(quota, sku);
      }
      if (used > quotaLimit(quota)) {
        violations.push({
          group: 'quota',
          ...at,
          region: quota.region,
          message: `${describeQuota(quota, used)}; the quota is ${quotaLimit(quota)}`,
        });
      }
    }

    // Group 2 and latency: every route is an allowed, reachable config, and its replicas carry the load.
    const load = new Map<string, number>();
    const rounding = new Map<string, number>();
    const served = new Map<string, number>();
    for (const route of window.routes) {
      const w = workloadIndex.get(route.workload);
      const workload = w === undefined ? undefined : input.workloads[w];
      const where = { ...at, region: route.region, llm: route.llm, sku: route.sku, workload: route.workload };
      if (!workload) {
        violations.push({ group: 'demand', ...where, message: `unknown workload ${route.workload}` });
        continue;
      }
      const rtt = input.latencyMs(route.origin, route.region);
      if (rtt > workload.maxNetworkRttMs) {
        violations.push({
          group: 'latency',
          ...where,
          message: `route ${route.origin} -> ${route.region} has RTT ${rtt} ms; ${workload.id} allows ${workload.maxNetworkRttMs} ms`,
        });
      }
      // Checked before capacity: a forbidden llm is the scenario's rule (llmChoice), not a missing config.
      if (workload.llms && !workload.llms.includes(route.llm)) {
        violations.push({
          group: 'model-choice',
          ...where,
          message: `${workload.id} is served by ${route.llm}, which ${workload.llmChoice ? `llmChoice ${workload.llmChoice}` : 'the scenario'} does not allow (allowed: ${workload.llms.join(', ')})`,
        });
        continue;
      }
      const config = configKey(route);
      const rate = candidates.get(config)?.requestsPerSecByWorkload.get(workload.id);
      if (!rate) {
        violations.push({
          group: 'capacity',
          ...where,
          message: `${route.llm} TP ${route.tp} on ${route.sku} cannot serve ${workload.id} within its SLO (or is not allowed for it)`,
        });
        continue;
      }
      load.set(config, (load.get(config) ?? 0) + route.requestsPerSec / rate);
      rounding.set(config, (rounding.get(config) ?? 0) + RATE_ROUNDING / rate);
      const demandKey = `${route.workload}|${route.origin}`;
      served.set(demandKey, (served.get(demandKey) ?? 0) + route.requestsPerSec);
    }
    for (const [configKey, replicasNeeded] of load) {
      const usable = (replicaCount.get(configKey) ?? 0) * (1 - input.policies.headroom);
      // In replicas: each route's rounding is RATE_ROUNDING / rate of load; the row's size is at least one replica.
      if (exceeds(replicasNeeded, usable, rounding.get(configKey)!, 1)) {
        const [llm, sku, tp, region] = configKey.split('|') as [string, string, string, string];
        violations.push({
          group: 'capacity',
          ...at,
          region,
          llm,
          sku,
          message: `${llm} TP ${tp} on ${sku} carries ${replicasNeeded.toFixed(3)} replicas of load; ${formatCount(replicaCount.get(configKey) ?? 0)} ${poolsApart ? 'eviction-derated ' : ''}replicas at ${(100 * (1 - input.policies.headroom)).toFixed(0)}% give ${usable.toFixed(3)}`,
        });
      }
    }

    // Group 1: served + unmet = demand, per workload and origin.
    for (const [w, workload] of input.workloads.entries()) {
      if (!isInteractive(workload)) continue; // cumulative deadline rows: check-policies.ts
      for (const [o, origin] of workload.origins.entries()) {
        const demand = input.demand[w]![o]![t]!;
        const unmet = window.unmet
          .filter((u) => u.workload === workload.id && u.origin === origin)
          .reduce((sum, u) => sum + u.requestsPerSec, 0);
        const routed = served.get(`${workload.id}|${origin}`) ?? 0;
        // Every route and unmet entry the row may have is within RATE_ROUNDING of the solver's (or left out below it).
        const rounding = RATE_ROUNDING * routesPossible(input, workload.id);
        if (rowDiffers(routed + unmet, demand, rounding, rateUnit(input, workload.id))) {
          violations.push({
            group: 'demand',
            ...at,
            workload: workload.id,
            region: origin,
            figure: `windows[${t}].routes + windows[${t}].unmet`,
            message: `${workload.id} from ${origin}: served ${routed.toFixed(4)} + unmet ${unmet.toFixed(4)} req/s; demand is ${demand.toFixed(4)} req/s`,
          });
        }
      }
    }
  }

  for (const window of plan.windows) unmetRequests += window.unmet.reduce((sum, u) => sum + u.requestsPerSec, 0) * 3600 * window.hours;
  violations.push(...checkPolicies(input, plan));
  const figures = checkFigures(input, plan);
  violations.push(...figures.violations);
  if (differs('usd', plan.totals.costUsd, costUsd)) {
    violations.push({
      group: 'cost',
      figure: 'totals.costUsd',
      message: `total cost ${plan.totals.costUsd.toFixed(6)} USD; prices x hours x VMs give ${costUsd.toFixed(6)} USD`,
    });
  }
  // Group 9 bounds the VM cost with the start-ups (VM boots and llm loads), so the check does too.
  const budget = budgetStatus(input, { costUsd, startupCostUsd: figures.startupCostUsd, unmetRequests });
  if (budget?.mode === 'hard' && budget.state === 'exceeded') {
    violations.push({
      group: 'budget',
      message: `cost with start-ups ${budget.costWithStartupsUsd.toFixed(2)} USD exceeds the hard budget of ${budget.usd.toFixed(2)} USD`,
    });
  }
  return {
    ok: violations.length === 0,
    violations,
    unmetRequests: Math.round(unmetRequests),
    costUsd: Math.round(costUsd * 100) / 100,
    ...(budget ? { budget } : {}),
  };
}

function formatCount(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}
