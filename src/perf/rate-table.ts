import { stringify } from 'csv-stringify/sync';
import { z } from 'zod';
import { readCsvRecords, validRows, numberCell, headerIssues } from '../csv-records.js';
import { InputError, type InputIssue } from '../errors.js';
import { configKey } from './profiles.js';
import { formatNumber } from './rate-curves.js';

/**
 * Rate tables: the third measured form, and the simplest: the largest request rate one replica sustains
 * per (llm, gpu, tp, request size) under a stated TTFT and TPOT, as Mélange's per-GPU throughput tables and
 * vendors' sizing tables publish them. Pure: text in, tables out.
 *
 * CSV form (units in the column names):
 *   llm,gpu,tp,input_tokens,output_tokens,ttft_ms,tpot_ms,max_rps,source
 * - input_tokens, output_tokens: the request size the rate was measured at (mean tokens per request, or a
 *   size bucket's representative size).
 * - ttft_ms, tpot_ms: the limits the rate was measured under, on the mean TTFT and the mean TPOT (time per
 *   output token after the first), the statistics the planner's SLO bounds.
 * - max_rps: the largest request rate meeting both limits, requests/s, > 0.
 * - source: where the figure comes from (paper, table, benchmark run); free text.
 */
export const RATE_TABLE_COLUMNS = {
  llm: 'the llm id in models/llms.csv',
  gpu: 'the gpu id in models/gpus.csv',
  tp: 'tensor-parallel degree, a positive integer',
  input_tokens: 'input (prompt) tokens per request the rate was measured at, > 0',
  output_tokens: 'output tokens per request the rate was measured at, > 0',
  ttft_ms: 'the mean TTFT limit the rate was measured under, ms, > 0',
  tpot_ms: 'the mean TPOT limit (after the first token) the rate was measured under, ms, > 0',
  max_rps: 'the largest request rate one replica sustains within both limits, requests/s, > 0',
  source: 'where the figure comes from, free text',
} as const;
type RateTableColumn = keyof typeof RATE_TABLE_COLUMNS;
const COLUMNS = Object.keys(RATE_TABLE_COLUMNS) as RateTableColumn[];

/** One measured rate: what a replica of the config sustains at one request size under the stated limits. */
export interface StatedRate {
  llm: string;
  gpu: string;
  tp: number;
  inputTokens: number;
  outputTokens: number;
  ttftMs: number;
  tpotMs: number;
  maxRps: number;
  source: string;
  file: string;
  line?: number;
}

const positive = numberCell(z.number().positive('must be > 0'));
const RateTableRowSchema = z.strictObject({
  llm: z.string().trim().min(1, 'missing value'),
  gpu: z.string().trim().min(1, 'missing value'),
  tp: numberCell(z.number().int('must be a whole number').positive('must be > 0')),
  input_tokens: positive,
  output_tokens: positive,
  ttft_ms: positive,
  tpot_ms: positive,
  max_rps: positive,
  source: z.string(),
});

/** The header of a rate table, for telling the measured forms apart. */
export const RATE_TABLE_HEADER = COLUMNS.join(',');

/** Reads one rate table; every bad row is reported as file:line field. */
export function parseRateTableCsv(text: string, file = 'rate table'): StatedRate[] {
  const issues: InputIssue[] = [];
  const read = readCsvRecords(text, file, { trim: true });
  if ('issue' in read) throw new InputError(read.issue);
  const { records } = read;
  const header = records[0]?.record ?? [];
  issues.push(...headerIssues(header, COLUMNS, file));
  if (issues.length) throw new InputError(issues, `${file}: invalid rate-table header`);

  const rates: StatedRate[] = [];
  const seen = new Map<string, number>();
  for (const { line, row } of validRows(
    records,
    RateTableRowSchema,
    file,
    issues,
    (field) => RATE_TABLE_COLUMNS[field as RateTableColumn] ?? 'see docs/profiles.md',
  )) {
    const key = `${configKey(row.llm, row.gpu, row.tp)}|${row.input_tokens}|${row.output_tokens}|${row.ttft_ms}|${row.tpot_ms}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      issues.push({
        file,
        line,
        field: 'max_rps',
        message: `second rate for ${row.llm} on ${row.gpu} TP ${row.tp} at ${row.input_tokens}/${row.output_tokens} tokens under TTFT ${row.ttft_ms} ms, TPOT ${row.tpot_ms} ms (first on line ${earlier})`,
        fix: 'keep one rate per config, request size and limits',
      });
      continue;
    }
    seen.set(key, line);
    rates.push({
      llm: row.llm,
      gpu: row.gpu,
      tp: row.tp,
      inputTokens: row.input_tokens,
      outputTokens: row.output_tokens,
      ttftMs: row.ttft_ms,
      tpotMs: row.tpot_ms,
      maxRps: row.max_rps,
      source: row.source,
      file,
      line,
    });
  }
  if (issues.length) throw new InputError(issues, `${file}: ${issues.length} bad rate-table row${issues.length === 1 ? '' : 's'}`);
  return rates.sort(compareStatedRates);
}

function compareStatedRates(a: StatedRate, b: StatedRate): number {
  const text = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  return (
    text(a.llm, b.llm) ||
    text(a.gpu, b.gpu) ||
    a.tp - b.tp ||
    a.inputTokens - b.inputTokens ||
    a.outputTokens - b.outputTokens ||
    a.ttftMs - b.ttftMs ||
    a.tpotMs - b.tpotMs
  );
}

/** The CSV of some stated rates, sorted; parseRateTableCsv reads back what was written. */
export function writeRateTableCsv(rates: readonly StatedRate[]): string {
  const rows: string[][] = [COLUMNS];
  for (const r of [...rates].sort(compareStatedRates)) {
    rows.push([
      r.llm,
      r.gpu,
      String(r.tp),
      formatNumber(r.inputTokens),
      formatNumber(r.outputTokens),
      formatNumber(r.ttftMs),
      formatNumber(r.tpotMs),
      formatNumber(r.maxRps),
      r.source,
    ]);
  }
  return stringify(rows, { record_delimiter: '\n', quote: '"', escape: '"', delimiter: ',' });
}
