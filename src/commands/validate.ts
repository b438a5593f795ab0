import { ExitCode, InputError, didYouMean } from '../errors.js';
import { planOf } from '../plan-document/index.js';
import { validatePlan } from '../planning/index.js';
import { renderValidation } from '../report/validation-table.js';
import { describeBudget } from '../capacity/budget-status.js';
import { parseMaxUnmet, windowOverrides } from './flags.js';
import { chalkFor, type CliIo } from './io.js';
import { type Provenance, readPlanDocument, scenarioOfPlan } from './plan-file.js';

export interface ValidateCommandOptions {
  scenario?: string;
  format: 'table' | 'json';
  set: string[];
  /** FROM..TO: the same window overrides `solve --windows` records. */
  windows?: string;
  maxUnmet: string;
  failRegion: string[];
  /** Check a stale plan against the inputs as they are now instead of stopping at "the plan is stale". */
  allowStale?: boolean;
}

/**
 * `planner validate PLAN [--scenario S]`: recompute capacity, packing, quotas, route latency, demand
 * coverage, budget, cost, every figure the plan states and the policies from the plan and the scenario
 * alone, as the scenario asks (with `set`): a plan solved with overrides that change that is a `provenance`
 * violation, unless the same overrides are given; with --fail-region R (and for N+1 and on-demand cover) it proves by an LP that the replicas
 * left still route the demand. The scenario is the one the plan records (relative to the plan) unless
 * --scenario names one; a scenario of another name is refused (exit 2). A plan whose scenario, catalog or
 * data changed since it was solved is stale: one line and exit 5 (--allow-stale checks it anyway).
 * Exit 0 when everything holds, 1 with the violations, 2 when the plan or scenario cannot be read.
 */
export async function validateCommand(planPath: string, options: ValidateCommandOptions, io: CliIo): Promise<ExitCode> {
  const document = await readPlanDocument(planPath, io.cwd);
  const set = [...(options.windows ? windowOverrides(options.windows) : []), ...options.set];
  const { loaded, freshness, provenance } = await scenarioOfPlan(
    planPath,
    document,
    { scenario: options.scenario, set, reapply: false },
    io.cwd,
  );
  if (!freshness.fresh && !options.allowStale) {
    if (options.format === 'json') {
      io.stdout.write(`${JSON.stringify({ ok: false, stale: true, changed: freshness.changed, message: freshness.line }, null, 2)}\n`);
    } else {
      io.stdout.write(`${chalkFor(io).red(freshness.line)}\n`);
    }
    return ExitCode.stale;
  }
  for (const region of options.failRegion) {
    if (!loaded.input.regions.includes(region)) {
      throw new InputError({
        field: '--fail-region',
        message: `'${region}' is not one of the scenario's regions (${loaded.input.regions.join(', ')})`,
        fix: didYouMean(region, loaded.input.regions) || 'name a region the plan serves from',
      });
    }
  }
  const validation = await validatePlan(loaded.input, planOf(document), options.failRegion);
  const { check, futures } = validation;
  if (provenance.changesScenario) {
    check.violations.unshift({ group: 'provenance', figure: 'scenario.overrides', message: provenanceMessage(provenance) });
    check.ok = false;
  }
  const maxUnmet = parseMaxUnmet(options.maxUnmet);
  const totalRequests = document.totals.servedRequests + document.totals.unmetRequests;
  const unmetTooHigh = maxUnmet.exceeded(check.unmetRequests, totalRequests);
  const ok = check.ok && !unmetTooHigh;
  const scenarioChanged = !freshness.fresh;

  if (options.format === 'json') {
    const survives = futures.map((f) => ({ future: f.future.name, ok: f.violations.length === 0, shortRequests: f.shortRequests }));
    io.stdout.write(
      `${JSON.stringify(
        {
          ok,
          stale: scenarioChanged,
          scenarioChanged,
          overrides: provenance,
          costUsd: check.costUsd,
          unmetRequests: check.unmetRequests,
          ...(check.budget ? { budget: check.budget } : {}),
          futures: survives,
          violations: check.violations,
        },
        null,
        2,
      )}\n`,
    );
  } else {
    const verdict = {
      ok,
      scenarioChanged,
      windows: document.windows.length,
      overrides: provenance.overrides,
      ...(check.budget ? { budget: describeBudget(check.budget), budgetFlagged: check.budget.state !== 'within' } : {}),
      ...(unmetTooHigh ? { unmetLimit: maxUnmet.text } : {}),
    };
    io.stdout.write(renderValidation(validation, verdict, chalkFor(io)));
  }
  return ok ? ExitCode.ok : ExitCode.noPlan;
}

function provenanceMessage(provenance: Provenance): string {
  const list = (overrides: readonly string[]) => (overrides.length ? overrides.map((o) => `--set ${o}`).join(' ') : 'no overrides');
  return `the plan was solved with ${list(provenance.overrides)}, which changes what the scenario asks for (checked with ${list(provenance.given)}); validate with the same --set to check it against them, or solve the scenario as it is`;
}
