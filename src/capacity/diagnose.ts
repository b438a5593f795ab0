import type { Plan, PlanningInput } from './types.js';

/**
 * Why demand went unmet: the constraints that bind where the demand could have been served. For each
 * unmet (window, workload, origin) it looks at the regions within the workload's latency bound and says
 * which of these holds: no config there can serve the workload; GPU quotas there are full; the hard budget
 * is spent; the scale-out limit was reached. When none binds, the unmet penalty is cheaper than serving.
 */
export function explainUnmet(input: PlanningInput, plan: Plan): Plan {
  const workloads = new Map(input.workloads.map((w) => [w.id, w]));
  const gpuOf = new Map(input.skus.map((s) => [s.sku, { gpu: s.gpu, gpusPerVm: s.gpusPerVm }]));
  const smallestVm = new Map<string, number>();
  for (const sku of input.skus) smallestVm.set(sku.gpu, Math.min(smallestVm.get(sku.gpu) ?? Infinity, sku.gpusPerVm));
  const budget = input.policies.budget;
  const budgetSpent = budget?.mode === 'hard' && plan.totals.costUsd + plan.totals.startupCostUsd >= budget.usd * (1 - 1e-6);
  const windows = plan.windows.map((window) => {
    if (window.unmet.length === 0) return window;
    const gpusUsed = new Map<string, number>();
    for (const vm of window.vms) {
      const sku = gpuOf.get(vm.sku);
      if (sku) gpusUsed.set(`${sku.gpu}|${vm.region}`, (gpusUsed.get(`${sku.gpu}|${vm.region}`) ?? 0) + vm.count * sku.gpusPerVm);
    }
    const scaleOutHit = input.policies.maxScaleOutPerWindow !== undefined && window.vms.some((vm) => vm.started >= input.policies.maxScaleOutPerWindow!);
    const unmet = window.unmet.map((entry) => {
      const workload = workloads.get(entry.workload);
      if (!workload) return entry;
      const reasons: string[] = [];
      const reachable = input.regions.filter((region) => input.latencyMs(entry.origin, region) <= workload.maxNetworkRttMs);
      const serving = reachable.filter((region) => input.candidates.some((c) => c.region === region && c.requestsPerSecByWorkload.has(workload.id)));
      if (serving.length === 0) {
        reasons.push(`no region within ${workload.maxNetworkRttMs} ms of ${entry.origin} has a config that serves ${workload.id}`);
      }
      const fullQuotas = input.policies.quotas.filter(
        (q) =>
          serving.includes(q.region) &&
          (q.fromWindow === undefined || window.index >= q.fromWindow) &&
          (q.toWindow === undefined || window.index <= q.toWindow) &&
          input.candidates.some((c) => c.region === q.region && gpuOf.get(c.sku)?.gpu === q.gpu && c.requestsPerSecByWorkload.has(workload.id)) &&
          // Full: not even the smallest VM of that GPU type fits in what is left.
          q.gpus - (gpusUsed.get(`${q.gpu}|${q.region}`) ?? 0) < smallestVm.get(q.gpu)!,
      );
      if (fullQuotas.length) reasons.push(`quota full: ${fullQuotas.map((q) => `${q.gpus} ${q.gpu} GPUs in ${q.region}`).join(', ')}`);
      if (budgetSpent) reasons.push(`the hard budget of $${budget!.usd} is spent`);
      if (scaleOutHit) reasons.push(`the scale-out limit of ${input.policies.maxScaleOutPerWindow} VMs per window was reached`);
      if (reasons.length === 0) reasons.push(`serving it would cost more than the unmet penalty of $${workload.unmetPenaltyUsdPerRequest} per request`);
      return { ...entry, why: reasons.join('; ') };
    });
    return { ...window, unmet };
  });
  return { ...plan, windows };
}
