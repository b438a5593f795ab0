import { ExitCode, InputError, didYouMean } from '../errors.js';
import { planOf } from '../plan-document/index.js';
import { renderTable } from '../report/table.js';
import { checkPlan } from '../validate/check-plan.js';
import { checkFutures, futuresOf, type LpSolve } from '../validate/resilience.js';
import { getSolver } from '../solvers/registry.js';
import { chalkFor, type CliIo } from './io.js';
import { readPlanDocument } from './plan-file.js';
import { loadScenarioFile, parseMaxUnmet } from './scenario-inputs.js';

export interface ValidateCommandOptions {
  scenario?: string;
  format: 'table' | 'json';
  set: string[];
  maxUnmet: string;
  failRegion: string[];
}

/**
 * `planner validate PLAN --scenario S`: recompute capacity, packing, quotas, route latency, demand
 * coverage, budget, cost and the policies from the plan and the scenario alone (the plan's own overrides
 * re-applied); with --fail-region R (and for N+1 and on-demand cover) it proves by an LP that the replicas
 * left still route the demand. Exit 0 when everything holds, 1 with the violations, 2 when the plan or scenario cannot be read.
 */
export async function validateCommand(planPath: string, options: ValidateCommandOptions, io: CliIo): Promise<ExitCode> {
  const document = await readPlanDocument(planPath, io.cwd);

  const loaded = await loadScenarioFile(options.scenario, [...document.scenario.overrides, ...options.set], io);
  const plan = planOf(document);
  options.failRegion.forEach((region) => {
    if (!loaded.input.regions.includes(region)) {
      throw new InputError({
        field: '--fail-region',
        message: `'${region}' is not one of the scenario's regions (${loaded.input.regions.join(', ')})`,
        fix: didYouMean(region, loaded.input.regions) || 'name a region the plan serves from',
      });
    }
  });
  const check = checkPlan(loaded.input, plan);
  const futures = await checkFutures(loaded.input, plan, futuresOf(loaded.input, options.failRegion), await routingLpSolver());
  for (const future of futures) check.violations.push(...future.violations);
  check.ok = check.violations.length === 0;
  const maxUnmet = parseMaxUnmet(options.maxUnmet);
  const totalRequests = document.totals.servedRequests + document.totals.unmetRequests;
  const unmetTooHigh = maxUnmet.exceeded(check.unmetRequests, totalRequests);
  const ok = check.ok && !unmetTooHigh;
  const scenarioChanged = loaded.hash !== document.scenario.hash;

  if (options.format === 'json') {
    const survives = futures.map((f) => ({ future: f.future.name, ok: f.violations.length === 0, shortRequests: f.shortRequests }));
    io.stdout.write(
      `${JSON.stringify({ ok, scenarioChanged, costUsd: check.costUsd, unmetRequests: check.unmetRequests, futures: survives, violations: check.violations }, null, 2)}\n`,
    );
  } else {
    const chalk = chalkFor(io);
    if (scenarioChanged)
      io.stdout.write(chalk.yellow('note: the scenario or its data changed since this plan was made; checking against the current one\n'));
    if (check.violations.length) {
      io.stdout.write(`${chalk.red.bold(`${check.violations.length} violation${check.violations.length === 1 ? '' : 's'}`)}:\n`);
      io.stdout.write(
        renderTable(
          ['group', 'window', 'region', 'llm', 'sku', 'what'],
          check.violations.map((v) => [v.group, v.start ?? '-', v.region ?? '-', v.llm ?? v.workload ?? '-', v.sku ?? '-', v.message]),
          chalk,
          ['left', 'left', 'left', 'left', 'left', 'left'],
        ),
      );
    }
    for (const future of futures) {
      const verdict =
        future.violations.length === 0
          ? chalk.green('routable in every window')
          : chalk.red(`${future.shortRequests} requests cannot be routed`);
      io.stdout.write(`${future.future.name}: ${verdict}\n`);
    }
    if (unmetTooHigh) io.stdout.write(chalk.red(`${check.unmetRequests} requests are left unmet (limit ${maxUnmet.text})\n`));
    if (ok)
      io.stdout.write(chalk.green(`plan OK: ${document.windows.length} windows, cost $${check.costUsd.toFixed(2)}, all checks hold\n`));
  }
  return ok ? ExitCode.ok : ExitCode.noPlan;
}

/** The futures' routing LPs go to HiGHS: any LP solver would do, and its answer is re-verified. */
export async function routingLpSolver(): Promise<LpSolve> {
  const highs = await getSolver('highs');
  return (program, options) => highs.solve(program, options);
}
