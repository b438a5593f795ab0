import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { planCapacity, type Strategy } from '../src/capacity/solve.js';
import { loadScenarioFile } from '../src/commands/scenario-inputs.js';
import type { CliIo } from '../src/commands/io.js';
import { getSolver } from '../src/solvers/registry.js';
import { printMarkdown } from './solvers.bench.js';

/**
 * The planner's exact path on the built-in default scenario at growing sizes: S one peak window, M a day,
 * L the week, XL the week over six regions. Per method: objective (cost + start-ups + penalties), LP bound,
 * gap, seconds and peak RSS. Results also go to bench/results/planner.json (commit when they change).
 */
const TIME_LIMIT_SEC = Number(process.env.BENCH_TIME_LIMIT ?? 60);
const SIX_REGIONS = '[eastus, eastus2, westus2, westus3, southcentralus, centralus]';

const instances: Array<{ name: string; overrides: string[] }> = [
  { name: 'S (1 window, 18:00)', overrides: ['horizon.skipWindows=18', 'horizon.windows=1'] },
  { name: 'M (24 windows)', overrides: ['horizon.windows=24'] },
  { name: 'L (168 windows)', overrides: [] },
  {
    name: 'XL (168 windows, 6 regions)',
    overrides: [
      `regions=${SIX_REGIONS}`,
      'workloads.0.demand.origins={eastus: 0.3, eastus2: 0.2, westus2: 0.2, westus3: 0.1, southcentralus: 0.1, centralus: 0.1}',
      'workloads.1.demand.origins={eastus: 0.2, eastus2: 0.2, westus2: 0.2, westus3: 0.2, southcentralus: 0.1, centralus: 0.1}',
    ],
  },
];

const methods: Array<{ solver: string; strategy: Strategy | 'auto'; only?: string[] }> = [
  { solver: 'highs', strategy: 'auto' },
  { solver: 'glpk', strategy: 'auto', only: ['S (1 window, 18:00)', 'M (24 windows)', 'L (168 windows)'] },
  { solver: 'highs', strategy: 'joint', only: ['S (1 window, 18:00)'] },
  { solver: 'glpk', strategy: 'joint', only: ['S (1 window, 18:00)'] },
];

const quietIo: CliIo = { stdout: { write: () => true }, stderr: { write: () => true }, env: {}, stdoutIsTty: false, cwd: process.cwd() };

export async function run(): Promise<void> {
  const rows: string[][] = [];
  const results: unknown[] = [];
  for (const instance of instances) {
    const loaded = await loadScenarioFile(undefined, instance.overrides, quietIo);
    for (const method of methods) {
      if (method.only && !method.only.includes(instance.name)) continue;
      const solver = await getSolver(method.solver);
      global.gc?.();
      const result = await planCapacity(loaded.input, (program, options) => solver.solve(program, options), method.solver, {
        strategy: method.strategy,
        timeLimitSec: TIME_LIMIT_SEC,
        relativeGap: loaded.scenario.solver.gap,
      });
      const { solver: report, plan } = result;
      const peakRssMb = process.resourceUsage().maxRSS / 1024;
      const row = {
        instance: instance.name,
        solver: method.solver,
        strategy: report.strategy,
        windows: loaded.input.windows.length,
        candidates: loaded.input.candidates.length,
        status: report.status,
        objective: report.objective,
        bound: report.bound,
        gap: report.gap,
        seconds: report.seconds,
        unmetRequests: plan.totals.unmetRequests,
        peakRssMb,
      };
      results.push(row);
      rows.push([
        instance.name,
        `${method.solver} ${report.strategy}`,
        report.status,
        report.objective === undefined ? '-' : `$${report.objective.toFixed(2)}`,
        report.bound === undefined ? '-' : `$${report.bound.toFixed(2)}`,
        report.gap === undefined ? '-' : `${(report.gap * 100).toFixed(2)}%`,
        report.seconds.toFixed(2),
        String(plan.totals.unmetRequests),
        peakRssMb.toFixed(0),
      ]);
      process.stderr.write(`  ${instance.name} ${method.solver} ${report.strategy}: ${report.status} in ${report.seconds.toFixed(2)} s\n`);
    }
  }
  printMarkdown(['instance', 'method', 'status', 'objective', 'LP/MIP bound', 'gap', 'seconds', 'unmet requests', 'peak RSS MB'], rows);
  process.stdout.write(`\ntime limit ${TIME_LIMIT_SEC} s per run (BENCH_TIME_LIMIT), scenario gap target 0.5%, node ${process.version}; peak RSS is the process's so far\n`);
  const file = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'results', 'planner.json');
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify({ node: process.version, timeLimitSec: TIME_LIMIT_SEC, results }, null, 2)}\n`);
  process.stdout.write(`wrote bench/results/planner.json\n`);
}
