import type { z } from 'zod';
import { InputError, type InputIssue } from '../../errors.js';
import { comparePoints, formatNumber, loadLabel, percentileOrderProblem, type RateCurve, type RateCurvePoint } from '../rate-curves.js';

/**
 * What the benchmark importers (vllm.ts, guidellm.ts) share: reading JSON with errors that name the file,
 * line and JSON path, and folding runs into one rate curve. Pure: file contents in, curves out.
 */

/** One benchmark output file: its name (for messages and the `source` column) and its text. */
export interface BenchFile {
  file: string;
  text: string;
}

export interface BenchImportOptions {
  /** Catalog gpu id the benchmark ran on: neither tool records it. */
  gpu: string;
  /** Tensor-parallel degree of the served replica (vLLM: else the file's `tp` or `tensor_parallel_size` metadata). */
  tp?: number;
  /** Catalog llm id of the served model; default the model id the file names. */
  llm?: string;
  /**
   * Largest relative difference between a run's mean input (or output) tokens and the curve's: runs of one
   * curve must be of one request size. Default 0.1.
   */
  sizeTolerance?: number;
}

/** A JSON document of a file and the 1-based line it starts on. */
export interface JsonDocument {
  value: unknown;
  line: number;
}

/**
 * The JSON documents of a file: the whole text as one document, or else one document per non-empty line
 * (JSON Lines, as `vllm bench serve --append-result` writes). Not JSON: an InputError naming the line.
 */
export function parseJsonDocuments(text: string, file: string, expected: string): JsonDocument[] {
  const body = text.replace(/^\uFEFF/, '');
  if (body.trim() === '') throw new InputError({ file, message: 'the file is empty', fix: `give the ${expected} file` });
  try {
    return [{ value: JSON.parse(body), line: 1 + (body.match(/^\s*/)?.[0].split('\n').length ?? 1) - 1 }];
  } catch (whole) {
    const lines = body.split('\n');
    const documents: JsonDocument[] = [];
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!.trim();
      if (line === '') continue;
      try {
        documents.push({ value: JSON.parse(line), line: i + 1 });
      } catch (part) {
        // The first line that is not JSON; on the first line, the whole text's error (a pretty-printed
        // document fails line by line at its opening brace).
        const message = (i === firstContentLine(lines) ? (whole as Error) : (part as Error)).message;
        throw new InputError({
          file,
          line: i + 1,
          field: 'json',
          message: `not JSON: ${message.replace(/^JSON\.parse: /, '')}`,
          fix: `give the ${expected} file as written (one JSON object, or one per line)`,
        });
      }
    }
    return documents;
  }
}

function firstContentLine(lines: readonly string[]): number {
  return lines.findIndex((l) => l.trim() !== '');
}

/** A zod issue path as a JSON path: `benchmarks[2].metrics.request_totals.successful`. */
export function jsonPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : out === '' ? String(part) : `.${String(part)}`;
  return out || '(top level)';
}

/** Error messages for JSON fields: "missing" rather than "expected number, received undefined". */
export const jsonErrorMap: z.core.$ZodErrorMap = (issue) => {
  if (issue.code === 'invalid_type') {
    if (issue.input === undefined) return 'missing';
    const got = issue.input === null ? 'null' : Array.isArray(issue.input) ? 'an array' : typeof issue.input;
    const shown = typeof issue.input === 'string' ? ` '${issue.input}'` : typeof issue.input === 'number' ? ` ${issue.input}` : '';
    return `expected ${issue.expected === 'object' ? 'an object' : issue.expected === 'array' ? 'an array' : `a ${issue.expected}`}, got ${got}${shown}`;
  }
  return undefined;
};

/** The issues of a failed safeParse, located at file (line) and the JSON path under `prefix`. */
export function jsonIssues(
  error: z.ZodError,
  at: { file: string; line?: number; prefix?: readonly PropertyKey[] },
  fix: (path: string) => string | undefined,
): InputIssue[] {
  return error.issues.map((issue) => {
    const field = jsonPath([...(at.prefix ?? []), ...issue.path]);
    const hint = fix(field);
    return {
      file: at.file,
      ...(at.line !== undefined ? { line: at.line } : {}),
      field,
      message: issue.message,
      ...(hint ? { fix: hint } : {}),
    };
  });
}

/** x rounded to `digits` decimals (imported values: ms to 0.001, rates to 1e-6, tokens to 0.01). */
export function roundTo(x: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(x * scale) / scale;
}

/** One imported run, before the runs are folded into a curve. */
export interface ImportedRun {
  file: string;
  /** Line of the run's JSON document (vLLM); reports have no useful lines. */
  line?: number;
  /** JSON path of the run in the file (GuideLLM: `benchmarks[2]`), for messages. */
  path?: string;
  llm: string;
  tp: number;
  /** Mean tokens per completed request. */
  inputTokens: number;
  outputTokens: number;
  point: RateCurvePoint;
}

/**
 * Runs of one config and request size as one rate curve. Every run must name the same llm and tp; each
 * run's mean input and output tokens must lie within `sizeTolerance` of the curve's (the completed-weighted
 * mean over the runs); no two runs may share an offered load; percentiles may not decrease.
 */
export function foldRuns(runs: readonly ImportedRun[], options: BenchImportOptions, label: string): RateCurve {
  if (runs.length === 0) throw new InputError({ message: `no ${label} runs to import`, fix: `give at least one ${label} result file` });
  const where = (run: ImportedRun) => ({
    file: run.file,
    ...(run.line !== undefined ? { line: run.line } : {}),
  });
  const issues: InputIssue[] = [];
  const first = runs[0]!;
  for (const run of runs.slice(1)) {
    if (run.llm !== first.llm)
      issues.push({
        ...where(run),
        field: run.path ? `${run.path} model` : 'model_id',
        message: `model '${run.llm}' differs from '${first.llm}' in ${first.file}`,
        fix: 'import the runs of each model separately',
      });
    if (run.tp !== first.tp)
      issues.push({
        ...where(run),
        field: 'tp',
        message: `tensor-parallel ${run.tp} differs from ${first.tp} in ${first.file}`,
        fix: 'import the runs of each tensor-parallel degree separately',
      });
  }
  const completed = runs.reduce((sum, r) => sum + r.point.completed, 0);
  const inputTokens = roundTo(runs.reduce((sum, r) => sum + r.inputTokens * r.point.completed, 0) / completed, 2);
  const outputTokens = roundTo(runs.reduce((sum, r) => sum + r.outputTokens * r.point.completed, 0) / completed, 2);
  const tolerance = options.sizeTolerance ?? 0.1;
  for (const run of runs) {
    for (const [side, mean, curve] of [
      ['input', run.inputTokens, inputTokens],
      ['output', run.outputTokens, outputTokens],
    ] as const) {
      if (Math.abs(mean - curve) > tolerance * curve)
        issues.push({
          ...where(run),
          field: run.path ? `${run.path} ${side} tokens` : `total_${side}_tokens`,
          message: `mean ${side} tokens ${formatNumber(roundTo(mean, 2))} is more than ${formatNumber(tolerance * 100)}% from the curve's ${formatNumber(curve)} (the runs' mean)`,
          fix: 'import the runs of each request size separately: one curve is one request size',
        });
    }
    for (const metric of ['ttft', 'tpot'] as const) {
      const problem = percentileOrderProblem(run.point[metric]);
      if (problem)
        issues.push({
          ...where(run),
          field: run.path ?? metric,
          message: `${metric.toUpperCase()} ${problem}`,
          fix: 'check the file is as written',
        });
    }
  }
  const byLoad = new Map<string, ImportedRun>();
  for (const run of runs) {
    const at = loadLabel(run.point);
    const earlier = byLoad.get(at);
    if (earlier)
      issues.push({
        ...where(run),
        ...(run.path ? { field: run.path } : {}),
        message: `a second run with ${at} (first: ${earlier.point.source})`,
        fix: 'keep one run (the median) per offered load',
      });
    else byLoad.set(at, run);
  }
  if (issues.length) throw new InputError(issues, `cannot make one rate curve of these ${label} runs`);
  return {
    llm: first.llm,
    gpu: options.gpu,
    tp: first.tp,
    inputTokens,
    outputTokens,
    points: runs.map((r) => r.point).sort(comparePoints),
    file: [...new Set(runs.map((r) => r.file))].join(', '),
  };
}

/**
 * Every run of every file, parsed by `parse`, as one rate curve; the problems of all files are reported
 * together (`what` names the files in the summary, `label` the tool in each point's source).
 */
export function importRuns(
  files: readonly BenchFile[],
  options: BenchImportOptions,
  parse: (file: BenchFile, options: BenchImportOptions) => ImportedRun[],
  what: string,
  label: string,
): RateCurve {
  const issues: InputIssue[] = [];
  const runs: ImportedRun[] = [];
  for (const file of files) {
    try {
      runs.push(...parse(file, options));
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      issues.push(...error.issues);
    }
  }
  if (issues.length) throw new InputError(issues, `${issues.length} problem${issues.length === 1 ? '' : 's'} in the ${what}`);
  return foldRuns(runs, options, label);
}
