import { join, resolve } from 'node:path';
import type { ChalkInstance } from 'chalk';
import { ExitCode, InputError } from '../errors.js';
import { COST_BY_MONTH_CSV, COST_BY_WINDOW_CSV, costByMonthCsv, costByWindowCsv } from '../report/finance-csv.js';
import { buildFinanceReport, IDLE_LLM, type FinanceReport } from '../report/finance.js';
import { renderHtmlReport } from '../report/html.js';
import { formatFixed, renderTable } from '../report/table.js';
import { chalkFor, writeFileAtomic, type CliIo } from './io.js';
import { readPlanDocument } from './plan-file.js';
import { loadScenarioFile } from './scenario-inputs.js';

export interface ReportCommandOptions {
  scenario?: string;
  format: 'table' | 'json' | 'csv' | 'html';
  out?: string;
}

/**
 * `planner report PLAN [--scenario S]`: cost and hours per window, region, sku, purchase and llm, a
 * monthly summary and utilisation, from a plan.json and its scenario (the plan's overrides re-applied).
 * table and json print; csv prints cost-by-window.csv, or with --out writes both CSVs; html prints the
 * page, or with --out writes report.html (json with --out writes report.json). Exit 0; 2 on bad input.
 */
export async function reportCommand(planPath: string, options: ReportCommandOptions, io: CliIo): Promise<ExitCode> {
  if (options.out !== undefined && options.format === 'table') {
    throw new InputError({
      field: '--out',
      message: '--out writes files; the table format only prints',
      fix: 'add --format csv, json or html, or drop --out',
    });
  }
  const document = await readPlanDocument(planPath, io);
  const loaded = await loadScenarioFile(options.scenario, document.scenario.overrides, io);
  const report = buildFinanceReport(document, loaded.input);
  const scenarioChanged = loaded.hash !== document.scenario.hash;
  const notes = [
    ...(scenarioChanged ? ['note: the scenario or its data changed since this plan was made; reporting against the current one'] : []),
    ...report.warnings.map((warning) => `warning: ${warning}`),
  ];
  const outDir = options.out === undefined ? undefined : resolve(io.cwd, options.out);
  const write = async (name: string, content: string) => {
    const path = join(outDir!, name);
    await writeFileAtomic(path, content);
    io.stdout.write(`wrote ${join(options.out!, name)}\n`);
  };

  if (options.format === 'table') {
    const chalk = chalkFor(io);
    for (const note of notes) io.stdout.write(chalk.yellow(`${note}\n`));
    io.stdout.write(renderReportTables(report, chalk));
    return ExitCode.ok;
  }

  for (const note of notes) io.stderr.write(`${note}\n`);
  switch (options.format) {
    case 'json': {
      const json = `${JSON.stringify(report, null, 2)}\n`;
      if (outDir) await write('report.json', json);
      else io.stdout.write(json);
      break;
    }
    case 'csv': {
      if (outDir) {
        await write(COST_BY_WINDOW_CSV, costByWindowCsv(report));
        await write(COST_BY_MONTH_CSV, costByMonthCsv(report));
      } else {
        io.stdout.write(costByWindowCsv(report));
      }
      break;
    }
    case 'html': {
      const html = renderHtmlReport(document, report);
      if (outDir) await write('report.html', html);
      else io.stdout.write(html);
      break;
    }
  }
  return ExitCode.ok;
}

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
        (a.region < b.region ? -1 : a.region > b.region ? 1 : 0) ||
        Number(a.llm === IDLE_LLM) - Number(b.llm === IDLE_LLM) ||
        (a.llm < b.llm ? -1 : a.llm > b.llm ? 1 : 0),
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
  text += `total $${formatFixed(totals.costUsd)} + startup $${formatFixed(totals.startupCostUsd)}; idle GPUs $${formatFixed(totals.idleCostUsd)} (${formatFixed(totals.idleGpuHours, 1)} GPU-hours)\n`;

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
    const utilRows = [...[...regions.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)), ['all regions', all] as const].map(
      ([region, s]) => [region, percent(s.usable > 0 ? s.load / s.usable : null), percent(s.min), percent(s.max)],
    );
    text += `${chalk.bold('Utilisation')} (served load / replica capacity after headroom):\n`;
    text += renderTable(['region', 'mean', 'lowest window', 'highest window'], utilRows, chalk, ['left', 'right', 'right', 'right']);
  }
  return text;
}

function percent(value: number | null): string {
  return value === null ? '-' : `${formatFixed(100 * value, 1)}%`;
}
