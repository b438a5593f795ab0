import { stringify } from 'csv-stringify/sync';
import type { FinanceReport } from './finance.js';
import { toCents } from './money.js';

export { apportionCents } from './money.js';

/**
 * The finance report as CSV for spreadsheets: RFC 4180 (CRLF, fields quoted only when needed), a header
 * with units, the report's costs in cents (its cents rule: rows rounded by largest remainder, months the
 * sums of their windows), hours to 6 decimals. cost_usd is the VMs' running cost, startup_cost_usd the VMs
 * started in the window booting, total_cost_usd their sum: the total_cost_usd column of every file adds
 * up to the plan's cost plus its start-ups, to the cent. Text cells that a spreadsheet would run as a
 * formula are prefixed with `'`. Warnings go to their own file (warnings.csv), so the cost files stay plain
 * tables that spreadsheets, pandas and BI tools read without a comment convention.
 */
export const COST_BY_WINDOW_CSV = 'cost-by-window.csv';
export const COST_BY_MONTH_CSV = 'cost-by-month.csv';
export const WARNINGS_CSV = 'warnings.csv';

export const COST_BY_WINDOW_HEADER = [
  'month',
  'window_start',
  'window_hours',
  'region',
  'sku',
  'purchase',
  'llm',
  'gpus_per_vm',
  'usd_per_vm_hour',
  'vm_hours',
  'gpu_hours',
  'cost_usd',
  'startup_cost_usd',
  'total_cost_usd',
] as const;

export const COST_BY_MONTH_HEADER = [
  'month',
  'region',
  'llm',
  'purchase',
  'vm_hours',
  'gpu_hours',
  'cost_usd',
  'startup_cost_usd',
  'total_cost_usd',
] as const;

export const WARNINGS_HEADER = ['scenario', 'warning'] as const;

/** A cell: text (escaped against formula injection) or a number (written as is, never escaped). */
export type CsvCell = { text: string } | { number: string };

export function costByWindowCsv(report: FinanceReport): string {
  return toCsv(
    COST_BY_WINDOW_HEADER,
    report.costByWindow.map((row) => [
      text(row.month),
      text(row.windowStart),
      num(decimal(row.windowHours)),
      text(row.region),
      text(row.sku),
      text(row.purchase),
      text(row.llm),
      num(String(row.gpusPerVm)),
      num(decimal(row.usdPerVmHour)),
      num(decimal(row.vmHours)),
      num(decimal(row.gpuHours)),
      ...money(row),
    ]),
  );
}

export function costByMonthCsv(report: FinanceReport): string {
  return toCsv(
    COST_BY_MONTH_HEADER,
    report.costByMonth.map((row) => [
      text(row.month),
      text(row.region),
      text(row.llm),
      text(row.purchase),
      num(decimal(row.vmHours)),
      num(decimal(row.gpuHours)),
      ...money(row),
    ]),
  );
}

/** One row per report warning (unmet demand, an unproven solve, a broken budget...); only the header when there are none. */
export function warningsCsv(report: FinanceReport): string {
  return toCsv(
    WARNINGS_HEADER,
    report.warnings.map((warning) => [text(report.plan.scenario), text(warning)]),
  );
}

export const MODEL_CHOICE_CSV = 'model-choice.csv';

/**
 * One row per (workload, allowed llm): how the workload's llms were chosen and the share of its served
 * requests each llm took (0 for an allowed llm that served none), with the quality served over all its llms.
 */
export function modelChoiceCsv(report: FinanceReport): string {
  const header = ['workload', 'llm_choice', 'min_quality', 'llm', 'served_share', 'workload_quality_served'];
  const rows = report.modelChoice.flatMap((choice) => {
    const llms = [...new Set([...choice.allowedLlms, ...Object.keys(choice.servedShareByLlm)])];
    return llms.map((llm) => [
      text(choice.workload),
      text(choice.llmChoice),
      choice.minQuality === null ? text('') : num(decimal(choice.minQuality)),
      text(llm),
      num(decimal(choice.servedShareByLlm[llm] ?? 0)),
      choice.qualityServed === null ? text('') : num(decimal(choice.qualityServed)),
    ]);
  });
  return toCsv(header, rows);
}

function money(row: { costUsd: number; startupCostUsd: number; totalCostUsd: number }): CsvCell[] {
  return [row.costUsd, row.startupCostUsd, row.totalCostUsd].map((usd) => num(formatCents(toCents(usd))));
}

/** Prefixes `'` to text a spreadsheet would read as a formula (= + - @, tab, CR, and their full-width forms). */
export function escapeFormula(value: string): string {
  return /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/.test(value) ? `'${value}` : value;
}

export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  const records = [[...header], ...rows.map((row) => row.map((cell) => ('text' in cell ? escapeFormula(cell.text) : cell.number)))];
  const csv = stringify(records, { record_delimiter: '\r\n', quote: '"', escape: '"', delimiter: ',' });
  // Every record, the last one too, ends with CRLF.
  return csv.endsWith('\r\n') ? csv : `${csv}\r\n`;
}

export function text(value: string): CsvCell {
  return { text: value };
}

export function num(value: string): CsvCell {
  return { number: value };
}

/** At most 6 decimals, no trailing zeros, never exponent notation. */
export function decimal(value: number): string {
  const fixed = value.toFixed(6);
  const trimmed = fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
  return trimmed === '-0' ? '0' : trimmed;
}

export function formatCents(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
