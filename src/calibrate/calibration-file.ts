import { stringify } from 'csv-stringify/sync';
import { z } from 'zod';
import { configCatalogIssues } from '../perf/profile-set.js';
import { headerIssues, readCsvRecords, validRows } from '../csv-records.js';
import { InputError, type InputIssue } from '../errors.js';
import type { Gpu, Llm } from '../catalog/types.js';
import { configKey } from '../perf/profiles.js';
import type { CalibrationFactor } from './factors.js';

/**
 * The calibration CSV: per config (llm, gpu, tp) a factor the model's replica rate is multiplied by
 * (observed / predicted). `planner calibrate` writes it; a scenario reads it with `calibration: FILE`.
 */
export const CALIBRATION_COLUMNS = {
  llm: 'the llm id (planner catalog llms)',
  gpu: 'the GPU id (planner catalog gpus)',
  tp: 'the tensor-parallel degree, 1, 2, 4 or 8',
  factor: 'observed / predicted sustainable rate, > 0 (replica rates are multiplied by it)',
  observations: 'windows behind the factor (informational)',
  source: 'where the factor comes from (informational)',
} as const;

const REQUIRED = ['llm', 'gpu', 'tp', 'factor'] as const;

const CalibrationRowSchema = z.object({
  llm: z.string().min(1),
  gpu: z.string().min(1),
  tp: z.coerce.number().int().positive(),
  factor: z.coerce.number().positive(),
  observations: z.string().optional(),
  source: z.string().optional(),
});

/** Factor to 4 decimals: the file stays byte-stable and readable. */
export function roundFactor(factor: number): number {
  return Math.round(factor * 1e4) / 1e4;
}

function sourceOf(f: CalibrationFactor): string {
  const forms = [
    f.byForm.utilisation > 0 ? `${f.byForm.utilisation} served at a busy share` : '',
    f.byForm.latency > 0 ? `${f.byForm.latency} latency at a rate` : '',
  ].filter(Boolean);
  return `${f.file}:${f.firstLine}-${f.lastLine} (${forms.join(', ')}; middle half ${roundFactor(f.lowerQuartile).toFixed(4)}-${roundFactor(f.upperQuartile).toFixed(4)})`;
}

/** The calibration CSV for the factors (already in llm, gpu, tp order): LF line ends, 4-decimal factors. */
export function calibrationCsv(factors: readonly CalibrationFactor[]): string {
  const records: (string | number)[][] = [Object.keys(CALIBRATION_COLUMNS)];
  for (const f of factors) records.push([f.llm, f.gpu, f.tp, roundFactor(f.factor).toFixed(4), f.observations, sourceOf(f)]);
  return stringify(records, { record_delimiter: '\n' });
}

/**
 * Reads a calibration CSV and checks every row against the catalog: unknown llm or gpu (with did-you-mean),
 * a TP degree planner does not plan, a factor that is not positive, a config given twice. Returns the
 * factors by configKey, as createReplicaRate takes them.
 */
export function parseCalibrationCsv(
  text: string,
  file: string,
  catalog: { llms: ReadonlyMap<string, Llm>; gpus: ReadonlyMap<string, Gpu> },
): Map<string, number> {
  const read = readCsvRecords(text, file, { trim: true });
  if ('issue' in read) throw new InputError(read.issue);
  const { records } = read;
  const issues: InputIssue[] = [];
  const known = Object.keys(CALIBRATION_COLUMNS);
  const header = records[0]?.record ?? [];
  issues.push(...headerIssues(header, known, file, REQUIRED));
  if (issues.length) throw new InputError(issues, `${file}: invalid calibration header`);
  const factors = new Map<string, number>();
  const lines = new Map<string, number>();
  for (const { line, row } of validRows(
    records,
    CalibrationRowSchema,
    file,
    issues,
    (field) => CALIBRATION_COLUMNS[field as keyof typeof CALIBRATION_COLUMNS] ?? 'see docs/calibration.md',
  )) {
    const unknown = configCatalogIssues(row, { file, line }, catalog);
    issues.push(...unknown);
    let ok = unknown.length === 0;
    const key = configKey(row.llm, row.gpu, row.tp);
    const earlier = lines.get(key);
    if (earlier !== undefined) {
      issues.push({
        file,
        line,
        field: 'llm',
        message: `second row for ${row.llm} on ${row.gpu} TP ${row.tp} (first on line ${earlier})`,
        fix: 'keep one factor per config',
      });
      ok = false;
    }
    if (!ok) continue;
    lines.set(key, line);
    factors.set(key, row.factor);
  }
  if (issues.length) throw new InputError(issues, `${file}: ${issues.length} bad calibration row${issues.length === 1 ? '' : 's'}`);
  return factors;
}
