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
  // The header goes in as the first row: cli-table3 copies head and rows with push.apply, which overflows the
  // stack on long tables (a 200,000-hour profile); the rule under the header is drawn here instead.
  const table = new Table({
    colAligns: columnAlign as Align[],
    style: { head: [], border: [], compact: true },
  });
  table.push(headers.map((h) => chalk.bold(h)));
  for (const row of rows) table.push(row.map((cell) => (typeof cell === 'number' ? String(cell) : cell)));
  const lines = table.toString().split('\n');
  const rule = lines[0]!.replace('┌', '├').replaceAll('┬', '┼').replace('┐', '┤');
  if (rows.length > 0) lines.splice(2, 0, rule);
  return `${lines.join('\n')}\n`;
}

/** Fixed-decimal number with thousands separators (en-US, deterministic). */
export function formatFixed(value: number, decimals = 2): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}
