import { z } from 'zod';
import { InputError, type InputIssue } from '../../errors.js';
import type { LatencyStats, RateCurve } from '../rate-curves.js';
import {
  type BenchFile,
  type BenchImportOptions,
  importRuns,
  type ImportedRun,
  jsonErrorMap,
  jsonIssues,
  parseJsonDocuments,
  roundTo,
} from './common.js';

/**
 * vLLM serving-benchmark results as a rate curve. Pure: file contents in, a curve out.
 *
 * Input: the JSON that `vllm bench serve --save-result` writes (and, before `vllm bench`, the script
 * benchmarks/benchmark_serving.py, with the same keys): one object per run, on one line; with
 * `--append-result` several runs, one per line. Each file (or line) is one run at one offered load;
 * several runs at different `--request-rate` or `--max-concurrency` make one curve. Keys read
 * (docs/profiles-import.md has the whole mapping and what is not imported):
 *   model_id, request_rate (a number, or "inf"), max_concurrency (null for none), completed, failed
 *   (absent before vLLM ~0.11), request_throughput, total_input_tokens, total_output_tokens,
 *   mean_ttft_ms, median_ttft_ms, p90_ttft_ms / p99_ttft_ms (when reported), and the same for tpot;
 *   tp or tensor_parallel_size, when given as `--metadata tp=4`, if the caller does not pass tp.
 * vLLM's TPOT excludes the first token, as the planner's does. ITL (per token gap) and E2E latency are not
 * imported. A run with a ramp-up (`ramp_up_strategy`) has no single offered load and is rejected.
 */

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const positive = finite.refine((v) => v > 0, 'must be > 0');
const nonNegativeInt = z.number().int('must be a whole number').nonnegative('must be >= 0');

const VllmRunSchema = z.looseObject({
  model_id: z.string().min(1, 'must not be empty'),
  request_rate: z.union([positive, z.literal('inf')], {
    error: (i) => (i.input === undefined ? 'missing' : 'must be a number > 0 or "inf"'),
  }),
  max_concurrency: z.number().int('must be a whole number').positive('must be > 0').nullable().optional(),
  ramp_up_strategy: z.undefined({ error: 'the run ramps its request rate up, so it has no single offered load' }).optional(),
  completed: nonNegativeInt,
  failed: nonNegativeInt.optional(),
  request_throughput: finite.refine((v) => v >= 0, 'must be >= 0'),
  total_input_tokens: nonNegativeInt,
  total_output_tokens: nonNegativeInt,
  mean_ttft_ms: finite,
  median_ttft_ms: finite,
  mean_tpot_ms: finite,
  median_tpot_ms: finite,
});
type VllmRun = z.infer<typeof VllmRunSchema>;

const FIXES: Record<string, string> = {
  model_id: 'vllm bench serve records --model here; pass the catalog llm id with the llm option',
  request_rate: 'the offered rate (--request-rate): a number of requests/s, or "inf"',
  max_concurrency: 'the concurrency cap (--max-concurrency): a positive integer, or null',
  ramp_up_strategy: 'benchmark each rate in its own run (--request-rate R without --ramp-up-strategy)',
  mean_ttft_ms: 'TTFT statistics are written when --percentile-metrics includes ttft (the default) and a tokenizer is used',
  median_ttft_ms: 'TTFT statistics are written when --percentile-metrics includes ttft (the default) and a tokenizer is used',
  mean_tpot_ms: 'TPOT statistics are written when --percentile-metrics includes tpot (the default) and a tokenizer is used',
  median_tpot_ms: 'TPOT statistics are written when --percentile-metrics includes tpot (the default) and a tokenizer is used',
};
const fixFor = (field: string) => FIXES[field] ?? 'give the file as vllm bench serve --save-result wrote it';

/** A percentile key such as p99_ttft_ms, when present: a positive number, or an issue. */
function percentile(
  raw: Record<string, unknown>,
  key: string,
  at: { file: string; line: number },
  issues: InputIssue[],
): number | undefined {
  const value = raw[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    issues.push({ ...at, field: key, message: `must be a number >= 0, got ${JSON.stringify(value)}`, fix: fixFor(key) });
    return undefined;
  }
  return value;
}

function latency(
  raw: Record<string, unknown>,
  run: VllmRun,
  metric: 'ttft' | 'tpot',
  at: { file: string; line: number },
  issues: InputIssue[],
): LatencyStats {
  const p90 = percentile(raw, `p90_${metric}_ms`, at, issues);
  const p99 = percentile(raw, `p99_${metric}_ms`, at, issues);
  const mean = metric === 'ttft' ? run.mean_ttft_ms : run.mean_tpot_ms;
  const median = metric === 'ttft' ? run.median_ttft_ms : run.median_tpot_ms;
  return {
    meanMs: roundTo(mean, 3),
    p50Ms: roundTo(median, 3),
    ...(p90 !== undefined ? { p90Ms: roundTo(p90, 3) } : {}),
    ...(p99 !== undefined ? { p99Ms: roundTo(p99, 3) } : {}),
  };
}

/** The tensor-parallel degree: the caller's, else the run's `--metadata tp=N` (or tensor_parallel_size). */
function tensorParallel(
  raw: Record<string, unknown>,
  options: BenchImportOptions,
  at: { file: string; line: number },
  issues: InputIssue[],
) {
  if (options.tp !== undefined) return options.tp;
  for (const key of ['tp', 'tensor_parallel_size']) {
    const value = raw[key];
    if (value === undefined) continue;
    const tp = typeof value === 'number' ? value : Number(value);
    if (Number.isInteger(tp) && tp > 0) return tp;
    issues.push({
      ...at,
      field: key,
      message: `tensor-parallel degree ${JSON.stringify(value)} is not a positive integer`,
      fix: 'record it as --metadata tp=N',
    });
    return undefined;
  }
  issues.push({
    ...at,
    field: 'tp',
    message: 'the tensor-parallel degree is not known: vllm bench serve does not record the server’s',
    fix: 'pass the tp option, or record it when benchmarking with --metadata tp=N',
  });
  return undefined;
}

/** The runs of one vLLM result file (one per JSON line). */
export function parseVllmBenchResult(input: BenchFile, options: BenchImportOptions): ImportedRun[] {
  const { file } = input;
  const documents = parseJsonDocuments(input.text, file, 'vllm bench serve --save-result');
  const issues: InputIssue[] = [];
  const runs: ImportedRun[] = [];
  for (const { value, line } of documents) {
    const at = { file, line };
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      issues.push({ ...at, field: '(top level)', message: 'a vLLM result is a JSON object', fix: fixFor('') });
      continue;
    }
    const result = VllmRunSchema.safeParse(value, { error: jsonErrorMap });
    if (!result.success) {
      issues.push(...jsonIssues(result.error, at, fixFor));
      continue;
    }
    const run = result.data;
    const raw = value as Record<string, unknown>;
    const before = issues.length;
    if (run.completed === 0) {
      issues.push({ ...at, field: 'completed', message: 'no request completed in this run', fix: 'drop the run: it measured nothing' });
      continue;
    }
    if (run.request_throughput <= 0)
      issues.push({
        ...at,
        field: 'request_throughput',
        message: 'must be > 0 when requests completed',
        fix: fixFor('request_throughput'),
      });
    const ttft = latency(raw, run, 'ttft', at, issues);
    const tpot = latency(raw, run, 'tpot', at, issues);
    if (ttft.meanMs <= 0) issues.push({ ...at, field: 'mean_ttft_ms', message: 'must be > 0', fix: fixFor('mean_ttft_ms') });
    if (tpot.meanMs <= 0)
      issues.push({
        ...at,
        field: 'mean_tpot_ms',
        message: 'must be > 0 (vLLM writes 0 when no request produced more than one token)',
        fix: 'benchmark with more than one output token per request (--output-len)',
      });
    const tp = tensorParallel(raw, options, at, issues);
    if (issues.length > before || tp === undefined) continue;
    const source = documents.length > 1 ? `${file}:${line}` : file;
    runs.push({
      file,
      line,
      llm: options.llm ?? run.model_id,
      tp,
      inputTokens: run.total_input_tokens / run.completed,
      outputTokens: run.total_output_tokens / run.completed,
      point: {
        ...(run.request_rate !== 'inf' ? { offeredRps: roundTo(run.request_rate, 6) } : {}),
        ...(run.max_concurrency != null ? { concurrency: run.max_concurrency } : {}),
        servedRps: roundTo(run.request_throughput, 6),
        ttft,
        tpot,
        completed: run.completed,
        ...(run.failed !== undefined ? { failed: run.failed } : {}),
        source,
      },
    });
  }
  if (issues.length) throw new InputError(issues, `${file}: not a usable vllm bench serve result`);
  return runs;
}

/**
 * Several vLLM result files (runs of one model on one GPU type and TP at different offered loads) as one
 * rate curve. Every problem in every file is reported together.
 */
export function importVllmBenchResults(files: readonly BenchFile[], options: BenchImportOptions): RateCurve {
  return importRuns(files, options, parseVllmBenchResult, 'vLLM results', 'vllm bench serve');
}
