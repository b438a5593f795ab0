/**
 * Regenerates models/profiles/sageserve-llama3-a100.csv from SageServe's measured A100 tables
 * (https://github.com/shashwatj07/SageServe, MIT; see models/profiles/README.md):
 *   git --git-dir=PATH/TO/SageServe.git archive HEAD data | tar -x -C /tmp/sageserve
 *   npx tsx scripts/derive-sageserve-profiles.ts /tmp/sageserve
 * The argument is a directory holding the source's data/ folder (a checkout or an export as above).
 * Deterministic: the same source gives the same bytes. Reads the result back with planner's own loader.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { writeFileAtomic } from '../src/commands/io.js';
import { packageRoot } from '../src/paths.js';
import { PROFILE_COLUMNS, parseMeasuredProfilesCsv } from '../src/perf/profiles.js';
import { compareStrings } from '../src/order.js';

const root = process.argv[2];
if (!root) {
  process.stderr.write('usage: npx tsx scripts/derive-sageserve-profiles.ts SAGESERVE_DIR (the directory holding data/)\n');
  process.exit(2);
}
const target = join(packageRoot(), 'models', 'profiles', 'sageserve-llama3-a100.csv');

/** The four per-llm, per-TP tables (their times are in seconds; token_time is the whole decode, see README). */
const FILES = ['Llama-3.1-8B-tp-2.csv', 'Llama-3.1-8B-tp-4.csv', 'Llama-3.2-3B-tp-2.csv', 'Llama-3.2-3B-tp-4.csv'];
const LLMS: Record<string, string> = { 'Llama-3.1-8B': 'llama-3.1-8b', 'Llama-3.2-3B': 'llama-3.2-3b' };
// The files say a100-80gb, not which card. They are the PCIe card of Azure's NC A100 v4 VMs (which the
// SageServe paper runs on): TP 4 prefills slower than TP 2 at every prompt length, and the all-reduces that
// difference implies run at 14-28 GB/s, PCIe Gen4's bandwidth, not the SXM card's 300 GB/s NVLink 3.
const GPUS: Record<string, string> = { 'a100-80gb': 'A100-80GB-PCIe' };

const groups = new Map<
  string,
  { llm: string; gpu: string; tp: number; prompt: number; batch: number; prefill: number[]; step: number[] }
>();
const sources: string[] = [];
for (const name of FILES) {
  const path = join(root, 'data', name);
  if (!existsSync(path)) {
    process.stderr.write(`derive-sageserve-profiles: ${path} not found\n`);
    process.exit(2);
  }
  const bytes = readFileSync(path);
  const rows = parse(bytes.toString('utf8'), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  sources.push(`${name}: ${bytes.length} bytes, sha256 ${createHash('sha256').update(bytes).digest('hex')}, ${rows.length} rows`);
  for (const row of rows) {
    const llm = LLMS[row.model!];
    const gpu = GPUS[row.hardware!];
    if (!llm || !gpu) throw new Error(`${name}: unexpected model ${row.model} or hardware ${row.hardware}`);
    const tp = Number(row.tensor_parallel);
    const prompt = Number(row.prompt_size);
    const batch = Number(row.batch_size);
    const generated = Number(row.token_size);
    const key = [llm, gpu, tp, prompt, batch].join('|');
    const group = groups.get(key) ?? { llm, gpu, tp, prompt, batch, prefill: [], step: [] };
    // Seconds -> ms. prompt_time is the prefill (to the first token); token_time the rest of the generation,
    // i.e. generated - 1 decode steps (e2e_time = prompt_time + token_time + a few ms).
    group.prefill.push(Number(row.prompt_time) * 1000);
    group.step.push((Number(row.token_time) * 1000) / (generated - 1));
    groups.set(key, group);
  }
}

const points = [...groups.values()].sort(
  (a, b) => compareStrings(a.llm, b.llm) || compareStrings(a.gpu, b.gpu) || a.tp - b.tp || a.prompt - b.prompt || a.batch - b.batch,
);
const lines = points.map((p) =>
  [p.llm, p.gpu, p.tp, p.prompt, p.batch, median(p.prefill).toFixed(3), median(p.step).toFixed(3), p.prefill.length].join(','),
);
const csv = `${[Object.keys(PROFILE_COLUMNS).join(','), ...lines].join('\n')}\n`;
const profiles = parseMeasuredProfilesCsv(csv, target);
await writeFileAtomic(target, csv);
for (const line of sources) process.stdout.write(`source ${line}\n`);
process.stdout.write(`${target}: ${points.length} points in ${profiles.length} configs\n`);

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
