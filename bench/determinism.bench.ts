import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { printMarkdown } from './solvers.bench.js';

/**
 * Same input, same plan, on a quiet and on a loaded machine: each variant of `planner solve --format json`
 * runs DETERMINISM_RUNS times alone and as many times beside DETERMINISM_BURNERS CPU-burning processes
 * (`yes > /dev/null`). Every output must be byte-identical once the fields that report elapsed time
 * (`seconds`) are removed, exit 0, with a gap of at most 1% and no unmet demand. Results go to
 * bench/results/determinism.json. DETERMINISM_VARIANTS picks variants by name (comma-separated).
 */
const RUNS = Number(process.env.DETERMINISM_RUNS ?? 5);
const BURNERS = Number(process.env.DETERMINISM_BURNERS ?? 12);
const here = dirname(fileURLToPath(import.meta.url));
const bin = join(here, '..', '..', 'bin', 'planner.js');

const variants: Array<{ name: string; args: string[] }> = [
  { name: 'auto', args: [] },
  { name: 'highs', args: ['--solver', 'highs'] },
  { name: 'glpk', args: ['--solver', 'glpk'] },
  { name: 'windows 0..23', args: ['--windows', '0..23'] },
];

/** The plan document without the fields that report elapsed time. */
export function withoutElapsed(text: string): string {
  return JSON.stringify(JSON.parse(text), (key, value: unknown) => (key === 'seconds' ? undefined : value), 2);
}

function startBurners(count: number): ChildProcess[] {
  return Array.from({ length: count }, () => spawn('sh', ['-c', 'exec yes > /dev/null'], { stdio: 'ignore' }));
}

interface Run {
  loaded: boolean;
  exitCode: number | null;
  seconds: number;
  plan?: string;
  gap?: number;
  unmet?: number;
  status?: string;
}

function solveOnce(args: string[], loaded: boolean): Run {
  const started = performance.now();
  const run = spawnSync(process.execPath, [bin, 'solve', '--format', 'json', ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const seconds = (performance.now() - started) / 1000;
  try {
    const document = JSON.parse(run.stdout) as { status: string; solver: { gap?: number }; totals: { unmetRequests: number } };
    return {
      loaded,
      exitCode: run.status,
      seconds,
      plan: withoutElapsed(run.stdout),
      status: document.status,
      unmet: document.totals.unmetRequests,
      ...(document.solver.gap !== undefined ? { gap: document.solver.gap } : {}),
    };
  } catch {
    return { loaded, exitCode: run.status, seconds };
  }
}

export async function run(): Promise<void> {
  const chosen = process.env.DETERMINISM_VARIANTS?.split(',').map((v) => v.trim());
  const rows: string[][] = [];
  const results: unknown[] = [];
  let failures = 0;
  for (const variant of variants.filter((v) => !chosen || chosen.includes(v.name))) {
    const runs: Run[] = [];
    for (let i = 0; i < RUNS; i++) runs.push(solveOnce(variant.args, false));
    const burners = startBurners(BURNERS);
    try {
      for (let i = 0; i < RUNS; i++) runs.push(solveOnce(variant.args, true));
    } finally {
      for (const burner of burners) burner.kill('SIGKILL');
    }
    const reference = runs[0]!.plan;
    const identical = runs.every((r) => r.plan !== undefined && r.plan === reference);
    const good = runs.every((r) => r.exitCode === 0 && (r.gap ?? Infinity) <= 0.01 && r.unmet === 0);
    if (!identical || !good) failures++;
    const quiet = runs.filter((r) => !r.loaded).map((r) => r.seconds);
    const loaded = runs.filter((r) => r.loaded).map((r) => r.seconds);
    const range = (list: number[]) => `${Math.min(...list).toFixed(1)}-${Math.max(...list).toFixed(1)}`;
    rows.push([
      variant.name,
      `${runs.length}`,
      identical ? 'yes' : 'NO',
      runs.map((r) => r.exitCode).join(' '),
      runs[0]?.status ?? '-',
      runs[0]?.gap === undefined ? '-' : `${(runs[0].gap * 100).toFixed(2)}%`,
      String(runs[0]?.unmet ?? '-'),
      range(quiet),
      range(loaded),
    ]);
    results.push({ variant: variant.name, args: variant.args, identical, runs: runs.map(({ plan: _plan, ...rest }) => rest) });
    process.stderr.write(`  ${variant.name}: ${identical ? 'identical' : 'DIFFERENT'} over ${runs.length} runs\n`);
  }
  printMarkdown(
    ['variant', 'runs', 'byte-identical', 'exit codes', 'status', 'gap', 'unmet', 'quiet s', `loaded s (${BURNERS} burners)`],
    rows,
  );
  process.stdout.write(
    `\n${RUNS} quiet + ${RUNS} loaded runs per variant on ${process.env.DETERMINISM_CORES ?? 'this machine'}, node ${process.version}\n`,
  );
  const file = join(here, '..', '..', 'bench', 'results', 'determinism.json');
  await mkdir(dirname(file), { recursive: true });
  // Variants not run this time keep their last results.
  const previous = await readFile(file, 'utf8').then(
    (text) => (JSON.parse(text) as { results: { variant: string }[] }).results,
    () => [],
  );
  const ran = new Set(results.map((r) => (r as { variant: string }).variant));
  const merged = [...previous.filter((r) => !ran.has(r.variant)), ...results];
  await writeFile(file, `${JSON.stringify({ node: process.version, runsPerSide: RUNS, burners: BURNERS, results: merged }, null, 2)}\n`);
  process.stdout.write('wrote bench/results/determinism.json\n');
  if (failures) process.exitCode = 1;
}
