import Table from 'cli-table3';
import type { ChalkInstance } from 'chalk';

export type Cell = string | number;
export type Align = 'left' | 'right';

/**
 * A terminal table (cli-table3). Numbers are right-aligned; pass preformatted strings for units.
 * Borders are plain ASCII-light so output pastes cleanly into tickets.
 */
export function renderTable(
  headers: readonly string[],
  rows: readonly (readonly Cell[])[],
  chalk: ChalkInstance,
  align?: readonly Align[],
): string {
  const columnAlign = align ?? headers.map((_, i) => (rows.length > 0 && typeof rows[0]![i] === 'number' ? 'right' : 'left'));
  const table = new Table({
    head: headers.map((h) => chalk.bold(h)),
    colAligns: columnAlign as Align[],
    style: { head: [], border: [], compact: true },
  });
  for (const row of rows) table.push(row.map((cell) => (typeof cell === 'number' ? String(cell) : cell)));
  return `${table.toString()}\n`;
}

/** Fixed-decimal number with thousands separators (en-US, deterministic). */
export function formatFixed(value: number, decimals = 2): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}
