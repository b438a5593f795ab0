import type { FleetPurchase } from '../catalog/types.js';
import type { PlanDocument } from '../plan-document/index.js';
import type { FinanceReport } from './finance.js';
import { stackedBarChart, stepDecimals, type ChartSeries, type XAxis } from './svg-charts.js';

/** Bottom to top: what is paid whatever happens first, then what is bought by the hour. */
const PURCHASE_ORDER: readonly { purchase: FleetPurchase; label: string; colour: string }[] = [
  { purchase: 'committed', label: 'committed', colour: '#2f4b7c' },
  { purchase: 'reserved', label: 'reserved (sunk)', colour: '#7f9c2b' },
  { purchase: 'on-demand', label: 'on demand', colour: '#f28e2b' },
  { purchase: 'spot', label: 'spot', colour: '#edc948' },
];

/**
 * Committed vs on-demand (and spot, reserved) capacity against demand, per window: the GPUs of the VMs running,
 * stacked by how they are paid for, and a line of the GPUs the plan's replicas need to serve the demand (their
 * count x tp), in the same unit. Idle committed GPUs are the bar above the line's share of it. Series for
 * purchases the plan never uses are left out.
 */
export function commitmentChart(plan: PlanDocument, report: FinanceReport, axis: XAxis): string {
  const position = new Map(plan.windows.map((w, i) => [w.index, i]));
  const gpus = new Map(PURCHASE_ORDER.map(({ purchase }) => [purchase, new Array<number>(plan.windows.length).fill(0)]));
  for (const row of report.costByWindow) {
    const i = position.get(row.windowIndex);
    if (i === undefined || row.windowHours <= 0) continue;
    gpus.get(row.purchase)![i]! += row.gpuHours / row.windowHours;
  }
  const series: ChartSeries[] = PURCHASE_ORDER.filter(({ purchase }) => gpus.get(purchase)!.some((v) => v > 0)).map((p) => ({
    key: p.purchase,
    label: p.label,
    values: gpus.get(p.purchase)!.map((v) => Math.round(v * 1e6) / 1e6),
    colour: p.colour,
  }));
  const needed: ChartSeries = {
    key: 'gpus-needed',
    label: 'GPUs the replicas need (demand)',
    values: plan.windows.map((w) => w.replicas.reduce((sum, r) => sum + r.count * r.tp, 0)),
    colour: '#1f2933',
  };
  return stackedBarChart({
    chart: 'commitments',
    title: 'Committed vs on-demand GPUs against demand',
    x: axis,
    series,
    lines: [needed],
    yLabel: 'GPUs',
    formatY: (v, step) => (step !== undefined ? v.toFixed(stepDecimals(step)) : String(Math.round(v * 100) / 100)),
    minStep: 1,
    height: 240,
    barFraction: plan.windows.length > 24 ? 1 : 0.7,
  });
}
