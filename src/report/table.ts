import { stripVTControlCharacters } from 'node:util';
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
  const text = (cell: Cell) => (typeof cell === 'number' ? String(cell) : cell);
  // cli-table3's layout is quadratic in the rows (a 200,000-hour profile took minutes): long tables of
  // one-line cells are drawn here, the same characters.
  if (rows.length > LONG_TABLE_ROWS && rows.every((row) => row.every((cell) => !text(cell).includes('\n'))))
    return renderLongTable(
      headers.map((h) => chalk.bold(h)),
      rows.map((row) => row.map(text)),
      columnAlign,
    );
  // The header goes in as the first row: cli-table3 copies head and rows with push.apply, which overflows the
  // stack on long tables (a 200,000-hour profile); the rule under the header is drawn here instead.
  const table = new Table({
    colAligns: columnAlign as Align[],
    style: { head: [], border: [], compact: true },
  });
  table.push(headers.map((h) => chalk.bold(h)));
  for (const row of rows) table.push(row.map(text));
  const lines = table.toString().split('\n');
  const rule = lines[0]!.replace('┌', '├').replaceAll('┬', '┼').replace('┐', '┤');
  if (rows.length > 0) lines.splice(2, 0, rule);
  return `${lines.join('\n')}\n`;
}

/** Above this many rows renderTable draws the table itself (linear), not with cli-table3. */
export const LONG_TABLE_ROWS = 200;

/**
 * What renderTable draws with cli-table3 (compact, one space of padding, the rule under the header), in one
 * pass: one-line cells only. Widths count characters without terminal escapes, as cli-table3 does for ASCII.
 */
export function renderLongTable(header: readonly string[], rows: readonly (readonly string[])[], align: readonly Align[]): string {
  const width = (cell: string) => [...stripVTControlCharacters(cell)].length;
  const widths = header.map(width);
  for (const row of rows) for (const [i, cell] of row.entries()) widths[i] = Math.max(widths[i] ?? 0, width(cell));
  const rule = (left: string, middle: string, right: string) => `${left}${widths.map((w) => '─'.repeat(w + 2)).join(middle)}${right}`;
  const line = (row: readonly string[]) =>
    `│${widths
      .map((w, i) => {
        const cell = row[i] ?? '';
        const pad = ' '.repeat(w - width(cell));
        return ` ${align[i] === 'right' ? pad + cell : cell + pad} `;
      })
      .join('│')}│`;
  const lines = [rule('┌', '┬', '┐'), line(header), rule('├', '┼', '┤'), ...rows.map(line), rule('└', '┴', '┘')];
  return `${lines.join('\n')}\n`;
}

/** Fixed-decimal number with thousands separators (en-US, deterministic). */
export function formatFixed(value: number, decimals = 2): string {
  // One formatter per precision: toLocaleString builds one per call, which dominated long tables.
  let format = FORMATS.get(decimals);
  if (!format) {
    format = new Intl.NumberFormat('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
    FORMATS.set(decimals, format);
  }
  return format.format(value);
}
const FORMATS = new Map<number, Intl.NumberFormat>();
