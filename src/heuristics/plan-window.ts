/** Turns a window's state into the plan's PlanWindow: VMs, replicas and routes in a fixed order, rates rounded to 1e-6. */
import type { PlanWindow } from '../capacity/types.js';
import type { WindowScope } from './window.js';

const round6 = (value: number) => Math.round(value * 1e6) / 1e6;
/** Routes round down so that capacity rows never pick up rounding. */
const floor6 = (value: number) => Math.floor(value * 1e6 + 1e-6) / 1e6;

export function toPlanWindow({ ctx, env, state }: WindowScope): PlanWindow {
  const { input } = ctx;
  const window = input.windows[env.t]!;
  const vms: PlanWindow['vms'] = [];
  const replicas: PlanWindow['replicas'] = [];
  const routes: PlanWindow['routes'] = [];
  for (const vmGroup of ctx.vmGroups) {
    for (const offer of vmGroup.offers) {
      const count = state.vms.get(offer.key) ?? 0;
      if (count > 0)
        vms.push({ region: vmGroup.region, sku: vmGroup.sku, purchase: offer.purchase, count, usdPerHour: offer.usdPerHour, started: 0 });
    }
  }
  for (const [c, count] of [...state.replicas].sort((a, b) => a[0] - b[0])) {
    if (count <= 0) continue;
    const candidate = input.candidates[c]!;
    replicas.push({ llm: candidate.llm, sku: candidate.sku, tp: candidate.tp, region: candidate.region, count });
  }
  for (const [c, flows] of [...state.flows].sort((a, b) => a[0] - b[0])) {
    const candidate = input.candidates[c]!;
    for (const [i, rps] of flows) {
      const requestsPerSec = floor6(rps);
      if (requestsPerSec <= 0) continue;
      const pair = ctx.pairs[i]!;
      routes.push({
        workload: pair.workload,
        origin: pair.origin,
        llm: candidate.llm,
        sku: candidate.sku,
        tp: candidate.tp,
        region: candidate.region,
        requestsPerSec,
      });
    }
  }
  const unmet: PlanWindow['unmet'] = [];
  for (const [i, pair] of ctx.pairs.entries()) {
    const requestsPerSec = round6(state.unmet[i]!);
    if (requestsPerSec > 0) unmet.push({ workload: pair.workload, origin: pair.origin, requestsPerSec });
  }
  return { index: env.t, start: window.start, hours: window.hours, costUsd: 0, gpuHours: 0, vms, replicas, routes, unmet };
}
