import { fleetKey } from '../capacity/formulation.js';
import { planCapacity, relaxationBound, type SolveFn, type Strategy } from '../capacity/solve.js';
import { greedyWindowFallback } from '../heuristics/index.js';
import { isInteractive } from '../capacity/policies.js';
import type { FleetEntry, PlanWindow, PlanningInput, QuotaRule, ReplicaEntry, WorkloadSpec } from '../capacity/types.js';
import { RateLearner, type GroupObservation } from '../calibrate/learn.js';
import { FleetEvaluator, type ReplicaGroupReport } from './evaluate.js';
import { forecastAhead } from './forecast-next.js';
import { costLowerBound } from './cost-bound.js';
import { fleetEntries, sliceInput } from './slice.js';
import type { CapacityEvent, FleetWindow, RateLearning } from './types.js';
import { maxOf } from '../extremes.js';
import { configKey } from '../config-key.js';

/**
 * What `planner simulate` compares: the planner and the baselines it is measured against. Not a strategy
 * (how one planning call decomposes the horizon: joint, rolling, ...), which every contender that plans uses.
 */
export type ContenderName = 'planner' | 'siloed' | 'reactive' | 'oracle' | 'single-gpu';
export const CONTENDER_NAMES: readonly ContenderName[] = ['planner', 'siloed', 'reactive', 'oracle', 'single-gpu'];

export interface ContenderContext {
  input: PlanningInput;
  /** Contiguous scenario window indices to plan and evaluate. */
  windows: readonly number[];
  /**
   * Demand a contender may know at planning point t: windows before t only. The runner builds it so
   * that nothing at or after t can be read.
   */
  historyBefore: (t: number) => readonly (readonly (readonly number[])[])[];
  /** The actual demand of the evaluated windows (perfect knowledge: the oracle only). */
  actualOf: (from: number, count: number) => readonly (readonly (readonly number[])[])[];
  /** Nominal demand of the evaluated windows before stress (what static sizing is based on). */
  nominalOf: (from: number, count: number) => readonly (readonly (readonly number[])[])[];
  /** Window starts up to and including t in workload w's local time (ISO), for day-type aware forecasts. */
  localStarts: (w: number, t: number) => string[];
  events: readonly CapacityEvent[];
  startFleet: readonly FleetEntry[];
  solve: SolveFn;
  solverName: string;
  relativeGap: number;
  /** The scenario's strategy for each planning call (auto: by size). */
  planStrategy: Strategy | 'auto';
  /** Per planning call. */
  timeLimitSec: number;
  /** Per whole-horizon solve (oracle, single-gpu). */
  horizonTimeLimitSec: number;
  /** Windows the planner commits per planning point, from one forecast of them all (default 1). */
  commitWindows?: number;
  /** Planners' belief about throughput (stress), 1 = the perf model's. */
  rateScale: number;
  /** The planner learns per-config rate factors from its own evaluated windows (src/calibrate/learn.ts). */
  learnRates?: boolean;
  progress?: (contender: string, done: number, total: number) => void;
}

export interface ContenderRun {
  name: string;
  description: string;
  fleets: FleetWindow[];
  seconds: number;
  notes: string[];
  /** The rate factors a learning contender ended with. */
  learning?: RateLearning;
  /** single-gpu: GPU types not solved because their LP bound was above the best plan found (USD). */
  skipped?: { gpu: string; boundUsd: number }[];
  /** oracle: a lower bound on the cost (VM time + start-ups) of any plan in the model serving as much (cost-bound.ts). */
  costBoundUsd?: number;
}

function fleetOf(window: PlanWindow, deferrable: ReadonlySet<string>): FleetWindow {
  const fleet: FleetWindow = {
    vms: window.vms.map(({ region, sku, purchase, count, usdPerHour }) => ({ region, sku, purchase, count, usdPerHour })),
    replicas: window.replicas,
  };
  if (deferrable.size === 0) return fleet;
  const deferred = new Map<string, { workload: string; origin: string; requestsPerSec: number }>();
  for (const route of window.routes) {
    if (!deferrable.has(route.workload)) continue;
    const key = `${route.workload}|${route.origin}`;
    const entry = deferred.get(key) ?? { workload: route.workload, origin: route.origin, requestsPerSec: 0 };
    entry.requestsPerSec += route.requestsPerSec;
    deferred.set(key, entry);
  }
  return { ...fleet, deferred: [...deferred.values()] };
}

function deferrableIds(input: PlanningInput): Set<string> {
  return new Set(input.workloads.filter((w) => !isInteractive(w)).map((w) => w.id));
}

/** Capacity events as quota rules (in scenario window indices). */
function eventQuotas(events: readonly CapacityEvent[]): QuotaRule[] {
  return events.map((e) => ({ gpu: e.gpu, region: e.region, gpus: e.availableGpus, fromWindow: e.fromWindow, toWindow: e.toWindow }));
}

/** Share of its deadline by which the planner paces a deferrable request (see Backlog.pace). */
export const PACING_DEADLINE_SHARE = 0.5;

/** The workload planned as interactive: a one-window plan serves its demand in that window. */
function asInteractive(workload: WorkloadSpec): WorkloadSpec {
  const { deadlineHours: _deadline, ...rest } = workload;
  return rest;
}

/**
 * The strategy of one re-planning call: with auto, one window is planned by lp-rolling alone. Where its LP
 * bound does not prove the window within the gap, auto would spend seconds of branch and bound on the
 * joint MILP for a plan that is replaced an hour later; a chosen strategy is kept.
 */
function hourlyStrategy(strategy: Strategy | 'auto', windows: number): Strategy | 'auto' {
  return strategy === 'auto' && windows === 1 ? 'lp-rolling' : strategy;
}

/**
 * planner: every window, forecast the next hour per (workload, origin) from history only (forecast-next.ts),
 * plan that window with the MILP starting from the fleet already running (start-ups priced), commit it.
 * With commitWindows N: every N windows, forecast the next N (forecastAhead) and plan and commit them all.
 * A capacity event is known from the window it starts in (with its announced end) and enters as a quota.
 * A deferrable workload is planned at the pace that serves its backlog by half its deadline (new arrivals
 * wait for the next plan unless the deadline is one window); the planner knows its backlog by replaying its
 * own past windows through the evaluation on the demand history.
 * With learnRates, that replay also yields what each replica group reported (requests/s served and busy
 * share): the learner (src/calibrate/learn.ts) compares it with the utilisation the plan's rates predict at
 * that load, and the next windows plan every candidate at its rate x its config's factor.
 */
export async function plannerContender(ctx: ContenderContext): Promise<ContenderRun> {
  const started = performance.now();
  ctx.progress?.('planner', 0, ctx.windows.length);
  const fleets: FleetWindow[] = [];
  const notes: string[] = [];
  let previous: FleetEntry[] = [...ctx.startFleet];
  // The replicas the next plan starts from: loaded llms it keeps without a model load.
  let previousReplicas: ReplicaEntry[] = [];
  let margins = 0;
  let forecasts = 0;
  const { input } = ctx;
  const block = ctx.commitWindows ?? 1;
  const deferrable = deferrableIds(input);
  const hasBacklog = input.workloads.some((w) => !isInteractive(w));
  const learner = ctx.learnRates ? new RateLearner() : undefined;
  // Replays the planner's own past windows on the demand that arrived: its batch backlog and what its
  // replicas reported (served requests/s and busy share), which the learner compares with the plan.
  const ledger =
    hasBacklog || learner
      ? new FleetEvaluator({ input, windows: ctx.windows, actual: [], events: ctx.events, startFleet: ctx.startFleet, solve: ctx.solve })
      : undefined;
  // The rates the plans assume before the learned factors (the model's, times any stressed optimism).
  const believed = new Map(input.candidates.map((c) => [configKey(c), c.requestsPerSecByWorkload]));
  const gpuOf = new Map(input.skus.map((s) => [s.sku, s.gpu]));
  const observe = (report: ReplicaGroupReport): GroupObservation => {
    const rates = believed.get(configKey(report));
    let planned = 0;
    for (const [id, rps] of report.servedRps) {
      const rate = (rates?.get(id) ?? 0) * ctx.rateScale;
      if (rate > 0) planned += rps / rate;
    }
    return {
      llm: report.llm,
      gpu: report.gpu,
      tp: report.tp,
      replicas: report.replicas,
      utilisation: report.utilisation,
      plannedUtilisation: planned / report.replicas,
    };
  };
  for (let k = 0; k < ctx.windows.length; k += block) {
    const t = ctx.windows[k]!;
    const count = Math.min(block, ctx.windows.length - k);
    const history = ctx.historyBefore(t);
    // The backlog after every window committed so far, replayed on the demand that arrived in them.
    for (let j = k - block; ledger && j >= 0 && j < k; j++) {
      await ledger.step(
        j,
        fleets[j]!,
        input.workloads.map((workload, w) => workload.origins.map((_, o) => history[w]![o]![ctx.windows[j]!]!)),
      );
      learner?.observe(ctx.windows[j]!, ledger.lastReplicaGroups().map(observe));
    }
    const seconds = input.windows[t]!.hours * 3600;
    const forecast = input.workloads.map((workload, w) =>
      workload.origins.map((_, o) =>
        Array.from({ length: count }, (_, h) => {
          const backlog = ledger?.backlog(w, o);
          if (backlog && backlog.lag > 1) return backlog.pace(t, PACING_DEADLINE_SHARE) / seconds;
          // Slice even though the runner already does: the forecast must not depend on how history is handed over.
          const next = forecastAhead(history[w]![o]!.slice(0, t), h + 1, {
            starts: ctx.localStarts(w, t + h),
            absorbed: input.policies.headroom / (1 - input.policies.headroom),
          });
          margins += next.margin;
          forecasts++;
          return next.upper;
        }),
      ),
    );
    const known = ctx.events.filter((e) => e.fromWindow <= t);
    const sliced = sliceInput(input, {
      from: t,
      count,
      demand: forecast,
      currentFleet: previous,
      currentReplicas: previousReplicas,
      extraQuotas: eventQuotas(known),
      rateScale: ctx.rateScale,
      ...(learner ? { rateFactor: (c: { llm: string; sku: string; tp: number }) => learner.factor(c.llm, gpuOf.get(c.sku)!, c.tp) } : {}),
    });
    const sub = hasBacklog ? { ...sliced, workloads: sliced.workloads.map(asInteractive) } : sliced;
    const result = await planCapacity(sub, ctx.solve, ctx.solverName, {
      strategy: hourlyStrategy(ctx.planStrategy, count),
      relativeGap: ctx.relativeGap,
      timeLimitSec: ctx.timeLimitSec,
      ...greedyWindowFallback(sub),
    });
    const byIndex = new Map(result.plan.windows.map((window) => [window.index, window]));
    for (let h = 0; h < count; h++) {
      const window = byIndex.get(h);
      if (window) {
        fleets.push(fleetOf(window, deferrable));
        previous = fleetEntries(window.vms);
        previousReplicas = window.replicas.map((r) => ({ ...r }));
      } else {
        // No plan for this window: the fleet keeps running as it was.
        notes.push(`window ${t + h}: ${result.solver.status} (${result.solver.reason}); kept the running fleet`);
        fleets.push(fleets.at(-1) ?? { vms: [], replicas: [] });
      }
    }
    ctx.progress?.('planner', k + count, ctx.windows.length);
  }
  notes.push(`mean forecast margin ${((100 * margins) / Math.max(1, forecasts)).toFixed(1)}%`);
  const description =
    block === 1
      ? 'hourly: next-hour forecast from history, MILP from the running fleet'
      : `every ${block} windows: forecast of the next ${block} from history, MILP from the running fleet, all ${block} committed`;
  const settledFrom = learner?.settledFrom();
  const learning: RateLearning | undefined = learner
    ? { factors: learner.factors(), pooled: learner.pooled, ...(settledFrom !== undefined ? { settledFrom } : {}) }
    : undefined;
  return { name: 'planner', description, fleets, seconds: (performance.now() - started) / 1000, notes, ...(learning ? { learning } : {}) };
}

/**
 * The perfect-knowledge baselines leave deferrable work that is not yet due at the end, as the contenders
 * they are compared with do (their backlog is reported as pending, outside attainment).
 */
function openEnd(input: PlanningInput): PlanningInput {
  return { ...input, policies: { ...input.policies, deferrableOpenEnd: true } };
}

/** Requests a plan's rounded unmet total may hide (plan totals round to whole requests). */
const UNMET_ROUNDING = 0.5;

/** oracle: the MILP over the whole evaluated horizon on the actual demand, events known in advance. */
export async function oracleContender(ctx: ContenderContext): Promise<ContenderRun> {
  const started = performance.now();
  ctx.progress?.('oracle', 0, ctx.windows.length);
  const from = ctx.windows[0]!;
  const count = ctx.windows.length;
  const sub = openEnd(
    sliceInput(ctx.input, {
      from,
      count,
      demand: ctx.actualOf(from, count),
      currentFleet: ctx.startFleet,
      extraQuotas: eventQuotas(ctx.events),
      rateScale: ctx.rateScale,
    }),
  );
  const result = await planCapacity(sub, ctx.solve, ctx.solverName, {
    strategy: ctx.planStrategy,
    relativeGap: ctx.relativeGap,
    timeLimitSec: ctx.horizonTimeLimitSec,
    ...greedyWindowFallback(sub),
  });
  ctx.progress?.('oracle', count, count);
  const byIndex = new Map(result.plan.windows.map((w) => [w.index, w]));
  const deferrable = deferrableIds(ctx.input);
  const fleets = ctx.windows.map((_, k) => {
    const window = byIndex.get(k);
    return window ? fleetOf(window, deferrable) : { vms: [], replicas: [] };
  });
  // The solver's bound is on the MILP objective (penalties and tie-breaks included): as a bound on what the
  // evaluation charges, it holds for every plan in the model leaving no more unmet than this one.
  const costBoundUsd = costLowerBound(sub, result.solver.bound, result.plan.totals.unmetRequests + UNMET_ROUNDING);
  const proven =
    result.solver.status === 'optimal'
      ? `proven within its ${(100 * ctx.relativeGap).toFixed(1)}% gap`
      : `not proven within its ${(100 * ctx.relativeGap).toFixed(1)}% gap: ${result.solver.reason}`;
  return {
    name: 'oracle',
    description: `MILP on the actual demand (${result.solver.strategy})`,
    fleets,
    seconds: (performance.now() - started) / 1000,
    notes: [proven],
    ...(costBoundUsd !== undefined ? { costBoundUsd } : {}),
  };
}

/**
 * siloed (SageServe's baseline): each workload on its own fleet, sized once for its peak hour per origin
 * over the evaluated days (nominal demand), no sharing between workloads and no scaling.
 */
export async function siloedContender(ctx: ContenderContext): Promise<ContenderRun> {
  const started = performance.now();
  ctx.progress?.('siloed', 0, ctx.windows.length);
  const from = ctx.windows[0]!;
  const nominal = ctx.nominalOf(from, ctx.windows.length);
  const vms = new Map<string, FleetWindow['vms'][number]>();
  const replicas: FleetWindow['replicas'][number][] = [];
  const notes: string[] = [];
  for (const [w, workload] of ctx.input.workloads.entries()) {
    const peak = workload.origins.map((_, o) => [maxOf(nominal[w]![o]!, 0)]);
    const sliced = sliceInput(ctx.input, { from, count: 1, demand: [peak], workloads: [w], currentFleet: [], rateScale: ctx.rateScale });
    // A deferrable workload's silo is sized like the others, for its peak hour of arrivals.
    const sub = { ...sliced, workloads: sliced.workloads.map(asInteractive) };
    const result = await planCapacity(sub, ctx.solve, ctx.solverName, {
      strategy: ctx.planStrategy,
      relativeGap: ctx.relativeGap,
      timeLimitSec: ctx.timeLimitSec,
      ...greedyWindowFallback(sub),
    });
    const window = result.plan.windows[0];
    if (!window) {
      notes.push(`${workload.id}: no silo plan (${result.solver.status})`);
      continue;
    }
    for (const vm of window.vms) {
      const key = fleetKey(vm.sku, vm.region, vm.purchase);
      const existing = vms.get(key);
      vms.set(key, {
        region: vm.region,
        sku: vm.sku,
        purchase: vm.purchase,
        usdPerHour: vm.usdPerHour,
        count: (existing?.count ?? 0) + vm.count,
      });
    }
    for (const replica of window.replicas) replicas.push({ ...replica, workload: workload.id });
  }
  const fleet: FleetWindow = { vms: [...vms.values()], replicas };
  ctx.progress?.('siloed', ctx.windows.length, ctx.windows.length);
  return {
    name: 'siloed',
    description: 'one fleet per workload, sized for its peak hour, static',
    fleets: ctx.windows.map(() => fleet),
    seconds: (performance.now() - started) / 1000,
    notes,
  };
}

/** Reactive autoscaling thresholds (SageServe's production baseline: out above 70%, in below 30%). */
export const REACTIVE = { scaleOutAbove: 0.7, scaleInBelow: 0.3, target: 0.5 } as const;

/**
 * reactive: per (workload, region) one replica group of the cheapest config per request/s there; each window it looks
 * at the previous window's utilisation (offered load over SLO capacity) and, above 70% or below 30%, resizes
 * the replica group to 50%. Replicas added serve only after the start-up time (spin-up delay). Origins are served in
 * their own region (or the nearest region with a config).
 */
export async function reactiveContender(ctx: ContenderContext): Promise<ContenderRun> {
  const started = performance.now();
  ctx.progress?.('reactive', 0, ctx.windows.length);
  const { input } = ctx;
  const sku = new Map(input.skus.map((s) => [s.sku, s]));
  const priceOf = (skuId: string, region: string) =>
    sku.get(skuId)!.prices.find((p) => p.region === region && p.purchase === 'on-demand')?.usdPerHour;
  interface ReactiveGroup {
    w: number;
    region: string;
    candidate: number;
    rate: number;
    origins: number[];
    replicas: number;
  }
  const replicaGroups = new Map<string, ReactiveGroup>();
  const notes: string[] = [];
  for (const [w, workload] of input.workloads.entries()) {
    for (const [o, origin] of workload.origins.entries()) {
      const regions = [...input.regions].sort((a, b) => input.latencyMs(origin, a) - input.latencyMs(origin, b) || (a < b ? -1 : 1));
      let chosen: { region: string; candidate: number; rate: number } | undefined;
      for (const region of regions) {
        if (input.latencyMs(origin, region) > workload.maxNetworkRttMs) continue;
        let best: { candidate: number; rate: number; usdPerRps: number } | undefined;
        for (const [c, candidate] of input.candidates.entries()) {
          const rate = (candidate.requestsPerSecByWorkload.get(workload.id) ?? 0) * ctx.rateScale;
          const price = candidate.region === region ? priceOf(candidate.sku, region) : undefined;
          if (rate <= 0 || price === undefined) continue;
          const offer = sku.get(candidate.sku)!;
          const usdPerRps = price / ((offer.gpusPerVm / candidate.tp) * rate);
          if (!best || usdPerRps < best.usdPerRps - 1e-12) best = { candidate: c, rate, usdPerRps };
        }
        if (best) {
          chosen = { region, candidate: best.candidate, rate: best.rate };
          break;
        }
      }
      if (!chosen) {
        notes.push(`${workload.id} from ${origin}: no config within its RTT bound`);
        continue;
      }
      const key = `${w}|${chosen.region}`;
      const replicaGroup = replicaGroups.get(key) ?? {
        w,
        region: chosen.region,
        candidate: chosen.candidate,
        rate: chosen.rate,
        origins: [],
        replicas: 0,
      };
      replicaGroup.origins.push(o);
      replicaGroups.set(key, replicaGroup);
    }
  }
  const ordered = [...replicaGroups.values()];
  const first = ctx.windows[0]!;
  // A replica added now serves after its VM boots and its llm loads (model-load.ts), and not before.
  const startupFraction = (t: number, c: number) =>
    Math.min(1, (input.policies.startupHours + (input.candidates[c]!.loadHours ?? 0)) / input.windows[t]!.hours);
  // The load a replica group saw in window t (read from history only: the decision for t uses t - 1).
  const offered = (replicaGroup: ReactiveGroup, history: readonly (readonly (readonly number[])[])[], t: number) =>
    replicaGroup.origins.reduce((sum, o) => sum + history[replicaGroup.w]![o]![t]!, 0);
  const sizeFor = (replicaGroup: ReactiveGroup, load: number) =>
    load <= 0 ? 0 : Math.ceil(load / (replicaGroup.rate * REACTIVE.target) - 1e-9);
  if (first > 0) {
    const history = ctx.historyBefore(first);
    for (const replicaGroup of ordered) replicaGroup.replicas = sizeFor(replicaGroup, offered(replicaGroup, history, first - 1));
  }
  const fleets: FleetWindow[] = [];
  for (const [k, t] of ctx.windows.entries()) {
    const before = ordered.map((replicaGroup) => replicaGroup.replicas);
    if (k > 0 || first > 0) {
      const history = ctx.historyBefore(t);
      for (const replicaGroup of ordered) {
        const load = offered(replicaGroup, history, t - 1);
        const utilisation = replicaGroup.replicas > 0 ? load / (replicaGroup.replicas * replicaGroup.rate) : load > 0 ? Infinity : 0;
        if (utilisation > REACTIVE.scaleOutAbove || utilisation < REACTIVE.scaleInBelow)
          replicaGroup.replicas = sizeFor(replicaGroup, load);
      }
    }
    const replicas: FleetWindow['replicas'][number][] = [];
    const gpusBySku = new Map<string, number>();
    for (const [i, replicaGroup] of ordered.entries()) {
      if (replicaGroup.replicas <= 0) continue;
      const candidate = input.candidates[replicaGroup.candidate]!;
      const added = Math.max(0, replicaGroup.replicas - before[i]!);
      const effectiveCount = replicaGroup.replicas - added * startupFraction(t, replicaGroup.candidate);
      replicas.push({
        llm: candidate.llm,
        sku: candidate.sku,
        tp: candidate.tp,
        region: candidate.region,
        count: replicaGroup.replicas,
        ...(added > 0 ? { effectiveCount } : {}),
        // Sized per workload: with policies.interference its replicas serve that workload alone.
        ...(input.policies.interference === 'separate' ? { workloads: [input.workloads[replicaGroup.w]!.id] } : {}),
      });
      const key = `${candidate.sku}|${candidate.region}`;
      gpusBySku.set(key, (gpusBySku.get(key) ?? 0) + replicaGroup.replicas * candidate.tp);
    }
    const vms = [...gpusBySku].map(([key, gpus]) => {
      const [skuId, region] = key.split('|') as [string, string];
      return {
        region,
        sku: skuId,
        purchase: 'on-demand' as const,
        count: Math.ceil(gpus / sku.get(skuId)!.gpusPerVm),
        usdPerHour: priceOf(skuId, region)!,
      };
    });
    fleets.push({ vms, replicas });
  }
  ctx.progress?.('reactive', ctx.windows.length, ctx.windows.length);
  return {
    name: 'reactive',
    description: 'per workload and region, one config; resize to 50% when last hour was above 70% or below 30%',
    fleets,
    seconds: (performance.now() - started) / 1000,
    notes,
  };
}

/** The oracle's horizon input restricted to one GPU type: what single-gpu plans for it. */
export function singleGpuInput(ctx: ContenderContext, gpu: string): PlanningInput {
  const from = ctx.windows[0]!;
  const count = ctx.windows.length;
  return openEnd(
    sliceInput(ctx.input, {
      from,
      count,
      demand: ctx.actualOf(from, count),
      currentFleet: ctx.startFleet,
      extraQuotas: eventQuotas(ctx.events),
      gpus: new Set([gpu]),
      rateScale: ctx.rateScale,
    }),
  );
}

/**
 * single-gpu (Mélange's baseline): the oracle's MILP restricted to one GPU type at a time; the cheapest type
 * that serves all demand wins (the least unmet demand if none does). Shows what heterogeneity is worth.
 * Each type's horizon LP comes first: it bounds the cost of every plan of that type that serves all demand
 * (cost-bound.ts), so once a type serves everything, a type whose bound is above that plan's cost cannot win
 * and is not solved. Types are solved in order of bound, so the likely winner comes first. The skip never
 * changes the winner; a bound the LP's work limit leaves unknown only means that type is solved.
 */
export async function singleGpuContender(ctx: ContenderContext): Promise<ContenderRun> {
  const started = performance.now();
  ctx.progress?.('single-gpu', 0, ctx.windows.length);
  const count = ctx.windows.length;
  const gpus = [...new Set(ctx.input.skus.map((s) => s.gpu))].sort();
  const deferrable = deferrableIds(ctx.input);
  const tried: { gpu: string; cost: number; unmet: number; fleets: FleetWindow[] }[] = [];
  const notes: string[] = [];
  const bounded: { gpu: string; sub: PlanningInput; bound: number | undefined }[] = [];
  for (const gpu of gpus) {
    const sub = singleGpuInput(ctx, gpu);
    const unserved = sub.workloads.filter((w) => !sub.candidates.some((c) => c.requestsPerSecByWorkload.has(w.id)));
    if (unserved.length > 0) {
      notes.push(`${gpu}: cannot serve ${unserved.map((w) => w.id).join(', ')}`);
      continue;
    }
    const lp = await relaxationBound(sub, ctx.solve, ctx.horizonTimeLimitSec);
    bounded.push({ gpu, sub, bound: costLowerBound(sub, lp, UNMET_ROUNDING) });
  }
  bounded.sort((a, b) => (a.bound ?? Infinity) - (b.bound ?? Infinity) || (a.gpu < b.gpu ? -1 : 1));
  const skipped: { gpu: string; boundUsd: number }[] = [];
  for (const { gpu, sub, bound } of bounded) {
    // The cheapest plan so far that serves all demand: a type whose every such plan costs more cannot win.
    const leader = tried
      .filter((t) => t.unmet === 0)
      .reduce<(typeof tried)[number] | undefined>((b, t) => (!b || t.cost < b.cost ? t : b), undefined);
    if (leader && bound !== undefined && bound > leader.cost * (1 + 1e-9)) {
      skipped.push({ gpu, boundUsd: bound });
      notes.push(`${gpu}: not solved, its LP bound $${bound.toFixed(2)} is above ${leader.gpu}'s $${leader.cost.toFixed(2)}`);
      continue;
    }
    const result = await planCapacity(sub, ctx.solve, ctx.solverName, {
      strategy: ctx.planStrategy,
      relativeGap: ctx.relativeGap,
      timeLimitSec: ctx.horizonTimeLimitSec,
      ...greedyWindowFallback(sub),
    });
    if (result.plan.windows.length < count) {
      notes.push(`${gpu}: ${result.solver.status}`);
      continue;
    }
    const cost = result.plan.totals.costUsd + result.plan.totals.startupCostUsd;
    tried.push({
      gpu,
      cost,
      unmet: result.plan.totals.unmetRequests,
      fleets: result.plan.windows.map((window) => fleetOf(window, deferrable)),
    });
    notes.push(
      `${gpu}: $${cost.toFixed(2)}${bound !== undefined ? ` (LP bound $${bound.toFixed(2)})` : ''}${result.plan.totals.unmetRequests > 0 ? `, ${result.plan.totals.unmetRequests} requests unmet` : ''}`,
    );
  }
  ctx.progress?.('single-gpu', count, count);
  tried.sort((a, b) => a.unmet - b.unmet || a.cost - b.cost || (a.gpu < b.gpu ? -1 : 1));
  const best = tried[0];
  if (!best)
    return {
      name: 'single-gpu',
      description: 'no single GPU type serves every workload',
      fleets: ctx.windows.map(() => ({ vms: [], replicas: [] })),
      seconds: (performance.now() - started) / 1000,
      notes,
    };
  const skips = skipped.length > 0 ? `; ${skipped.length} type${skipped.length === 1 ? '' : 's'} skipped by LP bound` : '';
  return {
    name: 'single-gpu',
    description: `best single GPU type (${best.gpu}), MILP on the actual demand${skips}`,
    fleets: best.fleets,
    seconds: (performance.now() - started) / 1000,
    notes,
    ...(skipped.length > 0 ? { skipped } : {}),
  };
}

export const CONTENDERS: Record<ContenderName, (ctx: ContenderContext) => Promise<ContenderRun>> = {
  planner: plannerContender,
  siloed: siloedContender,
  reactive: reactiveContender,
  oracle: oracleContender,
  'single-gpu': singleGpuContender,
};
