import { minOf } from '../extremes.js';
import type { ReplicaHandle, VmHandle } from './formulation.js';
import type { BuildContext, ServingColumns, WindowColumns } from './formulation-context.js';
import { fleetKey, vmUpperBound } from './formulation-fleet.js';
import { REPLICA_TIE_BREAK, SECONDS_PER_HOUR, routeTieBreak } from './formulation-scale.js';
import { replicaLoadUsd } from './model-load.js';
import { isInteractive, poolOf } from './policies.js';
import type { ReplicaPool, SkuOffer } from './types.js';

/**
 * The columns of groups 1-4 and 8, one function per family, each with its bounds and objective terms. The
 * policy groups (5, 6, 7) and the deferrable rows (group 1) add their own columns in their modules.
 * Columns are numbered in creation order, so the order here is the program's column order: per window,
 * the fleet (vms with its up/down), then per candidate its replicas and assigns, then per (workload, origin)
 * its routes and unmet.
 */
export function addWindowColumns(context: BuildContext, position: number, t: number): WindowColumns {
  const hours = context.input.windows[t]!.hours;
  const window: WindowColumns = {
    window: t,
    position,
    hours,
    tag: `t=${t}`,
    vms: [],
    replicas: [],
    assigns: [],
    routes: [],
    unmet: [],
    vmsBySkuRegion: new Map(),
    serving: new Map(),
    assignsTo: new Map(),
  };
  addFleetColumns(context, window);
  addServingColumns(context, window);
  addRoutingColumns(context, window);
  context.columns.push(window);
  return window;
}

/**
 * vms[k,r,q,t] integer in [0, quota bound] (reserved: fixed at the reservation), objective price x hours;
 * with dynamics (group 8) and not reserved, up[k,r,q,t] in [0, maxScaleOut] at price x startupHours and
 * down[k,r,q,t] in [0, maxScaleIn]. One per (sku, region, purchase) offered, in catalog order.
 */
function addFleetColumns(context: BuildContext, window: WindowColumns): void {
  const { problem, input, reserved } = context;
  const { policies } = input;
  const { window: t, hours, tag } = window;
  for (const offer of input.skus) {
    for (const price of offer.prices) {
      if (!input.regions.includes(price.region) || !input.purchases.includes(price.purchase)) continue;
      if (context.options.allowFleet && !context.options.allowFleet(offer.sku, price.region)) continue;
      const key = fleetKey(offer.sku, price.region, price.purchase);
      // Reserved VMs run in every window whatever the plan does: fixed, and free at the margin (sunk).
      const fixed = price.purchase === 'reserved' ? (reserved.get(key) ?? 0) : undefined;
      if (price.purchase === 'committed') {
        const variable = commitColumn(context, offer, price);
        const handle: VmHandle = {
          window: t,
          sku: offer.sku,
          region: price.region,
          purchase: price.purchase,
          gpusPerVm: offer.gpusPerVm,
          usdPerHour: price.usdPerHour,
          variable,
        };
        window.vms.push(handle);
        const group = `${offer.sku}|${price.region}`;
        window.vmsBySkuRegion.set(group, [...(window.vmsBySkuRegion.get(group) ?? []), handle]);
        continue;
      }
      const variable = problem.addVariable({
        label: `vms[${offer.sku},${price.region},${price.purchase},${tag}]`,
        type: 'integer',
        ...(fixed !== undefined ? { lower: fixed, upper: fixed } : { upper: vmUpperBound(input, offer, price.region, t) }),
        objective: price.usdPerHour * hours,
      });
      const handle: VmHandle = {
        window: t,
        sku: offer.sku,
        region: price.region,
        purchase: price.purchase,
        gpusPerVm: offer.gpusPerVm,
        usdPerHour: price.usdPerHour,
        variable,
      };
      if (context.dynamics && fixed === undefined) {
        handle.up = problem.addVariable({
          label: `up[${offer.sku},${price.region},${price.purchase},${tag}]`,
          upper: policies.maxScaleOutPerWindow ?? Infinity,
          objective: price.usdPerHour * policies.startupHours,
        });
        handle.down = problem.addVariable({
          label: `down[${offer.sku},${price.region},${price.purchase},${tag}]`,
          upper: policies.maxScaleInPerWindow ?? Infinity,
        });
      }
      window.vms.push(handle);
      const group = `${offer.sku}|${price.region}`;
      window.vmsBySkuRegion.set(group, [...(window.vmsBySkuRegion.get(group) ?? []), handle]);
    }
  }
}

/**
 * Committed VMs of (sku k, region r): held in every window, paid every hour whether used or not, never
 * started or stopped (no up/down). Decided here: one integer column commit[k,r] in [0, the tightest quota
 * bound over the included windows], shared by every window's fleet, objective committed price x the included
 * hours. Fixed (BuildOptions.commitments): a column per window at the count, objective price x its hours.
 */
function commitColumn(context: BuildContext, offer: SkuOffer, price: SkuOffer['prices'][number]) {
  const { problem, input, options } = context;
  const group = `${offer.sku}|${price.region}`;
  const window = context.columns.length;
  const t = context.windows[window]!;
  const fixed = options.commitments?.get(group);
  if (options.commitments) {
    return problem.addVariable({
      label: `vms[${offer.sku},${price.region},committed,t=${t}]`,
      type: 'integer',
      lower: fixed ?? 0,
      upper: fixed ?? 0,
      objective: price.usdPerHour * input.windows[t]!.hours,
    });
  }
  const held = context.commitColumns.get(group);
  if (held) return held;
  const hours = context.windows.reduce((sum, w) => sum + input.windows[w]!.hours, 0);
  const bound = minOf(context.windows.map((w) => vmUpperBound(input, offer, price.region, w)));
  const variable = problem.addVariable({
    label: `commit[${offer.sku},${price.region}]`,
    type: 'integer',
    upper: bound,
    objective: price.usdPerHour * hours,
  });
  context.commitColumns.set(group, variable);
  return variable;
}

/**
 * Per candidate c (in candidate order) whose sku is offered in its region and that allowCandidate admits:
 * replicas[c,(pool),t] integer in [0, floor(quota bound x n_k / tp)], objective REPLICA_TIE_BREAK x hours,
 * one per pool (sorted: firm, spot) when pools are apart, each followed, with model load (windows coupled
 * and a load time), by rup[c,(pool),t] >= 0 at loadUsd (replicaLoadUsd: tp x loadHours x USD per GPU-hour);
 * then assign[w,c,t] >= 0 for each workload w the candidate serves (rate > 0), objective 0.
 */
function addServingColumns(context: BuildContext, window: WindowColumns): void {
  const { problem, input, options } = context;
  const { window: t, hours, tag } = window;
  for (const [c, candidate] of input.candidates.entries()) {
    const skuRegionVms = window.vmsBySkuRegion.get(`${candidate.sku}|${candidate.region}`);
    if (!skuRegionVms) continue;
    if (options.allowCandidate && !options.allowCandidate(t, c)) continue;
    const offer = context.skuById.get(candidate.sku)!;
    const pools: (ReplicaPool | undefined)[] = context.poolsApart
      ? [...new Set(skuRegionVms.map((vm) => poolOf(vm.purchase)))]
          .sort()
          .filter((pool) => !options.allowCandidate || options.allowCandidate(t, c, pool))
      : [undefined];
    if (pools.length === 0) continue;
    const serving: ServingColumns = { candidate: c, replicas: [], assigns: [] };
    for (const pool of pools) {
      const variable = problem.addVariable({
        label: `replicas[${candidate.llm},${candidate.sku},tp${candidate.tp},${candidate.region},${pool ? `${pool},` : ''}${tag}]`,
        type: 'integer',
        upper: Math.floor((vmUpperBound(input, offer, candidate.region, t) * offer.gpusPerVm) / candidate.tp),
        objective: REPLICA_TIE_BREAK * hours,
      });
      const handle: ReplicaHandle = { window: t, candidate: c, variable, ...(pool ? { pool } : {}) };
      const loadUsd = context.modelLoad ? replicaLoadUsd(input, candidate, pool) : 0;
      if (loadUsd > 0) {
        // Replicas started: 8:replica-up makes rup >= replicas[t] - replicas[t-1]; the cost keeps it at the difference.
        handle.up = problem.addVariable({
          label: `rup[${candidate.llm},${candidate.sku},tp${candidate.tp},${candidate.region},${pool ? `${pool},` : ''}${tag}]`,
          objective: loadUsd,
        });
        handle.loadUsd = loadUsd;
      }
      serving.replicas.push(handle);
      window.replicas.push(handle);
    }
    for (const [w, workload] of input.workloads.entries()) {
      const rate = candidate.requestsPerSecByWorkload.get(workload.id);
      if (!rate || rate <= 0) continue;
      const variable = problem.addVariable({
        label: `assign[${workload.id},${candidate.llm},${candidate.sku},tp${candidate.tp},${candidate.region},${tag}]`,
      });
      const handle = { window: t, workload: w, candidate: c, variable };
      serving.assigns.push(handle);
      window.assigns.push(handle);
      const key = `${w}|${candidate.region}`;
      window.assignsTo.set(key, [...(window.assignsTo.get(key) ?? []), handle]);
    }
    window.serving.set(c, serving);
  }
}

/**
 * Per workload w and origin o: route[w,o->r,t] >= 0 for each region r (in region order) where w has an
 * assign column and rtt(o, r) <= maxNetworkRtt[w], objective routeTieBreak x rtt x hours; then
 * unmet[w,o,t] in [0, demand] (interactive; deferrable: unbounded), objective penalty x 3600 x hours.
 */
function addRoutingColumns(context: BuildContext, window: WindowColumns): void {
  const { problem, input } = context;
  const { window: t, hours, tag } = window;
  for (const [w, workload] of input.workloads.entries()) {
    const interactive = isInteractive(workload);
    for (const [o, origin] of workload.origins.entries()) {
      const demand = input.demand[w]![o]![t]!;
      for (const region of input.regions) {
        if (!window.assignsTo.has(`${w}|${region}`)) continue;
        const rtt = input.latencyMs(origin, region);
        if (rtt > workload.maxNetworkRttMs) continue;
        const variable = problem.addVariable({
          label: `route[${workload.id},${origin}->${region},${tag}]`,
          objective: routeTieBreak(input, w) * rtt * hours,
        });
        window.routes.push({ window: t, workload: w, origin: o, region, variable });
      }
      // Deferrable: unmet are requests dropped in this window; the cumulative rows of group 1 bound them.
      const variable = problem.addVariable({
        label: `unmet[${workload.id},${origin},${tag}]`,
        upper: interactive ? demand : Infinity,
        objective: workload.unmetPenaltyUsdPerRequest * SECONDS_PER_HOUR * hours,
      });
      window.unmet.push({ window: t, workload: w, origin: o, variable });
    }
  }
}
