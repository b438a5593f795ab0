import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildProblem } from '../src/capacity/formulation.js';
import { planCapacity, type Strategy } from '../src/capacity/solve.js';
import { greedyWindowFallback } from '../src/heuristics/index.js';
import { writeLpText } from '../src/lp/index.js';
import { DEFAULT_SCENARIO, loadScenarioFile } from '../src/index.js';
import { getSolver } from '../src/solvers/registry.js';
import { printMarkdown } from './solvers.bench.js';

/**
 * The planner's exact path on the built-in default scenario at growing sizes: S one peak window, M a day,
 * L the week, XL the week over six regions. Per method: objective (cost + start-ups + penalties), LP bound,
 * gap, seconds and peak RSS. Results also go to bench/results/planner.json (commit when they change).
 */
const TIME_LIMIT_SEC = Number(process.env.BENCH_TIME_LIMIT ?? 60);
const SIX_REGIONS = '[eastus, eastus2, westus2, westus3, southcentralus, centralus]';

export const instances: Array<{ name: string; overrides: string[] }> = [
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
  { solver: 'auto', strategy: 'auto' },
  { solver: 'highs', strategy: 'auto' },
  { solver: 'glpk', strategy: 'auto', only: ['S (1 window, 18:00)', 'M (24 windows)', 'L (168 windows)'] },
  { solver: 'highs', strategy: 'joint', only: ['S (1 window, 18:00)'] },
  { solver: 'glpk', strategy: 'joint', only: ['S (1 window, 18:00)'] },
];

const CBC_INSTANCES = ['S (1 window, 18:00)', 'M (24 windows)', 'L (168 windows)'];

function hasCbc(): boolean {
  return spawnSync('sh', ['-c', 'command -v cbc'], { encoding: 'utf8' }).status === 0;
}

function money(value: number | undefined): string {
  return value === undefined ? '-' : `$${value.toFixed(2)}`;
}

async function runCbc(
  lpText: string,
  relativeGap: number,
): Promise<{ status: string; objective?: number; bound?: number; gap?: number; seconds: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'planner-cbc-'));
  try {
    const file = join(dir, 'model.lp');
    await writeFile(file, lpText);
    const started = performance.now();
    const run = spawnSync('cbc', [file, 'sec', String(TIME_LIMIT_SEC), 'ratio', String(relativeGap), 'solve'], {
      encoding: 'utf8',
      maxBuffer: 1 << 28,
    });
    const seconds = (performance.now() - started) / 1000;
    const output = `${run.stdout}${run.stderr}`;
    const objective = /Objective value:\s+(\S+)/.exec(output)?.[1];
    // CBC prints its bound only when it stops early; "Optimal" means within the requested ratio.
    const bound = /Lower bound:\s+(\S+)/.exec(output)?.[1];
    const status = /Result - Optimal/.test(output)
      ? 'optimal'
      : /Stopped on time/.test(output)
        ? objective
          ? 'feasible'
          : 'no_solution'
        : 'other';
    const o = objective === undefined ? undefined : Number(objective);
    const b = bound === undefined ? undefined : Number(bound);
    return {
      status,
      ...(o !== undefined ? { objective: o } : {}),
      ...(b !== undefined ? { bound: b } : {}),
      ...(o !== undefined && b !== undefined ? { gap: (o - b) / Math.abs(o) } : {}),
      seconds,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<void> {
  const rows: string[][] = [];
  const results: unknown[] = [];
  const ratios: string[] = [];
  for (const instance of instances) {
    const loaded = await loadScenarioFile(DEFAULT_SCENARIO, { set: instance.overrides });
    let exactPath: { gap?: number; seconds: number } | undefined;
    for (const method of methods) {
      if (method.only && !method.only.includes(instance.name)) continue;
      const solver = await getSolver(method.solver);
      global.gc?.();
      const result = await planCapacity(loaded.input, (program, options) => solver.solve(program, options), method.solver, {
        strategy: method.strategy,
        timeLimitSec: TIME_LIMIT_SEC,
        relativeGap: loaded.scenario.solver.gap,
        // The path `planner solve` runs: every window at least as good as GH's plan for it.
        ...greedyWindowFallback(loaded.input),
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
      if (method.solver === 'auto' && method.strategy === 'auto')
        exactPath = { ...(report.gap !== undefined ? { gap: report.gap } : {}), seconds: report.seconds };
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
    if (CBC_INSTANCES.includes(instance.name) && hasCbc()) {
      // Native CBC on the exported joint model, asked to prove the gap the default exact path proved (or the
      // scenario's target if tighter), same time limit: the like-for-like yardstick.
      const target = Math.max(loaded.scenario.solver.gap, exactPath?.gap ?? 0);
      const cbc = await runCbc(writeLpText(buildProblem(loaded.input).program), target);
      if (exactPath) {
        const proved = cbc.status === 'optimal';
        ratios.push(
          `${instance.name}: default exact path ${exactPath.seconds.toFixed(2)} s to prove ${(target * 100).toFixed(2)}%; cbc ${proved ? '' : '>= '}${cbc.seconds.toFixed(2)} s${proved ? '' : ' (not proven in the limit)'}: ratio ${proved ? '' : '<= '}${(exactPath.seconds / cbc.seconds).toFixed(3)}`,
        );
      }
      results.push({ instance: instance.name, solver: 'cbc (native)', strategy: 'joint', targetGap: target, ...cbc });
      rows.push([
        instance.name,
        'cbc (native) joint',
        cbc.status,
        money(cbc.objective),
        money(cbc.bound),
        cbc.gap === undefined ? '-' : `${(cbc.gap * 100).toFixed(2)}%`,
        cbc.seconds.toFixed(2),
        '-',
        '-',
      ]);
      process.stderr.write(`  ${instance.name} cbc: ${cbc.status} in ${cbc.seconds.toFixed(2)} s\n`);
    }
  }
  printMarkdown(['instance', 'method', 'status', 'objective', 'LP/MIP bound', 'gap', 'seconds', 'unmet requests', 'peak RSS MB'], rows);
  if (ratios.length > 0)
    process.stdout.write(`\nexact path vs native CBC on the same LP file (same gap):\n${ratios.map((r) => `  ${r}`).join('\n')}\n`);
  process.stdout.write(
    `\ntime limit ${TIME_LIMIT_SEC} s per run (BENCH_TIME_LIMIT), scenario gap target 0.5%, node ${process.version}; peak RSS is the process's so far\n`,
  );
  const file = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'results', 'planner.json');
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify({ node: process.version, timeLimitSec: TIME_LIMIT_SEC, results }, null, 2)}\n`);
  process.stdout.write(`wrote bench/results/planner.json\n`);
}
