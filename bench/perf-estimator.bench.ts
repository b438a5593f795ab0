import { join } from 'node:path';
import { readCatalog } from '../src/index.js';
import { ALL_REDUCE_BANDWIDTH_EFFICIENCY, GENERATION_EFFICIENCY, gpuGeneration } from '../src/perf/constants.js';
import { estimateDecodeStepMs, estimatePrefillMs } from '../src/perf/estimate.js';
import { builtinProfiles } from '../src/index.js';
import { packageRoot } from '../src/paths.js';
import { printMarkdown } from './solvers.bench.js';

/**
 * Accuracy of the analytical estimator (src/perf/estimate.ts, estimate mode: the measured table is not
 * used to predict) against the measured Splitwise table (models/profiles/splitwise-llama2-70b.csv):
 * llama-2-70b on A100-80GB and H100-80GB at TP 2/4/8, at every measured (prompt tokens, batch) point.
 * Prefill: the batch's prompts prefilled together. Decode step: the measured runs generated 128 tokens, so
 * the mean context is prompt + 64. Error = |estimate / measured - 1|; target: median <= 25% for both.
 * The efficiency constants are one set per GPU generation (src/perf/constants.ts), tuned once on this
 * table: these are in-sample figures.
 */
const TARGET = 0.25;

export async function run(): Promise<void> {
  const catalog = await readCatalog(join(packageRoot(), 'models'));
  const rows: string[][] = [];
  let worst = 0;
  for (const profile of [...builtinProfiles().values()].sort((a, b) => (a.gpu < b.gpu ? -1 : a.gpu > b.gpu ? 1 : a.tp - b.tp))) {
    const llm = catalog.llms.get(profile.llm);
    const gpu = catalog.gpus.get(profile.gpu);
    if (!llm || !gpu) throw new Error(`${profile.llm} or ${profile.gpu} is not in the catalog`);
    const prefill = profile.points.map((p) =>
      Math.abs(estimatePrefillMs(llm, gpu, profile.tp, p.promptTokens, p.batchSize) / p.prefillMs - 1),
    );
    const decode = profile.points.map((p) =>
      Math.abs(estimateDecodeStepMs(llm, gpu, profile.tp, p.batchSize, p.promptTokens + 64) / p.decodeStepMs - 1),
    );
    worst = Math.max(worst, median(prefill), median(decode));
    rows.push([
      `${profile.llm} ${profile.gpu} TP ${profile.tp}`,
      String(profile.points.length),
      pct(median(prefill)),
      pct(Math.max(...prefill)),
      pct(median(decode)),
      pct(Math.max(...decode)),
      median(prefill) <= TARGET && median(decode) <= TARGET ? 'yes' : 'NO',
    ]);
  }
  printMarkdown(
    ['config', 'points', 'prefill median err', 'prefill max err', 'decode median err', 'decode max err', `<= ${pct(TARGET)}`],
    rows,
  );
  const constants = (['ampere', 'hopper'] as const).map((g) => `${g} ${JSON.stringify(GENERATION_EFFICIENCY[g])}`).join('; ');
  process.stdout.write(
    `\nworst median ${pct(worst)}; constants ${constants}; all-reduce bandwidth efficiency ${ALL_REDUCE_BANDWIDTH_EFFICIENCY} (generations: ${['A100-80GB', 'H100-80GB'].map((id) => `${id} ${gpuGeneration({ id })}`).join(', ')})\n`,
  );
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}
