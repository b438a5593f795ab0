import { linearRelaxation, relativeGap, type Program, type Solution, type SolveFn, type SolveOptions } from '../lp/index.js';
import { REPLICA_TIE_BREAK, buildProblem, routeTieBreak, fleetKey, fleetMap, type BuildOptions, type BuiltProblem } from './formulation.js';
import { roundUpFleet } from './round-up.js';
import { provenWithinGap, windowStart } from './window-start.js';
import { summariseCommitments } from './commitment-summary.js';
import { growthFactors, marginalUtilisation } from './commitment-growth.js';
import { maxOf, minOf } from '../extremes.js';
import { vmUpperBound } from './formulation-fleet.js';
import { heldToLpService, lpUnmetKey } from './lp-service.js';
import { explainUnmet } from './diagnose.js';
import { COLUMN_GENERATION_COLUMNS, columnGenerationFits, horizonLpByColumns } from './horizon-columns.js';
import { cumulativeArrivals } from './deferrable.js';
import { InputError } from '../errors.js';
import { isInteractive } from './policies.js';
import { assemblePlan, extractWindows } from './plan.js';
import type { CommitmentTerm, Plan, PlanStatus, PlanWindow, PlanningInput, ReplicaPool } from './types.js';
import { initialReplicas, replicaKey, replicaMap, windowModelLoad } from './model-load.js';

export type { SolveFn } from '../lp/index.js';

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
  /**
   * Wall-clock safety net for the whole call (default 600 s). Answers never depend on it: solves stop by
   * deterministic work limits. When it fires, the plan's status is 'time_limited' and the reason says where.
   */
  timeLimitSec?: number;
  relativeGap?: number;
  log?: (line: string) => void;
  /** Progress after each window: (done, total). */
  progress?: (done: number, total: number) => void;
  /**
   * A deterministic heuristic plan for window t starting from fleet `previous` (GH), offered as a fallback:
   * every window's plan is at least as good as it. Undefined where the heuristic does not apply.
   */
  windowFallback?: WindowFallback;
}

/** `previousReplicas`: the replicas running before window t, by replicaKey (model-load.ts). */
export type WindowFallback = (
  t: number,
  previous: ReadonlyMap<string, number>,
  previousReplicas: ReadonlyMap<string, number>,
) => PlanWindow | undefined;

export interface SolverReport {
  name: string;
  /** 'heuristic' for GH/AGH, which solve no program. */
  strategy: Strategy | 'heuristic';
  /** Why this strategy (auto's reasoning or "requested"), and what to know about the windows. */
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

/** The safety net when the caller gives none: far above any deterministic run, so that it means a stuck solve. */
export const DEFAULT_TIME_LIMIT_SEC = 600;
/** Past the safety net, a window GH cannot plan (deadlines) is still solved, this far: a plan must cover every window. */
const PAST_NET_NODES = 50;
const PAST_NET_WINDOW_SEC = 30;
/**
 * auto tries the joint MILP (under its work limit) on small horizons, and keeps it when it proves the gap or
 * beats lp-rolling; otherwise lp-rolling alone. Window by window, a plan cannot see that a VM let go in a
 * valley shorter than its start-up must be started again (test/capacity/auto-strategy.test.ts), so the joint
 * MILP pays on short horizons of small windows. Its cost is set by the window's size, not the horizon's: a
 * wide window's branch-and-bound nodes are slow, and one window gains nothing from a joint model. So: every
 * horizon up to AUTO_JOINT_COLUMNS, and horizons of two or more windows up to AUTO_JOINT_SMALL_WINDOWS_COLUMNS
 * whose windows have at most AUTO_JOINT_WINDOW_COLUMNS each (measurements: notes/solvers.md).
 */
const AUTO_JOINT_COLUMNS = 500;
const AUTO_JOINT_SMALL_WINDOWS_COLUMNS = 1000;
const AUTO_JOINT_WINDOW_COLUMNS = 150;
/** Branch-and-bound nodes auto gives a joint MILP before lp-rolling's plan is taken instead. */
const AUTO_JOINT_NODES = 2_000;

/** What every solve of one planning call shares: the backend, the gap, the safety net and what it hit. */
interface SolveContext {
  input: PlanningInput;
  solverName: string;
  relativeGap: number;
  options: PlanOptions;
  /** performance.now() after which every solve is cut short by the safety net. */
  deadline: number;
  timeLimitSec: number;
  /** Labels of the solves the safety net cut short. */
  timeLimited: string[];
  /** Windows whose plan was not proven within the gap, and why (for the unmet diagnosis). */
  unproven: Map<number, string>;
  run: (program: Program, what: string, extra?: SolveOptions) => Promise<Solution>;
  /**
   * A solve of one window after the safety net has fired, where no GH plan applies: bounded by a small
   * deterministic node limit (and a per-window wall clock) instead of the spent horizon clock, so the plan
   * still covers every window. Recorded in timeLimited, so the plan says it.
   */
  runPastNet: (program: Program, what: string) => Promise<Solution>;
  /** The safety net has fired: skip work whose only use is a solve (it would return at once). */
  expired: () => boolean;
}

function solveContext(input: PlanningInput, solve: SolveFn, solverName: string, options: PlanOptions): SolveContext {
  const timeLimitSec = options.timeLimitSec ?? DEFAULT_TIME_LIMIT_SEC;
  const ctx: SolveContext = {
    input,
    solverName,
    relativeGap: options.relativeGap ?? 0.005,
    options,
    deadline: performance.now() + timeLimitSec * 1000,
    timeLimitSec,
    timeLimited: [],
    unproven: new Map(),
    expired: () => performance.now() >= ctx.deadline,
    run: async (program, what, extra = {}) => {
      const left = (ctx.deadline - performance.now()) / 1000;
      const solution: Solution =
        left <= 0
          ? {
              status: 'no_solution',
              solver: solverName,
              rawStatus: 'not started: the wall-clock safety net had fired',
              limit: 'time',
              seconds: 0,
            }
          : await solve(program, {
              relativeGap: ctx.relativeGap,
              ...(options.log ? { log: options.log } : {}),
              ...extra,
              timeLimitSec: left,
            });
      if (solution.limit === 'time') ctx.timeLimited.push(what);
      return solution;
    },
    runPastNet: async (program, what) => {
      ctx.timeLimited.push(`${what} (planned after the safety net fired, within ${PAST_NET_NODES} nodes)`);
      return solve(program, {
        relativeGap: ctx.relativeGap,
        ...(options.log ? { log: options.log } : {}),
        workLimit: { nodes: PAST_NET_NODES },
        timeLimitSec: PAST_NET_WINDOW_SEC,
      });
    },
  };
  return ctx;
}

export async function planCapacity(
  input: PlanningInput,
  solve: SolveFn,
  solverName: string,
  options: PlanOptions = {},
): Promise<PlanResult> {
  const started = performance.now();
  const ctx = solveContext(input, solve, solverName, options);
  const { strategy, reason } = chooseStrategy(input, options.strategy ?? 'auto');
  let result: PlanResult;
  if (strategy === 'joint' && (options.strategy ?? 'auto') === 'auto') result = await autoJoint(ctx, reason);
  else if (strategy === 'joint') result = await solveJoint(ctx, reason);
  else result = await solveByWindow(ctx, strategy, reason);

  // A hard budget couples all windows: if the decomposed plan breaks it, only the joint model can trade.
  const budget = input.policies.budget;
  if (
    result.solver.strategy !== 'joint' &&
    budget?.mode === 'hard' &&
    result.plan.totals.costUsd + result.plan.totals.startupCostUsd > budget.usd
  ) {
    // The decomposed plan breaks the budget, so it is no plan: the joint answer stands even when it has none.
    result = await solveJoint(ctx, `${strategy} plan costs more than the hard budget; the budget couples windows`);
  }
  if (ctx.timeLimited.length) result = markTimeLimited(ctx, result);
  result.solver.seconds = (performance.now() - started) / 1000;
  const plan = explainUnmet(input, result.plan, ctx.unproven);
  const offered = (input.policies.commitments ?? []).length > 0 && plan.windows.length > 0;
  return { ...result, plan: offered ? { ...plan, commitments: summariseCommitments(input, plan) } : plan };
}

/** The safety net fired: the plan (if any) stands, but it is not the deterministic answer, and says so. */
function markTimeLimited(ctx: SolveContext, result: PlanResult): PlanResult {
  const where =
    ctx.timeLimited.length <= 3
      ? ctx.timeLimited.join(', ')
      : `${ctx.timeLimited.slice(0, 3).join(', ')} and ${ctx.timeLimited.length - 3} more`;
  const note = `the ${ctx.timeLimitSec} s wall-clock safety net stopped ${where}: this plan depends on the machine's speed (raise --time-limit)`;
  const status: PlanStatus = result.plan.windows.length ? 'time_limited' : result.plan.status;
  return { plan: { ...result.plan, status }, solver: { ...result.solver, status, reason: `${result.solver.reason}; ${note}` } };
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
  if ((requested === 'per-window' || requested === 'rolling') && (input.policies.commitments ?? []).length) {
    throw new InputError({
      field: '--strategy',
      message: `${requested} plans window by window, but commitment counts hold over the whole horizon (commitments)`,
      fix: 'use --strategy auto, joint or lp-rolling',
    });
  }
  if (requested !== 'auto') return { strategy: requested, reason: 'requested' };
  const columnsPerWindow = estimateColumnsPerWindow(input);
  const total = columnsPerWindow * input.windows.length;
  const smallWindows =
    input.windows.length >= 2 && columnsPerWindow <= AUTO_JOINT_WINDOW_COLUMNS && total <= AUTO_JOINT_SMALL_WINDOWS_COLUMNS;
  if (total <= AUTO_JOINT_COLUMNS || smallWindows) {
    return {
      strategy: 'joint',
      reason:
        input.windows.length === 1
          ? `${total} columns in one window: lp-rolling, and the joint MILP within ${AUTO_JOINT_NODES} nodes where lp-rolling is not proven within the gap`
          : `${total} columns: the joint MILP within ${AUTO_JOINT_NODES} nodes, or lp-rolling's plan if better`,
    };
  }
  return {
    strategy: 'lp-rolling',
    reason: `${total} columns over ${input.windows.length} window${input.windows.length === 1 ? '' : 's'}: the LP relaxation bounds the horizon, restricted window MILPs plan it`,
  };
}

/**
 * The horizon LP by column generation (horizon-columns.ts) where its program would be large: at least
 * COLUMN_GENERATION_COLUMNS columns by estimateColumnsPerWindow, and only policies its pricing covers.
 */
export function usesColumnGeneration(input: PlanningInput): boolean {
  return estimateColumnsPerWindow(input) * input.windows.length >= COLUMN_GENERATION_COLUMNS && columnGenerationFits(input);
}

export function estimateColumnsPerWindow(input: PlanningInput): number {
  const vms = input.skus.reduce((sum, sku) => sum + sku.prices.length, 0);
  const assigns = input.candidates.reduce((sum, c) => sum + c.requestsPerSecByWorkload.size, 0);
  const routes = input.workloads.reduce((sum, w) => sum + w.origins.length * input.regions.length, 0);
  // Routing copies (on-demand cover, one per region for N+1) repeat the routing columns.
  const copies =
    (input.policies.spot?.onDemandCoversInteractive !== undefined ? 1 : 0) + (input.policies.locality?.nPlusOne ? input.regions.length : 0);
  return vms * 3 + input.candidates.length + (assigns + routes) * (1 + copies);
}

/**
 * auto on a small horizon: the joint MILP under a node limit. Proven within the gap, it is the answer;
 * otherwise lp-rolling plans too and the cheaper plan wins (both deterministic), with the better bound.
 */
async function autoJoint(ctx: SolveContext, reason: string): Promise<PlanResult> {
  if (ctx.input.windows.length === 1) return autoOneWindow(ctx, reason);
  const joint = await solveJoint(ctx, reason, { nodes: AUTO_JOINT_NODES });
  if (joint.solver.status === 'optimal') return joint;
  const jointUnproven = new Map(ctx.unproven);
  ctx.unproven.clear();
  const rolling = await solveByWindow(
    ctx,
    'lp-rolling',
    `${reason}; the joint MILP ended ${joint.solver.status} (gap ${formatGap(joint.solver.gap)}), so lp-rolling planned too`,
  );
  return cheaperOf(ctx, joint, jointUnproven, rolling);
}

/**
 * auto on one window: lp-rolling first. Its LP bound usually proves the restricted MILP's plan within the
 * gap at once, where the joint MILP's branch and bound proves the same plan slowly; only when it does not
 * does the joint MILP (under its node limit) try, and the cheaper plan wins.
 */
async function autoOneWindow(ctx: SolveContext, reason: string): Promise<PlanResult> {
  const rolling = await solveByWindow(ctx, 'lp-rolling', reason);
  if (rolling.solver.status === 'optimal') return rolling;
  const rollingUnproven = new Map(ctx.unproven);
  ctx.unproven.clear();
  const joint = await solveJoint(
    ctx,
    `${reason}; lp-rolling ended ${rolling.solver.status} (gap ${formatGap(rolling.solver.gap)}), so the joint MILP planned too`,
    { nodes: AUTO_JOINT_NODES },
  );
  const jointUnproven = new Map(ctx.unproven);
  ctx.unproven = rollingUnproven;
  return cheaperOf(ctx, joint, jointUnproven, rolling, joint);
}

/** The cheaper of the joint MILP's and lp-rolling's plans (lp-rolling on a tie), with the better bound. */
function cheaperOf(
  ctx: SolveContext,
  joint: PlanResult,
  jointUnproven: Map<number, string>,
  rolling: PlanResult,
  narrative: PlanResult = rolling,
): PlanResult {
  const better =
    joint.solver.objective !== undefined && (rolling.solver.objective === undefined || joint.solver.objective < rolling.solver.objective)
      ? joint
      : rolling;
  if (better === joint) ctx.unproven = jointUnproven;
  // With growth each plan's bound is of the horizon with its own commitment counts fixed: only the chosen one's holds for it.
  const bound =
    ctx.input.policies.commitmentGrowthPerMonth !== undefined
      ? (better.solver.bound ?? -Infinity)
      : Math.max(joint.solver.bound ?? -Infinity, rolling.solver.bound ?? -Infinity);
  const chosen = better === joint ? "the joint MILP's plan is cheaper" : "lp-rolling's plan is cheaper";
  const finite = Number.isFinite(bound) ? bound : undefined;
  const gap = gapOf(better.solver.objective, finite);
  const proven = gap.gap !== undefined && gap.gap <= ctx.relativeGap + 1e-9;
  const status: PlanStatus = better.plan.windows.length ? (proven ? 'optimal' : 'feasible') : better.solver.status;
  return {
    plan: { ...better.plan, status },
    solver: {
      ...better.solver,
      reason: `${narrative.solver.reason}; ${chosen}`,
      status,
      ...(finite !== undefined ? { bound: finite } : {}),
      ...gap,
      statuses: { ...rolling.solver.statuses, [`joint ${joint.solver.status}`]: 1 },
    },
  };
}

function formatGap(gap: number | undefined): string {
  return gap === undefined ? 'unknown' : `${(gap * 100).toFixed(2)}%`;
}

async function solveJoint(ctx: SolveContext, reason: string, workLimit?: { nodes: number }): Promise<PlanResult> {
  const { input } = ctx;
  const started = performance.now();
  let built = buildProblem(input);
  let solution = await ctx.run(built.program, 'the joint MILP', workLimit ? { workLimit } : {});
  const grown = solution.values ? grownCounts(input, built, solution.values) : undefined;
  if (grown) {
    // Growth: the term's counts (the rule lp-rolling uses, on the MILP's fleet), then the horizon re-planned around them.
    built = buildProblem(input, { commitments: grown });
    solution = await ctx.run(built.program, 'the joint MILP with the commitment counts fixed', workLimit ? { workLimit } : {});
    reason = `${reason}; commitment counts from the growth rule over the term on the MILP's fleet, the horizon re-planned with them fixed`;
  }
  ctx.options.progress?.(input.windows.length, input.windows.length);
  if (solution.status !== 'optimal')
    for (const t of input.windows.keys())
      ctx.unproven.set(t, `the joint MILP was not solved to its gap: it ended ${solution.status} (${solution.rawStatus})`);
  const windows = solution.values ? extractWindows(input, built, solution.values) : [];
  const objective = solution.values ? planObjective(input, assemblePlan(input, windows, 'feasible')) : undefined;
  const gap = gapOf(objective, solution.bound);
  const status: PlanStatus = solution.status;
  const plan = assemblePlan(input, windows, status);
  return {
    plan,
    solver: {
      name: ctx.solverName,
      strategy: 'joint',
      reason:
        solution.limit === 'work'
          ? `${reason}; the joint MILP stopped at its work limit (${solution.rawStatus})`
          : solution.status === 'error'
            ? `${reason}; the joint MILP ended in a solver error: ${solution.rawStatus}`
            : reason,
      status,
      ...(objective !== undefined ? { objective } : {}),
      ...(solution.bound !== undefined ? { bound: solution.bound } : {}),
      ...gap,
      seconds: (performance.now() - started) / 1000,
      windowsSolved: solution.values ? input.windows.length : 0,
      statuses: { [solution.status]: 1 },
    },
  };
}

/**
 * commitmentGrowthPerMonth in the joint MILP: the MILP prices a commitment against the planned horizon only,
 * so the rule of commitmentCounts (the term's mean utilisation with the fleet grown month by month) is applied
 * to the MILP's firm fleet afterwards; each count is the larger of the MILP's and the rule's. The new counts,
 * or undefined when growth changes none (or there is no growth).
 */
function grownCounts(input: PlanningInput, built: BuiltProblem, values: ArrayLike<number>): Map<string, number> | undefined {
  const offers = new Map((input.policies.commitments ?? []).map((offer) => [`${offer.sku}|${offer.region}`, offer]));
  if (input.policies.commitmentGrowthPerMonth === undefined || offers.size === 0) return undefined;
  const held = new Map<string, number>();
  for (const vm of built.vms) {
    if (vm.purchase === 'committed' && vm.window === 0) {
      const key = `${vm.sku}|${vm.region}`;
      held.set(key, (held.get(key) ?? 0) + Math.round(values[vm.variable.index]!));
    }
  }
  const use = firmUse(input, offers.keys());
  use.add(built, values);
  const rule = commitmentCounts(input, offers, use.profiles());
  const counts = new Map([...offers.keys()].map((key) => [key, Math.max(held.get(key) ?? 0, rule.get(key) ?? 0)]));
  return [...counts].some(([key, count]) => count !== (held.get(key) ?? 0)) ? counts : undefined;
}

/**
 * Per (sku, region) and window, the firm VMs a solution's replicas use: the smaller of its firm VMs (committed
 * + on-demand) and the VMs its replicas need (GPUs over GPUs per VM; spot-pool replicas excluded). Idle
 * committed VMs are not use (they must not count as demand, least of all grown), nor are replicas on spot VMs.
 * add() sums solutions of disjoint windows (stretch or window LPs); profiles() reads the result.
 */
function firmUse(input: PlanningInput, keys: Iterable<string>) {
  const windows = input.windows.length;
  const firm = new Map([...keys].map((key) => [key, new Array<number>(windows).fill(0)]));
  const need = new Map([...firm.keys()].map((key) => [key, new Array<number>(windows).fill(0)]));
  const gpusPerVm = new Map(input.skus.map((sku) => [sku.sku, sku.gpusPerVm]));
  return {
    add(built: BuiltProblem, values: ArrayLike<number>): void {
      for (const vm of built.vms) {
        const profile = firm.get(`${vm.sku}|${vm.region}`);
        if (profile && (vm.purchase === 'committed' || vm.purchase === 'on-demand')) profile[vm.window]! += values[vm.variable.index]!;
      }
      for (const replica of built.replicas) {
        const candidate = input.candidates[replica.candidate]!;
        const profile = need.get(`${candidate.sku}|${candidate.region}`);
        if (profile && replica.pool !== 'spot')
          profile[replica.window]! += (values[replica.variable.index]! * candidate.tp) / gpusPerVm.get(candidate.sku)!;
      }
    },
    profiles(): Map<string, number[]> {
      return new Map([...firm].map(([key, vms]) => [key, vms.map((v, t) => Math.min(v, need.get(key)![t]!))]));
    },
  };
}

/** One window's possible plans, best first: fewest unmet requests beyond the LP's, then cheapest. */
interface WindowCandidate {
  source: 'milp' | 'rounded LP' | 'GH';
  window: PlanWindow;
  objective: number;
  unmet: number;
}

async function solveByWindow(ctx: SolveContext, strategy: 'per-window' | 'rolling' | 'lp-rolling', reason: string): Promise<PlanResult> {
  const { input } = ctx;
  const started = performance.now();
  // lp-rolling: the LP relaxation gives the bound and each window's shortlist.
  const guide = strategy === 'lp-rolling' ? await boundWithCounts(ctx, await relaxationGuide(ctx)) : undefined;
  const statuses: Record<string, number> = {};
  const windows: PlanWindow[] = [];
  let windowBounds = 0;
  let windowBoundsKnown = true;
  let widened = 0;
  let heldToLp = 0;
  let startedWithinGap = 0;
  let ghWithinGap = 0;
  const fellBack: Record<string, number[]> = {};
  const unproven: number[] = [];
  const initialFleet = fleetMap(input);
  let previousFleet: Map<string, number> | undefined;
  const startReplicas = initialReplicas(input);
  let previousReplicas: Map<string, number> | undefined;
  const total = input.windows.length;
  for (let t = 0; t < total; t++) {
    const window: BuildOptions = {
      windows: [t],
      independentWindows: strategy === 'per-window',
      includeBudget: false,
      ...(previousFleet ? { previousFleet } : {}),
      ...(previousReplicas ? { previousReplicas } : {}),
      ...(guide?.commitments ? { commitments: guide.commitments } : {}),
      deferrable: { before: doneBefore(input, windows, t), ...(guide?.done ? { floor: followSchedule(guide.done, t) } : {}) },
    };
    const before = strategy === 'per-window' ? initialFleet : (previousFleet ?? initialFleet);
    const replicasBefore = strategy === 'per-window' ? startReplicas : (previousReplicas ?? startReplicas);
    const label = `window ${t} (${input.windows[t]!.start})`;
    if (ctx.expired()) {
      // Past the safety net every solve returns at once: GH's plan, where it applies, is all there is time for.
      const planned = ctx.options.windowFallback?.(t, before, replicasBefore);
      if (planned) {
        statuses.no_solution = (statuses.no_solution ?? 0) + 1;
        unproven.push(t);
        ctx.unproven.set(t, `${label} was planned by GH: the wall-clock safety net had fired`);
        (fellBack.GH ??= []).push(t);
        windows.push(planned);
        if (strategy !== 'per-window') {
          previousFleet = fleetOfWindow(planned);
          previousReplicas = replicaMap(planned.replicas);
        }
        ctx.options.progress?.(t + 1, total);
        continue;
      }
    }
    // Past the safety net with no GH plan: the window is solved within a small node limit instead.
    const run = ctx.expired() ? (program: Program, what: string) => ctx.runPastNet(program, what) : ctx.run;
    const runStarted = (program: Program, what: string, point: Float64Array | undefined) =>
      point && run === ctx.run ? ctx.run(program, what, { start: point }) : run(program, what);
    const solveWindow = async (buildOptions: BuildOptions) => {
      const built = buildProblem(input, buildOptions);
      return { built, solution: await run(built.program, label) };
    };
    const servesLp = (found: { built: BuiltProblem; solution: Solution }) =>
      found.solution.values !== undefined && unmetOf(found.built, found.solution.values) <= guide!.unmet[t]! + 1e-6;
    const first = buildProblem(
      input,
      guide
        ? {
            ...window,
            allowCandidate: shortlistOf(guide, t),
            ...(guide.generated ? { allowFleet: shortlistFleets(input, guide, t, before) } : {}),
          }
        : window,
    );
    // The MILP's start: its LP relaxation rounded up. When that start is already within the gap of the LP's
    // bound, branch and bound would stop at it at once, so the MILP is not run (glpk.js takes no start).
    const firstRelaxed = await run(linearRelaxation(first.program), `${label} LP`);
    const start = windowStart(input, first, firstRelaxed, before, replicasBefore, ctx.relativeGap);
    const roundedProven = start.proven && (!guide || servesLp({ built: first, solution: start.proven })) ? start.proven : undefined;
    if (roundedProven) startedWithinGap++;
    // GH's plan for the window is the other start: within the gap of the same LP bound, and serving what the LP
    // serves, it too proves that branch and bound has nothing left to find.
    const planned = ctx.options.windowFallback?.(t, before, replicasBefore);
    const ghProven = roundedProven
      ? undefined
      : greedyWithinGap(input, first, planned, firstRelaxed, guide?.unmet[t], before, replicasBefore, ctx.relativeGap);
    if (ghProven) ghWithinGap++;
    let built = first;
    let solution = roundedProven ?? ghProven ?? (await runStarted(first.program, label, start.point));
    // Size classes: a class's last requests may be cheaper to drop than a replica, which no wider shortlist
    // changes; first ask the shortlist for the cheapest plan that serves what the LP served (lp-service.ts).
    const held =
      guide?.unmetBy && input.sizeClasses?.length && solution.values && !servesLp({ built, solution })
        ? await heldWindow(input, built, guide.unmetBy, run, label)
        : undefined;
    if (held && servesLp(held)) {
      heldToLp++;
      ({ built, solution } = held);
    } else if (guide && !ghProven && !servesLp({ built, solution })) {
      // The shortlist cannot carry the window (quotas, rounding): widen to every config, keep the better plan.
      widened++;
      const wide = await solveWindow(window);
      if (wide.solution.values && (!solution.values || (wide.solution.objective ?? Infinity) < (solution.objective ?? Infinity)))
        ({ built, solution } = wide);
    }
    statuses[solution.status] = (statuses[solution.status] ?? 0) + 1;
    if (solution.status !== 'optimal') {
      unproven.push(t);
      ctx.unproven.set(t, `${label} was not solved to its gap: the MILP ended ${solution.status} (${solution.rawStatus})`);
    }
    if (solution.bound === undefined) windowBoundsKnown = false;
    else windowBounds += solution.bound;

    // Never worse than a deterministic fallback: the window's LP rounded up, and GH's plan for it.
    const candidates: WindowCandidate[] = [];
    const consider = (source: WindowCandidate['source'], planned: PlanWindow | undefined) => {
      if (!planned) return;
      candidates.push({
        source,
        window: planned,
        objective: windowObjective(input, planned, before, replicasBefore),
        unmet: planned.unmet.reduce((sum, u) => sum + u.requestsPerSec, 0),
      });
    };
    if (solution.values) consider('milp', extractWindows(input, built, solution.values)[0]);
    // The LP of the program the MILP solved (restricted or wide), rounded up.
    const relaxed = built === first ? firstRelaxed : await run(linearRelaxation(built.program), `${label} LP`);
    if (relaxed.status === 'optimal' && relaxed.values && !(roundedProven && built === first)) {
      const rounded = roundUpFleet(input, built, built.program, relaxed.values, before, replicasBefore);
      if (rounded) consider('rounded LP', extractWindows(input, built, rounded)[0]);
    }
    consider('GH', planned);
    // What the LP relaxation left unmet: the horizon LP's for this window, else this window's own LP.
    const lpUnmet =
      guide && Number.isFinite(guide.unmet[t]!)
        ? guide.unmet[t]!
        : relaxed.status === 'optimal' && relaxed.values
          ? unmetOf(built, relaxed.values)
          : Infinity;
    const best = bestCandidate(candidates, lpUnmet);
    ctx.options.progress?.(t + 1, total);
    if (!best) {
      return {
        plan: assemblePlan(input, windows, solution.status),
        solver: {
          name: ctx.solverName,
          strategy,
          reason: `${reason}; ${label} ended ${solution.status}: ${solution.rawStatus}, and no fallback plan serves it`,
          status: solution.status,
          seconds: (performance.now() - started) / 1000,
          windowsSolved: t,
          statuses,
        },
      };
    }
    if (best.source !== 'milp') (fellBack[best.source] ??= []).push(t);
    windows.push(best.window);
    if (strategy !== 'per-window') {
      previousFleet = fleetOfWindow(best.window);
      previousReplicas = replicaMap(best.window.replicas);
    }
  }
  const plan = assemblePlan(input, windows, 'feasible');
  const objective = planObjective(input, plan);
  // Rolling windows condition on earlier choices, so their bounds are not a bound on the horizon; the
  // independent windows' bounds are, and so is lp-rolling's LP relaxation.
  const bound = guide ? guide.bound : strategy === 'per-window' && windowBoundsKnown ? windowBounds : undefined;
  const gap = gapOf(objective, bound);
  const status: PlanStatus = gap.gap !== undefined && gap.gap <= ctx.relativeGap + 1e-9 ? 'optimal' : 'feasible';
  return {
    plan: { ...plan, status },
    solver: {
      name: ctx.solverName,
      strategy,
      reason: [
        reason,
        guide?.note,
        ghWithinGap
          ? ghWithinGap === 1
            ? "1 window's GH plan was within the gap of its LP bound, so no branch and bound ran"
            : `${ghWithinGap} windows' GH plans were within the gap of their LP bounds, so no branch and bound ran`
          : '',
        startedWithinGap
          ? startedWithinGap === 1
            ? "1 window's LP rounded up was within the gap of its bound, so no branch and bound ran"
            : `${startedWithinGap} windows' LPs rounded up were within the gap of their bounds, so no branch and bound ran`
          : '',
        heldToLp ? `${heldToLp} window${heldToLp === 1 ? '' : 's'} held to the LP's service on the shortlist` : '',
        widened ? `${widened} window${widened === 1 ? '' : 's'} needed every config` : '',
        unproven.length
          ? `${unproven.length} window MILP${unproven.length === 1 ? '' : 's'} not proven within the gap (${windowList(input, unproven)})`
          : '',
        ...Object.entries(fellBack).map(
          ([source, list]) =>
            `${list.length} window${list.length === 1 ? '' : 's'} planned by the ${source} fallback, better than the MILP's (${windowList(input, list)})`,
        ),
        // Without the horizon LP's schedule, deferrable work waits for its deadline and piles up at the end.
        input.workloads.some((w) => !isInteractive(w)) && !guide?.done
          ? 'deferrable work was planned without a horizon LP schedule: served at its deadlines (use joint)'
          : '',
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
 * The plan to keep: one that leaves no more unmet demand than the LP relaxation (when any does), then the
 * lowest objective; ties go to the MILP, then the rounded LP (the order candidates were offered in).
 */
function bestCandidate(candidates: readonly WindowCandidate[], lpUnmet: number): WindowCandidate | undefined {
  const tolerance = (unmet: number) => 1e-6 * Math.max(1, unmet);
  const serving = candidates.filter((c) => c.unmet <= lpUnmet + tolerance(lpUnmet));
  const choices = serving.length ? serving : candidates;
  let best: WindowCandidate | undefined;
  for (const candidate of choices) {
    if (!best || candidate.objective < best.objective - 1e-9 * Math.max(1, Math.abs(best.objective))) best = candidate;
  }
  return best;
}

/** A planned window's VMs by fleetKey: the fleet the next window starts from. */
function fleetOfWindow(window: PlanWindow): Map<string, number> {
  return new Map(window.vms.map((vm) => [fleetKey(vm.sku, vm.region, vm.purchase), vm.count]));
}

function windowList(input: PlanningInput, list: readonly number[]): string {
  const shown = list.slice(0, 5).map((t) => `${t} ${input.windows[t]!.start}`);
  return list.length > 5 ? `${shown.join(', ')} and ${list.length - 5} more` : shown.join(', ');
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
        const rate = [...window.routes, ...window.unmet]
          .filter((r) => r.workload === workload.id && r.origin === origin)
          .reduce((sum, r) => sum + r.requestsPerSec, 0);
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

/**
 * With the horizon LP by column generation, the restricted window MILP gets VM columns only for the fleets
 * its shortlist can use and those running before it (leaving VMs with no replica out changes no optimum, and
 * keeps the program small enough for glpk.js).
 */
function shortlistFleets(
  input: PlanningInput,
  guide: RelaxationGuide,
  t: number,
  before: ReadonlyMap<string, number>,
): (sku: string, region: string) => boolean {
  const fleets = new Set<string>();
  for (const entry of [...guide.shortlist[t]!, ...(t > 0 ? guide.shortlist[t - 1]! : [])]) {
    if (typeof entry !== 'number') continue;
    const candidate = input.candidates[entry]!;
    fleets.add(`${candidate.sku}|${candidate.region}`);
  }
  for (const [key, count] of before) if (count > 0) fleets.add(key.slice(0, key.lastIndexOf('|')));
  return (sku, region) => fleets.has(`${sku}|${region}`);
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
  /** The same by (workload, origin, window) (lpUnmetKey), for the windows whose LP solved. */
  unmetBy?: Map<string, number>;
  /** Deferrable: the joint LP's done[t] by `${workload}|${origin}|${t}` (absent when it did not solve). */
  done?: Map<string, number>;
  /** Commitment counts by `${sku}|${region}`, read off the LP's fleet (commitmentCounts); absent without offers. */
  commitments?: Map<string, number>;
  /** The horizon LP was solved by column generation: window MILPs then build only the fleets they can use. */
  generated?: boolean;
  /** Growth made commitmentCounts buy more than the planned horizon alone would: the bound is then refixed. */
  grown?: boolean;
  note?: string;
}

/**
 * The LP relaxation of the whole horizon (its optimum bounds the MILP's, start-ups included). When the
 * backend does not solve it within its work limit, window-by-window LPs stand in: their sum is still a
 * bound (dropping the coupling relaxes), only a weaker one.
 */
async function relaxationGuide(ctx: SolveContext): Promise<RelaxationGuide> {
  const { input } = ctx;
  const windows = input.windows.length;
  const guide: RelaxationGuide = {
    shortlist: input.windows.map(() => new Set<number | string>()),
    unmet: new Array<number>(windows).fill(0),
    unmetBy: new Map(),
  };
  // The firm VMs (committed + on-demand) the LP's replicas use per window of each (sku, region) with an offer.
  const offers = new Map((input.policies.commitments ?? []).map((offer) => [`${offer.sku}|${offer.region}`, offer]));
  const use = firmUse(input, offers.keys());
  const withCounts = (result: RelaxationGuide): RelaxationGuide => {
    if (!offers.size) return result;
    const firm = use.profiles();
    const counts = commitmentCounts(input, offers, firm);
    const grown =
      input.policies.commitmentGrowthPerMonth !== undefined &&
      [...commitmentCounts(input, offers, firm, 0)].some(([key, count]) => counts.get(key) !== count);
    return { ...result, commitments: counts, ...(grown ? { grown } : {}) };
  };
  const read = (built: BuiltProblem, values: ArrayLike<number>) => {
    if (offers.size) use.add(built, values);
    for (const replica of built.replicas) {
      if (values[replica.variable.index]! > SHORTLIST_EPSILON) {
        guide.shortlist[replica.window]!.add(replica.candidate);
        if (replica.pool) guide.shortlist[replica.window]!.add(`${replica.candidate}|${replica.pool}`);
      }
    }
    for (const unmet of built.unmet) {
      const left = values[unmet.variable.index]! * built.flowUnit[unmet.workload]!;
      guide.unmet[unmet.window]! += left;
      guide.unmetBy!.set(lpUnmetKey(unmet.workload, unmet.origin, unmet.window), left);
    }
  };
  const generated = usesColumnGeneration(input) ? await horizonLpByColumns(input, ctx.run) : undefined;
  if (generated && 'built' in generated) {
    read(generated.built, generated.solution.values!);
    const note = `the horizon LP by column generation: ${generated.configs} of ${generated.totalConfigs} configs in ${generated.rounds} rounds, its optimum the full LP's`;
    return withCounts({ ...guide, bound: generated.solution.objective!, note, generated: true });
  }
  const joint = buildProblem(input);
  const relaxation = await ctx.run(linearRelaxation(joint.program), 'the horizon LP');
  if (relaxation.status === 'optimal' && relaxation.values) {
    read(joint, relaxation.values);
    const done = new Map(joint.done.map((d) => [`${d.workload}|${d.origin}|${d.window}`, relaxation.values![d.variable.index]!]));
    const note = generated ? `column generation stopped (${generated.failed}), so the full horizon LP was solved` : undefined;
    return withCounts({ ...guide, bound: relaxation.objective!, ...(done.size ? { done } : {}), ...(note ? { note } : {}) });
  }
  // Stretches of the horizon, halved until each solves: their LPs' sum is still a bound when each stretch
  // after the first starts from a fleet large enough that its first start-ups are free (a relaxation).
  const chunkable = input.policies.maxScaleInPerWindow === undefined && input.workloads.every(isInteractive) && !ctx.expired();
  if (chunkable && windows > 1) {
    const stretches = await stretchLps(ctx, 0, windows);
    if (stretches) {
      for (const { built, values } of stretches.solved) read(built, values);
      return withCounts({
        ...guide,
        bound: stretches.bound,
        note: `the horizon LP ended ${relaxation.status} (${relaxation.rawStatus}), so the bound is the sum of ${stretches.solved.length} stretches' LPs (start-ups at their seams not counted)`,
      });
    }
  }
  let bound: number | undefined = 0;
  for (let t = 0; t < windows; t++) {
    const built = ctx.expired() ? undefined : buildProblem(input, { windows: [t], independentWindows: true, includeBudget: false });
    const window = built ? await ctx.run(linearRelaxation(built.program), `window ${t} LP`) : undefined;
    if (built && window?.status === 'optimal' && window.values) {
      read(built, window.values);
      if (bound !== undefined) bound += window.objective!;
    } else {
      bound = undefined;
      for (const c of input.candidates.keys()) for (const key of [c, `${c}|firm`, `${c}|spot`]) guide.shortlist[t]!.add(key);
      guide.unmet[t] = Infinity;
    }
  }
  return withCounts({
    ...guide,
    ...(bound !== undefined ? { bound } : {}),
    note: `the horizon LP ended ${relaxation.status} (${relaxation.rawStatus}), so the bound is the sum of window LPs (start-ups not counted)`,
  });
}

/**
 * Integer commitment counts from the LP's firm fleet v[t] (committed + on-demand VMs, fractional) of each
 * (sku, region): the k-th committed VM would be used min(1, max(0, v[t] - (k - 1))) of window t, so buy it
 * while its utilisation over the horizon stays above the break-even (committed price / on-demand price).
 * The LP's own optimum meets the same marginal condition; reading it off the fleet instead of the LP's
 * commit column keeps the rounding deterministic where the LP is degenerate. With commitmentGrowthPerMonth,
 * the utilisation is the mean over the term's months with the fleet grown to each (commitment-growth.ts):
 * the same rule for the term the commitment is paid over, so the count never falls as growth rises.
 */
export function commitmentCounts(
  input: PlanningInput,
  offers: ReadonlyMap<string, { usdPerHour: number; onDemandUsdPerHour: number; term: CommitmentTerm }>,
  firm: ReadonlyMap<string, readonly number[]>,
  growthPerMonth = input.policies.commitmentGrowthPerMonth,
): Map<string, number> {
  const hours = input.windows.map((w) => w.hours);
  const counts = new Map<string, number>();
  for (const [key, offer] of offers) {
    const profile = firm.get(key)!;
    const breakEven = offer.usdPerHour / offer.onDemandUsdPerHour;
    const factors = growthPerMonth === undefined ? [1] : growthFactors(offer.term, growthPerMonth);
    // Never more than a quota allows in some window (the bound of the commit column): growth could ask for more.
    const sku = input.skus.find((k) => k.sku === key.slice(0, key.indexOf('|')));
    const quota = sku ? minOf(input.windows.map((_, t) => vmUpperBound(input, sku, key.slice(key.indexOf('|') + 1), t))) : Infinity;
    const most = Math.min(quota, maxOf(profile, 0) * maxOf(factors, 1));
    let count = 0;
    while (count < most) {
      if (marginalUtilisation(profile, hours, count + 1, factors) <= breakEven + 1e-9) break;
      count++;
    }
    counts.set(key, count);
  }
  return counts;
}

/**
 * With demand growth the counts are the term's (commitmentCounts), above what the planned horizon alone would
 * buy, and the horizon LP, which picks its own counts, would report that extra commitment as a gap. The bound
 * of the plan lp-rolling makes is the horizon LP with the counts fixed; if it does not solve, the free LP's
 * bound (lower, still valid) stays.
 */
async function boundWithCounts(ctx: SolveContext, guide: RelaxationGuide): Promise<RelaxationGuide> {
  if (!guide.grown || !guide.commitments || guide.bound === undefined || ctx.expired()) return guide;
  const built = buildProblem(ctx.input, { commitments: guide.commitments });
  const lp = await ctx.run(linearRelaxation(built.program), 'the horizon LP with the commitment counts fixed');
  if (lp.status !== 'optimal' || lp.objective === undefined) return guide;
  const note = 'commitment counts from the growth rule over the term; the bound is the horizon LP with those counts fixed';
  return { ...guide, bound: lp.objective, note: guide.note ? `${guide.note}; ${note}` : note };
}

/** LPs of windows [from, to), halved until each solves (undefined if a single window does not). */
async function stretchLps(
  ctx: SolveContext,
  from: number,
  to: number,
): Promise<{ bound: number; solved: { built: BuiltProblem; values: Float64Array }[] } | undefined> {
  const { input } = ctx;
  const windows = Array.from({ length: to - from }, (_, k) => from + k);
  if (ctx.expired()) return undefined;
  if (from > 0) {
    const built = buildProblem(input, { windows, includeBudget: false, ...freeStartFleet(input) });
    const lp =
      to - from < input.windows.length ? await ctx.run(linearRelaxation(built.program), `windows ${from}..${to - 1} LP`) : undefined;
    if (lp?.status === 'optimal' && lp.values) return { bound: lp.objective!, solved: [{ built, values: lp.values }] };
  } else if (to < input.windows.length) {
    const built = buildProblem(input, { windows, includeBudget: false });
    const lp = await ctx.run(linearRelaxation(built.program), `windows ${from}..${to - 1} LP`);
    if (lp.status === 'optimal' && lp.values) return { bound: lp.objective!, solved: [{ built, values: lp.values }] };
  }
  if (to - from <= 1) return undefined;
  const middle = from + Math.floor((to - from) / 2);
  const left = await stretchLps(ctx, from, middle);
  const right = left && (await stretchLps(ctx, middle, to));
  return left && right ? { bound: left.bound + right.bound, solved: [...left.solved, ...right.solved] } : undefined;
}

/**
 * A fleet before a stretch that makes its first window's start-ups free: as many VMs, and replicas of every
 * config, as a quota or the demand could need.
 */
function freeStartFleet(input: PlanningInput): { previousFleet: Map<string, number>; previousReplicas: Map<string, number> } {
  const previousFleet = new Map<string, number>();
  for (const sku of input.skus) for (const price of sku.prices) previousFleet.set(fleetKey(sku.sku, price.region, price.purchase), 1e9);
  const previousReplicas = new Map<string, number>();
  for (const candidate of input.candidates)
    for (const pool of [undefined, 'firm', 'spot'] as const) previousReplicas.set(replicaKey({ ...candidate, pool }), 1e9);
  return { previousFleet, previousReplicas };
}

/**
 * The joint LP relaxation's optimum: a proven lower bound on the horizon's MILP objective, for plans made
 * without a MILP (GH, AGH), by column generation where lp-rolling would use it. Undefined when the LP does
 * not solve within its limits.
 */
export async function relaxationBound(
  input: PlanningInput,
  solve: SolveFn,
  timeLimitSec = DEFAULT_TIME_LIMIT_SEC,
): Promise<number | undefined> {
  if (usesColumnGeneration(input)) {
    const generated = await horizonLpByColumns(input, (program, _, extra) => solve(program, { ...extra, timeLimitSec }));
    if ('built' in generated) return generated.solution.objective;
  }
  const relaxation = await solve(linearRelaxation(buildProblem(input).program), { timeLimitSec });
  return relaxation.status === 'optimal' ? relaxation.objective : undefined;
}

/** The window's MILP again, its unmet demand held to the horizon LP's (lp-service.ts). */
async function heldWindow(
  input: PlanningInput,
  built: BuiltProblem,
  lpUnmet: ReadonlyMap<string, number>,
  run: (program: Program, what: string) => Promise<Solution>,
  label: string,
): Promise<{ built: BuiltProblem; solution: Solution }> {
  const program = heldToLpService(input, built, lpUnmet);
  return { built: { ...built, program }, solution: await run(program, `${label} held to the LP's service`) };
}

/** Replicas below this in the LP relaxation are not worth a config's place in the shortlist. */
const SHORTLIST_EPSILON = 1e-6;

/** Unmet requests/s in a solution of the built problem. */
/**
 * GH's plan for a window as the window MILP's answer: when it serves what the LP serves (the horizon LP's unmet
 * for the window, else the window LP's) and its objective (the program's, tie-breaks included) is within the
 * relative gap of the window LP's optimum, that optimum proves it as it would prove a MILP incumbent, and the
 * MILP is not run. Undefined otherwise.
 */
function greedyWithinGap(
  input: PlanningInput,
  built: BuiltProblem,
  planned: PlanWindow | undefined,
  relaxed: Solution,
  horizonUnmet: number | undefined,
  before: ReadonlyMap<string, number>,
  replicasBefore: ReadonlyMap<string, number>,
  gap: number,
): Solution | undefined {
  if (!planned || relaxed.status !== 'optimal' || relaxed.objective === undefined || !relaxed.values) return undefined;
  const lpUnmet = horizonUnmet !== undefined && Number.isFinite(horizonUnmet) ? horizonUnmet : unmetOf(built, relaxed.values);
  if (!(planned.unmet.reduce((sum, u) => sum + u.requestsPerSec, 0) <= lpUnmet + 1e-6)) return undefined;
  const objective = windowObjective(input, planned, before, replicasBefore);
  // A shortlist's LP can be above a plan GH made with other configs: never report a bound above the plan.
  const bound = Math.min(relaxed.objective, objective);
  return provenWithinGap(objective, bound, gap, relaxed.solver, "GH's plan for the window, within the gap of the LP bound");
}

function unmetOf(built: BuiltProblem, values: ArrayLike<number>): number {
  return built.unmet.reduce((sum, u) => sum + values[u.variable.index]! * built.flowUnit[u.workload]!, 0);
}

/**
 * The MILP's objective evaluated on the plan, unrounded: VM cost, start-ups, unmet-demand penalties and
 * the tie-break terms, so that it equals what an external solver reports for the same model.
 */
export function planObjective(input: PlanningInput, plan: Plan): number {
  let objective = 0;
  let replicas = initialReplicas(input);
  for (const window of plan.windows) {
    objective += windowObjective(input, window, undefined, replicas);
    replicas = replicaMap(window.replicas);
  }
  return objective;
}

/**
 * One window's share of the objective. VM start-ups are the window's own `started`, or counted against
 * `previous` (fleetKey -> VMs) when given, for windows not yet assembled into a plan; model loads are
 * counted against `previousReplicas` (replicaKey -> replicas).
 */
export function windowObjective(
  input: PlanningInput,
  window: PlanWindow,
  previous: ReadonlyMap<string, number> | undefined,
  previousReplicas: ReadonlyMap<string, number>,
): number {
  const penalty = new Map(input.workloads.map((w) => [w.id, w.unmetPenaltyUsdPerRequest]));
  let objective = 0;
  for (const vm of window.vms) {
    const started =
      vm.purchase === 'committed'
        ? 0
        : previous
          ? Math.max(0, vm.count - (previous.get(fleetKey(vm.sku, vm.region, vm.purchase)) ?? 0))
          : vm.started;
    objective += vm.count * vm.usdPerHour * window.hours + started * vm.usdPerHour * input.policies.startupHours;
  }
  objective += windowModelLoad(input, window.replicas, previousReplicas).usd;
  for (const entry of window.unmet) objective += entry.requestsPerSec * 3600 * window.hours * penalty.get(entry.workload)!;
  for (const replica of window.replicas) objective += REPLICA_TIE_BREAK * replica.count * window.hours;
  const workloadIndex = new Map(input.workloads.map((w, i) => [w.id, i]));
  for (const route of window.routes)
    objective +=
      routeTieBreak(input, workloadIndex.get(route.workload)!) *
      route.requestsPerSec *
      input.latencyMs(route.origin, route.region) *
      window.hours;
  return objective;
}

export function gapOf(objective: number | undefined, bound: number | undefined): { gap?: number } {
  const gap = relativeGap(objective, bound);
  if (gap === undefined) return {};
  // Tie-break terms (1e-6 scale) can put the bound a hair above the recomputed objective.
  return { gap: objective !== undefined && bound !== undefined && bound > objective ? 0 : gap };
}
