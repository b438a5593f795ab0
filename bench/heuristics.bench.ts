import { planCapacity } from '../src/capacity/solve.js';
import type { CliIo } from '../src/commands/io.js';
import { loadScenarioFile } from '../src/commands/scenario-inputs.js';
import { planHeuristic, type HeuristicName } from '../src/heuristics/index.js';
import { getSolver } from '../src/solvers/registry.js';
import { checkPlan } from '../src/validate/check-plan.js';
import { printMarkdown } from './solvers.bench.js';

/**
 * GH and AGH against the MILP (HiGHS, strategy auto) on the built-in default scenario: 1 window, a day, the
 * week. Per method: objective (cost + start-ups + penalties), VM cost, LP bound (the MILP run's bound),
 * gap of each method against that bound, AGH's excess over the MILP plan, seconds, and whether the plan
 * passes checkPlan.
 */
const TIME_LIMIT_SEC = Number(process.env.BENCH_TIME_LIMIT ?? 60);

const instances: Array<{ name: string; overrides: string[] }> = [
  { name: 'S (1 window)', overrides: ['horizon.windows=1'] },
  { name: 'M (24 windows)', overrides: ['horizon.windows=24'] },
  { name: 'L (168 windows)', overrides: [] },
];

const quietIo: CliIo = { stdout: { write: () => true }, stderr: { write: () => true }, env: {}, stdoutIsTty: false, cwd: process.cwd() };

export async function run(): Promise<void> {
  const rows: string[][] = [];
  for (const instance of instances) {
    const loaded = await loadScenarioFile(undefined, instance.overrides, quietIo);
    const input = loaded.input;
    const solver = await getSolver('highs');
    const milp = await planCapacity(input, (program, options) => solver.solve(program, options), 'highs', {
      strategy: 'auto',
      timeLimitSec: TIME_LIMIT_SEC,
      relativeGap: loaded.scenario.solver.gap,
    });
    const bound = milp.solver.bound;
    const milpObjective = milp.solver.objective;
    const results: Array<{ method: string; objective: number | undefined; cost: number; seconds: number; ok: boolean }> = [];
    for (const name of ['gh', 'agh'] as HeuristicName[]) {
      const result = planHeuristic(input, name);
      results.push({ method: name.toUpperCase(), objective: result.objective, cost: result.plan.totals.costUsd, seconds: result.seconds, ok: checkPlan(input, result.plan).ok });
      process.stderr.write(`  ${instance.name} ${name}: ${result.seconds.toFixed(2)} s\n`);
    }
    results.push({
      method: `MILP highs ${milp.solver.strategy}`,
      objective: milpObjective,
      cost: milp.plan.totals.costUsd,
      seconds: milp.solver.seconds,
      ok: checkPlan(input, milp.plan).ok,
    });
    process.stderr.write(`  ${instance.name} milp: ${milp.solver.status} in ${milp.solver.seconds.toFixed(2)} s\n`);
    for (const r of results) {
      rows.push([
        instance.name,
        r.method,
        r.objective === undefined ? '-' : `$${r.objective.toFixed(2)}`,
        `$${r.cost.toFixed(2)}`,
        bound === undefined ? '-' : `$${bound.toFixed(2)}`,
        r.objective === undefined || bound === undefined ? '-' : `${((100 * (r.objective - bound)) / Math.max(1e-9, Math.abs(r.objective))).toFixed(2)}%`,
        r.objective === undefined || milpObjective === undefined ? '-' : `${((100 * (r.objective - milpObjective)) / milpObjective).toFixed(2)}%`,
        r.seconds.toFixed(2),
        r.ok ? 'yes' : 'NO',
      ]);
    }
  }
  printMarkdown(['instance', 'method', 'objective', 'VM cost', 'LP bound', 'gap vs bound', 'vs MILP', 'seconds', 'checkPlan ok'], rows);
  process.stdout.write(`\nMILP: highs, strategy auto, scenario gap target, time limit ${TIME_LIMIT_SEC} s (BENCH_TIME_LIMIT); AGH 8 starts, seed 1; node ${process.version}\n`);
}
