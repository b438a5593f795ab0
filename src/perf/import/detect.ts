import type { Gpu, Llm } from '../../catalog/types.js';
import { InputError, didYouMean } from '../../errors.js';
import { profileCatalogIssues } from '../profile-set.js';
import type { RateCurve } from '../rate-curves.js';
import { parseJsonDocuments, type BenchFile, type BenchImportOptions } from './common.js';
import { importGuidellmReports } from './guidellm.js';
import { catalogLlmFor } from './model-id.js';
import { importVllmBenchResults } from './vllm.js';

export type BenchFormat = 'vllm' | 'guidellm';
export const BENCH_FORMATS: readonly BenchFormat[] = ['vllm', 'guidellm'];

/** Which benchmark wrote the file: a GuideLLM report has `benchmarks`, a vLLM result `request_throughput`. */
export function benchFormatOf(file: BenchFile): BenchFormat {
  const first = parseJsonDocuments(file.text, file.file, 'benchmark result')[0]!.value;
  if (first && typeof first === 'object') {
    if ('benchmarks' in first) return 'guidellm';
    if ('request_throughput' in first) return 'vllm';
  }
  throw new InputError({
    file: file.file,
    message: 'neither a GuideLLM report (no "benchmarks") nor a vLLM bench result (no "request_throughput")',
    fix: 'give the JSON that vllm bench serve --save-result or guidellm --output-path wrote, or name the tool with --from',
  });
}

/**
 * Benchmark results of one config and request size as one rate curve whose llm, gpu and TP are the
 * catalog's: the model name the benchmark recorded is mapped to a catalog id (model-id.ts) unless `llm` is
 * given; an id the catalog does not have is an error with the closest ids.
 */
export function importBenchmarks(
  files: readonly BenchFile[],
  format: BenchFormat,
  catalog: { llms: ReadonlyMap<string, Llm>; gpus: ReadonlyMap<string, Gpu> },
  options: BenchImportOptions,
): RateCurve {
  const raw = format === 'vllm' ? importVllmBenchResults(files, options) : importGuidellmReports(files, options);
  let llm = raw.llm;
  if (options.llm === undefined) {
    const mapped = catalogLlmFor(raw.llm, catalog.llms);
    if (mapped === undefined) {
      const closest = didYouMean(raw.llm.split('/').at(-1)!.toLowerCase(), catalog.llms.keys());
      throw new InputError({
        file: files[0]!.file,
        field: format === 'vllm' ? 'model_id' : 'config.backend.model',
        message: `the benchmarked model '${raw.llm}' is not an llm of the catalog`,
        fix: `pass --llm with its catalog id${closest ? ` (${closest})` : ''}, or add it to llms.csv`,
      });
    }
    llm = mapped;
  }
  const curve = { ...raw, llm };
  const issues = profileCatalogIssues({ file: '', form: 'rate-curves', timings: [], curves: [curve], stated: [] }, catalog);
  if (issues.length)
    throw new InputError(
      issues.map((issue) => ({ field: `--${issue.field}`, message: issue.message, ...(issue.fix ? { fix: issue.fix } : {}) })),
    );
  return curve;
}
