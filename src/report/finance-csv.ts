import { stringify } from 'csv-stringify/sync';
import type { FinanceReport } from './finance.js';

/**
 * The finance report as CSV for spreadsheets: RFC 4180 (CRLF, fields quoted only when needed), a header
 * with units, costs rounded to cents so that the column adds up to the exact total (largest remainder),
 * hours to 6 decimals. Text cells that a spreadsheet would run as a formula are prefixed with `'`.
 */
export const COST_BY_WINDOW_CSV = 'cost-by-window.csv';
export const COST_BY_MONTH_CSV = 'cost-by-month.csv';

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
] as const;

export const COST_BY_MONTH_HEADER = ['month', 'region', 'llm', 'purchase', 'vm_hours', 'gpu_hours', 'cost_usd'] as const;

/** A cell: text (escaped against formula injection) or a number (written as is, never escaped). */
export type CsvCell = { text: string } | { number: string };

export function costByWindowCsv(report: FinanceReport): string {
  const cents = apportionCents(report.costByWindow.map((row) => row.costUsd));
  return toCsv(
    COST_BY_WINDOW_HEADER,
    report.costByWindow.map((row, i) => [
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
      num(formatCents(cents[i]!)),
    ]),
  );
}

export function costByMonthCsv(report: FinanceReport): string {
  const cents = apportionCents(report.costByMonth.map((row) => row.costUsd));
  return toCsv(
    COST_BY_MONTH_HEADER,
    report.costByMonth.map((row, i) => [
      text(row.month),
      text(row.region),
      text(row.llm),
      text(row.purchase),
      num(decimal(row.vmHours)),
      num(decimal(row.gpuHours)),
      num(formatCents(cents[i]!)),
    ]),
  );
}

/**
 * Rounds amounts in USD to whole cents so that the cents add up to the rounded exact total (largest
 * remainder; ties go to the earlier row, so the result is deterministic). Each amount moves by < 1 cent.
 */
export function apportionCents(amountsUsd: readonly number[]): number[] {
  const exact = amountsUsd.map((usd) => usd * 100);
  const floors = exact.map((cents) => Math.floor(cents));
  const target = Math.round(exact.reduce((total, cents) => total + cents, 0));
  let extra = target - floors.reduce((total, cents) => total + cents, 0);
  const order = exact.map((cents, i) => ({ i, remainder: cents - floors[i]! })).sort((a, b) => b.remainder - a.remainder || a.i - b.i);
  const result = [...floors];
  for (const { i } of order) {
    if (extra <= 0) break;
    result[i]! += 1;
    extra -= 1;
  }
  return result;
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
function decimal(value: number): string {
  const fixed = value.toFixed(6);
  const trimmed = fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
  return trimmed === '-0' ? '0' : trimmed;
}

function formatCents(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
