/**
 * Regenerates models/profiles/splitwise-llama2-70b.csv from the SplitwiseSim perf table in
 * ../shared/data/profiles/ (see models/profiles/README.md):
 *   npx tsx scripts/derive-profiles.ts
 * Deterministic: the same source gives the same bytes. Reads the result back with planner's own loader.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { writeFileAtomic } from '../src/commands/io.js';
import { packageRoot, sharedDataDir } from '../src/paths.js';
import { PROFILE_COLUMNS, parseMeasuredProfilesCsv } from '../src/perf/profiles.js';
import { compareStrings } from '../src/order.js';

const source = join(sharedDataDir(), 'profiles', 'splitwise_sim_perf_model.csv');
const target = join(packageRoot(), 'models', 'profiles', 'splitwise-llama2-70b.csv');
if (!existsSync(source)) {
  process.stderr.write(`derive-profiles: ${source} not found; it holds the SplitwiseSim perf table (see models/profiles/README.md)\n`);
  process.exit(2);
}

/** Splitwise names -> catalog ids. h100-80gb-pcap (power-capped H100) and bloom-176b are not in the catalog. */
const LLMS: Record<string, string> = { 'llama2-70b': 'llama-2-70b' };
const GPUS: Record<string, string> = { 'a100-80gb': 'A100-80GB', 'h100-80gb': 'H100-80GB' };

const bytes = readFileSync(source);
const rows = parse(bytes.toString('utf8'), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
const groups = new Map<
  string,
  { llm: string; gpu: string; tp: number; prompt: number; batch: number; prefill: number[]; decode: number[] }
>();
for (const row of rows) {
  const llm = LLMS[row.model!];
  const gpu = GPUS[row.hardware!];
  if (!llm || !gpu) continue;
  const tp = Number(row.tensor_parallel);
  const prompt = Number(row.prompt_size);
  const batch = Number(row.batch_size);
  const key = [llm, gpu, tp, prompt, batch].join('|');
  const group = groups.get(key) ?? { llm, gpu, tp, prompt, batch, prefill: [], decode: [] };
  group.prefill.push(Number(row.prompt_time));
  group.decode.push(Number(row.token_time));
  groups.set(key, group);
}

const points = [...groups.values()].sort(
  (a, b) => compareStrings(a.llm, b.llm) || compareStrings(a.gpu, b.gpu) || a.tp - b.tp || a.prompt - b.prompt || a.batch - b.batch,
);
// A batch of more prompts of the same size cannot prefill faster than a smaller batch: such a point (llama2-70b
// TP 2 at batch 64 on both GPUs: ~8x faster than batch 32) is a broken measurement, not a curve to follow.
const dropped: string[] = [];
const kept = points.filter((p) => {
  const smaller = points.filter((q) => q.llm === p.llm && q.gpu === p.gpu && q.tp === p.tp && q.prompt === p.prompt && q.batch < p.batch);
  const broken = smaller.some((q) => median(q.prefill) > median(p.prefill));
  if (broken)
    dropped.push(
      `${p.llm} ${p.gpu} TP ${p.tp} prompt ${p.prompt} batch ${p.batch}: prefill ${median(p.prefill).toFixed(1)} ms is below a smaller batch's`,
    );
  return !broken;
});

const lines = kept.map((p) =>
  [p.llm, p.gpu, p.tp, p.prompt, p.batch, median(p.prefill).toFixed(3), median(p.decode).toFixed(3), p.prefill.length].join(','),
);
const csv = `${[Object.keys(PROFILE_COLUMNS).join(','), ...lines].join('\n')}\n`;
const profiles = parseMeasuredProfilesCsv(csv, target);
await writeFileAtomic(target, csv);
process.stdout.write(
  `source ${source}: ${bytes.length} bytes, sha256 ${createHash('sha256').update(bytes).digest('hex')}, ${rows.length} rows\n`,
);
process.stdout.write(`${target}: ${kept.length} points in ${profiles.length} configs\n`);
for (const line of dropped) process.stdout.write(`dropped ${line}\n`);

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
