import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { PlanResult, Strategy } from '../capacity/solve.js';
import { NO_PLAN_STATUSES } from '../capacity/types.js';
import { ExitCode, InputError } from '../errors.js';
import type { PlanDocument } from '../plan-document/index.js';
import { jointModelLp, planScenario } from '../planning/index.js';
import { renderPlanTable } from '../report/plan-table.js';
import { type MaxUnmet, parseMaxUnmet } from './flags.js';
import { assertWritable, chalkFor, writeFileAtomic, type CliIo } from './io.js';
import { scenarioFileForPlan } from './plan-file.js';
import { createProgress } from './progress.js';
import { DEFAULT_SCENARIO, loadScenarioFile } from './scenario-inputs.js';

export interface SolveCommandOptions {
  solver?: string;
  timeLimit?: number;
  gap?: number;
  windows?: string;
  format: 'table' | 'json';
  out?: string;
  emitLp?: string;
  set: string[];
  maxUnmet: string;
  strategy?: Strategy | 'auto';
  /** With gh/agh: also solve the LP relaxation (HiGHS) to report a proven gap. */
  bound?: boolean;
  resilienceCost?: boolean;
  /** No progress on stderr. */
  quiet?: boolean;
}

/** `planner solve [SCENARIO]`: plan, check the plan independently, print, write atomically, pick the exit code. */
export async function solveCommand(scenarioPath: string | undefined, options: SolveCommandOptions, io: CliIo): Promise<ExitCode> {
  const loaded = await loadScenarioFile(scenarioPath ?? DEFAULT_SCENARIO, { cwd: io.cwd, set: options.set, windows: options.windows });
  const maxUnmet = parseMaxUnmet(options.maxUnmet);
  // Unwritable outputs are refused before the solve, not after it.
  const planFile = options.out === undefined ? undefined : join(resolve(io.cwd, options.out), 'plan.json');
  if (planFile) {
    assertWritable(resolve(io.cwd, options.out!), 'folder');
    assertWritable(planFile, 'file');
  }
  if (options.emitLp) assertWritable(resolve(io.cwd, options.emitLp), 'file');

  if (options.emitLp) await writeFileAtomic(resolve(io.cwd, options.emitLp), jointModelLp(loaded.input));

  const progress = createProgress(io, { quiet: options.quiet === true });
  const { result, document } = await planScenario(loaded, {
    solver: options.solver,
    strategy: options.strategy,
    timeLimitSec: options.timeLimit,
    relativeGap: options.gap,
    bound: options.bound,
    resilienceCost: options.resilienceCost,
    progress: (done, total) => progress.update(done, total),
  });
  progress.finish();
  // Written with --out, the plan records where its scenario is, relative to the plan (validate and report find it).
  if (planFile) document.scenario = withScenarioFile(document.scenario, scenarioFileForPlan(loaded.file, planFile, io.cwd));
  const json = `${JSON.stringify(document, null, 2)}\n`;
  const writeError = planFile ? await writePlan(planFile, json) : undefined;
  if (options.format === 'json') io.stdout.write(json);
  else io.stdout.write(renderPlanTable(document, chalkFor(io)));
  if (writeError) throw writeError;

  return solveExitCode(result, maxUnmet, io);
}

/**
 * The exit code of a finished solve, with the line saying why on stderr when it is not 0: no plan (exit 1),
 * time-limited (4), or more unmet demand than --max-unmet allows (1). Exported for the fuzz tests.
 */
export function solveExitCode(result: PlanResult, maxUnmet: MaxUnmet, io: Pick<CliIo, 'stderr'>): ExitCode {
  if (NO_PLAN_STATUSES.includes(result.plan.status)) {
    io.stderr.write(`planner: no plan: ${result.solver.reason}\n`);
    return ExitCode.noPlan;
  }
  if (result.plan.status === 'time_limited') {
    io.stderr.write(`planner: time-limited plan: ${result.solver.reason}\n`);
    return ExitCode.timeLimited;
  }
  const totalRequests = result.plan.totals.servedRequests + result.plan.totals.unmetRequests;
  if (maxUnmet.exceeded(result.plan.totals.unmetRequests, totalRequests)) {
    io.stderr.write(
      `planner: ${result.plan.totals.unmetRequests} requests cannot be served (limit ${maxUnmet.text}); see the unmet demand per workload and window above\n`,
    );
    return ExitCode.noPlan;
  }
  return ExitCode.ok;
}

/** scenario with `file` set, keeping plan.json's key order (name, hash, overrides, file, hashes). */
function withScenarioFile(scenario: PlanDocument['scenario'], file: string): PlanDocument['scenario'] {
  const { hashes, file: _old, ...rest } = scenario;
  return { ...rest, file, ...(hashes ? { hashes } : {}) };
}

/**
 * Write plan.json; if that fails after the solve (the folder changed meanwhile), keep the finished plan in
 * the temp folder and name it in the error, so a long solve is not lost.
 */
export async function writePlan(planFile: string, json: string): Promise<InputError | undefined> {
  try {
    await writeFileAtomic(planFile, json);
    return undefined;
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    const kept = join(tmpdir(), `planner-plan-${process.pid}-${Date.now().toString(36)}.json`);
    try {
      await writeFileAtomic(kept, json);
    } catch {
      return error;
    }
    const [issue] = error.issues;
    return new InputError({ ...issue!, fix: `${issue!.fix}; the plan is kept at ${kept}` });
  }
}
