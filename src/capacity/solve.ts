import { linearRelaxation, relativeGap, type Program, type Solution, type SolveOptions } from '../lp/index.js';
import { REPLICA_TIE_BREAK, ROUTE_LATENCY_TIE_BREAK, buildProblem, fleetKey, type BuildOptions, type BuiltProblem } from './formulation.js';
import { explainUnmet } from './diagnose.js';
import { cumulativeArrivals } from './deferrable.js';
import { InputError } from '../errors.js';
import { isInteractive } from './policies.js';
import { assemblePlan, extractWindows } from './plan.js';
import type { Plan, PlanStatus, PlanWindow, PlanningInput, ReplicaPool } from './types.js';

/** How a solver is called; the capacity layer never imports a backend. */
export type SolveFn = (program: Program, options: SolveOptions) => Promise<Solution>;

/**
 * joint: the whole horizon in one MILP (exact, slow beyond a day).
 * per-window: each window alone (exact when nothing couples windows; VM start-ups are then priced on the
 * resulting sequence, and the sum of window bounds stays a valid bound because dropping them relaxes).
 * rolling: windows in order, each starting from the previous window's fleet (honours scale-out limits).
 * lp-rolling: the joint LP relaxation gives the bound (start-ups and all coupling included) and a shortlist
 * of configs per window; a rolling pass of MILPs restricted to the shortlist gives the plan. The restricted
 * MILPs are tiny, so this is the fast path for long horizons; the gap against the LP bound is reported.
 * Deferrable workloads couple windows through their backlog: rolling and lp-rolling carry what was done
 * into the next window (so deadlines hold), and lp-rolling also keeps at least the LP's cumulative schedule
 * (so batch fills the valleys the horizon LP found instead of waiting for its deadline). per-window
 * cannot honour deadlines and refuses such scenarios.
 */
export type Strategy = 'joint' | 'per-window' | 'rolling' | 'lp-rolling';

export interface PlanOptions {
  strategy?: Strategy | 'auto';
  /** Overall wall-clock budget for the solves. */
  timeLimitSec?: number;
  relativeGap?: number;
  log?: (line: string) => void;
  /** Progress after each window: (done, total). */
  progress?: (done: number, total: number) => void;
}

export interface SolverReport {
  name: string;
  /** 'heuristic' for GH/AGH, which solve no program. */
  strategy: Strategy | 'heuristic';
  /** Why this strategy (auto's reasoning or "requested"). */
  reason: string;
  status: PlanStatus;
  /** Plan cost + start-ups + unmet penalties, recomputed from the plan. */
  objective?: number;
  /** Proven lower bound on the optimal objective. */
  bound?: number;
  gap?: number;
  seconds: number;
  windowsSolved: number;
  /** Counts of window statuses (per-window/rolling) or the one joint status. */
  statuses: Record<string, number>;
}

export interface PlanResult {
  plan: Plan;
  solver: SolverReport;
}

/**
 * Joint MILPs above this many columns go to lp-rolling. Measured with the WebAssembly backends: one
 * 650-column window of the default scenario took 17 s (HiGHS) / 7 s (glpk.js) to close 0.5%, while
 * lp-rolling plans it in 0.1-0.3 s within 0.7% of its LP bound.
 */
const JOINT_COLUMN_LIMIT = 300;

export async function planCapacity(input: PlanningInput, solve: SolveFn, solverName: string, options: PlanOptions = {}): Promise<PlanResult> {
  const started = performance.now();
  const { strategy, reason } = chooseStrategy(input, options.strategy ?? 'auto');
  const relGap = options.relativeGap ?? 0.005;
  const timeLimitSec = options.timeLimitSec ?? 120;
  let result: PlanResult;
  if (strategy === 'joint') result = await solveJoint(input, solve, solverName, relGap, timeLimitSec, options, reason);
  else result = await solveByWindow(input, solve, solverName, relGap, timeLimitSec, options, strategy, reason);

  // A hard budget couples all windows: if the decomposed plan breaks it, only the joint model can trade.
  const budget = input.policies.budget;
  if (strategy !== 'joint' && budget?.mode === 'hard' && result.plan.totals.costUsd > budget.usd) {
    const remaining = Math.max(1, timeLimitSec - (performance.now() - started) / 1000);
    result = await solveJoint(input, solve, solverName, relGap, remaining, options, `${strategy} plan costs more than the hard budget; the budget couples windows`);
  }
  result.solver.seconds = (performance.now() - started) / 1000;
  return { ...result, plan: explainUnmet(input, result.plan) };
}

export function chooseStrategy(input: PlanningInput, requested: Strategy | 'auto'): { strategy: Strategy; reason: string } {
  const deferrable = input.workloads.filter((w) => !isInteractive(w)).map((w) => w.id);
  if (requested === 'per-window' && deferrable.length) {
    throw new InputError({
      field: '--strategy',
      message: `per-window plans windows independently, but ${deferrable.join(', ')} may be served in later windows (deadlineHours)`,
      fix: 'use --strategy auto, joint, rolling or lp-rolling',
    });
  }
  const limits = (['maxScaleOutPerWindow', 'maxScaleInPerWindow'] as const).filter((key) => input.policies[key] !== undefined);
  if (requested === 'per-window' && limits.length) {
    throw new InputError({
      field: '--strategy',
      message: `per-window plans windows independently, but policies.${limits.join(' and policies.')} limit${limits.length === 1 ? 's' : ''} the change from one window to the next`,
      fix: 'use --strategy auto, joint, rolling or lp-rolling',
    });
  }
  if (requested !== 'auto') return { strategy: requested, reason: 'requested' };
  const columnsPerWindow = estimateColumnsPerWindow(input);
  const total = columnsPerWindow * input.windows.length;
  if (total <= JOINT_COLUMN_LIMIT) {
    return { strategy: 'joint', reason: `${total} columns fit one MILP` };
  }
  return {
    strategy: 'lp-rolling',
    reason: `${total} columns over ${input.windows.length} window${input.windows.length === 1 ? '' : 's'}: the LP relaxation bounds the horizon, restricted window MILPs plan it`,
  };
}

function estimateColumnsPerWindow(input: PlanningInput): number {
  const vms = input.skus.reduce((sum, sku) => sum + sku.prices.length, 0);
  const assigns = input.candidates.reduce((sum, c) => sum + c.requestsPerSecByWorkload.size, 0);
  const routes = input.workloads.reduce((sum, w) => sum + w.origins.length * input.regions.length, 0);
  // Routing copies (on-demand cover, one per region for N+1) repeat the routing columns.
  const copies = (input.policies.spot?.onDemandCoversInteractive !== undefined ? 1 : 0) + (input.policies.locality?.nPlusOne ? input.regions.length : 0);
  return vms * 3 + input.candidates.length + (assigns + routes) * (1 + copies);
}

async function solveJoint(
  input: PlanningInput,
  solve: SolveFn,
  solverName: string,
  relGap: number,
  timeLimitSec: number,
  options: PlanOptions,
  reason: string,
): Promise<PlanResult> {
  const started = performance.now();
  const built = buildProblem(input);
  const solution = await solve(built.program, { relativeGap: relGap, timeLimitSec, ...(options.log ? { log: options.log } : {}) });
  options.progress?.(input.windows.length, input.windows.length);
  const status = solution.status;
  const windows = solution.values ? extractWindows(input, built, solution.values) : [];
  const plan = assemblePlan(input, windows, status);
  const objective = solution.values ? planObjective(input, plan) : undefined;
  return {
    plan,
    solver: {
      name: solverName,
      strategy: 'joint',
      reason,
      status,
      ...(objective !== undefined ? { objective } : {}),
      ...(solution.bound !== undefined ? { bound: solution.bound } : {}),
      ...gapOf(objective, solution.bound),
      seconds: (performance.now() - started) / 1000,
      windowsSolved: solution.values ? input.windows.length : 0,
      statuses: { [solution.status]: 1 },
    },
  };
}

async function solveByWindow(
  input: PlanningInput,
  solve: SolveFn,
  solverName: string,
  relGap: number,
  timeLimitSec: number,
  options: PlanOptions,
  strategy: 'per-window' | 'rolling' | 'lp-rolling',
  reason: string,
): Promise<PlanResult> {
  const started = performance.now();
  const log = options.log ? { log: options.log } : {};
  // lp-rolling: the LP relaxation (at most half the budget) gives the bound and each window's shortlist.
  const guide = strategy === 'lp-rolling' ? await relaxationGuide(input, solve, timeLimitSec / 2, log) : undefined;
  const statuses: Record<string, number> = {};
  const windows: PlanWindow[] = [];
  let windowBounds = 0;
  let windowBoundsKnown = true;
  let widened = 0;
  let previousFleet: Map<string, number> | undefined;
  const total = input.windows.length;
  for (let t = 0; t < total; t++) {
    const elapsed = (performance.now() - started) / 1000;
    // Share what is left of the budget evenly over the windows still to solve, with a floor.
    const windowLimit = Math.max(1, (timeLimitSec - elapsed) / (total - t));
    const window: BuildOptions = {
      windows: [t],
      independentWindows: strategy === 'per-window',
      includeBudget: false,
      ...(previousFleet ? { previousFleet } : {}),
      deferrable: { before: doneBefore(input, windows, t), ...(guide?.done ? { floor: followSchedule(guide.done, t) } : {}) },
    };
    const solveWindow = async (buildOptions: BuildOptions) => {
      const built = buildProblem(input, buildOptions);
      return { built, solution: await solve(built.program, { relativeGap: relGap, timeLimitSec: windowLimit, ...log }) };
    };
    let { built, solution } = guide ? await solveWindow({ ...window, allowCandidate: shortlistOf(guide, t) }) : await solveWindow(window);
    if (guide && (!solution.values || unmetOf(built, solution.values) > guide.unmet[t]! + 1e-6)) {
      // The shortlist cannot carry the window (quotas, rounding): widen to every config. The wider MILP
      // can only do better, but a time-limited incumbent of it can be worse: keep the better plan.
      widened++;
      const wide = await solveWindow(window);
      if (wide.solution.values && (!solution.values || (wide.solution.objective ?? Infinity) < (solution.objective ?? Infinity))) ({ built, solution } = wide);
    }
    statuses[solution.status] = (statuses[solution.status] ?? 0) + 1;
    options.progress?.(t + 1, total);
    if (!solution.values) {
      return {
        plan: assemblePlan(input, windows, solution.status),
        solver: { name: solverName, strategy, reason: `${reason}; window ${t} (${input.windows[t]!.start}) ended ${solution.status}: ${solution.rawStatus}`, status: solution.status, seconds: (performance.now() - started) / 1000, windowsSolved: t, statuses },
      };
    }
    const [solved] = extractWindows(input, built, solution.values);
    windows.push(solved!);
    if (strategy !== 'per-window') previousFleet = new Map(solved!.vms.map((vm) => [fleetKey(vm.sku, vm.region, vm.purchase), vm.count]));
    if (solution.bound === undefined) windowBoundsKnown = false;
    else windowBounds += solution.bound;
  }
  const plan = assemblePlan(input, windows, 'feasible');
  const objective = planObjective(input, plan);
  // Rolling windows condition on earlier choices, so their bounds are not a bound on the horizon; the
  // independent windows' bounds are, and so is lp-rolling's LP relaxation.
  const bound = guide ? guide.bound : strategy === 'per-window' && windowBoundsKnown ? windowBounds : undefined;
  const gap = gapOf(objective, bound);
  const proven = guide !== undefined || (statuses.optimal ?? 0) === total;
  const status: PlanStatus = proven && gap.gap !== undefined && gap.gap <= relGap + 1e-9 ? 'optimal' : 'feasible';
  return {
    plan: { ...plan, status },
    solver: {
      name: solverName,
      strategy,
      reason: [
        reason,
        guide?.note,
        widened ? `${widened} window${widened === 1 ? '' : 's'} needed every config` : '',
        // Without the horizon LP's schedule, deferrable work waits for its deadline and piles up at the end.
        input.workloads.some((w) => !isInteractive(w)) && !guide?.done ? 'deferrable work was planned without a horizon LP schedule: served at its deadlines (raise --time-limit or use joint)' : '',
      ]
        .filter(Boolean)
        .join('; '),
      status,
      objective,
      ...(bound !== undefined ? { bound } : {}),
      ...gap,
      seconds: (performance.now() - started) / 1000,
      windowsSolved: total,
      statuses,
    },
  };
}

/**
 * Deferrable (workload, origin) -> requests/s x hours served or dropped in the planned windows, capped at
 * what had arrived (plans round flows, and done may not exceed arrivals).
 */
function doneBefore(input: PlanningInput, planned: readonly PlanWindow[], t: number): Map<string, number> {
  const before = new Map<string, number>();
  for (const [w, workload] of input.workloads.entries()) {
    if (isInteractive(workload)) continue;
    for (const [o, origin] of workload.origins.entries()) {
      let done = 0;
      for (const window of planned) {
        const rate = [...window.routes, ...window.unmet].filter((r) => r.workload === workload.id && r.origin === origin).reduce((sum, r) => sum + r.requestsPerSec, 0);
        done += rate * window.hours;
      }
      before.set(`${w}|${o}`, t > 0 ? Math.min(done, cumulativeArrivals(input, w, o)[t - 1]!) : 0);
    }
  }
  return before;
}

/** The LP's cumulative schedule for window t, a hair lower so that rounding cannot force drops. */
function followSchedule(done: ReadonlyMap<string, number>, t: number): (w: number, o: number, window: number) => number | undefined {
  return (w, o) => {
    const value = done.get(`${w}|${o}|${t}`);
    return value === undefined ? undefined : value * (1 - 1e-6) - 1e-6;
  };
}

/** The configs the LP uses in window t, and those it used an hour before (so running replicas can stay). */
function shortlistOf(guide: RelaxationGuide, t: number): (window: number, candidate: number, pool?: ReplicaPool) => boolean {
  const allowed = new Set([...guide.shortlist[t]!, ...(t > 0 ? guide.shortlist[t - 1]! : [])]);
  // With pools apart the shortlist is per pool too: the LP's firm-only configs get no spot integers.
  return (_, candidate, pool) => allowed.has(pool ? `${candidate}|${pool}` : candidate);
}

interface RelaxationGuide {
  /** A valid lower bound on the horizon's optimal objective (undefined if some LP did not solve). */
  bound?: number;
  /** Candidates the LP uses, per window, and `${candidate}|${pool}` for the pools it uses them in. */
  shortlist: Set<number | string>[];
  /** Unmet requests/s in the LP, per window: the restricted MILP should not need more. */
  unmet: number[];
  /** Deferrable: the joint LP's done[t] by `${workload}|${origin}|${t}` (absent when it did not solve). */
  done?: Map<string, number>;
  note?: string;
}

/**
 * The LP relaxation of the whole horizon (its optimum bounds the MILP's, start-ups included). A backend
 * that cannot solve it in time gets window-by-window LPs instead: their sum is still a bound (dropping the
 * coupling relaxes), only a weaker one.
 */
async function relaxationGuide(input: PlanningInput, solve: SolveFn, timeLimitSec: number, log: Pick<SolveOptions, 'log'>): Promise<RelaxationGuide> {
  const windows = input.windows.length;
  const guide: RelaxationGuide = { shortlist: input.windows.map(() => new Set<number | string>()), unmet: new Array<number>(windows).fill(0) };
  const read = (built: BuiltProblem, values: ArrayLike<number>) => {
    for (const replica of built.replicas) {
      if (values[replica.variable.index]! > SHORTLIST_EPSILON) {
        guide.shortlist[replica.window]!.add(replica.candidate);
        if (replica.pool) guide.shortlist[replica.window]!.add(`${replica.candidate}|${replica.pool}`);
      }
    }
    for (const unmet of built.unmet) guide.unmet[unmet.window]! += values[unmet.variable.index]!;
  };
  const started = performance.now();
  const joint = buildProblem(input);
  const relaxation = await solve(linearRelaxation(joint.program), { timeLimitSec, ...log });
  if (relaxation.status === 'optimal' && relaxation.values) {
    read(joint, relaxation.values);
    const done = new Map(joint.done.map((d) => [`${d.workload}|${d.origin}|${d.window}`, relaxation.values![d.variable.index]!]));
    return { ...guide, bound: relaxation.objective!, ...(done.size ? { done } : {}) };
  }
  let bound: number | undefined = 0;
  for (let t = 0; t < windows; t++) {
    const elapsed = (performance.now() - started) / 1000;
    const built = buildProblem(input, { windows: [t], independentWindows: true, includeBudget: false });
    const window = await solve(linearRelaxation(built.program), { timeLimitSec: Math.max(1, (timeLimitSec - elapsed) / (windows - t)), ...log });
    if (window.status === 'optimal' && window.values) {
      read(built, window.values);
      if (bound !== undefined) bound += window.objective!;
    } else {
      bound = undefined;
      for (const c of input.candidates.keys()) for (const key of [c, `${c}|firm`, `${c}|spot`]) guide.shortlist[t]!.add(key);
      guide.unmet[t] = Infinity;
    }
  }
  return { ...guide, ...(bound !== undefined ? { bound } : {}), note: `the joint LP ended ${relaxation.status}, so the bound is the sum of window LPs (start-ups not counted)` };
}

/**
 * The joint LP relaxation's optimum: a proven lower bound on the horizon's MILP objective, for plans made
 * without a MILP (GH, AGH). Undefined when the LP does not solve in time.
 */
export async function relaxationBound(input: PlanningInput, solve: SolveFn, timeLimitSec: number): Promise<number | undefined> {
  const relaxation = await solve(linearRelaxation(buildProblem(input).program), { timeLimitSec });
  return relaxation.status === 'optimal' ? relaxation.objective : undefined;
}

/** Replicas below this in the LP relaxation are not worth a config's place in the shortlist. */
const SHORTLIST_EPSILON = 1e-6;

function unmetOf(built: BuiltProblem, values: ArrayLike<number>): number {
  return built.unmet.reduce((sum, u) => sum + values[u.variable.index]!, 0);
}

/**
 * The MILP's objective evaluated on the plan, unrounded: VM cost, start-ups, unmet-demand penalties and
 * the tie-break terms, so that it equals what an external solver reports for the same model.
 */
export function planObjective(input: PlanningInput, plan: Plan): number {
  const penalty = new Map(input.workloads.map((w) => [w.id, w.unmetPenaltyUsdPerRequest]));
  let objective = 0;
  for (const window of plan.windows) {
    for (const vm of window.vms) objective += vm.count * vm.usdPerHour * window.hours + vm.started * vm.usdPerHour * input.policies.startupHours;
    for (const entry of window.unmet) objective += entry.requestsPerSec * 3600 * window.hours * penalty.get(entry.workload)!;
    for (const replica of window.replicas) objective += REPLICA_TIE_BREAK * replica.count * window.hours;
    for (const route of window.routes) objective += ROUTE_LATENCY_TIE_BREAK * route.requestsPerSec * input.latencyMs(route.origin, route.region) * window.hours;
  }
  return objective;
}

export function gapOf(objective: number | undefined, bound: number | undefined): { gap?: number } {
  const gap = relativeGap(objective, bound);
  if (gap === undefined) return {};
  // Tie-break terms (1e-6 scale) can put the bound a hair above the recomputed objective.
  return { gap: objective !== undefined && bound !== undefined && bound > objective ? 0 : gap };
}

