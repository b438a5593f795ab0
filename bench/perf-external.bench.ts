import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import type { Catalog, Gpu } from '../src/catalog/types.js';
import { writeFileAtomic } from '../src/commands/io.js';
import { builtinProfiles, readCatalog } from '../src/index.js';
import { maxOf } from '../src/extremes.js';
import { compareStrings } from '../src/order.js';
import { packageRoot } from '../src/paths.js';
import { estimateBatchLatencyMs } from '../src/perf/batch-latency.js';
import { errorStats, type ErrorStats } from '../src/perf/compare.js';
import { gpuGeneration } from '../src/perf/constants.js';
import { configKey, interpolateProfile, type MeasuredProfile } from '../src/perf/profiles.js';
import { printMarkdown } from './solvers.bench.js';

/**
 * The analytical estimator against a source it has never seen: Argonne's vLLM batch latencies
 * (bench/data/argonne-vllm-batch-latency.csv, scripts/derive-argonne.ts), with the shipped constants.
 *
 * Per point: predicted / measured wall time of the whole batch, predicted = estimateBatchLatencyMs (the
 * batch's prefill plus its L - 1 decode steps at contexts L + 1 ... 2L - 1). Per (llm, gpu, tp) table and
 * over all tables, split by GPU generation: median and worst |ln ratio|, and the geometric-mean ratio (the
 * bias). No fitting: nothing here feeds src/perf/constants.ts.
 *
 * Measured against measured: where models/profiles/ holds the same (llm, gpu, tp), Argonne's time per token
 * at batch 1 (batch latency / L output tokens, so the prefill is included: a few % at L = 128, where
 * Splitwise's own llama-2-70b H100 TP 4 prefill is 49 ms of Argonne's 2.37 s, less at longer L)
 * against the profile's decode_step_ms at batch 1 and the same prompt length. Where the profile has the
 * llm and TP on the same chip with another memory size (A100-40GB against A100-80GB) the pair is listed
 * apart, not in the same-config figure. Two labs' gap on one config bounds any estimator that predicts one
 * time per config: with measured times a < b, the better of the two worst errors is |ln| = ln(b / a) / 2,
 * at the geometric mean sqrt(a b).
 */
const here = dirname(fileURLToPath(import.meta.url));
const DATA = join(here, '..', '..', 'bench', 'data', 'argonne-vllm-batch-latency.csv');
const RESULTS = join(here, '..', '..', 'bench', 'results');

interface Point {
  llm: string;
  gpu: string;
  tp: number;
  inputTokens: number;
  outputTokens: number;
  batch: number;
  measuredMs: number;
  predictedMs: number;
  ratio: number;
}

export async function run(): Promise<void> {
  const catalog = await readCatalog(join(packageRoot(), 'models'));
  const points = readPoints(catalog);
  const tables = new Map<string, Point[]>();
  for (const p of points) {
    const key = configKey(p.llm, p.gpu, p.tp);
    tables.set(key, [...(tables.get(key) ?? []), p]);
  }
  const generationOf = (p: Point) => gpuGeneration(catalog.gpus.get(p.gpu)!);
  const statsOf = (subset: readonly Point[]) => errorStats(subset.map((p) => p.ratio));

  const tableRows = [...tables.values()].map((subset) => {
    const stats = statsOf(subset);
    const worst = subset.reduce((w, p) => (Math.abs(Math.log(p.ratio)) > Math.abs(Math.log(w.ratio)) ? p : w));
    return { llm: subset[0]!.llm, gpu: subset[0]!.gpu, tp: subset[0]!.tp, generation: generationOf(subset[0]!), stats, worst };
  });
  const groups = [
    { name: 'Hopper (H100-80GB)', stats: statsOf(points.filter((p) => generationOf(p) === 'hopper')) },
    { name: 'Ampere (A100-40GB)', stats: statsOf(points.filter((p) => generationOf(p) === 'ampere')) },
    { name: 'all', stats: statsOf(points) },
  ];
  const labs = compareLabs(catalog, points);

  const table1 = {
    header: ['table', 'points', 'geo-mean ratio', 'median', 'worst', 'worst point (L, batch: ratio)'],
    rows: tableRows.map((t) => [
      `${t.llm} ${t.gpu} TP ${t.tp}`,
      String(t.stats.count),
      t.stats.geoMeanRatio.toFixed(3),
      x(t.stats.medianAbsLn),
      x(t.stats.worstAbsLn),
      `${t.worst.inputTokens}, ${t.worst.batch}: x${t.worst.ratio.toFixed(3)}`,
    ]),
  };
  const table2 = {
    header: ['points', 'geo-mean ratio', 'median', 'worst'],
    rows: groups.map((g) => [
      g.name,
      String(g.stats.count),
      g.stats.geoMeanRatio.toFixed(3),
      x(g.stats.medianAbsLn),
      x(g.stats.worstAbsLn),
    ]),
  };
  const table3 = {
    header: [
      'config (Argonne / profile)',
      'L',
      'Argonne ms/token',
      'profile decode_step_ms',
      'profile / Argonne',
      'estimate ms/token',
      'estimate / Argonne',
    ],
    rows: labs.map((l) => [
      l.label,
      String(l.tokens),
      l.argonneMs.toFixed(2),
      l.profileMs.toFixed(2),
      (l.profileMs / l.argonneMs).toFixed(3),
      l.estimateMs.toFixed(2),
      (l.estimateMs / l.argonneMs).toFixed(3),
    ]),
  };
  const pairs = [...new Set(labs.map((l) => l.label))].map((label) => {
    const subset = labs.filter((l) => l.label === label);
    const gap = Math.exp(subset.reduce((s, l) => s + Math.log(l.profileMs / l.argonneMs), 0) / subset.length);
    return { label, sameConfig: subset[0]!.sameConfig, points: subset.length, gap, bound: Math.sqrt(Math.max(gap, 1 / gap)) };
  });

  printMarkdown(table1.header, table1.rows);
  process.stdout.write('\n');
  printMarkdown(['group', ...table2.header], table2.rows);
  process.stdout.write('\n');
  printMarkdown(table3.header, table3.rows);
  const lines = pairs.map(
    (p) =>
      `${p.label}${p.sameConfig ? '' : ' (same chip, other memory size: not the same config)'}: the profile's batch-1 decode step is x${p.gap.toFixed(3)} Argonne's (geo-mean over ${p.points} prompt lengths); one estimate for both labs is off by at least x${p.bound.toFixed(3)} on one of them`,
  );
  process.stdout.write(`\n(ratios are predicted / measured; median and worst are exp |ln ratio|)\n${lines.join('\n')}\n`);

  const date = new Date().toISOString().slice(0, 10);
  const json = {
    measured: date,
    command: 'npm run bench -- perf-external',
    data: 'bench/data/argonne-vllm-batch-latency.csv',
    groups: Object.fromEntries(groups.map((g) => [g.name, g.stats])),
    tables: tableRows.map((t) => ({
      llm: t.llm,
      gpu: t.gpu,
      tp: t.tp,
      generation: t.generation,
      ...t.stats,
      worst: { inputTokens: t.worst.inputTokens, batch: t.worst.batch, ratio: t.worst.ratio },
    })),
    labs: { points: labs, pairs },
    points,
  };
  await writeFileAtomic(join(RESULTS, 'perf-external.json'), `${JSON.stringify(json, null, 2)}\n`);
  await writeFileAtomic(join(RESULTS, 'perf-external.md'), markdown(date, [table1, table2, table3], lines, groups));
  process.stdout.write('wrote bench/results/perf-external.md and .json\n');
}

function readPoints(catalog: Catalog): Point[] {
  const rows = parse(readFileSync(DATA, 'utf8'), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  return rows
    .map((row) => {
      const llm = catalog.llms.get(row.llm!)!;
      const gpu = catalog.gpus.get(row.gpu!)!;
      const [tp, inputTokens, outputTokens, batch] = [row.tp, row.input_tokens, row.output_tokens, row.batch_size].map(Number) as [
        number,
        number,
        number,
        number,
      ];
      const measuredMs = Number(row.batch_latency_ms);
      const predictedMs = estimateBatchLatencyMs(llm, gpu, tp, inputTokens, outputTokens, batch);
      return { llm: llm.id, gpu: gpu.id, tp, inputTokens, outputTokens, batch, measuredMs, predictedMs, ratio: predictedMs / measuredMs };
    })
    .sort(
      (a, b) =>
        compareStrings(a.gpu, b.gpu) || compareStrings(a.llm, b.llm) || a.tp - b.tp || a.inputTokens - b.inputTokens || a.batch - b.batch,
    );
}

/** The measured profile of the same config, else of the same llm and TP on the same chip (another memory size). */
function profileFor(catalog: Catalog, p: Point): { profile: MeasuredProfile; sameConfig: boolean } | undefined {
  const profiles = builtinProfiles();
  const same = profiles.get(configKey(p.llm, p.gpu, p.tp));
  if (same) return { profile: same, sameConfig: true };
  const gpu = catalog.gpus.get(p.gpu)!;
  const sameChip = (other: Gpu) =>
    other.id !== gpu.id &&
    other.bf16Tflops === gpu.bf16Tflops &&
    other.interconnect === gpu.interconnect &&
    other.interconnectGBps === gpu.interconnectGBps &&
    gpuGeneration(other) === gpuGeneration(gpu);
  const near = [...profiles.values()]
    .filter((q) => q.llm === p.llm && q.tp === p.tp && sameChip(catalog.gpus.get(q.gpu)!))
    .sort((a, b) => compareStrings(a.gpu, b.gpu))[0];
  return near ? { profile: near, sameConfig: false } : undefined;
}

function compareLabs(catalog: Catalog, points: readonly Point[]) {
  return points
    .filter((p) => p.batch === 1)
    .flatMap((p) => {
      const found = profileFor(catalog, p);
      if (!found) return [];
      const { profile, sameConfig } = found;
      const times = interpolateProfile(profile, p.inputTokens, 1);
      return [
        {
          label: `${p.llm} TP ${p.tp}: ${p.gpu} / ${profile.gpu} (${profile.file.replace(/^.*\//, '')})`,
          sameConfig,
          tokens: p.inputTokens,
          argonneMs: p.measuredMs / p.outputTokens,
          profileMs: times.decodeStepMs,
          profileExtrapolated: times.extrapolated,
          estimateMs: p.predictedMs / p.outputTokens,
        },
      ];
    });
}

function markdown(
  date: string,
  tables: readonly { header: readonly string[]; rows: readonly (readonly string[])[] }[],
  lines: readonly string[],
  groups: readonly { name: string; stats: ErrorStats }[],
): string {
  // Padded as the repository's markdown formatter (biome) lays tables out, so the file passes `npm run lint`.
  const render = (header: readonly string[], rows: readonly (readonly string[])[]) => {
    const widths = header.map((h, i) => maxOf([h.length, ...rows.map((r) => r[i]!.length)]));
    const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
    return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
  };
  const [perTable, byGroup, labs] = tables as [(typeof tables)[0], (typeof tables)[0], (typeof tables)[0]];
  const all = groups.find((g) => g.name === 'all')!.stats;
  return `${[
    "# perf-external: the estimator against Argonne's vLLM batch latencies",
    '',
    `Measured ${date} with \`npm run bench -- perf-external\` (bench/perf-external.bench.ts; data
bench/data/argonne-vllm-batch-latency.csv, source and method in bench/data/README.md; figures also in
perf-external.json). Deterministic: no timing, the same data and constants give the same figures.`,
    '',
    'Ratio = predicted / measured wall time of one batch (B prompts of L tokens, each generating L tokens), predicted',
    'by `estimateBatchLatencyMs` with the shipped constants (src/perf/constants.ts), which were fitted on',
    'Splitwise and SageServe tables only. Median and worst are exp |ln ratio| (1.10: 10% off either way).',
    '',
    '## Per table',
    '',
    render(perTable.header, perTable.rows),
    '',
    '## By generation',
    '',
    render(['group', ...byGroup.header], byGroup.rows),
    '',
    `Over all ${all.count} points: median x${x(all.medianAbsLn)}, worst x${x(all.worstAbsLn)}, geo-mean ratio ${all.geoMeanRatio.toFixed(3)}.`,
    '',
    '## Measured against measured: batch-1 time per token',
    '',
    'Argonne ms/token = batch-1 latency / L (the prefill included: a few % of it at L = 128, less beyond); profile = decode_step_ms',
    'at batch 1 and prompt L in models/profiles/ (interpolated between its prompt lengths); estimate = the',
    'estimated batch-1 latency / L.',
    '',
    render(labs.header, labs.rows),
    '',
    ...lines.map((l) => `- ${l}`),
    '',
    "Note: a single estimate per config cannot be nearer than the geometric mean of two labs' measurements of",
    'that config, so the bound above holds for any stack-agnostic estimator, not only this one. See',
    'docs/profiles.md, "An independent check: Argonne\'s vLLM batch latencies".',
    '',
  ].join('\n')}`;
}

function x(absLn: number): string {
  return Number.isFinite(absLn) ? Math.exp(absLn).toFixed(3) : String(absLn);
}
