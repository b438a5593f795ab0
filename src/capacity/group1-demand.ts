import { LinearExpr } from '../lp/index.js';
import { addDeferrableRows, type DoneHandle } from './deferrable.js';
import type { BuildContext, WindowColumns } from './formulation-context.js';
import { scaledDeferrable } from './formulation-scale.js';
import { isInteractive } from './policies.js';

/**
 * Group 1, demand and regional flow, for one window t (in flow units: demand[w,o,t] / flowUnit[w]):
 *   1:demand[w,o,t]   sum over r of route[w,o->r,t] + unmet[w,o,t] = demand[w,o,t]     (interactive w)
 *   1:flow[w,r,t]     sum over o of route[w,o->r,t] - sum over c in r of assign[w,c,t] = 0
 * Routing is two-level: route sends an origin's demand to a serving region, assign spreads a region's
 * traffic over its candidates; plan routes (workload, origin -> llm, sku, tp, region) are recovered from both
 * proportionally in toPlan. Deferrable workloads get no demand row here: addDeferrableDemandRows.
 */
export function addDemandRows(context: BuildContext, window: WindowColumns): void {
  const { problem, input } = context;
  const served = servedByOrigin(window);
  for (const unmet of window.unmet) {
    const workload = input.workloads[unmet.workload]!;
    if (!isInteractive(workload)) continue;
    problem.addConstraint(
      `1:demand[${workload.id},${workload.origins[unmet.origin]!},${window.tag}]`,
      served.get(`${unmet.workload}|${unmet.origin}`)!,
      '=',
      input.demand[unmet.workload]![unmet.origin]![window.window]!,
    );
  }
  const routedTo = new Map<string, LinearExpr>();
  for (const route of window.routes) {
    const key = `${route.workload}|${route.region}`;
    routedTo.set(key, (routedTo.get(key) ?? new LinearExpr()).add(route.variable, 1));
  }
  for (const [key, assigns] of window.assignsTo) {
    const [w, region] = key.split('|') as [string, string];
    const flow = new LinearExpr().addExpr(routedTo.get(key) ?? new LinearExpr());
    for (const assign of assigns) flow.add(assign.variable, -1);
    problem.addConstraint(`1:flow[${input.workloads[Number(w)]!.id},${region},${window.tag}]`, flow, '=', 0);
  }
}

/**
 * Group 1, deferrable variant, once over the included windows when they are coupled: for each deferrable
 * (w, o), served[w,o,t] = sum over r of route[w,o->r,t] + unmet[w,o,t] (served or dropped) enters the
 * cumulative rows 1:done, 1:deadline and 1:arrived of deferrable.ts (addDeferrableRows), which also adds
 * the done[w,o,t] columns. BuildOptions.deferrable's done-before is converted to flow units.
 */
export function addDeferrableDemandRows(context: BuildContext): DoneHandle[] {
  if (!context.coupled) return [];
  const { problem, input, options, flowUnit } = context;
  const deferred = new Map<string, Map<number, LinearExpr>>();
  for (const window of context.columns) {
    const served = servedByOrigin(window);
    for (const unmet of window.unmet) {
      if (isInteractive(input.workloads[unmet.workload]!)) continue;
      const key = `${unmet.workload}|${unmet.origin}`;
      deferred.set(key, (deferred.get(key) ?? new Map<number, LinearExpr>()).set(window.window, served.get(key)!));
    }
  }
  return addDeferrableRows(problem, input, deferred, scaledDeferrable(options.deferrable, flowUnit));
}

/** Per `${w}|${o}`: sum over r of route[w,o->r,t] + unmet[w,o,t], the demand of (w, o) the window answers. */
function servedByOrigin(window: WindowColumns): Map<string, LinearExpr> {
  const served = new Map<string, LinearExpr>();
  for (const route of window.routes) {
    const key = `${route.workload}|${route.origin}`;
    served.set(key, (served.get(key) ?? new LinearExpr()).add(route.variable, 1));
  }
  for (const unmet of window.unmet) {
    const key = `${unmet.workload}|${unmet.origin}`;
    served.set(key, (served.get(key) ?? new LinearExpr()).add(unmet.variable, 1));
  }
  return served;
}
