import type { SolveFn, Strategy } from '../capacity/solve.js';
import type { PlanningInput } from '../capacity/types.js';
import { evaluateFleets } from './evaluate.js';
import type { QueueProfileOf } from './queueing.js';
import { CONTENDERS, type ContenderContext, type ContenderName } from './contenders.js';
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
  const results: ContenderResult[] = [];
  const evaluate = (run: Awaited<ReturnType<(typeof CONTENDERS)[ContenderName]>>) =>
    evaluateFleets(
      {
        input,
        windows,
        actual,
        events: ctx.events,
        startFleet: ctx.startFleet,
        solve: options.solve,
        ...(options.queueProfile ? { queueProfile: options.queueProfile } : {}),
      },
      run,
    );
  const runs = new Map<string, Awaited<ReturnType<(typeof CONTENDERS)[ContenderName]>>>();
  for (const name of options.contenders) {
    const run = await CONTENDERS[name](ctx);
    runs.set(name, run);
    results.push(await evaluate(run));
  }
  // The oracle is the best plan known with perfect knowledge: single-gpu's plan is one too (the same MILP
  // restricted to one GPU type), so where it serves as much for less, the oracle takes it, and says so.
  const oracle = results.findIndex((r) => r.name === 'oracle');
  const single = results.find((r) => r.name === 'single-gpu');
  if (oracle >= 0 && single && runs.get('single-gpu')) {
    const own = results[oracle]!;
    const cost = (r: ContenderResult) => r.totals.costUsd + r.totals.startupCostUsd;
    if (cost(single) < cost(own) && single.totals.attainment >= own.totals.attainment) {
      const run = runs.get('single-gpu')!;
      const adopted = await evaluate({
        ...run,
        name: 'oracle',
        description: `${runs.get('oracle')!.description}; single-gpu's plan, cheaper at the same attainment`,
        notes: [`the oracle's own MILP plan cost $${cost(own).toFixed(2)}: not proven optimal, so single-gpu's cheaper plan stands in`],
      });
      results[oracle] = { ...adopted, seconds: own.seconds + single.seconds };
    }
  }
  return { windows, ...(burstWindow !== undefined ? { burstWindow } : {}), contenders: results };
}

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
