import { z } from 'zod';
import { InputError, type InputIssue } from '../../errors.js';
import type { LatencyStats, RateCurve, RateCurvePoint } from '../rate-curves.js';
import {
  type BenchFile,
  type BenchImportOptions,
  importRuns,
  type ImportedRun,
  jsonErrorMap,
  jsonIssues,
  jsonPath,
  parseJsonDocuments,
  roundTo,
} from './common.js';

/**
 * GuideLLM benchmark reports as a rate curve. Pure: file contents in, a curve out.
 *
 * Input: the JSON report GuideLLM writes (`guidellm benchmark ... --output-path benchmarks.json` up to
 * 0.6, `guidellm run ... --output kind=json,path=benchmarks.json` from 0.7): the `GenerativeBenchmarksReport`
 * model, `{metadata: {version, guidellm_version, ...}, args | config, benchmarks: [...]}`. Each entry of
 * `benchmarks` is one run of the profile (a sweep: synchronous, throughput, then constant rates between) and
 * becomes one point. Supported: `metadata.version` 1 (GuideLLM 0.5.0 - 0.6.x) and 2 (0.7.x); the fields read
 * are the same in both. Reports from before 0.5.0 have no `metadata` and are rejected, as is any other
 * version. Read per benchmark (over successful requests; docs/profiles-import.md has the whole mapping):
 *   config.strategy.{type_, rate, streams, max_concurrency}, config.backend.model,
 *   metrics.request_totals.{successful, errored}, metrics.requests_per_second.successful.mean,
 *   metrics.{prompt,output}_token_count.successful.mean,
 *   metrics.time_to_first_token_ms.successful and metrics.inter_token_latency_ms.successful:
 *   {mean, median, percentiles.{p50, p90, p99}}.
 * TPOT is GuideLLM's inter_token_latency_ms (excludes the first token, as the planner's TPOT does), not its
 * time_per_output_token_ms, which includes the time to the first token.
 */

/** The report versions (`metadata.version`) this importer reads, and the GuideLLM releases that write them. */
export const GUIDELLM_REPORT_VERSIONS = { 1: 'GuideLLM 0.5.0 - 0.6.x', 2: 'GuideLLM 0.7.x' } as const;

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const nonNegative = finite.refine((v) => v >= 0, 'must be >= 0');
const count = z.number().int('must be a whole number').nonnegative('must be >= 0');

const Distribution = z.looseObject({
  mean: nonNegative,
  median: nonNegative,
  percentiles: z.looseObject({ p50: nonNegative, p90: nonNegative, p99: nonNegative }),
});
const BySuccess = z.looseObject({ successful: Distribution });
const MeanOnly = z.looseObject({ successful: z.looseObject({ mean: nonNegative }) });

const STRATEGIES = ['synchronous', 'concurrent', 'throughput', 'constant', 'poisson'] as const;
const Strategy = z.looseObject({
  type_: z.string(),
  rate: finite.refine((v) => v > 0, 'must be > 0').optional(),
  streams: z.number().int('must be a whole number').positive('must be > 0').optional(),
  max_concurrency: z.number().int('must be a whole number').positive('must be > 0').nullable().optional(),
});

const Benchmark = z.looseObject({
  config: z.looseObject({
    strategy: Strategy,
    backend: z.looseObject({ model: z.string().optional() }).optional(),
  }),
  metrics: z.looseObject({
    request_totals: z.looseObject({ successful: count, errored: count }),
    requests_per_second: MeanOnly,
    prompt_token_count: MeanOnly,
    output_token_count: MeanOnly,
    time_to_first_token_ms: BySuccess,
    inter_token_latency_ms: BySuccess,
  }),
});

const Report = z.looseObject({ benchmarks: z.array(z.unknown()) });

const fixFor = (field: string): string => {
  if (field.endsWith('strategy.type_')) return `the strategies with one offered load are ${STRATEGIES.join(', ')}`;
  if (field.includes('.metrics.')) return 'give the report as GuideLLM wrote it: every benchmark has its metrics';
  return 'give the report as GuideLLM wrote it';
};

function stats(d: z.infer<typeof Distribution>): LatencyStats {
  return {
    meanMs: roundTo(d.mean, 3),
    p50Ms: roundTo(d.median, 3),
    p90Ms: roundTo(d.percentiles.p90, 3),
    p99Ms: roundTo(d.percentiles.p99, 3),
  };
}

/** The offered load of a strategy, or why it has none. */
function offeredLoad(strategy: z.infer<typeof Strategy>): Pick<RateCurvePoint, 'offeredRps' | 'concurrency'> | string {
  const cap = strategy.max_concurrency != null ? { concurrency: strategy.max_concurrency } : {};
  switch (strategy.type_) {
    case 'synchronous':
      return { concurrency: 1 };
    case 'concurrent':
      return strategy.streams === undefined ? 'a concurrent strategy without streams' : { concurrency: strategy.streams };
    case 'throughput':
      return cap;
    case 'constant':
    case 'poisson':
      return strategy.rate === undefined
        ? `a ${strategy.type_} strategy without a rate`
        : { offeredRps: roundTo(strategy.rate, 6), ...cap };
    default:
      return `strategy '${strategy.type_}' has no single offered load`;
  }
}

/** The runs (benchmarks) of one GuideLLM report. */
export function parseGuidellmReport(input: BenchFile, options: BenchImportOptions): ImportedRun[] {
  const { file } = input;
  const documents = parseJsonDocuments(input.text, file, 'GuideLLM benchmarks.json');
  if (documents.length !== 1)
    throw new InputError({
      file,
      line: documents[1]!.line,
      field: 'json',
      message: 'more than one JSON document: a GuideLLM report is one object',
      fix: 'give the report as GuideLLM wrote it',
    });
  const value = documents[0]!.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new InputError({ file, field: '(top level)', message: 'a GuideLLM report is a JSON object', fix: fixFor('') });
  checkVersion(value as Record<string, unknown>, file);
  const report = Report.safeParse(value, { error: jsonErrorMap });
  if (!report.success) throw new InputError(jsonIssues(report.error, { file }, fixFor), `${file}: not a GuideLLM report`);
  if (report.data.benchmarks.length === 0)
    throw new InputError({
      file,
      field: 'benchmarks',
      message: 'the report holds no benchmarks',
      fix: 'import a report of a finished run (a benchmark is written when its run completes)',
    });

  const tp = options.tp;
  if (tp === undefined)
    throw new InputError({
      file,
      field: 'tp',
      message: 'the tensor-parallel degree is not known: GuideLLM does not record the server’s',
      fix: 'pass the tp option',
    });
  const issues: InputIssue[] = [];
  const runs: ImportedRun[] = [];
  report.data.benchmarks.forEach((raw, index) => {
    const prefix = ['benchmarks', index] as const;
    const path = jsonPath(prefix);
    const result = Benchmark.safeParse(raw, { error: jsonErrorMap });
    if (!result.success) {
      issues.push(...jsonIssues(result.error, { file, prefix }, fixFor));
      return;
    }
    const { config, metrics } = result.data;
    const load = offeredLoad(config.strategy);
    if (typeof load === 'string') {
      issues.push({ file, field: `${path}.config.strategy.type_`, message: load, fix: fixFor('strategy.type_') });
      return;
    }
    const completed = metrics.request_totals.successful;
    if (completed === 0) {
      issues.push({
        file,
        field: `${path}.metrics.request_totals.successful`,
        message: 'no request completed in this benchmark',
        fix: 'rerun it: a benchmark without completed requests measured nothing',
      });
      return;
    }
    const served = metrics.requests_per_second.successful.mean;
    if (served <= 0) {
      issues.push({ file, field: `${path}.metrics.requests_per_second.successful.mean`, message: 'must be > 0', fix: fixFor('.metrics.') });
      return;
    }
    const llm = options.llm ?? config.backend?.model;
    if (!llm) {
      issues.push({
        file,
        field: `${path}.config.backend.model`,
        message: 'the report does not name the model (the server’s default model was benchmarked)',
        fix: 'pass the catalog llm id with the llm option',
      });
      return;
    }
    const ttft = stats(metrics.time_to_first_token_ms.successful);
    const tpot = stats(metrics.inter_token_latency_ms.successful);
    for (const [name, s, field] of [
      ['time_to_first_token_ms', ttft, 'time_to_first_token_ms'],
      ['inter_token_latency_ms', tpot, 'inter_token_latency_ms'],
    ] as const) {
      if (s.meanMs <= 0)
        issues.push({
          file,
          field: `${path}.metrics.${field}.successful.mean`,
          message: `${name} mean must be > 0`,
          fix: field === 'inter_token_latency_ms' ? 'benchmark with more than one output token per request' : fixFor('.metrics.'),
        });
    }
    if (ttft.meanMs <= 0 || tpot.meanMs <= 0) return;
    runs.push({
      file,
      path,
      llm,
      tp,
      inputTokens: metrics.prompt_token_count.successful.mean,
      outputTokens: metrics.output_token_count.successful.mean,
      point: {
        ...load,
        servedRps: roundTo(served, 6),
        ttft,
        tpot,
        completed,
        failed: metrics.request_totals.errored,
        source: `${file}#${path}`,
      },
    });
  });
  if (issues.length) throw new InputError(issues, `${file}: ${issues.length} unusable benchmark${issues.length === 1 ? '' : 's'}`);
  return runs;
}

function checkVersion(report: Record<string, unknown>, file: string): void {
  const supported = Object.entries(GUIDELLM_REPORT_VERSIONS)
    .map(([v, by]) => `${v} (${by})`)
    .join(' and ');
  const metadata = report.metadata;
  if (metadata === undefined || metadata === null || typeof metadata !== 'object') {
    throw new InputError({
      file,
      field: 'metadata.version',
      message: `missing: ${'benchmarks' in report ? 'a report from GuideLLM before 0.5.0, which wrote no version' : 'not a GuideLLM report'}`,
      fix: `rerun the benchmark with GuideLLM 0.5.0 or later; this importer reads report versions ${supported}`,
    });
  }
  const version = (metadata as Record<string, unknown>).version;
  if (!Object.keys(GUIDELLM_REPORT_VERSIONS).includes(String(version)) || typeof version !== 'number') {
    const by = (metadata as Record<string, unknown>).guidellm_version;
    throw new InputError({
      file,
      field: 'metadata.version',
      message: `unsupported report version ${JSON.stringify(version)}${typeof by === 'string' ? ` (written by GuideLLM ${by})` : ''}`,
      fix: `this importer reads report versions ${supported}`,
    });
  }
}

/**
 * Several GuideLLM reports (benchmarks of one model on one GPU type and TP) as one rate curve: every
 * benchmark of every report is a point. Every problem in every file is reported together.
 */
export function importGuidellmReports(files: readonly BenchFile[], options: BenchImportOptions): RateCurve {
  return importRuns(files, options, parseGuidellmReport, 'GuideLLM reports', 'GuideLLM');
}
