import { z } from 'zod';
import { InputError, type InputIssue } from '../errors.js';
import { readCsvRecords, validRows, numberCell, headerIssues } from '../csv-records.js';

/**
 * Measured profiles: per config (llm, gpu, tp), prefill and decode-step times measured at a few
 * (prompt tokens, batch size) points, as in models/profiles/*.csv. Pure: text in, tables out.
 *
 * Row form (one measured point; units in the column names):
 *   llm,gpu,tp,prompt_tokens,batch_size,prefill_ms,decode_step_ms,runs
 * prefill_ms: prefill of batch_size prompts of prompt_tokens each, processed together.
 * decode_step_ms: one decode iteration of batch_size running requests whose prompts had prompt_tokens.
 */
export const PROFILE_COLUMNS = {
  llm: 'the llm id in models/llms.csv',
  gpu: 'the gpu id in models/gpus.csv',
  tp: 'tensor-parallel degree, a positive integer',
  prompt_tokens: 'prompt (input) tokens per request, a positive integer',
  batch_size: 'requests processed together, a positive integer',
  prefill_ms: 'prefill time of the whole batch in ms, > 0',
  decode_step_ms: 'time of one decode step of the batch in ms, > 0',
  runs: 'measurements behind the value (its median), a positive integer',
} as const;

const count = numberCell(z.number().int('must be a whole number').positive('must be > 0'));
const ms = numberCell(z.number().positive('must be > 0'));
const ProfileRowSchema = z.strictObject({
  llm: z.string().trim().min(1),
  gpu: z.string().trim().min(1),
  tp: count,
  prompt_tokens: count,
  batch_size: count,
  prefill_ms: ms,
  decode_step_ms: ms,
  runs: count,
});

export interface MeasuredPoint {
  promptTokens: number;
  batchSize: number;
  prefillMs: number;
  decodeStepMs: number;
}

export interface MeasuredProfile {
  llm: string;
  gpu: string;
  tp: number;
  /** Sorted by prompt tokens, then batch size. */
  points: readonly MeasuredPoint[];
  /** File the profile was read from (for reports). */
  file: string;
  /** Line of the config's first row in that file, when read from CSV (for errors). */
  line?: number;
}

/** Measured profiles by config key (configKey). */
export type MeasuredProfiles = ReadonlyMap<string, MeasuredProfile>;

/** The key of a config (llm, gpu, tp) in profile and calibration maps. */
export function configKey(llm: string, gpu: string, tp: number): string {
  return `${llm}|${gpu}|${tp}`;
}

/** Reads one profile CSV; every bad row is reported as file:line field. */
export function parseMeasuredProfilesCsv(text: string, file = 'profile'): MeasuredProfile[] {
  const issues: InputIssue[] = [];
  const read = readCsvRecords(text, file, { trim: true });
  if ('issue' in read) throw new InputError(read.issue);
  const { records } = read;
  const expected = Object.keys(PROFILE_COLUMNS);
  const header = records[0]?.record ?? [];
  issues.push(...headerIssues(header, expected, file));
  if (issues.length) throw new InputError(issues, `${file}: invalid profile header`);

  const byKey = new Map<
    string,
    { llm: string; gpu: string; tp: number; line: number; points: Map<string, { line: number; point: MeasuredPoint }> }
  >();
  for (const { line, row } of validRows(
    records,
    ProfileRowSchema,
    file,
    issues,
    (field) => PROFILE_COLUMNS[field as keyof typeof PROFILE_COLUMNS] ?? 'see models/profiles/README.md',
  )) {
    const key = configKey(row.llm, row.gpu, row.tp);
    const entry = byKey.get(key) ?? { llm: row.llm, gpu: row.gpu, tp: row.tp, line, points: new Map() };
    byKey.set(key, entry);
    const at = `${row.prompt_tokens}x${row.batch_size}`;
    const earlier = entry.points.get(at);
    if (earlier) {
      issues.push({
        file,
        line,
        field: 'prompt_tokens',
        message: `second row for ${row.llm} on ${row.gpu} TP ${row.tp} at ${row.prompt_tokens} prompt tokens, batch ${row.batch_size} (first on line ${earlier.line})`,
        fix: 'keep one row (the median) per point',
      });
      continue;
    }
    entry.points.set(at, {
      line,
      point: { promptTokens: row.prompt_tokens, batchSize: row.batch_size, prefillMs: row.prefill_ms, decodeStepMs: row.decode_step_ms },
    });
  }
  if (issues.length) throw new InputError(issues, `${file}: ${issues.length} bad profile row${issues.length === 1 ? '' : 's'}`);
  return [...byKey.values()].map((entry) => ({
    llm: entry.llm,
    gpu: entry.gpu,
    tp: entry.tp,
    file,
    line: entry.line,
    points: [...entry.points.values()].map((p) => p.point).sort((a, b) => a.promptTokens - b.promptTokens || a.batchSize - b.batchSize),
  }));
}

/** Profiles of several files keyed by config; a config in two files is an error naming both. */
export function indexProfiles(profiles: readonly MeasuredProfile[]): Map<string, MeasuredProfile> {
  const index = new Map<string, MeasuredProfile>();
  for (const profile of profiles) {
    const key = configKey(profile.llm, profile.gpu, profile.tp);
    const earlier = index.get(key);
    if (earlier)
      throw new InputError({
        file: profile.file,
        message: `${profile.llm} on ${profile.gpu} TP ${profile.tp} is also profiled in ${earlier.file}`,
        fix: 'keep each config in one file',
      });
    index.set(key, profile);
  }
  return index;
}

export interface InterpolatedTimes {
  prefillMs: number;
  decodeStepMs: number;
  /** The point lies outside the measured range on some axis; values there are clamped to the edge. */
  extrapolated: boolean;
}

/**
 * Times at (promptTokens, batchSize), linear in prompt tokens and in batch size between measured points and
 * clamped (flagged `extrapolated`) outside them.
 *
 * - A complete grid (every measured prompt size at every measured batch size) is interpolated bilinearly.
 * - Otherwise the table must be a cross, as in one-factor-at-a-time sweeps such as Splitwise's: a prompt
 *   line at the smallest batch b0 and a batch line at one reference prompt p0 (the prompt measured at the
 *   most batch sizes). Then f(p, b) = f(p, b0) x f(p0, b) / f(p0, b0): each line exact at its points and
 *   linear between them, and the batch effect applied as a ratio at other prompt sizes. Points on neither
 *   line are not used.
 */
export function interpolateProfile(profile: MeasuredProfile, promptTokens: number, batchSize: number): InterpolatedTimes {
  const points = profile.points;
  const exact = points.find((p) => p.promptTokens === promptTokens && p.batchSize === batchSize);
  if (exact) return { prefillMs: exact.prefillMs, decodeStepMs: exact.decodeStepMs, extrapolated: false };
  const prompts = [...new Set(points.map((p) => p.promptTokens))].sort((a, b) => a - b);
  const batches = [...new Set(points.map((p) => p.batchSize))].sort((a, b) => a - b);
  const extrapolated =
    promptTokens < prompts[0]! || promptTokens > prompts.at(-1)! || batchSize < batches[0]! || batchSize > batches.at(-1)!;
  const at = new Map(points.map((p) => [`${p.promptTokens}x${p.batchSize}`, p]));

  if (prompts.length * batches.length === points.length) {
    const [p0, p1, tp] = bracket(prompts, promptTokens);
    const [b0, b1, tb] = bracket(batches, batchSize);
    const value = (pick: (p: MeasuredPoint) => number) => {
      const v = (p: number, b: number) => pick(at.get(`${p}x${b}`)!);
      return (1 - tp) * ((1 - tb) * v(p0, b0) + tb * v(p0, b1)) + tp * ((1 - tb) * v(p1, b0) + tb * v(p1, b1));
    };
    return { prefillMs: value((p) => p.prefillMs), decodeStepMs: value((p) => p.decodeStepMs), extrapolated };
  }

  const referenceBatch = batches[0]!;
  const promptLine = points.filter((p) => p.batchSize === referenceBatch);
  const batchCounts = new Map<number, number>();
  for (const p of points) batchCounts.set(p.promptTokens, (batchCounts.get(p.promptTokens) ?? 0) + 1);
  const referencePrompt = [...batchCounts.entries()]
    .filter(([prompt]) => promptLine.some((p) => p.promptTokens === prompt))
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]![0];
  const batchLine = points.filter((p) => p.promptTokens === referencePrompt);
  const reference = at.get(`${referencePrompt}x${referenceBatch}`)!;
  const lineExtrapolated =
    promptTokens < promptLine[0]!.promptTokens ||
    promptTokens > promptLine.at(-1)!.promptTokens ||
    batchSize < batchLine[0]!.batchSize ||
    batchSize > batchLine.at(-1)!.batchSize;
  const clampedPrompt = Math.min(Math.max(promptTokens, promptLine[0]!.promptTokens), promptLine.at(-1)!.promptTokens);
  const clampedBatch = Math.min(Math.max(batchSize, batchLine[0]!.batchSize), batchLine.at(-1)!.batchSize);
  const value = (pick: (p: MeasuredPoint) => number) => {
    const alongPrompt = linear(
      promptLine.map((p) => [p.promptTokens, pick(p)] as const),
      clampedPrompt,
    );
    const alongBatch = linear(
      batchLine.map((p) => [p.batchSize, pick(p)] as const),
      clampedBatch,
    );
    // On one of the lines the other factor is exactly 1: return the line's value without rounding noise.
    if (clampedBatch === referenceBatch) return alongPrompt;
    if (clampedPrompt === referencePrompt) return alongBatch;
    return (alongPrompt * alongBatch) / pick(reference);
  };
  return {
    prefillMs: value((p) => p.prefillMs),
    decodeStepMs: value((p) => p.decodeStepMs),
    extrapolated: extrapolated || lineExtrapolated,
  };
}

/** Lower and upper neighbours of x in sorted xs and the weight of the upper one (clamped to [0, 1]). */
function bracket(xs: readonly number[], x: number): [number, number, number] {
  if (x <= xs[0]!) return [xs[0]!, xs[0]!, 0];
  if (x >= xs.at(-1)!) return [xs.at(-1)!, xs.at(-1)!, 0];
  const i = xs.findIndex((v) => v >= x);
  const lo = xs[i - 1]!;
  const hi = xs[i]!;
  return [lo, hi, (x - lo) / (hi - lo)];
}

/** Piecewise-linear through (x, y) pairs sorted by x, clamped at the ends. */
function linear(points: readonly (readonly [number, number])[], x: number): number {
  const xs = points.map((p) => p[0]);
  const [lo, hi, t] = bracket(xs, x);
  const y = (v: number) => points.find((p) => p[0] === v)![1];
  return (1 - t) * y(lo) + t * y(hi);
}
