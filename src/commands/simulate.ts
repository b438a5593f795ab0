import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { SolveFn } from '../capacity/solve.js';
import { ExitCode, InputError } from '../errors.js';
import {
  comparisonRows,
  redirectRows,
  renderComparisonTable,
  renderRedirectTable,
  renderSimulationHtml,
  windowsCsv,
} from '../report/simulation.js';
import { parseCapacityEvents } from '../simulate/events.js';
import { MAX_STEPS_AHEAD } from '../simulate/forecast-next.js';
import { queueProfiles } from '../simulate/queueing.js';
import { compareDispatch, heterogeneity, type DispatchComparison } from '../simulate/request-compare.js';
import { simulate, type SimulationResult } from '../simulate/runner.js';
import { fixed } from '../report/html.js';
import { renderTable } from '../report/table.js';
import { STRATEGY_NAMES, type StrategyName } from '../simulate/strategies.js';
import type { Stress } from '../simulate/types.js';
import { getIsolatedSolver } from '../solvers/registry.js';
import type { Solver } from '../solvers/types.js';
import { chalkFor, writeFileAtomic, type CliIo } from './io.js';
import { loadScenarioFile } from './scenario-inputs.js';

export interface SimulateCommandOptions {
  strategies: string;
  days?: number;
  warmupHours: number;
  events?: string;
  stress: string[];
  solver?: string;
  timeLimit?: number;
  gap?: number;
  set: string[];
  out?: string;
  format: 'table' | 'json';
  /** Hours the planner commits per planning point (default: one window). */
  commitHours?: number;
  /** Scenario window whose fleet the request-level simulation replays, or 'auto': the most heterogeneous. */
  requestSim?: string;
}

/** `planner simulate [SCENARIO]`: replay the demand through each strategy, compare, write the reports. */
export async function simulateCommand(scenarioPath: string | undefined, options: SimulateCommandOptions, io: CliIo): Promise<ExitCode> {
  const strategies = parseStrategies(options.strategies);
  const stress = parseStress(options.stress);
  const loaded = await loadScenarioFile(scenarioPath, options.set, io);
  const { scenario, input } = loaded;
  const hours = input.windows[0]?.hours ?? 1;
  const warmupWindows = Math.round(options.warmupHours / hours);
  if (warmupWindows >= input.windows.length) {
    throw new InputError({
      field: '--warmup-hours',
      message: `${options.warmupHours} h of warm-up leaves none of the scenario's ${input.windows.length} windows to simulate`,
      fix: 'shorten the warm-up or lengthen horizon.windows',
    });
  }
  if (options.days !== undefined && Math.round((options.days * 24) / hours) < 1) {
    throw new InputError({
      field: '--days',
      message: `${options.days} days is less than one ${hours} h window`,
      fix: `simulate at least ${hours / 24} days`,
    });
  }
  if (stress.burst?.window !== undefined && (stress.burst.window < warmupWindows || stress.burst.window >= input.windows.length)) {
    throw new InputError({
      field: '--stress',
      message: `burst window ${stress.burst.window} is not simulated (windows ${warmupWindows}..${input.windows.length - 1})`,
      fix: 'write burst=FACTOR@WINDOW with a simulated window',
    });
  }
  const commitWindows = options.commitHours === undefined ? 1 : options.commitHours / hours;
  if (!Number.isInteger(commitWindows) || commitWindows < 1 || commitWindows > MAX_STEPS_AHEAD) {
    throw new InputError({
      field: '--commit-hours',
      message: `${options.commitHours} h is not a whole number of ${hours} h windows between 1 and ${MAX_STEPS_AHEAD}`,
      fix: `commit 1 to ${MAX_STEPS_AHEAD} windows (a day at most: the forecast reads the same hour a day earlier)`,
    });
  }
  const requestSimWindow = options.requestSim === undefined || options.requestSim === 'auto' ? undefined : Number(options.requestSim);
  if (
    requestSimWindow !== undefined &&
    (!Number.isInteger(requestSimWindow) || requestSimWindow < warmupWindows || requestSimWindow >= input.windows.length)
  ) {
    throw new InputError({
      field: '--request-sim',
      message: `'${options.requestSim}' is not a simulated window (${warmupWindows}..${input.windows.length - 1})`,
      fix: 'name a simulated window index, or auto',
    });
  }
  let events: ReturnType<typeof parseCapacityEvents> | undefined;
  if (options.events) {
    const file = resolve(io.cwd, options.events);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      throw new InputError({
        file: options.events,
        field: '--events',
        message: `cannot read: ${(error as Error).message}`,
        fix: 'check the path',
      });
    }
    events = parseCapacityEvents(text, options.events, input);
  }
  const solverName = options.solver ?? scenario.solver.name;
  let solver: Solver;
  try {
    solver = getIsolatedSolver(solverName);
  } catch (error) {
    throw new InputError({ field: options.solver ? '--solver' : `${loaded.file} solver.name`, message: (error as Error).message });
  }
  const progressLine = (strategy: string, done: number, total: number) => {
    if (io.stderrIsTty === true) io.stderr.write(`\rsimulating ${strategy}: ${done}/${total} windows\x1b[K`);
  };
  const common = {
    warmupWindows,
    ...(options.days !== undefined ? { days: options.days } : {}),
    stress,
    solve: ((program, solveOptions) => solver.solve(program, solveOptions)) as SolveFn,
    solverName,
    relativeGap: options.gap ?? scenario.solver.gap,
    planStrategy: scenario.solver.strategy,
    // Safety nets only: every solve stops by its deterministic work limits.
    timeLimitSec: options.timeLimit ?? scenario.solver.timeLimitSec,
    horizonTimeLimitSec: 4 * (options.timeLimit ?? scenario.solver.timeLimitSec),
    localOffsetHours: scenario.workloads.map((w) => w.demand.shiftHours),
    commitWindows,
    progress: progressLine,
    queueProfile: queueProfiles(
      input,
      loaded.catalog,
      loaded.mixes,
      scenario.workloads.map((w) => w.slo),
    ),
  };
  const result = await simulate(input, { ...common, strategies, ...(events ? { events } : {}) });
  // The redirect table needs the planner's routing without the events, on the same demand.
  let reference: SimulationResult | undefined;
  if (events && events.length > 0 && strategies.includes('planner'))
    reference = await simulate(input, { ...common, strategies: ['planner'] });
  if (io.stderrIsTty === true) io.stderr.write('\r\x1b[K');

  const rows = comparisonRows(result);
  const planner = result.strategies.find((s) => s.name === 'planner');
  const redirect = planner && reference ? redirectRows(planner, reference.strategies[0]) : [];
  let dispatchComparison: DispatchComparison[] | undefined;
  let requestSim: number | undefined;
  if (options.requestSim !== undefined) {
    const source = result.strategies.find((s) => s.name === 'planner') ?? result.strategies[0]!;
    // auto: the window whose fleet mixes the most replica kinds for one workload in one region (the first such).
    const k =
      requestSimWindow !== undefined
        ? result.windows.indexOf(requestSimWindow)
        : source.fleets.reduce(
            (best, fleet, i) => (heterogeneity(input, fleet) > heterogeneity(input, source.fleets[best]!) ? i : best),
            0,
          );
    requestSim = result.windows[k]!;
    dispatchComparison = compareDispatch(
      input,
      loaded.catalog,
      loaded.mixes,
      scenario.workloads.map((w) => w.slo),
      source.fleets[k]!,
    );
  }
  const summary = {
    scenario: { name: scenario.name, hash: loaded.hash, overrides: options.set },
    windows: { first: result.windows[0], count: result.windows.length, start: input.windows[result.windows[0]!]!.start, warmupWindows },
    stress,
    ...(result.burstWindow !== undefined ? { burstWindow: result.burstWindow } : {}),
    events: events ?? [],
    comparison: rows,
    redirect,
    ...(dispatchComparison
      ? { requestSim: { window: requestSim, start: input.windows[requestSim!]!.start, dispatch: dispatchComparison } }
      : {}),
  };
  if (options.out) {
    const dir = resolve(io.cwd, options.out);
    const full = { ...summary, strategies: result.strategies.map(({ fleets: _fleets, ...rest }) => rest) };
    await writeFileAtomic(join(dir, 'simulation.json'), `${JSON.stringify(full, null, 2)}\n`);
    await writeFileAtomic(join(dir, 'windows.csv'), windowsCsv(result));
    await writeFileAtomic(join(dir, 'report.html'), renderSimulationHtml(`Simulation: ${scenario.name}`, result, rows, redirect));
  }
  if (options.format === 'json') {
    io.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    return ExitCode.ok;
  }
  const chalk = chalkFor(io);
  const first = input.windows[result.windows[0]!]!.start;
  io.stdout.write(
    `Simulation of ${scenario.name}: ${result.windows.length} windows from ${first} (${warmupWindows} windows of history before)${describeStress(stress, result.burstWindow)}\n`,
  );
  io.stdout.write(renderComparisonTable(rows, chalk));
  for (const row of rows) {
    const byWorkload = Object.entries(row.attainmentByWorkload)
      .map(([id, a]) => `${id} ${(a * 100).toFixed(3)}%`)
      .join(', ');
    const evicted = row.spotEvictions > 0 ? `; ${fixed(row.spotEvictions, 0)} spot VMs evicted` : '';
    const pending =
      row.pendingRequests > 0 ? `; ${fixed(row.pendingRequests, 0)} deferrable requests still waiting (not yet due) at the end` : '';
    const queueing = row.queueing
      ? `; mean prefill wait ${row.queueing.meanWaitMs.toFixed(1)} ms, worst pool TTFT ${(row.queueing.worstTtftToSlo * 100).toFixed(0)}% and TPOT ${(row.queueing.worstTpotToSlo * 100).toFixed(0)}% of SLO`
      : '';
    io.stdout.write(
      `${chalk.bold(row.strategy)}: ${row.description}; attainment ${byWorkload}${pending}${evicted}${queueing}; planned in ${row.planningSeconds.toFixed(1)} s${row.notes.length ? `; ${row.notes.join('; ')}` : ''}\n`,
    );
  }
  if (redirect.length > 0) {
    io.stdout.write(`\nWhere the planner's traffic went during the capacity events (mean req/s over the event windows):\n`);
    io.stdout.write(renderRedirectTable(redirect, chalk));
  }
  if (dispatchComparison) {
    io.stdout.write(
      `\nRequest-level simulation of window ${requestSim} (${input.windows[requestSim!]!.start}), the ${result.strategies.some((s) => s.name === 'planner') ? 'planner' : result.strategies[0]!.name}'s fleet: highest load with >= 99% of requests within TTFT\n`,
    );
    io.stdout.write(
      renderTable(
        [
          'workload',
          'region',
          'pool in the plan',
          'replicas simulated',
          'SLO capacity req/s',
          'proportional req/s',
          'round-robin req/s',
          'gain',
        ],
        dispatchComparison.map((d) => [
          d.workload,
          d.region,
          d.pool.join('\n'),
          String(d.simulatedReplicas),
          d.capacityRps.toFixed(1),
          d.proportionalRps.toFixed(1),
          d.roundRobinRps.toFixed(1),
          Number.isFinite(d.gain) ? `${d.gain >= 0 ? '+' : ''}${(100 * d.gain).toFixed(1)}%` : 'n/a',
        ]),
        chalk,
        ['left', 'left', 'left', 'right', 'right', 'right', 'right', 'right'],
      ),
    );
  }
  if (options.out) io.stdout.write(`\nwrote ${join(options.out, 'simulation.json')}, windows.csv and report.html\n`);
  return ExitCode.ok;
}

function parseStrategies(text: string): StrategyName[] {
  const names = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !STRATEGY_NAMES.includes(n as StrategyName));
  if (names.length === 0 || unknown.length > 0) {
    throw new InputError({
      field: '--strategies',
      message: names.length === 0 ? 'no strategy named' : `unknown strateg${unknown.length > 1 ? 'ies' : 'y'} ${unknown.join(', ')}`,
      fix: `choose from ${STRATEGY_NAMES.join(', ')}`,
    });
  }
  return [...new Set(names)] as StrategyName[];
}

/** `demand=1.5`, `burst=8` or `burst=8@30` (window 30), `throughput=1.5`; repeatable or comma-separated. */
export function parseStress(values: readonly string[]): Stress {
  const stress: Stress = {};
  for (const item of values
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean)) {
    const match = /^(demand|burst|throughput)=([0-9.]+)(?:@(\d+))?$/.exec(item);
    const factor = match ? Number(match[2]) : NaN;
    if (!match || !(factor > 0) || (match[3] !== undefined && match[1] !== 'burst')) {
      throw new InputError({
        field: '--stress',
        message: `cannot read '${item}'`,
        fix: 'write demand=1.5, burst=8 (or burst=8@WINDOW) or throughput=1.5',
      });
    }
    if (match[1] === 'demand') stress.demandScale = factor;
    else if (match[1] === 'throughput') stress.throughputOptimism = factor;
    else stress.burst = { factor, ...(match[3] !== undefined ? { window: Number(match[3]) } : {}) };
  }
  return stress;
}

function describeStress(stress: Stress, burstWindow?: number): string {
  const parts: string[] = [];
  if (stress.demandScale !== undefined) parts.push(`actual demand x${stress.demandScale} after planning`);
  if (stress.burst) parts.push(`x${stress.burst.factor} burst in window ${burstWindow}`);
  if (stress.throughputOptimism !== undefined) parts.push(`planners believe replicas serve x${stress.throughputOptimism}`);
  return parts.length > 0 ? `; stress: ${parts.join(', ')}` : '';
}
