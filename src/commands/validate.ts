import { ExitCode } from '../errors.js';
import { planOf } from '../report/plan-document.js';
import { renderTable } from '../report/table.js';
import { checkPlan } from '../validate/check-plan.js';
import { chalkFor, type CliIo } from './io.js';
import { readPlanDocument } from './plan-file.js';
import { loadScenarioFile, parseMaxUnmet } from './scenario-inputs.js';

export interface ValidateCommandOptions {
  scenario?: string;
  format: 'table' | 'json';
  set: string[];
  maxUnmet: string;
}

/**
 * `planner validate PLAN --scenario S`: recompute capacity, packing, quotas, route latency, demand
 * coverage, budget and cost from the plan and the scenario alone (the plan's own overrides re-applied).
 * Exit 0 when everything holds, 1 with the violations, 2 when the plan or scenario cannot be read.
 */
export async function validateCommand(planPath: string, options: ValidateCommandOptions, io: CliIo): Promise<ExitCode> {
  const document = await readPlanDocument(planPath, io);

  const loaded = await loadScenarioFile(options.scenario, [...document.scenario.overrides, ...options.set], io);
  const check = checkPlan(loaded.input, planOf(document));
  const maxUnmet = parseMaxUnmet(options.maxUnmet);
  const totalRequests = document.totals.servedRequests + document.totals.unmetRequests;
  const unmetTooHigh = maxUnmet.exceeded(check.unmetRequests, totalRequests);
  const ok = check.ok && !unmetTooHigh;
  const scenarioChanged = loaded.hash !== document.scenario.hash;

  if (options.format === 'json') {
    io.stdout.write(`${JSON.stringify({ ok, scenarioChanged, costUsd: check.costUsd, unmetRequests: check.unmetRequests, violations: check.violations }, null, 2)}\n`);
  } else {
    const chalk = chalkFor(io);
    if (scenarioChanged) io.stdout.write(chalk.yellow('note: the scenario or its data changed since this plan was made; checking against the current one\n'));
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
    if (unmetTooHigh) io.stdout.write(chalk.red(`${check.unmetRequests} requests are left unmet (limit ${maxUnmet.text})\n`));
    if (ok) io.stdout.write(chalk.green(`plan OK: ${document.windows.length} windows, cost $${check.costUsd.toFixed(2)}, all checks hold\n`));
  }
  return ok ? ExitCode.ok : ExitCode.noPlan;
}
