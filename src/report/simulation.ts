import { stringify } from 'csv-stringify/sync';
import type { ChalkInstance } from 'chalk';
import type { SimulationResult } from '../simulate/runner.js';
import type { DispatchComparison } from '../simulate/request-compare.js';
import type { CapacityEvent, QueueingSummary, Stress, ContenderResult, WindowOutcome } from '../simulate/types.js';
import { escapeFormula } from './finance-csv.js';
import { PALETTE, colour, fixed, htmlPage, section, timeAxis } from './html.js';
import { escapeXml, lineChart, stackedBarChart, stepDecimals, type ChartSeries } from './svg-charts.js';
import { renderTable } from './table.js';
import { renderLearningHtml, type LearningSummary } from './simulation-learning.js';

/** simulation.json without the per-contender details: what `planner simulate --format json` prints. */
export interface SimulationSummary {
  scenario: { name: string; hash: string; overrides: string[] };
  windows: { first: number | undefined; count: number; start: string; warmupWindows: number };
  stress: Stress;
  burstWindow?: number;
  events: CapacityEvent[];
  comparison: ComparisonRow[];
  redirect: RedirectRow[];
  /** The request-level replay of one window's fleet (--request-sim). */
  requestSim?: { window: number; start: string; dispatch: DispatchComparison[] };
  /** The rate factors the planner learned, and what a throughput over-estimate cost (when it learned any). */
  learning?: LearningSummary;
  /** Per workload, the per-minute statistic its plans provision for (peak, mean, p95-minute), when known. */
  provisionedFor?: Record<string, string>;
}

/** One row of the comparison: a contender's totals against the siloed baseline and the oracle. */
export interface ComparisonRow {
  /** The contender (planner, siloed, ...); the field keeps the name simulation.json has always used. */
  strategy: string;
  description: string;
  gpuHours: number;
  costUsd: number;
  /** VM cost + start-ups. */
  totalCostUsd: number;
  attainment: number;
  attainmentByWorkload: Record<string, number>;
  /**
   * Attainment minute by minute, when the demand has per-minute statistics: each window's busiest minute
   * held all window (the pessimistic bound), the lower and upper bounds from each window's low, mean and
   * high alone, and the estimate from the within-hour shape (docs/simulate.md#within-hour-demand).
   */
  attainmentWithinHour: { busiestMinute: number; lower: number; upper: number; estimate: number } | null;
  /**
   * Share of each workload's served requests per GPU type over the run (a size class is a workload
   * `<id>#<c>` here, so this is where each class went); shares below 0.05% left out.
   */
  gpuSharesByWorkload: Record<string, { gpu: string; share: number }[]>;
  /** Attainment over the windows a capacity event was in force (null without events). */
  eventAttainment: number | null;
  unmetRequests: number;
  /** Served at replica groups whose estimated mean TTFT or TPOT missed the SLO (the queueing estimate). */
  lateRequests: number;
  /** Deferrable requests still waiting, not yet due, at the end (outside attainment). */
  pendingRequests: number;
  /** Spot VMs evicted over the run (the scenario's eviction probability). */
  spotEvictions: number;
  /** Served-weighted mean prefill wait and worst (replica group, workload) mean TTFT and TPOT over SLO; null when not estimated. */
  queueing: QueueingSummary | null;
  vmsStarted: number;
  /** Replicas started, each loading its llm, and what the loads cost (part of totalCostUsd). */
  replicasStarted: number;
  modelLoadCostUsd: number;
  /** 1 - gpuHours / siloed gpuHours (null without a siloed run). */
  gpuHoursSavedVsSiloed: number | null;
  /**
   * The oracle: a lower bound on the cost (VM time + start-ups) of any plan in the capacity model leaving no
   * more requests unmet than the oracle's, and (totalCostUsd - bound) / totalCostUsd; null for the others.
   */
  costBoundUsd: number | null;
  gapToBound: number | null;
  /** totalCost / oracle totalCost - 1 (null without an oracle run). */
  costOverOracle: number | null;
  planningSeconds: number;
  notes: string[];
}

export function comparisonRows(result: SimulationResult): ComparisonRow[] {
  const siloed = result.contenders.find((s) => s.name === 'siloed');
  const oracle = result.contenders.find((s) => s.name === 'oracle');
  const totalCost = (s: ContenderResult) => s.totals.costUsd + s.totals.startupCostUsd;
  return result.contenders.map((s) => ({
    strategy: s.name,
    description: s.description,
    gpuHours: s.totals.gpuHours,
    costUsd: s.totals.costUsd,
    totalCostUsd: totalCost(s),
    attainment: s.totals.attainment,
    attainmentByWorkload: s.totals.attainmentByWorkload,
    attainmentWithinHour: s.totals.attainmentWithinHour ?? null,
    gpuSharesByWorkload: gpuSharesByWorkload(s),
    eventAttainment: eventAttainment(s),
    unmetRequests: Math.round(s.totals.unmetRequests),
    lateRequests: Math.round(s.totals.lateRequests),
    pendingRequests: Math.round(s.totals.pendingRequests),
    spotEvictions: s.totals.spotEvictions,
    queueing: s.totals.queueing ?? null,
    vmsStarted: s.totals.vmsStarted,
    replicasStarted: s.totals.replicasStarted,
    modelLoadCostUsd: s.totals.modelLoadCostUsd,
    gpuHoursSavedVsSiloed: siloed && siloed.totals.gpuHours > 0 ? 1 - s.totals.gpuHours / siloed.totals.gpuHours : null,
    costBoundUsd: s.bound?.costUsd ?? null,
    gapToBound: s.bound?.gap ?? null,
    costOverOracle: oracle && totalCost(oracle) > 0 ? totalCost(s) / totalCost(oracle) - 1 : null,
    planningSeconds: s.seconds,
    notes: s.notes,
  }));
}

function gpuSharesByWorkload(s: ContenderResult): ComparisonRow['gpuSharesByWorkload'] {
  const served = new Map<string, Map<string, number>>();
  for (const window of s.windows)
    for (const entry of window.servedBy) {
      const byGpu = served.get(entry.workload) ?? new Map<string, number>();
      byGpu.set(entry.gpu, (byGpu.get(entry.gpu) ?? 0) + entry.rps * window.hours);
      served.set(entry.workload, byGpu);
    }
  const shares: ComparisonRow['gpuSharesByWorkload'] = {};
  for (const workload of [...served.keys()].sort()) {
    const byGpu = served.get(workload)!;
    const total = [...byGpu.values()].reduce((sum, v) => sum + v, 0);
    if (!(total > 0)) continue;
    shares[workload] = [...byGpu]
      .map(([gpu, v]) => ({ gpu, share: v / total }))
      .filter((e) => e.share >= 5e-4)
      .sort((a, b) => b.share - a.share || (a.gpu < b.gpu ? -1 : a.gpu > b.gpu ? 1 : 0));
  }
  return shares;
}

/**
 * Requests of the window neither lost nor late: demand - unmet - served late. For interactive work that is
 * served within SLO; a deferrable workload's unmet is what passed its deadline in the window, and what it
 * serves from its backlog may exceed the window's arrivals, so the two are not compared directly.
 */
function metRps(w: WindowOutcome): number {
  return Math.max(0, w.demandRps - w.unmetRps - (w.servedRps - w.withinSloRps));
}

/** Deferrable requests waiting at the window's end, all workloads. */
function backlogRequests(w: WindowOutcome): number {
  return Object.values(w.byWorkload).reduce((sum, entry) => sum + (entry.backlogRequests ?? 0), 0);
}

export function windowAttainment(w: WindowOutcome): number {
  return w.demandRps > 0 ? metRps(w) / w.demandRps : 1;
}

function eventAttainment(s: ContenderResult): number | null {
  const windows = s.windows.filter((w) => w.mode === 'capacity');
  const demand = windows.reduce((sum, w) => sum + w.demandRps * w.hours, 0);
  return windows.length === 0 ? null : demand > 0 ? windows.reduce((sum, w) => sum + metRps(w) * w.hours, 0) / demand : 1;
}

const pct = (value: number | null, decimals = 1) => (value === null ? '-' : `${fixed(value * 100, decimals)}%`);

export function renderComparisonTable(rows: readonly ComparisonRow[], chalk: ChalkInstance): string {
  const events = rows.some((r) => r.eventAttainment !== null);
  // Late requests only exist where workloads share replicas; the column appears when some contender has them.
  const late = rows.some((r) => r.lateRequests > 0);
  // Model loads appear when some contender paid for one (policies.modelLoad).
  const loads = rows.some((r) => r.modelLoadCostUsd > 0);
  // Minute by minute: the busiest minute (pessimistic), the per-minute bounds and the shaped estimate.
  const minutes = rows.every((r) => r.attainmentWithinHour !== null);
  const minuteColumns = ['busiest minute', 'per-minute low', 'per-minute high', 'shaped estimate'];
  const bounds = rows.some((r) => r.costBoundUsd !== null);
  return renderTable(
    [
      'strategy',
      'GPU-hours',
      'cost (incl. start-ups)',
      ...(minutes ? minuteColumns : ['SLO attainment']),
      ...(events ? ['during events'] : []),
      'unmet requests',
      ...(late ? ['late (queueing)'] : []),
      'VMs started',
      ...(loads ? ['llm loads (cost)'] : []),
      'GPU-h saved vs siloed',
      'cost vs oracle',
      ...(bounds ? ['cost bound (gap)'] : []),
    ],
    rows.map((r) => [
      r.strategy,
      fixed(r.gpuHours, 0),
      `$${fixed(r.totalCostUsd, 2)}`,
      ...(minutes
        ? [
            r.attainmentWithinHour!.busiestMinute,
            r.attainmentWithinHour!.lower,
            r.attainmentWithinHour!.upper,
            r.attainmentWithinHour!.estimate,
          ].map((a) => pct(a, 3))
        : [pct(r.attainment, 3)]),
      ...(events ? [pct(r.eventAttainment, 3)] : []),
      fixed(r.unmetRequests, 0),
      ...(late ? [fixed(r.lateRequests, 0)] : []),
      fixed(r.vmsStarted, 0),
      ...(loads ? [`${fixed(r.replicasStarted, 0)} ($${fixed(r.modelLoadCostUsd, 2)})`] : []),
      pct(r.gpuHoursSavedVsSiloed),
      r.costOverOracle === null ? '-' : `${r.costOverOracle >= 0 ? '+' : ''}${pct(r.costOverOracle)}`,
      ...(bounds ? [boundCell(r)] : []),
    ]),
    chalk,
    [
      'left',
      'right',
      'right',
      ...(minutes ? minuteColumns.map(() => 'right' as const) : ['right' as const]),
      ...(events ? ['right' as const] : []),
      'right',
      ...(late ? ['right' as const] : []),
      'right',
      ...(loads ? ['right' as const] : []),
      'right',
      'right',
      ...(bounds ? ['right' as const] : []),
    ],
  );
}

/** The oracle's cost bound and its gap to it, '-' for the others. */
export function boundCell(r: ComparisonRow): string {
  return r.costBoundUsd === null ? '-' : `$${fixed(r.costBoundUsd, 2)} (${pct(r.gapToBound, 2)})`;
}

export const WINDOW_CSV_COLUMNS = [
  'strategy',
  'window',
  'start_utc',
  'hours',
  'mode',
  'demand_rps',
  'served_rps',
  'within_slo_rps',
  'unmet_rps',
  'attainment',
  'gpus',
  'gpu_hours',
  'cost_usd',
  'startup_cost_usd',
  'model_load_cost_usd',
  'vms_started',
  'replicas_started',
  'utilisation',
  'queue_wait_ms',
  'worst_ttft_to_slo',
  'worst_tpot_to_slo',
  'backlog_requests',
  'spot_evictions',
] as const;

/** Per-window CSV: one row per contender and window, numbers unformatted (6 decimals), CRLF; queue columns empty when not estimated. */
export function windowsCsv(result: SimulationResult): string {
  const round = (value: number) => Math.round(value * 1e6) / 1e6;
  const records: (string | number)[][] = [[...WINDOW_CSV_COLUMNS]];
  for (const contender of result.contenders) {
    for (const w of contender.windows) {
      records.push([
        escapeFormula(contender.name),
        w.index,
        w.start,
        w.hours,
        w.mode,
        round(w.demandRps),
        round(w.servedRps),
        round(w.withinSloRps),
        round(w.unmetRps),
        round(windowAttainment(w)),
        w.gpus,
        round(w.gpuHours),
        round(w.costUsd),
        round(w.startupCostUsd),
        round(w.modelLoadCostUsd),
        w.vmsStarted,
        w.replicasStarted,
        round(w.utilisation),
        w.queueing ? round(w.queueing.meanWaitMs) : '',
        w.queueing ? round(w.queueing.worstTtftToSlo) : '',
        w.queueing ? round(w.queueing.worstTpotToSlo) : '',
        round(backlogRequests(w)),
        w.spotEvictions,
      ]);
    }
  }
  return stringify(records, { record_delimiter: '\r\n' });
}

/** Where traffic went while capacity events were in force, against the same hours for a reference run. */
export interface RedirectRow {
  workload: string;
  region: string;
  gpu: string;
  /** Mean requests/s served there during the event windows. */
  duringRps: number;
  referenceRps: number;
}

export function redirectRows(during: ContenderResult, reference: ContenderResult | undefined): RedirectRow[] {
  const eventWindows = new Set(during.windows.filter((w) => w.mode === 'capacity').map((w) => w.index));
  if (eventWindows.size === 0) return [];
  const mean = (s: ContenderResult | undefined) => {
    const sums = new Map<string, number>();
    for (const w of s?.windows ?? []) {
      if (!eventWindows.has(w.index)) continue;
      for (const e of w.servedBy)
        sums.set(`${e.workload}|${e.region}|${e.gpu}`, (sums.get(`${e.workload}|${e.region}|${e.gpu}`) ?? 0) + e.rps / eventWindows.size);
    }
    return sums;
  };
  const a = mean(during);
  const b = mean(reference);
  return [...new Set([...a.keys(), ...b.keys()])].sort().map((key) => {
    const [workload, region, gpu] = key.split('|') as [string, string, string];
    return { workload, region, gpu, duringRps: a.get(key) ?? 0, referenceRps: b.get(key) ?? 0 };
  });
}

export function renderRedirectTable(rows: readonly RedirectRow[], chalk: ChalkInstance): string {
  return renderTable(
    ['workload', 'serving region', 'gpu', 'req/s without event', 'req/s during event', 'change'],
    rows.map((r) => [
      r.workload,
      r.region,
      r.gpu,
      fixed(r.referenceRps, 1),
      fixed(r.duringRps, 1),
      `${r.duringRps - r.referenceRps >= 0 ? '+' : ''}${fixed(r.duringRps - r.referenceRps, 1)}`,
    ]),
    chalk,
    ['left', 'left', 'left', 'right', 'right', 'right'],
  );
}

/** Self-contained HTML: the comparison, GPUs and attainment over time for every contender, served per contender. */
export function renderSimulationHtml(
  title: string,
  result: SimulationResult,
  rows: readonly ComparisonRow[],
  redirect: readonly RedirectRow[],
  learning?: LearningSummary,
): string {
  const first = result.contenders[0];
  const axis = timeAxis(first ? first.windows.map((w) => w.start) : []);
  const gpuSeries: ChartSeries[] = result.contenders.map((s, i) => ({
    key: s.name,
    label: s.name,
    values: s.windows.map((w) => w.gpus),
    colour: colour(i),
    ...(s.name === 'oracle' ? { dashed: true } : {}),
  }));
  const attainmentSeries: ChartSeries[] = result.contenders.map((s, i) => ({
    key: s.name,
    label: s.name,
    values: s.windows.map((w) => Math.round(windowAttainment(w) * 1e6) / 1e4),
    colour: colour(i),
  }));
  const hasBacklog = result.contenders.some((s) =>
    s.windows.some((w) => Object.values(w.byWorkload).some((e) => e.backlogRequests !== undefined)),
  );
  const perContender = result.contenders.map((s) =>
    lineChart({
      chart: `served-${s.name}`,
      title: `${s.name}: demand vs served (requests/s)`,
      x: axis,
      panels: [
        {
          title: s.description,
          series: [
            { key: 'served', label: 'served', values: s.windows.map((w) => w.servedRps), colour: PALETTE[0]! },
            { key: 'demand', label: 'demand', values: s.windows.map((w) => w.demandRps), colour: '#1f2933', dashed: true },
          ],
          // With deferrable work a window's shortfall may still be served later: not all of it is lost.
          gap: { upper: 'demand', lower: 'served', colour: '#e15759', label: hasBacklog ? 'not served in the window' : 'unmet' },
        },
      ],
      yLabel: 'requests/s',
      formatY: (v, step) => fixed(v, step !== undefined ? stepDecimals(step) : 0),
      panelHeight: 140,
    }),
  );
  const costBars = stackedBarChart({
    chart: 'cost',
    title: 'Cost by strategy (USD, VM time + start-ups)',
    x: { labels: rows.map((r) => r.strategy), ticks: rows.map((r, index) => ({ index, label: r.strategy })) },
    series: [
      { key: 'vm', label: 'VM time', values: rows.map((r) => r.costUsd), colour: PALETTE[0]! },
      { key: 'startup', label: 'start-ups', values: rows.map((r) => r.totalCostUsd - r.costUsd), colour: PALETTE[1]! },
    ],
    yLabel: 'USD',
    formatY: (v, step) => `$${fixed(v, step !== undefined ? stepDecimals(step) : 0)}`,
    height: 220,
    barFraction: 0.5,
    totals: true,
  });
  const table = [
    '<table><thead><tr><th>strategy</th><th>how it decides</th><th class="num">GPU-hours</th><th class="num">cost</th><th class="num">SLO attainment</th><th class="num">busiest minute (pessimistic)</th><th class="num">per-minute low</th><th class="num">per-minute high</th><th class="num">shaped estimate</th><th class="num">unmet requests</th><th class="num">late (queueing)</th><th class="num">batch pending at end</th><th class="num">mean prefill wait</th><th class="num">worst TTFT / SLO</th><th class="num">worst TPOT / SLO</th><th class="num">VMs started</th><th class="num">GPU-h saved vs siloed</th><th class="num">cost vs oracle</th><th class="num">cost bound (gap)</th></tr></thead><tbody>',
    ...rows.map(
      (r) =>
        `<tr><td>${escapeXml(r.strategy)}</td><td class="wrap">${escapeXml(r.description)}${r.notes.length ? `<br><small>${escapeXml(r.notes.join('; '))}</small>` : ''}</td><td class="num">${fixed(r.gpuHours, 0)}</td><td class="num">$${fixed(r.totalCostUsd, 2)}</td><td class="num">${pct(r.attainment, 3)}</td>${(r.attainmentWithinHour ? [r.attainmentWithinHour.busiestMinute, r.attainmentWithinHour.lower, r.attainmentWithinHour.upper, r.attainmentWithinHour.estimate] : [null, null, null, null]).map((a) => `<td class="num">${pct(a, 3)}</td>`).join('')}<td class="num">${fixed(r.unmetRequests, 0)}</td><td class="num">${fixed(r.lateRequests, 0)}</td><td class="num">${fixed(r.pendingRequests, 0)}</td><td class="num">${r.queueing ? `${fixed(r.queueing.meanWaitMs, 1)} ms` : '-'}</td><td class="num">${r.queueing ? pct(r.queueing.worstTtftToSlo) : '-'}</td><td class="num">${r.queueing ? pct(r.queueing.worstTpotToSlo) : '-'}</td><td class="num">${fixed(r.vmsStarted, 0)}</td><td class="num">${pct(r.gpuHoursSavedVsSiloed)}</td><td class="num">${r.costOverOracle === null ? '-' : pct(r.costOverOracle)}</td><td class="num">${escapeXml(boundCell(r))}</td></tr>`,
    ),
    '</tbody></table>',
  ].join('\n');
  const redirectTable =
    redirect.length === 0
      ? ''
      : [
          '<table><thead><tr><th>workload</th><th>serving region</th><th>gpu</th><th class="num">req/s without event</th><th class="num">req/s during event</th></tr></thead><tbody>',
          ...redirect.map(
            (r) =>
              `<tr><td>${escapeXml(r.workload)}</td><td>${escapeXml(r.region)}</td><td>${escapeXml(r.gpu)}</td><td class="num">${fixed(r.referenceRps, 1)}</td><td class="num">${fixed(r.duringRps, 1)}</td></tr>`,
          ),
          '</tbody></table>',
        ].join('\n');
  const backlogChart = hasBacklog
    ? lineChart({
        chart: 'backlog',
        title: 'Deferrable requests waiting per strategy',
        x: axis,
        panels: [
          {
            title: 'backlog',
            series: result.contenders.map((s, i) => ({
              key: s.name,
              label: s.name,
              values: s.windows.map(backlogRequests),
              colour: colour(i),
            })),
          },
        ],
        yLabel: 'requests',
        formatY: (v, step) => fixed(v, step !== undefined ? stepDecimals(step) : 0),
        panelHeight: 160,
      })
    : undefined;
  const sections = [
    `<header><h1>${escapeXml(title)}</h1><p class="meta">${result.windows.length} windows simulated${result.burstWindow !== undefined ? `; burst in window ${result.burstWindow}` : ''}</p></header>`,
    section('Comparison', table),
    section('Cost', costBars),
    ...(learning
      ? [
          section(
            `Rate factors the ${learning.contender} learned`,
            renderLearningHtml(learning),
            'Observed / planned rate per config, from what its replicas served at the busy share they reported in its own past windows.',
          ),
        ]
      : []),
    section(
      'GPUs running',
      lineChart({
        chart: 'gpus',
        title: 'GPUs running per strategy',
        x: axis,
        panels: [{ title: 'GPUs', series: gpuSeries }],
        yLabel: 'GPUs',
        formatY: (v, step) => fixed(v, step !== undefined ? stepDecimals(step) : 0),
        minStep: 1,
        panelHeight: 220,
      }),
    ),
    section(
      'SLO attainment',
      lineChart({
        chart: 'attainment',
        title: 'Requests served within SLO (%)',
        x: axis,
        panels: [{ title: 'attainment', series: attainmentSeries }],
        yLabel: '%',
        formatY: (v, step) => `${fixed(v, step !== undefined ? stepDecimals(step) : 1)}%`,
        yAtLeast: 100,
        panelHeight: 160,
      }),
    ),
    ...(backlogChart
      ? [
          section(
            'Batch backlog',
            backlogChart,
            'Deferrable requests waiting at the end of each window (served oldest first, dropped at their deadline).',
          ),
        ]
      : []),
    ...(redirectTable
      ? [
          section(
            'Where the traffic went during capacity events (planner)',
            redirectTable,
            'Mean requests/s per serving region and GPU type over the event windows, against the same windows without the event.',
          ),
        ]
      : []),
    section('Demand vs served per strategy', perContender.join('\n')),
  ];
  return htmlPage(title, sections, 'Generated by planner simulate; self-contained (no scripts, no network).');
}
