import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_SCENARIO, loadScenarioFile } from '../src/index.js';
import { comparisonRows } from '../src/report/simulation.js';
import { simulate } from '../src/simulate/runner.js';
import { CONTENDER_NAMES } from '../src/simulate/contenders.js';
import { getSolver } from '../src/solvers/registry.js';
import { printMarkdown } from './solvers.bench.js';

/**
 * `planner simulate` on the built-in default week (6 days after a day of history) with every contender and the
 * scenario's solver: wall time in all, planning seconds per contender, and the comparison figures. Results
 * also go to bench/results/simulate.json (commit when they change).
 */

export async function run(): Promise<void> {
  const loaded = await loadScenarioFile(DEFAULT_SCENARIO);
  const solver = await getSolver(loaded.scenario.solver.name);
  const started = performance.now();
  const result = await simulate(loaded.input, {
    contenders: CONTENDER_NAMES,
    solve: (program, options) => solver.solve(program, options),
    solverName: solver.name,
    relativeGap: loaded.scenario.solver.gap,
    planStrategy: loaded.scenario.solver.strategy,
    timeLimitSec: 10,
    localOffsetHours: loaded.scenario.workloads.map((w) => w.demand.shiftHours),
  });
  const seconds = (performance.now() - started) / 1000;
  const rows = comparisonRows(result);
  const pct = (v: number | null) => (v === null ? '-' : `${(v * 100).toFixed(2)}%`);
  printMarkdown(
    ['strategy', 'GPU-hours', 'cost', 'attainment', 'GPU-h saved vs siloed', 'cost vs oracle', 'planning s'],
    rows.map((r) => [
      r.strategy,
      r.gpuHours.toFixed(0),
      `$${r.totalCostUsd.toFixed(2)}`,
      `${(r.attainment * 100).toFixed(3)}%`,
      pct(r.gpuHoursSavedVsSiloed),
      pct(r.costOverOracle),
      r.planningSeconds.toFixed(2),
    ]),
  );
  process.stdout.write(
    `\n${result.windows.length} windows, all contenders, solver ${solver.name}: ${seconds.toFixed(1)} s in all (evaluation included); node ${process.version}\n`,
  );
  const file = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'results', 'simulate.json');
  await mkdir(dirname(file), { recursive: true });
  await writeFile(
    file,
    `${JSON.stringify({ node: process.version, solver: solver.name, seconds, windows: result.windows.length, comparison: rows }, null, 2)}\n`,
  );
  process.stdout.write('wrote bench/results/simulate.json\n');
}
