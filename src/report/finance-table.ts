import type { ChalkInstance } from 'chalk';
import { compareStrings } from '../order.js';
import { IDLE_LLM, type FinanceReport } from './finance.js';
import { centsToUsd, toCents } from './money.js';
import { modelChoiceLine } from './model-choice-text.js';
import { formatFixed, renderTable } from './table.js';

/** The terminal summary: cost by region x llm, totals, utilisation per region over the windows. */
export function renderReportTables(report: FinanceReport, chalk: ChalkInstance): string {
  const { totals } = report;
  const byRegionLlm = new Map<string, { region: string; llm: string; vmHours: number; gpuHours: number; costUsd: number }>();
  for (const row of report.costByWindow) {
    const key = `${row.region}\u0000${row.llm}`;
    const entry = byRegionLlm.get(key) ?? { region: row.region, llm: row.llm, vmHours: 0, gpuHours: 0, costUsd: 0 };
    byRegionLlm.set(key, entry);
    entry.vmHours += row.vmHours;
    entry.gpuHours += row.gpuHours;
    entry.costUsd += row.costUsd;
  }
  const costRows = [...byRegionLlm.values()]
    .sort(
      (a, b) =>
        compareStrings(a.region, b.region) || Number(a.llm === IDLE_LLM) - Number(b.llm === IDLE_LLM) || compareStrings(a.llm, b.llm),
    )
    .map((e) => [
      e.region,
      e.llm,
      formatFixed(e.vmHours, 1),
      formatFixed(e.gpuHours, 1),
      `$${formatFixed(e.costUsd)}`,
      percent(totals.costUsd > 0 ? e.costUsd / totals.costUsd : null),
    ]);
  costRows.push([
    chalk.bold('total'),
    '',
    formatFixed(totals.vmHours, 1),
    formatFixed(totals.gpuHours, 1),
    chalk.bold(`$${formatFixed(totals.costUsd)}`),
    percent(totals.costUsd > 0 ? 1 : null),
  ]);

  let text = `${chalk.bold(`Cost of ${report.plan.scenario}`)}: ${report.plan.windows} windows, ${formatFixed(report.plan.hours, 0)} h, status ${report.plan.status}\n`;
  text += renderTable(['region', 'llm', 'VM-hours', 'GPU-hours', 'cost', 'share'], costRows, chalk, [
    'left',
    'left',
    'right',
    'right',
    'right',
    'right',
  ]);
  const loads =
    totals.modelLoadCostUsd !== undefined
      ? ` (VM boots $${formatFixed(centsToUsd(toCents(totals.startupCostUsd) - toCents(totals.modelLoadCostUsd)))}, llm loads $${formatFixed(totals.modelLoadCostUsd)})`
      : '';
  text += `total $${formatFixed(totals.costUsd)} + startup $${formatFixed(totals.startupCostUsd)}${loads} = $${formatFixed(totals.totalCostUsd)}; idle GPUs $${formatFixed(totals.idleCostUsd)} (${formatFixed(totals.idleGpuHours, 1)} GPU-hours)\n`;
  const demanded = totals.servedRequests + totals.unmetRequests;
  text +=
    totals.unmetRequests > 0
      ? chalk.red(
          `unmet demand: ${formatFixed(totals.unmetRequests, 0)} requests (${formatFixed((100 * totals.unmetRequests) / demanded, 2)}% of ${formatFixed(demanded, 0)}) are not served\n`,
        )
      : `unmet demand: none (${formatFixed(totals.servedRequests, 0)} requests served)\n`;

  // Utilisation per region: hour-weighted mean, lowest and highest window.
  const regions = new Map<string, { load: number; usable: number; min: number | null; max: number | null }>();
  for (const window of report.utilisation) {
    for (const entry of [{ region: '(all)', ...window }, ...window.byRegion]) {
      const stats = regions.get(entry.region) ?? { load: 0, usable: 0, min: null, max: null };
      regions.set(entry.region, stats);
      stats.load += entry.loadReplicas * window.hours;
      stats.usable += entry.usableReplicas * window.hours;
      if (entry.utilisation !== null) {
        stats.min = stats.min === null ? entry.utilisation : Math.min(stats.min, entry.utilisation);
        stats.max = stats.max === null ? entry.utilisation : Math.max(stats.max, entry.utilisation);
      }
    }
  }
  if (regions.size > 0) {
    const all = regions.get('(all)')!;
    regions.delete('(all)');
    const utilRows = [...[...regions.entries()].sort(([a], [b]) => compareStrings(a, b)), ['all regions', all] as const].map(
      ([region, s]) => [region, percent(s.usable > 0 ? s.load / s.usable : null), percent(s.min), percent(s.max)],
    );
    text += `${chalk.bold('Utilisation')} (served load / replica capacity after headroom):\n`;
    text += renderTable(['region', 'mean', 'lowest window', 'highest window'], utilRows, chalk, ['left', 'right', 'right', 'right']);
  }
  if (report.modelChoice.length) {
    text += `${chalk.bold('Model choice')} (llmChoice per workload; share of served requests per llm):\n`;
    for (const choice of report.modelChoice) text += `  ${modelChoiceLine(choice)}\n`;
  }
  return text;
}

function percent(value: number | null): string {
  return value === null ? '-' : `${formatFixed(100 * value, 1)}%`;
}
