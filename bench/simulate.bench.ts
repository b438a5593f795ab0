import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_SCENARIO, loadScenarioFile } from '../src/index.js';
import { comparisonRows } from '../src/report/simulation.js';
import { simulate } from '../src/simulate/runner.js';
import { CONTENDER_NAMES, type ContenderName } from '../src/simulate/contenders.js';
import { getSolver } from '../src/solvers/registry.js';
import { printMarkdown } from './solvers.bench.js';

/**
 * `planner simulate` on the built-in default week (6 days after a day of history) with every contender and the
 * scenario's solver: wall and CPU time (user + sys, this process and its solver threads) in all, planning
 * seconds per contender, and the comparison figures, with the oracle's cost bound and gap. Results also go to
 * bench/results/simulate.json (commit when they change). SIMULATE_CONTENDERS=single-gpu,oracle runs only
 * those and writes nothing (for timing one baseline).
 */

export async function run(): Promise<void> {
  const loaded = await loadScenarioFile(DEFAULT_SCENARIO);
  const solver = await getSolver(loaded.scenario.solver.name);
  const only = process.env.SIMULATE_CONTENDERS?.split(',') as ContenderName[] | undefined;
  const contenders = only ?? CONTENDER_NAMES;
  const started = performance.now();
  const cpu = process.cpuUsage();
  const result = await simulate(loaded.input, {
    contenders,
    solve: (program, options) => solver.solve(program, options),
    solverName: solver.name,
    relativeGap: loaded.scenario.solver.gap,
    planStrategy: loaded.scenario.solver.strategy,
    timeLimitSec: 10,
    localOffsetHours: loaded.scenario.workloads.map((w) => w.demand.shiftHours),
  });
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  const rows = comparisonRows(result);
  const pct = (v: number | null) => (v === null ? '-' : `${(v * 100).toFixed(2)}%`);
  printMarkdown(
    ['strategy', 'GPU-hours', 'cost', 'attainment', 'GPU-h saved vs siloed', 'cost vs oracle', 'cost bound (gap)', 'planning s'],
    rows.map((r) => [
      r.strategy,
      r.gpuHours.toFixed(0),
      `$${r.totalCostUsd.toFixed(2)}`,
      `${(r.attainment * 100).toFixed(3)}%`,
      pct(r.gpuHoursSavedVsSiloed),
      pct(r.costOverOracle),
      r.costBoundUsd === null ? '-' : `$${r.costBoundUsd.toFixed(2)} (${pct(r.gapToBound)})`,
      r.planningSeconds.toFixed(2),
    ]),
  );
  process.stdout.write(
    `\n${result.windows.length} windows, ${only ? contenders.join(', ') : 'all contenders'}, solver ${solver.name}: ${seconds.toFixed(1)} s wall, ${cpuSeconds.toFixed(1)} s CPU in all (evaluation included); node ${process.version}\n`,
  );
  for (const r of rows) if (r.notes.length) process.stdout.write(`${r.strategy}: ${r.notes.join('; ')}\n`);
  if (only) return;
  const file = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'results', 'simulate.json');
  await mkdir(dirname(file), { recursive: true });
  await writeFile(
    file,
    `${JSON.stringify({ node: process.version, solver: solver.name, seconds, cpuSeconds, windows: result.windows.length, comparison: rows }, null, 2)}\n`,
  );
  process.stdout.write('wrote bench/results/simulate.json\n');
}
