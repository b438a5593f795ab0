import { z } from 'zod';
import { headerIssues, readCsvRecords, validRows } from '../csv-records.js';
import { InputError, type InputIssue } from '../errors.js';

/**
 * What a running fleet served, per config and window: the observed CSV `planner calibrate` reads
 * (docs/calibration.md). One row per (window, config[, region, workload]); each row gives either the busy
 * share the replicas served `served_rps` at (form a), or the mean latencies they served it with (form b).
 */
export const OBSERVED_COLUMNS = {
  window_start: 'the window (hour) the row covers, ISO-8601 UTC, e.g. 2024-05-13T10:00:00Z',
  llm: 'the llm id (planner catalog llms)',
  gpu: 'the GPU id (planner catalog gpus)',
  tp: 'the tensor-parallel degree, 1, 2, 4 or 8',
  replicas: 'replicas of the config serving in the window (mean over it), > 0',
  served_rps: 'requests/s the replicas served in total, mean over the window, >= 0',
  utilisation: 'busy share of the replicas: served load over what they sustain within SLO, 0..1 (form a; empty in form b)',
  ttft_mean_ms: 'mean time to first token, ms, server side (form b)',
  tpot_mean_ms: 'mean time per output token after the first, ms (form b)',
  workload: 'the scenario workload whose request mix and SLO the traffic had (default: the only one listing the llm)',
  region: 'serving region (informational; rows of one config in several regions are separate observations)',
} as const;

const REQUIRED = ['window_start', 'llm', 'gpu', 'tp', 'replicas', 'served_rps'] as const;

const optionalNumber = (schema: z.ZodNumber) => z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().pipe(schema).optional());
const optionalText = z.preprocess((v) => (v === '' ? undefined : v), z.string().optional());

const ObservedRowSchema = z.object({
  window_start: z.iso.datetime({ offset: false }),
  llm: z.string().min(1),
  gpu: z.string().min(1),
  tp: z.coerce.number().int().positive(),
  replicas: z.coerce.number().positive(),
  served_rps: z.coerce.number().nonnegative(),
  utilisation: optionalNumber(z.number().min(0).max(1)),
  ttft_mean_ms: optionalNumber(z.number().positive()),
  tpot_mean_ms: optionalNumber(z.number().positive()),
  workload: optionalText,
  region: optionalText,
});

/** One observed row: form a (utilisation) or form b (latencies). */
export interface ObservedRow {
  file: string;
  line: number;
  windowStart: string;
  llm: string;
  gpu: string;
  tp: number;
  replicas: number;
  servedRps: number;
  utilisation?: number;
  ttftMeanMs?: number;
  tpotMeanMs?: number;
  workload?: string;
  region?: string;
}

/** Reads an observed CSV; every problem (header, row, duplicate) is reported at once as file:line field. */
export function parseObservedCsv(text: string, file = 'observed.csv'): ObservedRow[] {
  const read = readCsvRecords(text, file, { trim: true });
  if ('issue' in read) throw new InputError(read.issue);
  const { records } = read;
  const issues: InputIssue[] = [];
  const known = Object.keys(OBSERVED_COLUMNS);
  const header = records[0]?.record ?? [];
  issues.push(...headerIssues(header, known, file, REQUIRED));
  if (!header.includes('utilisation') && !header.includes('ttft_mean_ms') && !header.includes('tpot_mean_ms'))
    issues.push({
      file,
      line: 1,
      field: 'header',
      message: 'no utilisation, ttft_mean_ms or tpot_mean_ms column',
      fix: 'give the busy share (utilisation) or the mean latencies the replicas served served_rps at',
    });
  if (issues.length) throw new InputError(issues, `${file}: invalid observed header`);

  const rows: ObservedRow[] = [];
  const seen = new Map<string, number>();
  for (const { line, row } of validRows(
    records,
    ObservedRowSchema,
    file,
    issues,
    (field) => OBSERVED_COLUMNS[field as keyof typeof OBSERVED_COLUMNS] ?? 'see docs/calibration.md',
  )) {
    if (row.utilisation === undefined && row.ttft_mean_ms === undefined && row.tpot_mean_ms === undefined) {
      issues.push({
        file,
        line,
        field: 'utilisation',
        message: 'neither a utilisation nor a mean latency',
        fix: 'give utilisation (form a) or ttft_mean_ms and/or tpot_mean_ms (form b)',
      });
      continue;
    }
    const key = [row.window_start, row.llm, row.gpu, row.tp, row.region ?? '', row.workload ?? ''].join('|');
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      issues.push({
        file,
        line,
        field: 'window_start',
        message: `second row for ${row.llm} on ${row.gpu} TP ${row.tp}${row.region ? ` in ${row.region}` : ''} at ${row.window_start} (first on line ${earlier})`,
        fix: 'one row per window and config (add region or workload to tell deployments apart)',
      });
      continue;
    }
    seen.set(key, line);
    rows.push({
      file,
      line,
      windowStart: row.window_start,
      llm: row.llm,
      gpu: row.gpu,
      tp: row.tp,
      replicas: row.replicas,
      servedRps: row.served_rps,
      ...(row.utilisation !== undefined ? { utilisation: row.utilisation } : {}),
      ...(row.ttft_mean_ms !== undefined ? { ttftMeanMs: row.ttft_mean_ms } : {}),
      ...(row.tpot_mean_ms !== undefined ? { tpotMeanMs: row.tpot_mean_ms } : {}),
      ...(row.workload !== undefined ? { workload: row.workload } : {}),
      ...(row.region !== undefined ? { region: row.region } : {}),
    });
  }
  if (issues.length) throw new InputError(issues, `${file}: ${issues.length} bad observed row${issues.length === 1 ? '' : 's'}`);
  return rows;
}
