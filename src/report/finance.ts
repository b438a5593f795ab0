import { NO_PLAN_STATUSES, PLAN_STATUSES } from '../capacity/types.js';
import { z } from 'zod';
import type { PlanningInput, PlanStatus } from '../capacity/types.js';
import { FLEET_PURCHASES, type FleetPurchase } from '../catalog/types.js';
import { InputError } from '../errors.js';
import type { PlanDocument } from '../plan-document/index.js';
import { compareStrings } from '../order.js';
import { apportionCents, centsToUsd, toCents } from './money.js';
import { initialReplicas, replicaKey, replicaMap, replicaStarts } from '../capacity/model-load.js';
import { summariseModelChoice, type ModelChoice } from '../capacity/model-choice.js';
import { planOf } from '../plan-document/convert.js';
import { PlanDocumentSchema } from '../plan-document/schema.js';

/**
 * The finance report of a plan (`planner report`): cost and hours per window, region, sku, purchase and
 * llm, a monthly summary, and how busy the replicas are per window. Pure: a PlanDocument and the
 * PlanningInput of its scenario in, plain data out (the JSON output, the CSVs and the HTML page all
 * render this object).
 *
 * Costs use the plan's own prices (so they add up to plan.totals.costUsd). A VM's hours, cost and start-up
 * cost (VMs started in the window x price x the scenario's startupMinutes) are split over the llms whose
 * replicas run on that sku in that region in proportion to the GPUs their replicas use; GPUs no replica uses
 * go to IDLE_LLM. The model loads of an llm's replicas started in the window (policies.modelLoad) are that
 * llm's start-up cost on that sku and region, spread over its purchases as their GPUs are.
 *
 * The cents rule (JSON, CSV and HTML alike): each costByWindow row's cost and start-up cost is rounded to
 * whole cents by largest remainder over the whole plan, so each moves by less than a cent and the rows add
 * up to the plan's cost and start-up cost each rounded to the cent (money.ts toCents); costByMonth, the
 * totals and every other sum are sums of those cents. Hours, prices and utilisation have 6 decimals.
 */
export interface FinanceReport {
  reportVersion: 1;
  currency: 'USD';
  plan: {
    scenario: string;
    scenarioHash: string;
    status: PlanStatus;
    /** Number of windows in the plan. */
    windows: number;
    /** Sum of the windows' hours. */
    hours: number;
  };
  totals: FinanceTotals;
  /** One row per (window, region, sku, purchase, llm) with VMs; sorted by window, region, sku, purchase, llm (idle last). */
  costByWindow: CostByWindowRow[];
  /** costByWindow summed per (month, region, llm, purchase); sorted by month, region, llm (idle last), purchase. */
  costByMonth: CostByMonthRow[];
  /** One entry per plan window, in window order. */
  utilisation: WindowUtilisation[];
  /** Per workload: how its llms were chosen (llmChoice), the llms allowed, the share each served, the quality served. */
  modelChoice: ModelChoice[];
  /**
   * What a reader of the figures must know: unmet demand, a time-limited (unproven) or failed solve, a broken
   * budget (these first), then things in the plan the scenario does not explain (e.g. a route with no rate).
   */
  warnings: string[];
}

export interface FinanceTotals {
  /** Sum of costByWindow (VM hours x the plan's prices): plan.totals.costUsd to the cent. */
  costUsd: number;
  /**
   * Sum of costByWindow's start-up cost (VMs booting and replicas loading their llm), not part of costUsd:
   * plan.totals.startupCostUsd to the cent.
   */
  startupCostUsd: number;
  /** The model-load part of startupCostUsd, to the cent (when the plan's scenario has model load on). */
  modelLoadCostUsd?: number;
  /** costUsd + startupCostUsd: what the plan costs in all. */
  totalCostUsd: number;
  vmHours: number;
  gpuHours: number;
  /** Share of costUsd / gpuHours on GPUs that no replica uses. */
  idleCostUsd: number;
  idleGpuHours: number;
  /** Hour-weighted utilisation over all windows: sum(load x hours) / sum(usable capacity x hours); null without replicas. */
  utilisation: number | null;
  /** Requests served and left unmet over the plan (as plan.totals). */
  servedRequests: number;
  unmetRequests: number;
}

export interface CostByWindowRow {
  /** YYYY-MM (UTC) of the window start. */
  month: string;
  windowIndex: number;
  /** The window start as in the plan (ISO-8601, UTC). */
  windowStart: string;
  windowHours: number;
  region: string;
  sku: string;
  purchase: FleetPurchase;
  /** The llm, or IDLE_LLM for GPUs no replica uses. */
  llm: string;
  gpusPerVm: number;
  usdPerVmHour: number;
  vmHours: number;
  /** vmHours x gpusPerVm. */
  gpuHours: number;
  /** vmHours x usdPerVmHour, in cents (the cents rule above). */
  costUsd: number;
  /** VMs started in this window x usdPerVmHour x the start-up time, this llm's share, in cents. */
  startupCostUsd: number;
  /** costUsd + startupCostUsd. */
  totalCostUsd: number;
}

export interface CostByMonthRow {
  month: string;
  region: string;
  llm: string;
  purchase: FleetPurchase;
  vmHours: number;
  gpuHours: number;
  /** Sums of the month's costByWindow rows (in cents). */
  costUsd: number;
  startupCostUsd: number;
  totalCostUsd: number;
}

/** Load and capacity in replica units: load = sum over routes of requestsPerSec / the replica's rate for that workload. */
export interface UtilisationFigures {
  /** Requests/s routed (served). */
  servedRequestsPerSec: number;
  /** Replicas' worth of load the routes put on the replicas. */
  loadReplicas: number;
  /** Replicas running. */
  replicas: number;
  /** replicas x (1 - headroom). */
  usableReplicas: number;
  /** GPUs of the VMs running. */
  gpus: number;
  /** GPUs the replicas use (replicas x TP). */
  replicaGpus: number;
  /** loadReplicas / usableReplicas; null when there are no replicas. */
  utilisation: number | null;
}

export interface RegionUtilisation extends UtilisationFigures {
  region: string;
}

export interface WindowUtilisation extends UtilisationFigures {
  index: number;
  start: string;
  hours: number;
  /** Requests/s left unmet. */
  unmetRequestsPerSec: number;
  /** Per serving region, sorted by region; regions with VMs, replicas or routes only. */
  byRegion: RegionUtilisation[];
}

export const FINANCE_REPORT_VERSION = 1;
/** The llm that GPUs no replica uses are booked to. */
export const IDLE_LLM = '(idle)';

const purchase = z.enum(FLEET_PURCHASES);
const utilisationFigures = {
  servedRequestsPerSec: z.number().nonnegative(),
  loadReplicas: z.number().nonnegative(),
  replicas: z.number().int().nonnegative(),
  usableReplicas: z.number().nonnegative(),
  gpus: z.number().int().nonnegative(),
  replicaGpus: z.number().int().nonnegative(),
  utilisation: z.number().nonnegative().nullable(),
};

/** The zod schema of FinanceReport (the JSON output; `planner schema report`). */
export const FinanceReportSchema = z.strictObject({
  reportVersion: z.literal(FINANCE_REPORT_VERSION),
  currency: z.literal('USD'),
  plan: z.strictObject({
    scenario: z.string(),
    scenarioHash: z.string(),
    status: z.enum(PLAN_STATUSES),
    windows: z.number().int().nonnegative(),
    hours: z.number().nonnegative(),
  }),
  totals: z.strictObject({
    costUsd: z.number().nonnegative(),
    startupCostUsd: z.number().nonnegative(),
    modelLoadCostUsd: z.number().nonnegative().optional(),
    totalCostUsd: z.number().nonnegative(),
    vmHours: z.number().nonnegative(),
    gpuHours: z.number().nonnegative(),
    idleCostUsd: z.number().nonnegative(),
    idleGpuHours: z.number().nonnegative(),
    utilisation: z.number().nonnegative().nullable(),
    servedRequests: z.number().nonnegative(),
    unmetRequests: z.number().nonnegative(),
  }),
  costByWindow: z.array(
    z.strictObject({
      month: z.string().regex(/^\d{4}-\d{2}$/),
      windowIndex: z.number().int().nonnegative(),
      windowStart: z.string(),
      windowHours: z.number().positive(),
      region: z.string(),
      sku: z.string(),
      purchase,
      llm: z.string(),
      gpusPerVm: z.number().int().positive(),
      usdPerVmHour: z.number().nonnegative(),
      vmHours: z.number().nonnegative(),
      gpuHours: z.number().nonnegative(),
      costUsd: z.number().nonnegative(),
      startupCostUsd: z.number().nonnegative(),
      totalCostUsd: z.number().nonnegative(),
    }),
  ),
  costByMonth: z.array(
    z.strictObject({
      month: z.string().regex(/^\d{4}-\d{2}$/),
      region: z.string(),
      llm: z.string(),
      purchase,
      vmHours: z.number().nonnegative(),
      gpuHours: z.number().nonnegative(),
      costUsd: z.number().nonnegative(),
      startupCostUsd: z.number().nonnegative(),
      totalCostUsd: z.number().nonnegative(),
    }),
  ),
  utilisation: z.array(
    z.strictObject({
      index: z.number().int().nonnegative(),
      start: z.string(),
      hours: z.number().positive(),
      unmetRequestsPerSec: z.number().nonnegative(),
      ...utilisationFigures,
      byRegion: z.array(z.strictObject({ region: z.string(), ...utilisationFigures })),
    }),
  ),
  modelChoice: PlanDocumentSchema.shape.modelChoice.unwrap(),
  warnings: z.array(z.string()),
});

// The interfaces above are the documentation; this keeps them and the schema identical.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const schemaMatchesInterface: Same<z.infer<typeof FinanceReportSchema>, FinanceReport> = true;
void schemaMatchesInterface;

export function financeReportJsonSchema(): unknown {
  return z.toJSONSchema(FinanceReportSchema);
}

/** Builds the report. Throws InputError when the plan uses a sku the scenario does not have. */
export function buildFinanceReport(document: PlanDocument, input: PlanningInput): FinanceReport {
  const gpusPerVm = new Map(input.skus.map((sku) => [sku.sku, sku.gpusPerVm]));
  const rates = new Map(input.candidates.map((c) => [configKey(c.llm, c.sku, c.tp, c.region), c.requestsPerSecByWorkload]));
  const headroom = input.policies.headroom;
  const warnings: string[] = [];
  const costByWindow: CostByWindowRow[] = [];
  const utilisation: WindowUtilisation[] = [];

  let previousReplicas = initialReplicas(input);
  let exactModelLoad = 0;
  for (const [w, window] of document.windows.entries()) {
    const month = monthOf(window.start, `windows.${w}.start`);
    // Model loads of the replicas started, per (sku, region, llm): booked to that llm's rows there.
    const loadUsd = new Map<string, number>();
    for (const replica of window.replicas) {
      const start = replicaStarts(input, [replica], previousReplicas).get(replicaKey(replica));
      if (start?.usd) add(loadUsd, `${skuRegionKey(replica.sku, replica.region)}\u0000${replica.llm}`, start.usd);
    }
    exactModelLoad += sum(loadUsd.values());
    previousReplicas = replicaMap(window.replicas);

    // GPUs per (sku, region) of the VMs, and of the replicas per llm.
    const vmGpus = new Map<string, number>();
    for (const [v, vm] of window.vms.entries()) {
      const perVm = gpusPerVm.get(vm.sku);
      if (perVm === undefined) {
        throw new InputError({
          field: `windows.${w}.vms.${v}.sku`,
          message: `the plan runs ${vm.sku}, which the scenario does not offer`,
          fix: 'pass the scenario the plan was made for with --scenario',
        });
      }
      add(vmGpus, skuRegionKey(vm.sku, vm.region), vm.count * perVm);
    }
    const replicaGpusByLlm = new Map<string, Map<string, number>>();
    for (const replica of window.replicas) {
      if (replica.count === 0) continue;
      const key = skuRegionKey(replica.sku, replica.region);
      const byLlm = replicaGpusByLlm.get(key) ?? new Map<string, number>();
      replicaGpusByLlm.set(key, byLlm);
      add(byLlm, replica.llm, replica.count * replica.tp);
    }

    // Split every VM group over the llms on its (sku, region), the rest to IDLE_LLM.
    const rows = new Map<string, CostByWindowRow>();
    for (const vm of window.vms) {
      if (vm.count === 0) continue;
      const perVm = gpusPerVm.get(vm.sku)!;
      const key = skuRegionKey(vm.sku, vm.region);
      const available = vmGpus.get(key) ?? 0;
      const byLlm = replicaGpusByLlm.get(key) ?? new Map<string, number>();
      const used = sum(byLlm.values());
      if (used > available)
        warnings.push(
          `window ${window.index} (${window.start}): replicas use ${used} ${vm.sku} GPUs in ${vm.region}; the VMs have ${available}`,
        );
      // Shares add up to 1 even for an over-packed plan, so the whole cost is always booked.
      const whole = Math.max(available, used);
      const shares: Array<[string, number]> = [...byLlm.entries()].map(([llm, gpus]) => [llm, gpus / whole]);
      if (available > used) shares.push([IDLE_LLM, (available - used) / whole]);
      for (const [llm, share] of shares) {
        const vmHours = vm.count * window.hours * share;
        const costUsd = vm.count * vm.usdPerHour * window.hours * share;
        // The llm's loads on this (sku, region), spread over its purchases as their GPUs are.
        const modelLoadUsd = ((loadUsd.get(`${key}\u0000${llm}`) ?? 0) * vm.count * perVm) / Math.max(1, available);
        const startupCostUsd = vm.started * vm.usdPerHour * input.policies.startupHours * share + modelLoadUsd;
        const rowKey = [vm.region, vm.sku, vm.purchase, llm].join('\u0000');
        const row = rows.get(rowKey);
        if (row) {
          // Two VM entries for one (region, sku, purchase): merge, with the average price.
          row.vmHours += vmHours;
          row.gpuHours = row.vmHours * perVm;
          row.costUsd += costUsd;
          row.startupCostUsd += startupCostUsd;
          row.usdPerVmHour = row.vmHours > 0 ? row.costUsd / row.vmHours : vm.usdPerHour;
        } else {
          rows.set(rowKey, {
            month,
            windowIndex: window.index,
            windowStart: window.start,
            windowHours: window.hours,
            region: vm.region,
            sku: vm.sku,
            purchase: vm.purchase,
            llm,
            gpusPerVm: perVm,
            usdPerVmHour: vm.usdPerHour,
            vmHours,
            gpuHours: vmHours * perVm,
            costUsd,
            startupCostUsd,
            totalCostUsd: 0,
          });
        }
      }
    }
    costByWindow.push(...rows.values());

    utilisation.push(windowUtilisation(window, vmGpus, rates, headroom, warnings));
  }

  costByWindow.sort(
    (a, b) =>
      a.windowIndex - b.windowIndex ||
      compareStrings(a.region, b.region) ||
      compareStrings(a.sku, b.sku) ||
      compareStrings(a.purchase, b.purchase) ||
      compareLlm(a.llm, b.llm),
  );

  // The cents rule: rows in cents by largest remainder, each column to its exact total; sums in integer cents.
  const exactCost = sum(costByWindow.map((row) => row.costUsd));
  const exactStartup = sum(costByWindow.map((row) => row.startupCostUsd));
  const costCents = apportionCents(costByWindow.map((row) => row.costUsd));
  const startupCents = apportionCents(costByWindow.map((row) => row.startupCostUsd));
  for (const [i, row] of costByWindow.entries()) {
    row.costUsd = centsToUsd(costCents[i]!);
    row.startupCostUsd = centsToUsd(startupCents[i]!);
    row.totalCostUsd = centsToUsd(costCents[i]! + startupCents[i]!);
    row.usdPerVmHour = round6(row.usdPerVmHour);
    row.vmHours = round6(row.vmHours);
    row.gpuHours = round6(row.gpuHours);
  }
  const rowCents = new Map(costByWindow.map((row, i) => [row, { cost: costCents[i]!, startup: startupCents[i]! }]));

  const months = new Map<string, CostByMonthRow & { cents: { cost: number; startup: number } }>();
  for (const row of costByWindow) {
    const key = [row.month, row.region, row.llm, row.purchase].join('\u0000');
    const month = months.get(key) ?? {
      month: row.month,
      region: row.region,
      llm: row.llm,
      purchase: row.purchase,
      vmHours: 0,
      gpuHours: 0,
      costUsd: 0,
      startupCostUsd: 0,
      totalCostUsd: 0,
      cents: { cost: 0, startup: 0 },
    };
    months.set(key, month);
    month.vmHours = round6(month.vmHours + row.vmHours);
    month.gpuHours = round6(month.gpuHours + row.gpuHours);
    month.cents.cost += rowCents.get(row)!.cost;
    month.cents.startup += rowCents.get(row)!.startup;
  }
  const costByMonth: CostByMonthRow[] = [...months.values()]
    .map(({ cents, ...month }) => ({
      ...month,
      costUsd: centsToUsd(cents.cost),
      startupCostUsd: centsToUsd(cents.startup),
      totalCostUsd: centsToUsd(cents.cost + cents.startup),
    }))
    .sort(
      (a, b) =>
        compareStrings(a.month, b.month) ||
        compareStrings(a.region, b.region) ||
        compareLlm(a.llm, b.llm) ||
        compareStrings(a.purchase, b.purchase),
    );

  const idle = costByWindow.filter((row) => row.llm === IDLE_LLM);
  const centsOf = (rows: readonly CostByWindowRow[], column: 'cost' | 'startup') => sum(rows.map((row) => rowCents.get(row)![column]));
  const totalCost = centsOf(costByWindow, 'cost');
  const totalStartup = centsOf(costByWindow, 'startup');
  warnings.unshift(...planWarnings(document, input, { exactCost, exactStartup, totalCents: totalCost + totalStartup }));
  const loadHours = sum(utilisation.map((u) => u.loadReplicas * u.hours));
  const usableHours = sum(utilisation.map((u) => u.usableReplicas * u.hours));
  return {
    reportVersion: FINANCE_REPORT_VERSION,
    currency: 'USD',
    plan: {
      scenario: document.scenario.name,
      scenarioHash: document.scenario.hash,
      status: document.status,
      windows: document.windows.length,
      hours: round6(sum(document.windows.map((w) => w.hours))),
    },
    totals: {
      costUsd: centsToUsd(totalCost),
      startupCostUsd: centsToUsd(totalStartup),
      totalCostUsd: centsToUsd(totalCost + totalStartup),
      ...(document.totals.modelLoadCostUsd !== undefined ? { modelLoadCostUsd: centsToUsd(toCents(exactModelLoad)) } : {}),
      vmHours: round6(sum(costByWindow.map((row) => row.vmHours))),
      gpuHours: round6(sum(costByWindow.map((row) => row.gpuHours))),
      idleCostUsd: centsToUsd(centsOf(idle, 'cost')),
      idleGpuHours: round6(sum(idle.map((row) => row.gpuHours))),
      utilisation: usableHours > 0 ? round6(loadHours / usableHours) : null,
      servedRequests: document.totals.servedRequests,
      unmetRequests: document.totals.unmetRequests,
    },
    costByWindow,
    costByMonth,
    utilisation,
    // The plan's own statement; plans written before it have none, so it is derived from their routes.
    modelChoice: document.modelChoice ?? summariseModelChoice(input, planOf(document)),
    warnings,
  };
}

type Window = PlanDocument['windows'][number];

function windowUtilisation(
  window: Window,
  vmGpus: ReadonlyMap<string, number>,
  rates: ReadonlyMap<string, ReadonlyMap<string, number>>,
  headroom: number,
  warnings: string[],
): WindowUtilisation {
  const regions = new Map<string, { served: number; load: number; replicas: number; gpus: number; replicaGpus: number }>();
  const region = (name: string) => {
    let entry = regions.get(name);
    if (!entry) regions.set(name, (entry = { served: 0, load: 0, replicas: 0, gpus: 0, replicaGpus: 0 }));
    return entry;
  };
  for (const [key, gpus] of vmGpus) region(key.split('\u0000')[1]!).gpus += gpus;
  for (const replica of window.replicas) {
    if (replica.count === 0) continue;
    const entry = region(replica.region);
    entry.replicas += replica.count;
    entry.replicaGpus += replica.count * replica.tp;
  }
  for (const route of window.routes) {
    const entry = region(route.region);
    entry.served += route.requestsPerSec;
    const rate = rates.get(configKey(route.llm, route.sku, route.tp, route.region))?.get(route.workload);
    if (rate === undefined || rate <= 0) {
      if (route.requestsPerSec > 0) {
        warnings.push(
          `window ${window.index} (${window.start}): no rate for ${route.workload} on ${route.llm} TP ${route.tp} ${route.sku} in ${route.region}; its load is left out of the utilisation`,
        );
      }
      continue;
    }
    entry.load += route.requestsPerSec / rate;
  }
  const figures = (e: { served: number; load: number; replicas: number; gpus: number; replicaGpus: number }): UtilisationFigures => {
    const usable = e.replicas * (1 - headroom);
    return {
      servedRequestsPerSec: round6(e.served),
      loadReplicas: round6(e.load),
      replicas: e.replicas,
      usableReplicas: round6(usable),
      gpus: e.gpus,
      replicaGpus: e.replicaGpus,
      utilisation: usable > 0 ? round6(e.load / usable) : null,
    };
  };
  const byRegion = [...regions.entries()].sort(([a], [b]) => compareStrings(a, b)).map(([name, e]) => ({ region: name, ...figures(e) }));
  const all = [...regions.values()].reduce(
    (total, e) => ({
      served: total.served + e.served,
      load: total.load + e.load,
      replicas: total.replicas + e.replicas,
      gpus: total.gpus + e.gpus,
      replicaGpus: total.replicaGpus + e.replicaGpus,
    }),
    { served: 0, load: 0, replicas: 0, gpus: 0, replicaGpus: 0 },
  );
  return {
    index: window.index,
    start: window.start,
    hours: window.hours,
    unmetRequestsPerSec: round6(sum(window.unmet.map((u) => u.requestsPerSec))),
    ...figures(all),
    byRegion,
  };
}

/**
 * The warnings every report format carries: unmet demand, a solve that is not proven (time_limited) or has no
 * plan, a budget the plan breaks, and totals in the plan that its VMs do not give.
 */
function planWarnings(
  document: PlanDocument,
  input: PlanningInput,
  figures: { exactCost: number; exactStartup: number; totalCents: number },
): string[] {
  const warnings: string[] = [];
  const { totals } = document;
  if (totals.unmetRequests > 0) {
    const windows = document.windows.filter((w) => w.unmet.some((u) => u.requestsPerSec > 0)).length;
    const demanded = totals.servedRequests + totals.unmetRequests;
    const share = demanded > 0 ? ` (${((100 * totals.unmetRequests) / demanded).toFixed(2)}% of demand)` : '';
    warnings.push(
      `unmet demand: the plan leaves ${totals.unmetRequests} requests unserved${share} in ${windows} window${windows === 1 ? '' : 's'}; planner solve rejects it unless --max-unmet allows it`,
    );
  }
  if (document.status === 'time_limited') {
    warnings.push(
      'unproven plan: the wall-clock safety net (--time-limit) stopped a solve (status time_limited), so some windows are not solved to the gap and the plan depends on the machine',
    );
  } else if (NO_PLAN_STATUSES.includes(document.status)) {
    warnings.push(`no acceptable plan: the solve ended ${document.status}; these figures are of what it returned`);
  }
  const budget = input.policies.budget;
  if (budget && figures.totalCents > toCents(budget.usd)) {
    warnings.push(
      `over budget: the plan costs $${(figures.totalCents / 100).toFixed(2)} with start-ups, over the ${budget.mode} budget of $${budget.usd.toFixed(2)}`,
    );
  }
  if (toCents(figures.exactCost) !== toCents(totals.costUsd))
    warnings.push(
      `the plan's total cost $${totals.costUsd.toFixed(2)} is not what its VMs cost ($${figures.exactCost.toFixed(2)}); the report books the VMs`,
    );
  if (toCents(figures.exactStartup) !== toCents(totals.startupCostUsd))
    warnings.push(
      `the plan's start-up cost $${totals.startupCostUsd.toFixed(2)} is not what its started VMs and replicas cost at the scenario's startupMinutes and modelLoad ($${figures.exactStartup.toFixed(2)}); the report books the started VMs and replicas`,
    );
  return warnings;
}

function round6(value: number): number {
  const rounded = Math.round(value * 1e6) / 1e6;
  return rounded === 0 ? 0 : rounded;
}

/** YYYY-MM (UTC) of an ISO-8601 instant. */
function monthOf(start: string, field: string): string {
  const time = Date.parse(start);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(start) || Number.isNaN(time)) {
    throw new InputError({
      field,
      message: `window start '${start}' is not an ISO-8601 date-time`,
      fix: 'pass a plan.json written by planner solve --out',
    });
  }
  return new Date(time).toISOString().slice(0, 7);
}

function configKey(llm: string, sku: string, tp: number, region: string): string {
  return [llm, sku, tp, region].join('\u0000');
}

function skuRegionKey(sku: string, region: string): string {
  return `${sku}\u0000${region}`;
}

function add(map: Map<string, number>, key: string, value: number): void {
  map.set(key, (map.get(key) ?? 0) + value);
}

function sum(values: Iterable<number>): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}

/** Code-unit order (locale-independent, so the output is the same everywhere). */

function compareLlm(a: string, b: string): number {
  return Number(a === IDLE_LLM) - Number(b === IDLE_LLM) || compareStrings(a, b);
}
