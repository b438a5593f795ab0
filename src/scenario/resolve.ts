import type { Catalog, Gpu, Llm, Purchase } from '../catalog/types.js';
import type { Candidate, CandidateKv, LlmChoice, PlanningInput, QueueFigures, SkuOffer, WorkloadSpec } from '../capacity/types.js';
import type { HourlyProfile } from '../demand/profile.js';
import type { RequestMix } from '../demand/types.js';
import { workloadDemand } from '../demand/workload.js';
import { InputError, InternalError, didYouMean, type InputIssue } from '../errors.js';
import { kvLoad } from '../perf/kv-load.js';
import type { QueueFiguresOf } from '../perf/queue-figures.js';
import { demandUnits, type WorkloadSizeClasses } from './demand-units.js';
import { modelLoadHours, modelLoadIssues } from './model-load.js';
import { commitmentIssues, resolveCommitments } from './commitments.js';
import type { PublishedDiscount } from './commitment-discounts.js';
import type { Scenario } from './schema.js';
import { describeQuota, quotaLimit, quotaUnitsPerVm } from '../capacity/quota.js';
import { maxOf, minOf } from '../extremes.js';
import { p95Minute, type ProvisionStatistic, type WithinWindowDemand } from '../demand/within-hour.js';
import { CONV_2023_SHAPE } from '../demand/within-hour-shape.js';

/** An hourly demand profile (parseHourlyProfileCsv): one entry per hour from startUtc, requests/s. */
export type HourlyDemandProfile = Pick<HourlyProfile, 'startUtc' | 'meanRequestsPerSec' | 'peakRequestsPerSec'> &
  Partial<Pick<HourlyProfile, 'lowRequestsPerSec'>>;

export interface ResolveInputs {
  catalog: Catalog;
  /** Request mixes by the path written in the scenario. */
  requestMixes: ReadonlyMap<string, RequestMix>;
  /** Demand profiles by the path written in the scenario. */
  profiles: ReadonlyMap<string, HourlyDemandProfile>;
  /** Traces (demand.trace) by the path written in the scenario: their hourly profile and request mix. */
  traces?: ReadonlyMap<string, { profile: HourlyDemandProfile; mix: RequestMix }>;
  /** Max requests/s one replica sustains under the SLO for the mix; 0 when it does not fit or cannot meet it. */
  replicaRate: (llm: Llm, gpu: Gpu, tp: number, slo: { ttftMs: number; tpotMs: number }, mix: RequestMix) => number;
  /** The queueing figures of one replica (src/perf/queue-figures.ts); needed by policies.interference: separate. */
  queueFigures?: QueueFiguresOf;
  /** models/commitment-discounts.csv: the levels an offer with neither discount nor usdPerHour takes. */
  commitmentDiscounts?: readonly PublishedDiscount[];
}

const HOUR_MS = 3_600_000;

/**
 * Scenario + catalog + loaded files -> PlanningInput: cross-reference rules (with "did you mean"),
 * candidates with their rates, and demand per workload, origin and window. All problems are reported
 * together; a workload no config can serve is an "impossible SLO" error naming the best config.
 */
export function resolveScenario(given: Scenario, givenInputs: ResolveInputs, file = 'scenario'): PlanningInput {
  checkScenario(given, givenInputs, file);
  // Size classes: each class of a split workload is planned as a workload of its own (demand-units.ts).
  const units = demandUnits(given, givenInputs, file);
  const { scenario, inputs } = units;
  return resolveUnits(scenario, inputs, file, units.sizeClasses);
}

/** The cross-reference checks, on the scenario as written (so messages name its workloads). */
function checkScenario(scenario: Scenario, inputs: ResolveInputs, file: string): void {
  const { catalog } = inputs;
  const issues: InputIssue[] = [];
  const unknown = (field: string, kind: string, value: string, known: Iterable<string>) =>
    issues.push({ file, field, message: `unknown ${kind} '${value}'`, fix: didYouMean(value, known) || `see planner catalog ${kind}s` });

  scenario.regions.forEach((region, i) => {
    if (!catalog.regions.has(region)) unknown(`regions.${i}`, 'region', region, catalog.regions.keys());
  });
  (scenario.skus ?? []).forEach((sku, i) => {
    if (!catalog.skus.has(sku)) unknown(`skus.${i}`, 'sku', sku, catalog.skus.keys());
  });
  const choices = scenario.workloads.map(llmChoiceOf);
  const allowedLlms = scenario.workloads.map((workload, w) => allowedLlmsOf(workload, choices[w]!, catalog));
  scenario.workloads.forEach((workload, w) => {
    if (workload.llmChoice === 'first' && workload.minQuality !== undefined) {
      issues.push({
        file,
        field: `workloads.${w}.llmChoice`,
        message: 'llmChoice: first pins the first listed llm, but minQuality asks the solver to choose llms for a quality floor',
        fix: 'drop minQuality to pin the first llm, or drop llmChoice (or set llmChoice: cheapest) to let the solver choose',
      });
    }
    (workload.llms ?? []).forEach((llm, i) => {
      if (!catalog.llms.has(llm)) unknown(`workloads.${w}.llms.${i}`, 'llm', llm, catalog.llms.keys());
    });
    if (workload.llms === undefined && workload.minQuality === undefined) {
      issues.push({
        file,
        field: `workloads.${w}.llms`,
        message: 'no llms given',
        fix: 'list the llms allowed to serve it, or give minQuality to let the solver choose among every llm',
      });
    }
    const shares = Object.entries(workload.demand.origins);
    for (const [origin] of shares) {
      if (!catalog.regions.has(origin)) unknown(`workloads.${w}.demand.origins.${origin}`, 'region', origin, catalog.regions.keys());
    }
    const total = shares.reduce((sum, [, share]) => sum + share, 0);
    if (Math.abs(total - 1) > 1e-6) {
      issues.push({ file, field: `workloads.${w}.demand.origins`, message: `origin shares sum to ${total}`, fix: 'make them sum to 1' });
    }
    const given = (['profile', 'trace', 'constantRequestsPerSec'] as const).filter((key) => workload.demand[key] !== undefined);
    if (given.length !== 1) {
      issues.push({
        file,
        field: `workloads.${w}.demand`,
        message:
          given.length === 0 ? 'neither profile, trace nor constantRequestsPerSec is given' : `${given.join(' and ')} are both given`,
        fix:
          given.length === 0
            ? 'add profile: FILE.csv (hourly requests per minute), trace: TRACE.csv (an Azure request trace) or constantRequestsPerSec: N'
            : 'keep one: profile (an hourly CSV), trace (a request trace) or constantRequestsPerSec (a flat rate)',
      });
    }
    if ((workload.sizeClasses ?? 1) !== 1 && workload.id.includes('#')) {
      issues.push({
        file,
        field: `workloads.${w}.id`,
        message: `workload id '${workload.id}' contains '#', which names its size classes (${workload.id}#1, ...)`,
        fix: 'rename the workload without #',
      });
    }
    if (workload.requestMix === undefined && workload.demand.trace === undefined) {
      issues.push({
        file,
        field: `workloads.${w}.requestMix`,
        message: 'no request mix given',
        fix: 'give requestMix: { file: MIX.csv } or { meanInputTokens, meanOutputTokens }, or demand.trace (the mix is derived from the trace)',
      });
    }
  });
  const familyCloud = new Map([...catalog.skus.values()].filter((s) => s.family !== '').map((s) => [s.family, s.cloud]));
  scenario.policies.quotas.forEach((quota, i) => {
    const at = `policies.quotas.${i}`;
    const fix = (field: string, message: string, hint: string) => issues.push({ file, field: `${at}${field}`, message, fix: hint });
    if (quota.gpu !== undefined && quota.family !== undefined)
      fix('', 'a quota names a gpu or a family, not both', 'write two quotas, one per gpu or family');
    else if (quota.gpu === undefined && quota.family === undefined)
      fix(
        '',
        'a quota names what it limits: a gpu or a family',
        'add gpu: <id> (planner catalog gpus) or family: <name> (planner catalog skus)',
      );
    if (quota.gpu !== undefined) {
      if (!catalog.gpus.has(quota.gpu)) unknown(`${at}.gpu`, 'gpu', quota.gpu, catalog.gpus.keys());
      if (quota.vcpus !== undefined)
        fix('.vcpus', 'a gpu quota counts GPUs, not vCPUs', 'write gpus: N, or name the family the vCPU quota is set on');
      else if (quota.gpus === undefined) fix('.gpus', 'no limit given', 'add gpus: N (most GPUs of this type in the region)');
    }
    if (quota.family !== undefined) {
      if (!familyCloud.has(quota.family))
        issues.push({
          file,
          field: `${at}.family`,
          message: `unknown quota family '${quota.family}'`,
          fix:
            didYouMean(quota.family, familyCloud.keys()) ||
            `one of the family column of planner catalog skus: ${[...familyCloud.keys()].sort().join(', ')}`,
        });
      if ((quota.gpus === undefined) === (quota.vcpus === undefined))
        fix(
          '',
          quota.gpus === undefined ? 'no limit given' : 'a family quota is set in one unit: vcpus or gpus, not both',
          'give vcpus: N (AWS, Azure) or gpus: N (GCP), as the cloud sets it',
        );
      const cloud = familyCloud.get(quota.family);
      const regionCloud = catalog.regions.get(quota.region)?.cloud;
      if (cloud !== undefined && regionCloud && cloud !== regionCloud)
        fix(
          '.region',
          `family ${quota.family} is a quota family of ${cloud}; ${quota.region} is in ${regionCloud}`,
          `name a region in ${cloud}`,
        );
    }
    if (!catalog.regions.has(quota.region)) unknown(`${at}.region`, 'region', quota.region, catalog.regions.keys());
  });
  scenario.policies.currentFleet.forEach((entry, i) => {
    if (!catalog.skus.has(entry.sku)) unknown(`policies.currentFleet.${i}.sku`, 'sku', entry.sku, catalog.skus.keys());
    else if (!catalog.prices.some((p) => p.sku === entry.sku && p.region === entry.region && p.purchase === entry.purchase)) {
      issues.push({
        file,
        field: `policies.currentFleet.${i}`,
        message: `${entry.sku} has no ${entry.purchase} price in ${entry.region}`,
        fix: `planner catalog prices lists where ${entry.sku} is sold; move the entry there or drop it`,
      });
    }
  });
  scenario.policies.reserved.forEach((entry, i) => {
    if (!catalog.skus.has(entry.sku)) unknown(`policies.reserved.${i}.sku`, 'sku', entry.sku, catalog.skus.keys());
    else if (!scenario.regions.includes(entry.region) || (scenario.skus !== undefined && !scenario.skus.includes(entry.sku))) {
      issues.push({
        file,
        field: `policies.reserved.${i}`,
        message: `${entry.sku} in ${entry.region} is not in the scenario's regions and skus`,
        fix: 'add the region (and sku) to the scenario, or drop the reservation',
      });
    }
  });
  issues.push(...reservedOverQuota(scenario, catalog, file));
  issues.push(...modelLoadIssues(scenario, catalog, file));
  issues.push(...commitmentIssues(scenario, catalog, file, inputs.commitmentDiscounts));
  if (issues.length) throw new InputError(issues, `${file}: invalid scenario (checked against the catalog)`);
  issues.push(
    ...policyIssues(
      scenario,
      file,
      allowedLlms.map((llms) => maxOf(llms.map((llm) => catalog.llms.get(llm)!.qualityScore))),
    ),
  );
  if (issues.length) throw new InputError(issues, `${file}: invalid policies`);
}

/** Candidates, rates and demand of the planning units (the workloads, or their size classes). */
function resolveUnits(scenario: Scenario, inputs: ResolveInputs, file: string, sizeClasses: readonly WorkloadSizeClasses[]): PlanningInput {
  const { catalog } = inputs;
  const issues: InputIssue[] = [];
  const choices = scenario.workloads.map(llmChoiceOf);
  const allowedLlms = scenario.workloads.map((workload, w) => allowedLlmsOf(workload, choices[w]!, catalog));

  // Windows. skipWindows (from --windows) moves the start; quota windows keep counting from the original start.
  const skip = scenario.horizon.skipWindows;
  const startMs = Date.parse(scenario.horizon.start);
  const windows = Array.from({ length: scenario.horizon.windows }, (_, t) => ({
    start: new Date(startMs + (skip + t) * scenario.horizon.windowHours * HOUR_MS).toISOString().replace('.000Z', 'Z'),
    hours: scenario.horizon.windowHours,
  }));

  // Commitments are a purchase of their own at the committed price; the MILP decides how many.
  const commitments = resolveCommitments(scenario, catalog, inputs.commitmentDiscounts);
  // SKU offers in the listed regions and purchases.
  const skuIds = scenario.skus ?? [...new Set(catalog.prices.filter((p) => scenario.regions.includes(p.region)).map((p) => p.sku))].sort();
  const skus: SkuOffer[] = skuIds.map((id) => {
    const sku = catalog.skus.get(id)!;
    const prices = catalog.prices
      .filter(
        (p) => p.sku === id && scenario.regions.includes(p.region) && (scenario.purchases as readonly Purchase[]).includes(p.purchase),
      )
      .map((p) => ({ region: p.region, purchase: p.purchase, usdPerHour: p.usdPerHour }))
      .sort((a, b) => (a.region < b.region ? -1 : a.region > b.region ? 1 : a.purchase < b.purchase ? -1 : 1));
    // Reservations are a purchase of their own at no marginal cost: their price is sunk.
    const reserved = [...new Set(scenario.policies.reserved.filter((r) => r.sku === id).map((r) => r.region))].sort();
    return {
      sku: id,
      gpu: sku.gpu,
      gpusPerVm: sku.gpusPerVm,
      family: sku.family,
      vcpus: sku.vcpus,
      prices: [
        ...prices,
        ...reserved.map((region) => ({ region, purchase: 'reserved' as const, usdPerHour: 0 })),
        ...commitments
          .filter((c) => c.sku === id)
          .map((c) => ({ region: c.region, purchase: 'committed' as const, usdPerHour: c.usdPerHour })),
      ],
    };
  });

  // Candidates: (llm, sku, tp, region) with a positive rate for at least one workload that allows the llm.
  const mixes = scenario.workloads.map((workload, w) => requestMixOf(workload, inputs, file, w));
  const llmIds = [...new Set(allowedLlms.flat())].sort();
  const candidates: Candidate[] = [];
  const bestRate = new Map<string, { rate: number; config: string }>();
  for (const llmId of llmIds) {
    const llm = catalog.llms.get(llmId)!;
    for (const offer of skus) {
      const gpu = catalog.gpus.get(offer.gpu)!;
      for (const tp of [...scenario.tp].sort((a, b) => a - b)) {
        if (offer.gpusPerVm % tp !== 0) continue;
        const rates = new Map<string, number>();
        scenario.workloads.forEach((workload, w) => {
          if (!allowedLlms[w]!.includes(llmId)) return;
          const rate = inputs.replicaRate(llm, gpu, tp, workload.slo, mixes[w]!);
          if (rate > 0) rates.set(workload.id, rate);
          const best = bestRate.get(workload.id);
          if (!best || rate > best.rate) bestRate.set(workload.id, { rate, config: `${llmId} TP ${tp} on ${offer.sku}` });
        });
        if (rates.size === 0) continue;
        const kv = scenario.policies.kvMemory === 'load' ? candidateKv(scenario, mixes, llm, gpu, tp, rates) : undefined;
        const loadHours = modelLoadHours(scenario, llm, offer.gpu, tp);
        const queue =
          scenario.policies.interference === 'separate' ? candidateQueue(scenario, inputs, mixes, llm, gpu, tp, rates) : undefined;
        for (const region of [...new Set(offer.prices.map((p) => p.region))])
          candidates.push({
            llm: llmId,
            sku: offer.sku,
            tp,
            region,
            requestsPerSecByWorkload: rates,
            ...(kv ? { kv } : {}),
            ...(loadHours > 0 ? { loadHours } : {}),
            ...(queue ? { queue } : {}),
          });
      }
    }
  }
  scenario.workloads.forEach((workload, w) => {
    if (!candidates.some((c) => c.requestsPerSecByWorkload.has(workload.id))) {
      const best = bestRate.get(workload.id);
      const pinned = choices[w] === 'first' && (workload.llms?.length ?? 0) > 1;
      // A pinned llm that cannot serve: say which other listed llm could, since that is the likely fix.
      const alternative = pinned
        ? workload.llms!.slice(1).find((llmId) => servesSomewhere(llmId, workload, mixes[w]!, skus, scenario.tp, inputs))
        : undefined;
      issues.push({
        file,
        // With a listed llm that could serve, the list's order is the mistake, not the SLO.
        field: alternative ? `workloads.${w}.llms` : `workloads.${w}.slo`,
        message: `impossible SLO: no config of ${pinned ? `${allowedLlms[w]![0]} (pinned: llmChoice first)` : allowedLlms[w]!.join(', ')} on the scenario's skus meets TTFT ${workload.slo.ttftMs} ms and TPOT ${workload.slo.tpotMs} ms${best ? ` (best tried: ${best.config})` : ''}${alternative ? `; the listed ${alternative} can` : ''}`,
        fix: alternative
          ? `to serve it with ${alternative}, list it first, or set llmChoice: cheapest to let the solver pick among the listed llms`
          : 'relax the SLO, allow larger GPUs or more tensor parallelism, or allow a smaller llm (planner profile shows what each config sustains)',
      });
    }
  });
  if (issues.length) throw new InputError(issues, `${file}: some workloads cannot be served`);

  // Workloads and demand.
  const workloads: WorkloadSpec[] = scenario.workloads.map((workload, w) => ({
    id: workload.id,
    origins: Object.keys(workload.demand.origins).sort(),
    maxNetworkRttMs: workload.slo.maxNetworkRttMs,
    unmetPenaltyUsdPerRequest: workload.unmetPenaltyUsdPerRequest,
    ...(workload.deadlineHours !== undefined ? { deadlineHours: workload.deadlineHours } : {}),
    ...(workload.minQuality !== undefined ? { minQuality: workload.minQuality } : {}),
    llmChoice: choices[w]!,
    llms: allowedLlms[w]!,
  }));
  const series = scenario.workloads.map((workload, w) => demandSeries(workload.demand, windows, inputs, file, w, issues));
  if (issues.length) throw new InputError(issues, `${file}: the horizon is outside the demand profile`);
  // Shares were checked above and the shift is applied per profile hour, so only the split is left.
  const split = (values: readonly number[], w: number) =>
    workloadDemand(
      values,
      scenario.horizon.windowHours * 3600,
      { originShares: scenario.workloads[w]!.demand.origins, scale: scenario.workloads[w]!.demand.scale },
      `workloads.${w}.demand`,
    ).requestsPerSec;
  const provisionFor = scenario.workloads.map((workload) => scenario.policies.provisionFor ?? workload.demand.statistic);
  const withinWindow: WithinWindowDemand = {
    mean: series.map((s, w) => split(s.mean, w)),
    low: series.map((s, w) => split(s.low, w)),
    high: series.map((s, w) => split(s.high, w)),
    provisionedFor: provisionFor,
  };
  const demand = series.map((s, w) => split(provisionSeries(s, provisionFor[w]!), w));

  return {
    windows,
    regions: [...scenario.regions],
    purchases: [
      ...scenario.purchases,
      ...(scenario.policies.reserved.length ? (['reserved'] as const) : []),
      ...(commitments.length ? (['committed'] as const) : []),
    ],
    skus,
    workloads,
    candidates,
    demand,
    withinWindow,
    latencyMs: (from, to) => catalog.latencyMs(from, to),
    policies: {
      headroom: scenario.policies.headroom,
      startupHours: scenario.policies.startupMinutes / 60,
      quotas: scenario.policies.quotas
        .map((q) => ({
          ...(q.gpu !== undefined ? { gpu: q.gpu } : {}),
          ...(q.family !== undefined ? { family: q.family } : {}),
          region: q.region,
          ...(q.gpus !== undefined ? { gpus: q.gpus } : {}),
          ...(q.vcpus !== undefined ? { vcpus: q.vcpus } : {}),
          ...(q.fromWindow !== undefined ? { fromWindow: q.fromWindow - skip } : {}),
          ...(q.toWindow !== undefined ? { toWindow: q.toWindow - skip } : {}),
        }))
        .filter((q) => q.toWindow === undefined || q.toWindow >= 0),
      ...(scenario.policies.budget ? { budget: { ...scenario.policies.budget } } : {}),
      currentFleet: scenario.policies.currentFleet.map((f) => ({ ...f })),
      ...(scenario.policies.maxScaleOutPerWindow !== undefined ? { maxScaleOutPerWindow: scenario.policies.maxScaleOutPerWindow } : {}),
      ...(scenario.policies.maxScaleInPerWindow !== undefined ? { maxScaleInPerWindow: scenario.policies.maxScaleInPerWindow } : {}),
      reserved: scenario.policies.reserved.map((r) => ({ ...r })),
      ...(commitments.length ? { commitments } : {}),
      ...(commitments.length && scenario.commitments?.growthPerMonth !== undefined
        ? { commitmentGrowthPerMonth: scenario.commitments.growthPerMonth }
        : {}),
      ...(scenario.policies.spot ? { spot: { ...scenario.policies.spot } } : {}),
      ...(scenario.policies.locality ? { locality: { ...scenario.policies.locality } } : {}),
      ...(scenario.policies.kvMemory === 'load' ? { kvMemory: 'load' as const } : {}),
      ...(scenario.policies.routing === 'single-path' ? { routing: 'single-path' as const } : {}),
      ...(scenario.policies.interference === 'separate' ? { interference: 'separate' as const } : {}),
    },
    llmQuality: new Map(llmIds.map((llm) => [llm, catalog.llms.get(llm)!.qualityScore])),
    ...(sizeClasses.length
      ? {
          sizeClasses: sizeClasses.map((w) => ({
            workload: w.workload,
            classes: w.classes.map(({ unit, share, inputTokens, outputTokens }) => ({ unit, share, inputTokens, outputTokens })),
          })),
        }
      : {}),
  };
}

/**
 * The effective llm choice: minQuality opts into substitution (the floor is a choice among llms), otherwise
 * the scenario's llmChoice, default first. An explicit first with minQuality is an input error (checked above).
 */
export function llmChoiceOf(workload: Scenario['workloads'][number]): LlmChoice {
  if (workload.minQuality !== undefined) return 'cheapest';
  return workload.llmChoice ?? 'first';
}

/** The llms the solver may use for a workload: the first listed (pinned), the listed ones, or with minQuality and no list every catalog llm. */
export function allowedLlmsOf(workload: Scenario['workloads'][number], choice: LlmChoice, catalog: Catalog): string[] {
  if (workload.llms === undefined) return workload.minQuality !== undefined ? [...catalog.llms.keys()].sort() : [];
  return choice === 'first' ? [workload.llms[0]!] : [...workload.llms];
}

/** Whether some (sku, tp) of the scenario runs this llm within the workload's SLO (for the pinned-llm error). */
function servesSomewhere(
  llmId: string,
  workload: Scenario['workloads'][number],
  mix: RequestMix,
  skus: readonly SkuOffer[],
  tps: readonly number[],
  inputs: ResolveInputs,
): boolean {
  const llm = inputs.catalog.llms.get(llmId)!;
  return skus.some((offer) =>
    tps.some(
      (tp) =>
        offer.gpusPerVm % tp === 0 &&
        offer.prices.length > 0 &&
        inputs.replicaRate(llm, inputs.catalog.gpus.get(offer.gpu)!, tp, workload.slo, mix) > 0,
    ),
  );
}

/** The load-dependent KV figures of one config (llm, gpu, tp) for the workloads it serves (rates > 0). */
function candidateKv(
  scenario: Scenario,
  mixes: readonly RequestMix[],
  llm: Llm,
  gpu: Gpu,
  tp: number,
  rates: ReadonlyMap<string, number>,
): CandidateKv {
  let freeGib = 0;
  const gibPerRequestPerSec = new Map<string, number>();
  scenario.workloads.forEach((workload, w) => {
    if (!rates.has(workload.id)) return;
    const load = kvLoad(llm, gpu, tp, workload.slo, mixes[w]!, workload.kvResidencySeconds);
    freeGib = load.freeGib;
    gibPerRequestPerSec.set(workload.id, load.gibPerRequestPerSec);
  });
  return { freeGib, gibPerRequestPerSec };
}

/** The queueing figures of one config (llm, gpu, tp) for the workloads it serves (rates > 0): group 10's input. */
function candidateQueue(
  scenario: Scenario,
  inputs: ResolveInputs,
  mixes: readonly RequestMix[],
  llm: Llm,
  gpu: Gpu,
  tp: number,
  rates: ReadonlyMap<string, number>,
): Map<string, QueueFigures> {
  if (!inputs.queueFigures)
    throw new InternalError('policies.interference: separate needs the queueing figures (ResolveInputs.queueFigures)');
  const queue = new Map<string, QueueFigures>();
  scenario.workloads.forEach((workload, w) => {
    if (!rates.has(workload.id)) return;
    const figures = inputs.queueFigures!(llm, gpu, tp, workload.slo, mixes[w]!);
    if (figures) queue.set(workload.id, { ...figures, requestsPerSec: rates.get(workload.id)! });
  });
  return queue;
}

/** A workload's request mix: the loaded histogram file, the mean sizes written in the scenario, or its trace's mix. */
export function requestMixOf(workload: Scenario['workloads'][number], inputs: ResolveInputs, file: string, w: number): RequestMix {
  const mix = workload.requestMix;
  if (mix === undefined) {
    const trace = workload.demand.trace === undefined ? undefined : inputs.traces?.get(workload.demand.trace);
    if (!trace)
      throw new InputError({
        file,
        field: `workloads.${w}.requestMix`,
        message: 'no request mix given',
        fix: 'give requestMix, or demand.trace to derive it from a trace',
      });
    return trace.mix;
  }
  if ('file' in mix) {
    const loaded = inputs.requestMixes.get(mix.file);
    if (!loaded)
      throw new InputError({ file, field: `workloads.${w}.requestMix.file`, message: `request mix '${mix.file}' was not loaded` });
    return loaded;
  }
  return { meanInputTokens: mix.meanInputTokens, meanOutputTokens: mix.meanOutputTokens };
}

const REPEAT_HOURS = { daily: 24, weekly: 168 } as const;

/** A window's per-minute mean, lowest and highest rate, unscaled (one entry per window). */
interface WindowSeries {
  mean: number[];
  low: number[];
  high: number[];
}

/** The series plans provision for: the peak (busiest minute), the mean, or the shaped hour's p95 minute. */
function provisionSeries(series: WindowSeries, statistic: ProvisionStatistic): number[] {
  if (statistic === 'peak') return series.high;
  if (statistic === 'mean') return series.mean;
  return series.mean.map((mean, t) => p95Minute(CONV_2023_SHAPE, series.low[t]!, mean, series.high[t]!));
}

/**
 * Requests/s per window, unscaled: mean, lowest and highest minute of the profile hours under the window
 * (a profile without a low column, or a trace's, gives 0: the only low known to hold), aligned by time.
 * Window hour T reads the profile's row for T - shiftHours. Without `repeat` that row must exist (a horizon
 * outside the profile's hours is an issue); with `repeat` the profile (whole days or weeks) repeats, so the
 * row is the one at the same UTC time of day (daily) or day of week and hour (weekly).
 */
function demandSeries(
  demand: Scenario['workloads'][number]['demand'],
  windows: readonly { start: string; hours: number }[],
  inputs: ResolveInputs,
  file: string,
  w: number,
  issues: InputIssue[],
): WindowSeries {
  if (demand.constantRequestsPerSec !== undefined) {
    const constant = windows.map(() => demand.constantRequestsPerSec!);
    return { mean: constant, low: constant, high: constant };
  }
  const key = demand.trace !== undefined ? 'trace' : 'profile';
  const source = (demand.trace ?? demand.profile)!;
  const field = `workloads.${w}.demand`;
  const profile = demand.trace !== undefined ? inputs.traces?.get(source)?.profile : inputs.profiles.get(source);
  if (!profile) throw new InputError({ file, field: `${field}.${key}`, message: `${key} '${source}' was not loaded` });
  const hours = profile.meanRequestsPerSec.length;
  const profileStart = Date.parse(profile.startUtc);
  const suggest = hours % 168 === 0 ? 'weekly' : hours % 24 === 0 ? 'daily' : undefined;
  const period = demand.repeat === undefined ? undefined : REPEAT_HOURS[demand.repeat];
  if (period !== undefined && hours % period !== 0) {
    issues.push({
      file,
      field: `${field}.repeat`,
      message: `repeat: ${demand.repeat} needs whole ${demand.repeat === 'daily' ? 'days' : 'weeks'} (${period} hours each); ${key} '${source}' has ${hours} hours`,
      fix: suggest ? `use repeat: ${suggest}` : `give the ${key} whole days, or drop repeat and plan within its ${hours} hours`,
    });
    return { mean: [], low: [], high: [] };
  }
  let outside = false;
  const read = (values: readonly number[] | undefined, combine: (covered: number[]) => number) =>
    windows.map((window) => {
      const first = Math.round((Date.parse(window.start) - profileStart) / HOUR_MS) - demand.shiftHours;
      const covered = Array.from({ length: Math.max(1, Math.round(window.hours)) }, (_, h) => {
        const index = first + h;
        if (period !== undefined) return values?.[((index % hours) + hours) % hours] ?? 0;
        if (index < 0 || index >= hours) outside = true;
        return values?.[index] ?? 0;
      });
      return combine(covered);
    });
  const series = {
    mean: read(profile.meanRequestsPerSec, (covered) => covered.reduce((a, b) => a + b, 0) / covered.length),
    low: read(profile.lowRequestsPerSec, minOf),
    high: read(profile.peakRequestsPerSec, maxOf),
  };
  if (outside) {
    const hourUtc = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
    const last = windows[windows.length - 1]!;
    const horizonEnd = Date.parse(last.start) + Math.max(1, Math.round(last.hours)) * HOUR_MS;
    const shifted = demand.shiftHours ? ` (read ${demand.shiftHours} h earlier: shiftHours ${demand.shiftHours})` : '';
    const from = profileStart + demand.shiftHours * HOUR_MS;
    issues.push({
      file,
      field: `${field}.${key}`,
      message: `the planned windows ${windows[0]!.start} .. ${hourUtc(horizonEnd)}${shifted} are not all within ${key} '${source}', which has ${hours} hours from ${hourUtc(profileStart)} to ${hourUtc(profileStart + hours * HOUR_MS)}`,
      fix: `plan within ${hourUtc(from)} .. ${hourUtc(from + hours * HOUR_MS)} (horizon.start, horizon.windows), or set ${field}.repeat: ${suggest ?? 'daily'} to repeat it by ${suggest === 'weekly' ? 'day of week and hour' : 'time of day'}${suggest ? '' : ` (after making it whole days: it has ${hours} hours)`}`,
    });
  }
  return series;
}

/** Policy settings that contradict the rest of the scenario (groups 1, 5, 6, 7 and reservations). */
function policyIssues(scenario: Scenario, file: string, bestQuality: readonly number[]): InputIssue[] {
  const issues: InputIssue[] = [];
  scenario.workloads.forEach((workload, w) => {
    if (workload.deadlineHours !== undefined && workload.deadlineHours < scenario.horizon.windowHours) {
      issues.push({
        file,
        field: `workloads.${w}.deadlineHours`,
        message: `a deadline of ${workload.deadlineHours} h is shorter than one window (${scenario.horizon.windowHours} h)`,
        fix: 'drop deadlineHours (the workload is then served in the window it arrives) or make it at least windowHours',
      });
    }
    if (workload.kvResidencySeconds !== undefined && scenario.policies.kvMemory !== 'load') {
      issues.push({
        file,
        field: `workloads.${w}.kvResidencySeconds`,
        message: 'kvResidencySeconds is only read by the load-dependent KV-memory row, which is off',
        fix: 'set policies.kvMemory: load, or drop kvResidencySeconds',
      });
    }
    if (workload.minQuality !== undefined && workload.minQuality > bestQuality[w]!) {
      issues.push({
        file,
        field: `workloads.${w}.minQuality`,
        message: `no allowed llm reaches quality ${workload.minQuality} (the best scores ${bestQuality[w]})`,
        fix: 'lower minQuality or allow a better llm (planner catalog llms lists the scores)',
      });
    }
  });
  const locality = scenario.policies.locality;
  if (locality?.minInRegionShare) {
    scenario.workloads.forEach((workload, w) => {
      if (workload.deadlineHours !== undefined) return;
      for (const origin of Object.keys(workload.demand.origins)) {
        if (!scenario.regions.includes(origin)) {
          issues.push({
            file,
            field: `workloads.${w}.demand.origins.${origin}`,
            message: `policies.locality.minInRegionShare needs ${origin} to serve its own demand, but it is not one of the scenario's regions`,
            fix: `add ${origin} to regions or drop minInRegionShare`,
          });
        }
      }
    });
  }
  if (scenario.policies.spot && !scenario.purchases.includes('spot')) {
    issues.push({
      file,
      field: 'policies.spot',
      message: "spot policies are set but 'spot' is not in purchases",
      fix: 'add spot to purchases: [on-demand, spot], or drop policies.spot',
    });
  }
  if (locality?.nPlusOne && scenario.regions.length < 2) {
    issues.push({
      file,
      field: 'policies.locality.nPlusOne',
      message: 'N+1 needs at least two regions',
      fix: 'add a region or drop nPlusOne',
    });
  }
  return issues;
}

/**
 * Reserved VMs run in every window, so a quota they alone break in a planned window leaves no plan at all:
 * refused at load, naming both, rather than left to the solver's "infeasible" (found by the solve fuzz).
 */
function reservedOverQuota(scenario: Scenario, catalog: Catalog, file: string): InputIssue[] {
  const issues: InputIssue[] = [];
  const first = scenario.horizon.skipWindows;
  const last = first + scenario.horizon.windows - 1;
  scenario.policies.quotas.forEach((quota, i) => {
    // Quota windows count from the horizon's original start, as the planned windows' indices do.
    if ((quota.fromWindow ?? 0) > last || (quota.toWindow ?? last) < first) return;
    let used = 0;
    for (const entry of scenario.policies.reserved) {
      const sku = catalog.skus.get(entry.sku);
      if (sku && entry.region === quota.region) used += entry.count * quotaUnitsPerVm(quota, sku);
    }
    if (used > quotaLimit(quota)) {
      issues.push({
        file,
        field: `policies.quotas.${i}`,
        message: `the reserved VMs in ${quota.region} hold ${describeQuota(quota, used)}, above this quota of ${quotaLimit(quota)}, and they run in every window`,
        fix: 'raise the quota to what the reservations hold, or drop reservations',
      });
    }
  });
  return issues;
}
