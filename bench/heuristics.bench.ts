import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { planCapacity } from '../src/capacity/solve.js';
import { DEFAULT_SCENARIO, loadScenarioFile } from '../src/index.js';
import { type AghWork, aghSettings, greedyWindowFallback, type HeuristicName, planHeuristic } from '../src/heuristics/index.js';
import { getSolver } from '../src/solvers/registry.js';
import { checkPlan } from '../src/validate/check-plan.js';
import { instances } from './planner.bench.js';
import { printMarkdown } from './solvers.bench.js';

/**
 * GH and AGH against the default exact path (solver auto, strategy auto) on the planner bench's S/M/L/XL instances.
 * Per method: objective (cost + start-ups + penalties), LP bound (the exact run's bound), gap against that
 * bound, excess over the exact plan, seconds, speed-up over the exact path, peak RSS, and whether the plan
 * passes checkPlan. GH and AGH are timed twice: their first call in the process (what one CLI run pays, V8's
 * compilation of their code included) and warm (the least of WARM_RUNS further calls, each of which must give the
 * same plan byte for byte). Results also go to bench/results/heuristics.json (commit when they change).
 */
const TIME_LIMIT_SEC = Number(process.env.BENCH_TIME_LIMIT ?? 60);
/** Warm calls follow one another without a forced GC: with gc() before each, every call in trials ran about as slow as a cold one. */
const WARM_RUNS = 9;

/** CPU seconds (user + system) of this process since `from`: the machine is shared, so ratios use CPU, not wall. */
const cpuSince = (from: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(from);
  return (used.user + used.system) / 1e6;
};

const pct = (value: number | undefined) => (value === undefined ? '-' : `${(value * 100).toFixed(2)}%`);

export async function run(): Promise<void> {
  const agh = aghSettings();
  const rows: string[][] = [];
  const results: unknown[] = [];
  const solver = await getSolver('auto');
  for (const instance of instances) {
    const loaded = await loadScenarioFile(DEFAULT_SCENARIO, { set: instance.overrides });
    const input = loaded.input;
    const measured: Array<{
      method: string;
      objective: number | undefined;
      cost: number;
      seconds: number;
      cpuSeconds: number;
      warmCpuSeconds?: number;
      ok: boolean;
      peakRssMb: number;
      work?: AghWork;
    }> = [];
    for (const name of ['gh', 'agh'] as HeuristicName[]) {
      global.gc?.();
      const cpuFrom = process.cpuUsage();
      const result = planHeuristic(input, name);
      const cpuSeconds = cpuSince(cpuFrom);
      const first = JSON.stringify(result.plan);
      let warmCpuSeconds = Infinity;
      for (let run = 0; run < WARM_RUNS; run++) {
        const from = process.cpuUsage();
        const again = planHeuristic(input, name);
        warmCpuSeconds = Math.min(warmCpuSeconds, cpuSince(from));
        if (JSON.stringify(again.plan) !== first) throw new Error(`${instance.name} ${name}: a repeated run gave another plan`);
      }
      measured.push({
        method: name.toUpperCase(),
        objective: result.objective,
        cost: result.plan.totals.costUsd,
        seconds: result.seconds,
        cpuSeconds,
        warmCpuSeconds,
        ok: checkPlan(input, result.plan).ok,
        peakRssMb: process.resourceUsage().maxRSS / 1024,
        ...(result.work ? { work: result.work } : {}),
      });
      process.stderr.write(
        `  ${instance.name} ${name}: ${result.seconds.toFixed(3)} s (${cpuSeconds.toFixed(3)} CPU s, warm ${warmCpuSeconds.toFixed(3)})` +
          `${result.work ? ` work ${JSON.stringify(result.work)}` : ''}\n`,
      );
    }
    // The exact path after the heuristics: its solver threads and its heap (hundreds of MB) would otherwise be
    // part of what the heuristics' CPU seconds measure; a CLI run does one or the other.
    global.gc?.();
    const exactCpuFrom = process.cpuUsage();
    const exact = await planCapacity(input, (program, options) => solver.solve(program, options), 'auto', {
      strategy: 'auto',
      timeLimitSec: TIME_LIMIT_SEC,
      relativeGap: loaded.scenario.solver.gap,
      // What `planner solve` runs: every window's plan is also checked against GH's for it.
      ...greedyWindowFallback(input),
    });
    const exactCpu = cpuSince(exactCpuFrom);
    const bound = exact.solver.bound;
    const exactObjective = exact.solver.objective;
    process.stderr.write(`  ${instance.name} exact: ${exact.solver.status} in ${exact.solver.seconds.toFixed(2)} s\n`);
    measured.push({
      method: `exact (auto ${exact.solver.strategy})`,
      objective: exactObjective,
      cost: exact.plan.totals.costUsd,
      seconds: exact.solver.seconds,
      cpuSeconds: exactCpu,
      ok: checkPlan(input, exact.plan).ok,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
    });
    for (const r of measured) {
      const gap = r.objective === undefined || bound === undefined ? undefined : (r.objective - bound) / Math.abs(r.objective);
      const vsExact =
        r.objective === undefined || exactObjective === undefined ? undefined : (r.objective - exactObjective) / exactObjective;
      const speedup = exact.solver.seconds / Math.max(1e-6, r.seconds);
      const cpuSpeedup = exactCpu / Math.max(1e-6, r.cpuSeconds);
      const warmCpuSpeedup = r.warmCpuSeconds === undefined ? undefined : exactCpu / Math.max(1e-6, r.warmCpuSeconds);
      results.push({
        instance: instance.name,
        method: r.method,
        objective: r.objective,
        costUsd: r.cost,
        bound,
        gap,
        vsExact,
        seconds: r.seconds,
        speedup,
        cpuSeconds: r.cpuSeconds,
        cpuSpeedup,
        ...(r.warmCpuSeconds !== undefined ? { warmCpuSeconds: r.warmCpuSeconds, warmCpuSpeedup } : {}),
        peakRssMb: r.peakRssMb,
        checkPlanOk: r.ok,
        ...(r.work ? { work: r.work } : {}),
      });
      rows.push([
        instance.name,
        r.method,
        r.objective === undefined ? '-' : `$${r.objective.toFixed(2)}`,
        bound === undefined ? '-' : `$${bound.toFixed(2)}`,
        pct(gap),
        pct(vsExact),
        r.seconds.toFixed(3),
        `${speedup.toFixed(1)}x`,
        r.cpuSeconds.toFixed(3),
        `${cpuSpeedup.toFixed(1)}x`,
        r.warmCpuSeconds === undefined ? '-' : r.warmCpuSeconds.toFixed(3),
        warmCpuSpeedup === undefined ? '-' : `${warmCpuSpeedup.toFixed(1)}x`,
        r.peakRssMb.toFixed(0),
        r.ok ? 'yes' : 'NO',
      ]);
    }
  }
  printMarkdown(
    [
      'instance',
      'method',
      'objective',
      'LP bound',
      'gap vs bound',
      'vs exact',
      'seconds',
      'speed-up vs exact',
      'CPU s',
      'CPU speed-up',
      'warm CPU s',
      'warm CPU speed-up',
      'peak RSS MB',
      'checkPlan ok',
    ],
    rows,
  );
  process.stdout.write(
    `\nexact: solver auto, strategy auto, scenario gap target, time limit ${TIME_LIMIT_SEC} s (BENCH_TIME_LIMIT); ` +
      `AGH ${agh.starts} starts (those beyond the first only in windows more than ${(agh.slackShare * 100).toFixed(1)}% above their lower bound), ` +
      `${agh.moves} moves per start, ${agh.passes} passes, seed ${agh.seed}; CPU s = process user + system (all threads), ` +
      `warm = least of ${WARM_RUNS} repeat calls; node ${process.version}\n`,
  );
  const file = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'results', 'heuristics.json');
  await mkdir(dirname(file), { recursive: true });
  await writeFile(
    file,
    `${JSON.stringify({ node: process.version, timeLimitSec: TIME_LIMIT_SEC, warmRuns: WARM_RUNS, agh, results }, null, 2)}\n`,
  );
  process.stdout.write(`wrote bench/results/heuristics.json\n`);
}
