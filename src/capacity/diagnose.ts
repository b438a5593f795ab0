import { budgetStatus } from './budget-status.js';
import { describeQuota, quotaLimit, quotaUnitsPerVm } from './quota.js';
import type { Plan, PlanningInput, QuotaRule } from './types.js';
import { minOf } from '../extremes.js';

/**
 * Why demand went unmet: the constraints that bind where the demand could have been served. For each
 * unmet (window, workload, origin) it looks at the regions within the workload's latency bound and says
 * which of these holds: no config there can serve the workload; GPU quotas there are full; the hard budget
 * binds (budget-status.ts); the scale-out limit was reached. When none binds, it prices serving: the penalty is below the
 * cheapest cost per request, or below one more VM for so few requests; failing both, the window's plan was
 * not proven (`unproven`: windows whose solve stopped at a limit) or nothing explains it, and it says so.
 */
export function explainUnmet(input: PlanningInput, plan: Plan, unproven: ReadonlyMap<number, string> = new Map()): Plan {
  const workloads = new Map(input.workloads.map((w) => [w.id, w]));
  const skuOf = new Map(input.skus.map((s) => [s.sku, s]));
  const budget = input.policies.budget;
  const budgetState = budgetStatus(input, plan.totals)?.state;
  const budgetSpent = budget?.mode === 'hard' && budgetState !== 'within';
  const windows = plan.windows.map((window) => {
    if (window.unmet.length === 0) return window;
    const usedOf = (q: QuotaRule) =>
      window.vms.reduce(
        (sum, vm) => sum + (vm.region === q.region && skuOf.has(vm.sku) ? vm.count * quotaUnitsPerVm(q, skuOf.get(vm.sku)!) : 0),
        0,
      );
    // Full: the quota counts a config that serves the workload there, and not even its smallest VM fits in what is left.
    const quotaFull = (q: QuotaRule, workload: string) => {
      const units = input.candidates
        .filter((c) => c.region === q.region && c.requestsPerSecByWorkload.has(workload))
        .map((c) => quotaUnitsPerVm(q, skuOf.get(c.sku)!))
        .filter((u) => u > 0);
      return units.length > 0 && quotaLimit(q) - usedOf(q) < minOf(units);
    };
    const scaleOutHit =
      input.policies.maxScaleOutPerWindow !== undefined && window.vms.some((vm) => vm.started >= input.policies.maxScaleOutPerWindow!);
    const unmet = window.unmet.map((entry) => {
      const workload = workloads.get(entry.workload);
      if (!workload) return entry;
      const reasons: string[] = [];
      const reachable = input.regions.filter((region) => input.latencyMs(entry.origin, region) <= workload.maxNetworkRttMs);
      const serving = reachable.filter((region) =>
        input.candidates.some((c) => c.region === region && c.requestsPerSecByWorkload.has(workload.id)),
      );
      if (serving.length === 0) {
        reasons.push(`no region within ${workload.maxNetworkRttMs} ms of ${entry.origin} has a config that serves ${workload.id}`);
      }
      const fullQuotas = input.policies.quotas.filter(
        (q) =>
          serving.includes(q.region) &&
          (q.fromWindow === undefined || window.index >= q.fromWindow) &&
          (q.toWindow === undefined || window.index <= q.toWindow) &&
          quotaFull(q, workload.id),
      );
      if (fullQuotas.length) reasons.push(`quota full: ${fullQuotas.map((q) => `${describeQuota(q)} in ${q.region}`).join(', ')}`);
      if (budgetSpent) reasons.push(`the hard budget of $${budget!.usd} binds: what is left buys less than one more VM`);
      if (scaleOutHit) reasons.push(`the scale-out limit of ${input.policies.maxScaleOutPerWindow} VMs per window was reached`);
      if (reasons.length === 0)
        reasons.push(
          priceReason(input, workload, serving, entry.requestsPerSec, window.hours) ??
            unproven.get(window.index) ??
            `not explained by a quota, the budget, a limit or the price of serving it (penalty $${workload.unmetPenaltyUsdPerRequest} per request): please report it`,
        );
      return { ...entry, why: reasons.join('; ') };
    });
    return { ...window, unmet };
  });
  return { ...plan, windows };
}

/**
 * The price reason, when there is one: the cheapest config reachable costs more per request than the
 * penalty at full load, or the smallest VM that could serve it costs more than the penalty on these requests.
 */
function priceReason(
  input: PlanningInput,
  workload: PlanningInput['workloads'][number],
  regions: readonly string[],
  requestsPerSec: number,
  hours: number,
): string | undefined {
  const penalty = workload.unmetPenaltyUsdPerRequest;
  const usable = 1 - input.policies.headroom;
  let perRequest = Infinity;
  let smallestVm = Infinity;
  for (const candidate of input.candidates) {
    const rate = candidate.requestsPerSecByWorkload.get(workload.id);
    if (!rate || !regions.includes(candidate.region) || usable <= 0) continue;
    const sku = input.skus.find((s) => s.sku === candidate.sku);
    for (const price of sku?.prices ?? []) {
      if (
        price.region !== candidate.region ||
        !input.purchases.includes(price.purchase) ||
        price.purchase === 'reserved' ||
        price.purchase === 'committed'
      )
        continue;
      const replicasPerVm = sku!.gpusPerVm / candidate.tp;
      perRequest = Math.min(perRequest, price.usdPerHour / replicasPerVm / (rate * usable * 3600));
      smallestVm = Math.min(smallestVm, price.usdPerHour * (hours + input.policies.startupHours));
    }
  }
  if (!Number.isFinite(perRequest)) return undefined;
  const money = (usd: number) => `$${usd < 0.01 ? usd.toPrecision(2) : usd.toFixed(2)}`;
  if (perRequest > penalty)
    return `serving it costs at least ${money(perRequest)} per request, more than the unmet penalty of ${money(penalty)}`;
  const requests = requestsPerSec * 3600 * hours;
  if (smallestVm > penalty * requests)
    return `one more VM (at least ${money(smallestVm)} for the window) costs more than the penalty on these ${Math.round(requests)} requests (${money(penalty * requests)})`;
  return undefined;
}
