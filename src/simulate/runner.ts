import type { SolveFn, Strategy } from '../capacity/solve.js';
import type { PlanningInput } from '../capacity/types.js';
import { gapToBound } from './cost-bound.js';
import { evaluateFleets } from './evaluate.js';
import type { QueueProfileOf } from './queueing.js';
import { CONTENDERS, type ContenderContext, type ContenderName, type ContenderRun } from './contenders.js';
import type { CapacityEvent, Stress, ContenderResult } from './types.js';

export interface SimulateOptions {
  contenders: readonly ContenderName[];
  /** Windows used only as history before the first planned one (default one day). */
  warmupWindows?: number;
  /** Evaluate this many days after the warm-up (default: all that remain). */
  days?: number;
  events?: readonly CapacityEvent[];
  stress?: Stress;
  /** Hours each workload's local time is behind UTC (its profile's shift): day types follow local time. */
  localOffsetHours?: readonly number[];
  /** Solves every planning call and the dispatch LPs. */
  solve: SolveFn;
  /**
   * More solvers (each its own thread) to run contenders side by side: contenders are dealt to lanes by a
   * fixed rule (contenderLanes), each lane solving with its own. The figures do not depend on how many.
   */
  moreSolves?: readonly SolveFn[];
  solverName: string;
  relativeGap: number;
  /** Strategy (decomposition) of each planning call (default auto). */
  planStrategy?: Strategy | 'auto';
  /** Per planning call. */
  timeLimitSec: number;
  /** Per whole-horizon solve (oracle, single-gpu per GPU type); default four times timeLimitSec. */
  horizonTimeLimitSec?: number;
  /** Windows the planner commits per planning point (default 1: re-plans every window). */
  commitWindows?: number;
  progress?: (contender: string, done: number, total: number) => void;
  /** Queue profiles for the queueing estimate per replica group (src/simulate/queueing.ts); none: fluid only. */
  queueProfile?: QueueProfileOf;
  /** The planner learns per-config rate factors from its evaluated windows (default true). */
  learnRates?: boolean;
}

export interface SimulationResult {
  windows: number[];
  /** The window a burst hit, if any. */
  burstWindow?: number;
  contenders: ContenderResult[];
}

/**
 * Replays the scenario's demand window by window for each contender and evaluates every fleet on the same
 * actual demand (stress applied after planning). Contenders see demand only through ContenderContext:
 * history before the planning point, or, for the perfect-knowledge baselines, the actual demand.
 */
export async function simulate(input: PlanningInput, options: SimulateOptions): Promise<SimulationResult> {
  const warmup = options.warmupWindows ?? Math.min(24, Math.max(0, input.windows.length - 1));
  const hoursPerDay = 24 / (input.windows[0]?.hours ?? 1);
  const available = input.windows.length - warmup;
  const count = options.days === undefined ? available : Math.min(available, Math.round(options.days * hoursPerDay));
  if (count <= 0) throw new RangeError(`nothing to simulate: ${input.windows.length} windows, ${warmup} of them warm-up`);
  const windows = Array.from({ length: count }, (_, k) => warmup + k);
  const stress = options.stress ?? {};
  const actual = stressedDemand(input, windows, stress);
  const burstWindow = stress.burst ? (stress.burst.window ?? busiestWindow(input, windows)) : undefined;
  if (burstWindow !== undefined) for (const series of actual.flat()) series[burstWindow] = series[burstWindow]! * stress.burst!.factor;

  const slice = (demand: readonly (readonly (readonly number[])[])[], from: number, n: number) =>
    demand.map((origins) => origins.map((series) => series.slice(from, from + n)));
  const ctx: ContenderContext = {
    input,
    windows,
    historyBefore: (t) => slice(actual, 0, t),
    actualOf: (from, n) => slice(actual, from, n),
    nominalOf: (from, n) => slice(input.demand, from, n),
    localStarts: (w, t) =>
      input.windows
        .slice(0, t + 1)
        .map((window) => new Date(Date.parse(window.start) - (options.localOffsetHours?.[w] ?? 0) * 3_600_000).toISOString()),
    events: options.events ?? [],
    startFleet: input.policies.currentFleet,
    solve: options.solve,
    solverName: options.solverName,
    relativeGap: options.relativeGap,
    planStrategy: options.planStrategy ?? 'auto',
    timeLimitSec: options.timeLimitSec,
    horizonTimeLimitSec: options.horizonTimeLimitSec ?? 4 * options.timeLimitSec,
    ...(options.commitWindows !== undefined ? { commitWindows: options.commitWindows } : {}),
    rateScale: stress.throughputOptimism ?? 1,
    learnRates: options.learnRates ?? true,
    ...(options.progress ? { progress: options.progress } : {}),
  };
  const evaluateWith = (solve: SolveFn) => (run: ContenderRun) =>
    evaluateFleets(
      {
        input,
        windows,
        actual,
        events: ctx.events,
        startFleet: ctx.startFleet,
        solve,
        ...(options.queueProfile ? { queueProfile: options.queueProfile } : {}),
      },
      run,
    );
  const evaluate = evaluateWith(options.solve);
  const solves = [options.solve, ...(options.moreSolves ?? [])];
  const lanes = contenderLanes(options.contenders, solves.length);
  const byName = new Map<ContenderName, { run: ContenderRun; result: ContenderResult }>();
  // Each contender reads only the shared, immutable demand and its own lane's solver.
  await Promise.all(
    lanes.map(async (names, lane) => {
      const solve = solves[lane]!;
      for (const name of names) {
        const run = await CONTENDERS[name]({ ...ctx, solve });
        byName.set(name, { run, result: await evaluateWith(solve)(run) });
      }
    }),
  );
  const results = options.contenders.map((name) => byName.get(name)!.result);
  const runs = new Map<string, ContenderRun>(options.contenders.map((name) => [name, byName.get(name)!.run]));
  const oracle = results.findIndex((r) => r.name === 'oracle');
  if (oracle >= 0) {
    const dominating = await dominatingOracle(results[oracle]!, results, runs, evaluate);
    results[oracle] = withBound(dominating, runs.get('oracle')!.costBoundUsd);
  }
  return { windows, ...(burstWindow !== undefined ? { burstWindow } : {}), contenders: results };
}

/** Planning effort by contender, in the order a lane takes them: the perfect-knowledge baselines solve whole horizons. */
const CONTENDER_WEIGHT: Record<ContenderName, number> = { 'single-gpu': 3, oracle: 2, planner: 2, siloed: 0.5, reactive: 0.1 };

/**
 * Contenders dealt to `count` lanes, heaviest first to the lightest lane (ties: the lower lane, then the
 * order given): a fixed rule, so that what runs where never depends on timing.
 */
export function contenderLanes(contenders: readonly ContenderName[], count: number): ContenderName[][] {
  const lanes = Array.from({ length: Math.max(1, count) }, () => ({ load: 0, names: [] as ContenderName[] }));
  const order = contenders.map((name, k) => ({ name, k })).sort((a, b) => CONTENDER_WEIGHT[b.name] - CONTENDER_WEIGHT[a.name] || a.k - b.k);
  for (const { name } of order) {
    const lane = lanes.reduce((best, l) => (l.load < best.load ? l : best), lanes[0]!);
    lane.load += CONTENDER_WEIGHT[name];
    lane.names.push(name);
  }
  return lanes.filter((l) => l.names.length > 0).map((l) => l.names);
}

const totalCost = (r: ContenderResult) => r.totals.costUsd + r.totals.startupCostUsd;

/**
 * The oracle knows the future, so every contender's fleet is a plan it could have run: where one costs less
 * while serving at least as much (its own MILP stopped short of the optimum, on a work limit or because the
 * decomposition it uses is not exact), the oracle runs the cheapest such fleet and says so. Its cost is then
 * at most that of every contender that serves as much.
 */
export async function dominatingOracle(
  own: ContenderResult,
  results: readonly ContenderResult[],
  runs: ReadonlyMap<string, ContenderRun>,
  evaluate: (run: ContenderRun) => Promise<ContenderResult>,
): Promise<ContenderResult> {
  let cheapest: ContenderResult | undefined;
  for (const r of results) {
    if (r.name === own.name || !runs.has(r.name) || r.totals.attainment < own.totals.attainment - ATTAINMENT_TOLERANCE) continue;
    if (totalCost(r) < (cheapest ? totalCost(cheapest) : totalCost(own)) - COST_TOLERANCE_USD) cheapest = r;
  }
  if (!cheapest) return own;
  // Its fleets as planned (the evaluation's granted fleets have already lost VMs to events and evictions).
  return evaluate({
    name: own.name,
    description: `${own.description}; runs ${cheapest.name}'s plan, cheaper at the same attainment`,
    fleets: runs.get(cheapest.name)!.fleets,
    seconds: own.seconds + cheapest.seconds,
    notes: [
      ...own.notes,
      `its own MILP plan cost $${totalCost(own).toFixed(2)}; ${cheapest.name}'s plan costs less and serves as much, so the oracle runs it`,
    ],
  });
}

/** The oracle's cost bound and the gap of its evaluated cost to it. */
function withBound(result: ContenderResult, boundUsd: number | undefined): ContenderResult {
  if (boundUsd === undefined) return result;
  const cost = totalCost(result);
  // Only a fleet planned outside the model (a heuristic's, without the plan's headroom) can cost less.
  const notes =
    cost < boundUsd - COST_TOLERANCE_USD
      ? [...result.notes, `costs less than the model's bound $${boundUsd.toFixed(2)}: the fleet it runs was not planned in the model`]
      : result.notes;
  return { ...result, notes, bound: { costUsd: boundUsd, gap: gapToBound(cost, boundUsd) ?? 0 } };
}

/** Attainments equal to this are the same (sums of per-window shares). */
const ATTAINMENT_TOLERANCE = 1e-9;
/** Less than this is not cheaper (plans are priced to the micro-dollar). */
const COST_TOLERANCE_USD = 1e-4;

/** A copy of the demand with the stress scale applied to the evaluated windows (history before stays). */
function stressedDemand(input: PlanningInput, windows: readonly number[], stress: Stress): number[][][] {
  const scale = stress.demandScale ?? 1;
  const first = windows[0]!;
  return input.demand.map((origins) => origins.map((series) => series.map((value, t) => (t >= first ? value * scale : value))));
}

function busiestWindow(input: PlanningInput, windows: readonly number[]): number {
  let best = windows[0]!;
  let most = -1;
  for (const t of windows) {
    const total = input.demand.reduce((sum, origins) => sum + origins.reduce((s, series) => s + series[t]!, 0), 0);
    if (total > most) {
      most = total;
      best = t;
    }
  }
  return best;
}
