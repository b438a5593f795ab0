import { fleetKey } from '../capacity/formulation.js';
import type { SolveFn } from '../capacity/solve.js';
import type { FleetEntry, PlanningInput, ReplicaEntry } from '../capacity/types.js';
import { replicaMap, windowModelLoad } from '../capacity/model-load.js';
import { deadlineLag, isInteractive } from '../capacity/policies.js';
import { Backlog } from './backlog.js';
import { dispatch, type DispatchResult } from './dispatch.js';
import { evictSpot, type Eviction } from './eviction.js';
import { windowQueueing, type QueueProfileOf } from './queueing.js';
import type { CapacityEvent, FleetWindow, ContenderResult, ContenderTotals, WindowOutcome } from './types.js';
import { compareStrings } from '../order.js';
import { minuteServed } from './within-hour.js';
import { CONV_2023_SHAPE } from '../demand/within-hour-shape.js';
import type { WithinHourShape } from '../demand/within-hour.js';
import { configKey } from '../config-key.js';

export interface EvaluationContext {
  input: PlanningInput;
  /** Scenario window indices evaluated, in order. */
  windows: readonly number[];
  /** Actual demand[workload][origin][scenario window], requests/s (stress applied). */
  actual: readonly (readonly (readonly number[])[])[];
  events: readonly CapacityEvent[];
  /** The fleet running before the first evaluated window. */
  startFleet: readonly FleetEntry[];
  /** Replicas running (llms loaded) before the first evaluated window; default none. */
  startReplicas?: readonly ReplicaEntry[];
  solve: SolveFn;
  /** Queue profiles for the queueing estimate per replica group; without them served counts as within SLO. */
  queueProfile?: QueueProfileOf;
  /** The within-hour shape of the point estimate (default the 2023 conversation trace's). */
  shape?: WithinHourShape;
}

/** One replica group's window as a fleet's metrics would report it (FleetEvaluator.lastReplicaGroups). */
export interface ReplicaGroupReport {
  llm: string;
  sku: string;
  gpu: string;
  tp: number;
  region: string;
  /** Replicas serving for the whole window (effective count). */
  replicas: number;
  /** Requests/s served, by workload id. */
  servedRps: ReadonlyMap<string, number>;
  /** Busy share: served load over the replicas' sustainable rate (0..1). */
  utilisation: number;
}

/** Events in force in scenario window t. */
export function eventsAt(events: readonly CapacityEvent[], t: number): CapacityEvent[] {
  return events.filter((e) => t >= e.fromWindow && t <= e.toWindow);
}

/**
 * The fleet the cloud actually grants under capacity events: VMs of an event's gpu in its region beyond the
 * available GPUs are not there (the biggest VMs go first), and replicas that no longer fit their sku's GPUs
 * go with them (the largest counts shrink first). A contender that planned for the event loses nothing.
 */
export function capFleet(input: PlanningInput, fleet: FleetWindow, events: readonly CapacityEvent[]): FleetWindow {
  if (events.length === 0) return fleet;
  const sku = new Map(input.skus.map((s) => [s.sku, s]));
  const vms = fleet.vms.map((vm) => ({ ...vm }));
  for (const event of events) {
    const affected = vms
      .filter((vm) => vm.region === event.region && sku.get(vm.sku)!.gpu === event.gpu)
      .sort(
        (a, b) =>
          sku.get(b.sku)!.gpusPerVm - sku.get(a.sku)!.gpusPerVm || compareStrings(a.sku, b.sku) || compareStrings(a.purchase, b.purchase),
      );
    let gpus = affected.reduce((sum, vm) => sum + vm.count * sku.get(vm.sku)!.gpusPerVm, 0);
    for (const vm of affected) {
      while (gpus > event.availableGpus && vm.count > 0) {
        vm.count--;
        gpus -= sku.get(vm.sku)!.gpusPerVm;
      }
    }
  }
  const replicas = fleet.replicas.map((r) => ({ ...r }));
  const gpusOf = new Map<string, number>();
  for (const vm of vms)
    gpusOf.set(`${vm.sku}|${vm.region}`, (gpusOf.get(`${vm.sku}|${vm.region}`) ?? 0) + vm.count * sku.get(vm.sku)!.gpusPerVm);
  const bySkuRegion = new Map<string, typeof replicas>();
  for (const replica of replicas) {
    const key = `${replica.sku}|${replica.region}`;
    const group = bySkuRegion.get(key);
    if (group) group.push(replica);
    else bySkuRegion.set(key, [replica]);
  }
  for (const [key, group] of bySkuRegion) {
    let used = group.reduce((sum, r) => sum + r.count * r.tp, 0);
    const available = gpusOf.get(key) ?? 0;
    while (used > available) {
      const largest = group.reduce((best, r) => (r.count * r.tp > best.count * best.tp ? r : best));
      largest.count--;
      used -= largest.tp;
    }
  }
  return { ...fleet, vms: vms.filter((vm) => vm.count > 0), replicas: replicas.filter((r) => r.count > 0) };
}

/** Runs the actual demand through a contender's fleets and totals what it cost and served. */
export async function evaluateFleets(
  ctx: EvaluationContext,
  contender: {
    name: string;
    description: string;
    fleets: readonly FleetWindow[];
    seconds: number;
    notes?: string[];
    learning?: ContenderResult['learning'];
  },
): Promise<ContenderResult> {
  const evaluator = new FleetEvaluator(ctx);
  const windows: WindowOutcome[] = [];
  for (const k of ctx.windows.keys()) windows.push(await evaluator.step(k, contender.fleets[k]!));
  return {
    name: contender.name,
    description: contender.description,
    windows,
    fleets: evaluator.granted,
    totals: totalsOf(ctx.input, windows),
    seconds: contender.seconds,
    notes: contender.notes ?? [],
    ...(contender.learning ? { learning: contender.learning } : {}),
  };
}

/**
 * The evaluation, one window at a time (the planner replays its own past windows with it to know its batch
 * backlog): events cap the fleet, spot VMs are evicted, the demand is dispatched (serve), the fleet billed
 * (bill), the queueing estimate taken. Deferrable backlog is work-conserving: paid-for replicas serve batch
 * whenever interactive traffic leaves them free; what passes its deadline is dropped.
 */
export class FleetEvaluator {
  readonly granted: FleetWindow[] = [];
  private readonly sku: Map<string, PlanningInput['skus'][number]>;
  private previous: Map<string, number>;
  /** Replicas running before the next window, by replicaKey: replicas beyond them load their llm. */
  private previousReplicas: Map<string, number>;
  /** By workload index, per origin; undefined for interactive workloads. */
  private readonly backlogs: (Backlog[] | undefined)[];
  private readonly ctx: EvaluationContext;
  private last: { fleet: FleetWindow; load: DispatchResult['replicaGroupLoad'] } | undefined;

  constructor(ctx: EvaluationContext) {
    this.ctx = ctx;
    const { input } = ctx;
    this.sku = new Map(input.skus.map((s) => [s.sku, s]));
    this.previous = new Map(ctx.startFleet.map((f) => [fleetKey(f.sku, f.region, f.purchase), f.count]));
    this.previousReplicas = replicaMap(ctx.startReplicas ?? []);
    this.backlogs = input.workloads.map((workload) =>
      isInteractive(workload) ? undefined : workload.origins.map(() => new Backlog(deadlineLag(workload, input.windows[0]?.hours ?? 1))),
    );
  }

  /** The deferrable backlog of workload w, origin o (after the windows stepped so far). */
  backlog(w: number, o: number): Backlog | undefined {
    return this.backlogs[w]?.[o];
  }

  /**
   * Evaluates the k-th evaluated window (scenario window ctx.windows[k]) with the contender's fleet; `demand`
   * ([workload][origin], requests/s) replaces ctx.actual for that window (a planner replaying its history).
   */
  async step(k: number, planned: FleetWindow, demand?: readonly (readonly number[])[]): Promise<WindowOutcome> {
    const { input } = this.ctx;
    const t = this.ctx.windows[k]!;
    const window = input.windows[t]!;
    const seconds = window.hours * 3600;
    const active = eventsAt(this.ctx.events, t);
    const capped = capFleet(input, planned, active);
    const { fleet, evictions } = evictSpot(input, capped, t, input.policies.spot?.evictionProbability ?? 0);
    this.granted.push(evictions.length > 0 ? { ...capped, evictions } : capped);
    const actual = input.workloads.map((workload, w) =>
      workload.origins.map((_, o) => (demand ? demand[w]![o]! : this.ctx.actual[w]![o]![t]!)),
    );
    for (const [w, origins] of this.backlogs.entries()) {
      origins?.forEach((backlog, o) => {
        backlog.arrive(t, actual[w]![o]! * seconds);
      });
    }
    const result = await this.serve(t, fleet, actual, seconds);
    this.last = { fleet, load: result.replicaGroupLoad };
    const bill = this.bill(capped, evictions, window.hours);
    const queueing = this.ctx.queueProfile
      ? windowQueueing(fleet, result.replicaGroupLoad, input.workloads.length, this.ctx.queueProfile)
      : undefined;
    const byWorkload: WindowOutcome['byWorkload'] = {};
    let demandRps = 0;
    let servedRps = 0;
    let withinSloRps = 0;
    let unmetRps = 0;
    for (const [w, workload] of input.workloads.entries()) {
      const demandOf = actual[w]!.reduce((a, b) => a + b, 0);
      const served = result.servedRps[w]!.reduce((a, b) => a + b, 0);
      const withinSlo = Math.max(0, served - (queueing?.lateRps[w] ?? 0));
      const origins = this.backlogs[w];
      // Interactive: what was not served now is lost. Deferrable: what passed its deadline this window.
      const unmet = origins ? origins.reduce((sum, backlog) => sum + backlog.expire(t), 0) / seconds : Math.max(0, demandOf - served);
      byWorkload[workload.id] = {
        demandRps: demandOf,
        servedRps: served,
        withinSloRps: withinSlo,
        unmetRps: unmet,
        ...(origins ? { backlogRequests: origins.reduce((sum, b) => sum + b.pending(), 0) } : {}),
      };
      demandRps += demandOf;
      servedRps += served;
      withinSloRps += withinSlo;
      unmetRps += unmet;
    }
    const withinHour = demand ? undefined : await this.withinHour(t, fleet, actual, result, byWorkload);
    return {
      index: t,
      start: window.start,
      hours: window.hours,
      mode: active.length > 0 ? 'capacity' : 'cost',
      ...(withinHour ? { withinHour } : {}),
      demandRps,
      servedRps,
      withinSloRps,
      unmetRps,
      byWorkload,
      ...(queueing
        ? {
            queueing: { meanWaitMs: queueing.meanWaitMs, worstTtftToSlo: queueing.worstTtftToSlo, worstTpotToSlo: queueing.worstTpotToSlo },
          }
        : {}),
      ...bill,
      spotEvictions: evictions.reduce((sum, e) => sum + e.count, 0),
      utilisation: result.utilisation,
      servedBy: this.servedBy(fleet, result.replicaGroupLoad),
    };
  }

  /**
   * The interactive workloads' within-SLO requests/s minute by minute (src/simulate/within-hour.ts): the
   * window's per-minute statistics scaled as the actual demand was (stress), dispatched on the granted
   * fleet; the share served late by the queueing estimate carries over from the window's evaluation.
   */
  private async withinHour(
    t: number,
    fleet: FleetWindow,
    actual: readonly (readonly number[])[],
    result: DispatchResult,
    byWorkload: WindowOutcome['byWorkload'],
  ): Promise<WindowOutcome['withinHour']> {
    const { input, solve } = this.ctx;
    const within = input.withinWindow;
    if (!within) return undefined;
    const parentOf = new Map<string, string>();
    for (const sizeClasses of input.sizeClasses ?? []) for (const c of sizeClasses.classes) parentOf.set(c.unit, sizeClasses.workload);
    const groupOf = new Map<string, number>();
    const group = input.workloads.map((workload, w) => {
      if (this.backlogs[w]) return -1;
      const parent = parentOf.get(workload.id) ?? workload.id;
      if (!groupOf.has(parent)) groupOf.set(parent, groupOf.size);
      return groupOf.get(parent)!;
    });
    const scaled = (stat: readonly (readonly (readonly number[])[])[]) =>
      input.workloads.map((workload, w) =>
        workload.origins.map((_, o) => {
          const nominal = input.demand[w]![o]![t]!;
          return stat[w]![o]![t]! * (nominal > 0 ? actual[w]![o]! / nominal : 1);
        }),
      );
    const high = scaled(within.high);
    let interactiveServed = 0;
    let interactiveWithin = 0;
    let atHigh = true;
    for (const [w, workload] of input.workloads.entries()) {
      if (group[w]! < 0) continue;
      interactiveServed += byWorkload[workload.id]!.servedRps;
      interactiveWithin += byWorkload[workload.id]!.withinSloRps;
      for (const [o, rate] of high[w]!.entries()) if (Math.abs(rate - actual[w]![o]!) > 1e-9 * Math.max(1, rate)) atHigh = false;
    }
    const onTime = interactiveServed > 0 ? interactiveWithin / interactiveServed : 1;
    const served = async (d: number[][]) => {
      const r = await dispatch(input, fleet, d, solve);
      return r.servedRps.reduce((sum, origins, w) => (group[w]! >= 0 ? sum + origins.reduce((a, b) => a + b, 0) : sum), 0);
    };
    const figures = await minuteServed(
      { low: scaled(within.low), mean: scaled(within.mean), high, group, minutes: Math.round(input.windows[t]!.hours * 60) },
      served,
      {
        shape: this.ctx.shape ?? CONV_2023_SHAPE,
        solve,
        ...(atHigh
          ? { servedAtHigh: result.servedRps.reduce((sum, o, w) => (group[w]! >= 0 ? sum + o.reduce((a, b) => a + b, 0) : sum), 0) }
          : {}),
      },
    );
    const sum = (rates: readonly (readonly number[])[]) =>
      rates.reduce((total, origins, w) => (group[w]! >= 0 ? total + origins.reduce((a, b) => a + b, 0) : total), 0);
    return {
      demandRps: sum(scaled(within.mean)),
      busiestDemandRps: sum(high),
      busiestMinute: figures.busiestMinute * onTime,
      lower: figures.lower * onTime,
      upper: figures.upper * onTime,
      estimate: figures.estimate * onTime,
    };
  }

  /**
   * What the replica groups of the last window stepped reported, as a fleet's metrics export has it: per
   * replica group its config, replicas, requests/s served by workload and busy share (served load over the
   * replicas' sustainable rate, the rates of the input this evaluator was built on).
   */
  lastReplicaGroups(): ReplicaGroupReport[] {
    if (!this.last) return [];
    const { fleet, load } = this.last;
    const rateOf = new Map(this.ctx.input.candidates.map((c) => [configKey(c), c.requestsPerSecByWorkload]));
    const reports: ReplicaGroupReport[] = [];
    for (const [g, replica] of fleet.replicas.entries()) {
      const replicas = replica.effectiveCount ?? replica.count;
      const loads = load.get(g);
      if (!(replicas > 0) || !loads) continue;
      const rates = rateOf.get(configKey(replica));
      let busy = 0;
      const servedRps = new Map<string, number>();
      for (const [w, rps] of loads) {
        const id = this.ctx.input.workloads[w]!.id;
        const rate = rates?.get(id) ?? 0;
        if (rate > 0) busy += rps / rate;
        servedRps.set(id, rps);
      }
      reports.push({
        llm: replica.llm,
        sku: replica.sku,
        gpu: this.sku.get(replica.sku)!.gpu,
        tp: replica.tp,
        region: replica.region,
        replicas,
        servedRps,
        utilisation: Math.min(1, busy / replicas),
      });
    }
    return reports;
  }

  /**
   * Dispatches the window: interactive demand first; then the backlog takes what capacity that leaves: first
   * what the plan scheduled for this window (per origin: the plan knows which origins' capacity comes and
   * goes), then the most urgent: what falls due this window, within half the deadline, everything. Each pass
   * re-routes all traffic (interactive traffic moves out of batch's way where it can) keeping what the
   * passes before served. The backlog is served oldest first.
   */
  private async serve(t: number, fleet: FleetWindow, actual: readonly (readonly number[])[], seconds: number): Promise<DispatchResult> {
    const { input, solve } = this.ctx;
    const interactive = actual.map((origins, w) => (this.backlogs[w] ? origins.map(() => 0) : origins));
    let result = await dispatch(input, fleet, interactive, solve);
    if (!this.backlogs.some(Boolean)) return result;
    const planned = new Map((fleet.deferred ?? []).map((d) => [`${d.workload}|${d.origin}`, d.requestsPerSec * seconds]));
    const plannedOf = (b: Backlog, w: number, o: number) =>
      Math.min(b.pending(), planned.get(`${input.workloads[w]!.id}|${input.workloads[w]!.origins[o]!}`) ?? 0);
    const passes: ((b: Backlog, w: number, o: number) => number)[] = [
      ...(fleet.deferred ? [plannedOf] : []),
      (b) => b.dueBy(t),
      (b) => b.dueBy(t + Math.ceil(b.lag / 2) - 1),
      (b) => b.pending(),
    ];
    for (const pass of passes) {
      // Never below what an earlier pass served: the passes only add.
      const served = result.servedRps;
      const waiting = this.backlogs.map((origins, w) =>
        origins ? origins.map((b, o) => Math.max(pass(b, w, o) / seconds, served[w]![o]!)) : actual[w]!,
      );
      result = await dispatch(input, fleet, waiting, solve, served);
    }
    for (const [w, origins] of this.backlogs.entries()) {
      if (!origins) continue;
      for (const [o, backlog] of origins.entries()) result.servedRps[w]![o] = backlog.serve(result.servedRps[w]![o]! * seconds) / seconds;
    }
    return result;
  }

  /**
   * VM cost, start-ups and GPU-hours of the granted fleet. Fleets list each (sku, region, purchase) once, so
   * start-ups compare entry by entry; an evicted VM bills (and counts GPU-hours) until its eviction and is
   * gone for the next window. Replicas granted beyond those running before load their llm first: their
   * GPUs are paid for the load time (model-load.ts), beside the VM boots.
   */
  private bill(
    capped: FleetWindow,
    evictions: readonly Eviction[],
    hours: number,
  ): Pick<WindowOutcome, 'gpus' | 'gpuHours' | 'costUsd' | 'startupCostUsd' | 'modelLoadCostUsd' | 'vmsStarted' | 'replicasStarted'> {
    const bill = { gpus: 0, gpuHours: 0, costUsd: 0, startupCostUsd: 0, modelLoadCostUsd: 0, vmsStarted: 0, replicasStarted: 0 };
    const evictedOf = new Map(evictions.map((e) => [fleetKey(e.sku, e.region, 'spot'), e]));
    const current = new Map<string, number>();
    for (const vm of capped.vms) {
      const key = fleetKey(vm.sku, vm.region, vm.purchase);
      const started = Math.max(0, vm.count - (this.previous.get(key) ?? 0));
      const eviction = evictedOf.get(key);
      const billed = vm.count - (eviction?.unbilledVmWindows ?? 0);
      const gpusPerVm = this.sku.get(vm.sku)!.gpusPerVm;
      current.set(key, vm.count - (eviction?.count ?? 0));
      bill.costUsd += billed * vm.usdPerHour * hours;
      bill.gpus += vm.count * gpusPerVm;
      bill.gpuHours += billed * gpusPerVm * hours;
      bill.vmsStarted += started;
      bill.startupCostUsd += started * vm.usdPerHour * this.ctx.input.policies.startupHours;
    }
    this.previous = current;
    const loads = windowModelLoad(this.ctx.input, capped.replicas, this.previousReplicas);
    bill.replicasStarted = loads.started;
    bill.modelLoadCostUsd = loads.usd;
    bill.startupCostUsd += loads.usd;
    this.previousReplicas = replicaMap(capped.replicas);
    return bill;
  }

  /** Served requests/s by (workload, serving region, gpu), sorted. */
  private servedBy(fleet: FleetWindow, replicaGroupLoad: DispatchResult['replicaGroupLoad']): WindowOutcome['servedBy'] {
    const servedBy = new Map<string, WindowOutcome['servedBy'][number]>();
    for (const [replicaGroup, loads] of replicaGroupLoad) {
      const replica = fleet.replicas[replicaGroup]!;
      for (const [w, rps] of loads) {
        const entry = { workload: this.ctx.input.workloads[w]!.id, region: replica.region, gpu: this.sku.get(replica.sku)!.gpu, rps: 0 };
        const key = `${entry.workload}|${entry.region}|${entry.gpu}`;
        const existing = servedBy.get(key) ?? entry;
        existing.rps += rps;
        servedBy.set(key, existing);
      }
    }
    return [...servedBy.values()].sort(
      (a, b) => compareStrings(a.workload, b.workload) || compareStrings(a.region, b.region) || compareStrings(a.gpu, b.gpu),
    );
  }
}

/** Totals over the windows; deferrable requests in the last window's backlog are pending at the end. */
export function totalsOf(input: PlanningInput, windows: readonly WindowOutcome[]): ContenderTotals {
  const totals: ContenderTotals = {
    gpuHours: 0,
    costUsd: 0,
    startupCostUsd: 0,
    modelLoadCostUsd: 0,
    requests: 0,
    servedRequests: 0,
    lateRequests: 0,
    unmetRequests: 0,
    pendingRequests: 0,
    attainment: 1,
    attainmentByWorkload: {},
    vmsStarted: 0,
    replicasStarted: 0,
    spotEvictions: 0,
  };
  const byWorkload = new Map(input.workloads.map((w) => [w.id, { demand: 0, withinSlo: 0, pending: 0 }]));
  let withinSlo = 0;
  let waitSum = 0;
  let worstTtftToSlo = 0;
  let worstTpotToSlo = 0;
  let estimated = false;
  for (const window of windows) {
    const seconds = window.hours * 3600;
    totals.gpuHours += window.gpuHours;
    totals.costUsd += window.costUsd;
    totals.startupCostUsd += window.startupCostUsd;
    totals.modelLoadCostUsd += window.modelLoadCostUsd;
    totals.replicasStarted += window.replicasStarted;
    totals.requests += window.demandRps * seconds;
    totals.servedRequests += window.servedRps * seconds;
    totals.unmetRequests += window.unmetRps * seconds;
    withinSlo += window.withinSloRps * seconds;
    totals.vmsStarted += window.vmsStarted;
    totals.spotEvictions += window.spotEvictions;
    if (window.queueing) {
      estimated = true;
      waitSum += window.queueing.meanWaitMs * window.servedRps * seconds;
      worstTtftToSlo = Math.max(worstTtftToSlo, window.queueing.worstTtftToSlo);
      worstTpotToSlo = Math.max(worstTpotToSlo, window.queueing.worstTpotToSlo);
    }
    for (const [id, entry] of Object.entries(window.byWorkload)) {
      const sum = byWorkload.get(id)!;
      sum.demand += entry.demandRps * seconds;
      sum.withinSlo += entry.withinSloRps * seconds;
      // The last window's backlog is what is still pending at the end.
      sum.pending = entry.backlogRequests ?? 0;
    }
  }
  totals.lateRequests = Math.max(0, totals.servedRequests - withinSlo);
  for (const sum of byWorkload.values()) totals.pendingRequests += sum.pending;
  // Pending requests are neither met nor missed yet: they leave the denominator.
  const due = totals.requests - totals.pendingRequests;
  totals.attainment = due > 0 ? Math.min(1, withinSlo / due) : 1;
  for (const [id, sum] of byWorkload)
    totals.attainmentByWorkload[id] = sum.demand - sum.pending > 0 ? Math.min(1, sum.withinSlo / (sum.demand - sum.pending)) : 1;
  const minutes = withinHourTotals(windows, byWorkload);
  if (minutes) totals.attainmentWithinHour = minutes;
  if (estimated)
    totals.queueing = { meanWaitMs: totals.servedRequests > 0 ? waitSum / totals.servedRequests : 0, worstTtftToSlo, worstTpotToSlo };
  return totals;
}

/**
 * The four attainment figures over the windows (undefined unless every window has per-minute figures):
 * interactive within SLO minute by minute, plus deferrable work as the window evaluation served it.
 */
function withinHourTotals(
  windows: readonly WindowOutcome[],
  byWorkload: ReadonlyMap<string, { demand: number; withinSlo: number; pending: number }>,
): ContenderTotals['attainmentWithinHour'] {
  if (windows.length === 0 || windows.some((w) => !w.withinHour)) return undefined;
  const deferrable = new Set(
    Object.entries(windows[0]!.byWorkload)
      .filter(([, e]) => e.backlogRequests !== undefined)
      .map(([id]) => id),
  );
  let deferrableWithin = 0;
  let deferrableDue = 0;
  for (const id of deferrable) {
    const sum = byWorkload.get(id)!;
    deferrableWithin += sum.withinSlo;
    deferrableDue += sum.demand - sum.pending;
  }
  const sums = { demand: 0, busiestDemand: 0, busiestMinute: 0, lower: 0, upper: 0, estimate: 0 };
  for (const window of windows) {
    const seconds = window.hours * 3600;
    const m = window.withinHour!;
    sums.demand += m.demandRps * seconds;
    sums.busiestDemand += m.busiestDemandRps * seconds;
    sums.busiestMinute += m.busiestMinute * seconds;
    sums.lower += m.lower * seconds;
    sums.upper += m.upper * seconds;
    sums.estimate += m.estimate * seconds;
  }
  const share = (within: number, due: number) =>
    due + deferrableDue > 0 ? Math.min(1, (within + deferrableWithin) / (due + deferrableDue)) : 1;
  return {
    busiestMinute: share(sums.busiestMinute, sums.busiestDemand),
    lower: share(sums.lower, sums.demand),
    upper: share(sums.upper, sums.demand),
    estimate: share(sums.estimate, sums.demand),
  };
}
