/**
 * Regenerates bench/data/argonne-vllm-batch-latency.csv from Argonne's LLM-Inference-Bench results
 * (https://github.com/argonne-lcf/LLM-Inference-Bench, BSD-3-Clause; see bench/data/README.md):
 *   git --git-dir=PATH/TO/LLM-Inference-Bench.git show 4211f5d4e9bc0145ed541b6d372d5d8223b44235:Plots/All_results.csv > /tmp/All_results.csv
 *   npx tsx scripts/derive-argonne.ts /tmp/All_results.csv
 * Deterministic: the same source gives the same bytes. Only this derived file is committed, never the source.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { Catalog } from '../src/catalog/types.js';
import { writeFileAtomic } from '../src/commands/io.js';
import { readCatalog } from '../src/index.js';
import { compareStrings } from '../src/order.js';
import { packageRoot } from '../src/paths.js';
import { memoryFit } from '../src/perf/memory.js';

const source = process.argv[2];
if (!source || !existsSync(source)) {
  process.stderr.write(`usage: npx tsx scripts/derive-argonne.ts PATH/TO/All_results.csv${source ? ` (${source} not found)` : ''}\n`);
  process.exit(2);
}
const root = packageRoot();
const target = join(root, 'bench', 'data', 'argonne-vllm-batch-latency.csv');
const COLUMNS = ['llm', 'gpu', 'tp', 'input_tokens', 'output_tokens', 'batch_size', 'batch_latency_ms'] as const;

/**
 * Hugging Face ids -> catalog llms. Llama 3 and 3.1 share the architecture in config.json (32/80 layers,
 * hidden 4096/8192, 32/64 heads, 8 KV heads, head dim 128, vocab 128256, intermediate 14336/28672); 3.1
 * differs only in RoPE scaling and max_position_embeddings (131072 vs 8192), which change neither FLOPs,
 * weight bytes nor KV bytes per token at these lengths (at most 4,096 tokens). The other three are the
 * exact checkpoints the catalog rows cite.
 */
const LLMS: Record<string, string> = {
  'meta-llama/Llama-2-70b-hf': 'llama-2-70b',
  'meta-llama/Meta-Llama-3-8B': 'llama-3.1-8b',
  'meta-llama/Meta-Llama-3-70B': 'llama-3.1-70b',
  'mistralai/Mistral-7B-v0.1': 'mistral-7b',
  'mistralai/Mixtral-8x7B-v0.1': 'mixtral-8x7b',
};
/**
 * Hardware -> catalog GPUs. H100: the JLSE testbed's (vLLM/H100/README.MD), form factor not stated; batch-1
 * decode of an 8B llm in 7.8 ms/token and 16 x 1024-token prompts at ~600 TFLOPS need HBM3 and SXM clocks.
 * A100: the runs are PBS jobs on ALCF's /lus/grand and eagle file systems (vLLM/A100/.../run_benchmarks.sh),
 * i.e. Polaris, whose nodes have four A100 SXM4 40 GiB on NVLink 3 (ALCF's Polaris machine overview); the
 * rows agree (see KV_RESERVE_GIB).
 */
const GPUS: Record<string, string> = { 'Nvidia H100 GPU': 'H100-80GB', 'Nvidia A100 GPU': 'A100-40GB' };

/**
 * GPU memory per GPU that vLLM keeps outside weights and KV cache beyond the planner's 10% reserve (the
 * driver's share of the card, CUDA context, NCCL and cuBLAS workspaces, the profiling run's activations),
 * GiB. The source does not log vLLM's KV block count; the one series where this matters fixes it:
 * llama-2-70b on 4 x A100-40GB at batch 16, whose weights take 89% of the card. Its latency over batch 1 is
 * x1.22 at 256 tokens, as on H100, then x2.1, x3.4 and x6.2 at 512, 1,024 and 2,048 (vLLM preempting and
 * recomputing sequences): the cache holds more than 16 x 512 = 8,192 tokens and fewer than 16,384, i.e. a
 * reserve between 2.6 and 3.2 GiB. Any value in that range drops the same rows.
 */
const KV_RESERVE_GIB = 3;
const GIB = 2 ** 30;

interface Point {
  llm: string;
  gpu: string;
  tp: number;
  tokens: number;
  batch: number;
  latencies: number[];
}

const catalog: Catalog = await readCatalog(join(root, 'models'));
const bytes = readFileSync(source);
const rows = parse(bytes.toString('utf8'), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
const expected = ['Hardware', 'Num of Hardware', 'Framework', 'Model', 'Input Output Length', 'Batch Size', 'Latency', 'Throughput'];
const header = Object.keys(rows[0] ?? {});
if (expected.some((column, i) => header[i] !== column)) {
  process.stderr.write(`derive-argonne: ${source}: header ${header.join(',')}, expected ${expected.join(',')}\n`);
  process.exit(2);
}

const points = new Map<string, Point>();
const seen = new Set<string>();
let exactDuplicates = 0;
let repeats = 0;
for (const row of rows) {
  const llm = LLMS[row.Model!];
  const gpu = GPUS[row.Hardware!];
  if (row.Framework !== 'vLLM' || !llm || !gpu) continue;
  // An identical line is one measurement written twice; a second line with another latency is a repeat.
  const line = expected.map((column) => row[column]).join(',');
  if (seen.has(line)) {
    exactDuplicates++;
    continue;
  }
  seen.add(line);
  const tp = Number(row['Num of Hardware']);
  const tokens = Number(row['Input Output Length']);
  const batch = Number(row['Batch Size']);
  const seconds = Number(row.Latency);
  if (![tp, tokens, batch].every((n) => Number.isInteger(n) && n > 0) || !(seconds > 0)) {
    throw new Error(`derive-argonne: ${source}: unexpected row ${line}`);
  }
  const key = [llm, gpu, tp, tokens, batch].join('|');
  const point = points.get(key) ?? { llm, gpu, tp, tokens, batch, latencies: [] };
  if (point.latencies.length) repeats++;
  point.latencies.push(seconds * 1000);
  points.set(key, point);
}

const sorted = [...points.values()].sort(
  (a, b) => compareStrings(a.llm, b.llm) || compareStrings(a.gpu, b.gpu) || a.tp - b.tp || a.tokens - b.tokens || a.batch - b.batch,
);
const kept: Point[] = [];
const dropped: string[] = [];
for (const point of sorted) {
  const fit = memoryFit(catalog.llms.get(point.llm)!, catalog.gpus.get(point.gpu)!, point.tp, 2 * point.tokens);
  const free = (fit.usableGibPerGpu - fit.weightsGibPerGpu - KV_RESERVE_GIB) * GIB;
  const capacity = Math.max(0, Math.floor(free / fit.kvBytesPerTokenPerGpu));
  // At the last step every sequence holds input + output = 2L tokens of KV cache.
  const needed = point.batch * 2 * point.tokens;
  if (needed > capacity) {
    dropped.push(
      `${point.llm} ${point.gpu} TP ${point.tp} L ${point.tokens} batch ${point.batch}: ${needed} KV tokens > ${capacity} (${(median(point.latencies) / 1000).toFixed(3)} s)`,
    );
    continue;
  }
  kept.push(point);
}

const lines = kept.map((p) => [p.llm, p.gpu, p.tp, p.tokens, p.tokens, p.batch, median(p.latencies).toFixed(3)].join(','));
await writeFileAtomic(target, `${[COLUMNS.join(','), ...lines].join('\n')}\n`);
process.stdout.write(
  [
    `source ${source}: ${bytes.length} bytes, sha256 ${createHash('sha256').update(bytes).digest('hex')}, ${rows.length} rows`,
    `vLLM rows on H100/A100 of catalog llms: ${[...points.values()].reduce((n, p) => n + p.latencies.length, 0) + exactDuplicates}; exact duplicates dropped: ${exactDuplicates}; repeats folded into their median: ${repeats}`,
    `dropped, batch KV cache over capacity (reserve ${KV_RESERVE_GIB} GiB per GPU): ${dropped.length}`,
    ...dropped.map((d) => `  ${d}`),
    `${target}: ${kept.length} points in ${new Set(kept.map((p) => `${p.llm}|${p.gpu}|${p.tp}`)).size} configs`,
    '',
  ].join('\n'),
);

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
