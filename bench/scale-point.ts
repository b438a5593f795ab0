import { DEFAULT_SCENARIO, loadScenarioFile, planScenario } from '../src/index.js';

/**
 * One scale instance, in a process of its own (bench/scale.bench.ts spawns it) so that its peak memory is its
 * own: the default scenario with the `--set` overrides given as arguments, solved as `planner solve` does.
 * Prints one JSON line: wall and CPU seconds, peak resident memory, and the plan's figures.
 */
const overrides = process.argv.slice(2);
const started = performance.now();
const cpu = process.cpuUsage();
const loaded = await loadScenarioFile(DEFAULT_SCENARIO, { set: overrides });
const { result } = await planScenario(loaded, {});
const used = process.cpuUsage(cpu);
const solver = result.solver;
process.stdout.write(
  `${JSON.stringify({
    seconds: (performance.now() - started) / 1000,
    cpuSeconds: (used.user + used.system) / 1e6,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    status: result.plan.status,
    strategy: solver.strategy,
    windows: result.plan.windows.length,
    columns: loaded.input.windows.length,
    objective: solver.objective ?? null,
    bound: solver.bound ?? null,
    gap: solver.gap ?? null,
    unmetRequests: result.plan.totals.unmetRequests,
    costUsd: result.plan.totals.costUsd,
  })}\n`,
);
process.exit(0);
