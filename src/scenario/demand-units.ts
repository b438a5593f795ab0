import type { Purchase } from '../catalog/types.js';
import { splitSizeClasses } from '../demand/size-classes.js';
import { maxOf, minOf } from '../extremes.js';
import type { RequestMix, RequestSizeBucket } from '../demand/types.js';
import { mixBuckets } from '../perf/mix.js';
import type { ResolveInputs } from './resolve.js';
import { allowedLlmsOf, llmChoiceOf, requestMixOf } from './resolve.js';
import type { Scenario } from './schema.js';

/** One size class of a workload: the planning unit `<workload>#<class>`. */
export interface SizeClassUnit {
  unit: string;
  /** Share of the workload's requests. */
  share: number;
  /** Smallest and largest bucket mean sizes of the class. */
  inputTokens: [number, number];
  outputTokens: [number, number];
  mix: RequestMix;
}

export interface WorkloadSizeClasses {
  workload: string;
  classes: SizeClassUnit[];
}

export interface DemandUnits {
  /** The scenario whose workloads are the planning units (the scenario itself when no workload is split). */
  scenario: Scenario;
  inputs: ResolveInputs;
  /** Workloads split into more than one class. */
  sizeClasses: WorkloadSizeClasses[];
}

const MIX_KEY = 'size-class:';

/**
 * Splits each workload with sizeClasses > 1 (or auto) into planning units, one per size class: same SLO,
 * origins, penalty, deadline and quality floor, demand scaled by the class's share of requests and the
 * class's sub-mix for rates. Everything downstream (MILP, heuristics, validate, simulate) then routes the
 * classes as workloads of their own; with every workload at 1 class the scenario is returned unchanged.
 */
export function demandUnits(scenario: Scenario, inputs: ResolveInputs, file: string): DemandUnits {
  // Resolving and loading both ask for the units of the same scenario object: split once.
  const known = split.get(scenario);
  if (known?.given === inputs) return known.units;
  const units = splitUnits(scenario, inputs, file);
  split.set(scenario, { given: inputs, units });
  return units;
}

const split = new WeakMap<Scenario, { given: ResolveInputs; units: DemandUnits }>();

function splitUnits(scenario: Scenario, inputs: ResolveInputs, file: string): DemandUnits {
  if (scenario.workloads.every((w) => (w.sizeClasses ?? 1) === 1)) return { scenario, inputs, sizeClasses: [] };
  const requestMixes = new Map(inputs.requestMixes);
  const sizeClasses: WorkloadSizeClasses[] = [];
  const workloads: Scenario['workloads'][number][] = [];
  scenario.workloads.forEach((workload, w) => {
    const wanted = workload.sizeClasses ?? 1;
    if (wanted === 1) {
      workloads.push(workload);
      return;
    }
    const buckets = mixBuckets(requestMixOf(workload, inputs, file, w));
    const split = splitSizeClasses(buckets, wanted, classCost(scenario, inputs, workload));
    if (split.classes.length === 1) {
      workloads.push({ ...workload, sizeClasses: 1 });
      return;
    }
    const classes = split.classes.map((part, c): SizeClassUnit => {
      const share = part.reduce((sum, b) => sum + b.share, 0);
      const unit = `${workload.id}#${c + 1}`;
      const mix = subMix(part);
      requestMixes.set(`${MIX_KEY}${unit}`, mix);
      const range = (f: (b: RequestSizeBucket) => number): [number, number] => [minOf(part.map(f)), maxOf(part.map(f))];
      return { unit, share, inputTokens: range((b) => b.inputTokens), outputTokens: range((b) => b.outputTokens), mix };
    });
    sizeClasses.push({ workload: workload.id, classes });
    for (const unit of classes)
      workloads.push({
        ...workload,
        id: unit.unit,
        sizeClasses: 1,
        requestMix: { file: `${MIX_KEY}${unit.unit}` },
        demand: { ...workload.demand, scale: workload.demand.scale * unit.share },
      });
  });
  return { scenario: { ...scenario, workloads }, inputs: { ...inputs, requestMixes }, sizeClasses };
}

/** Buckets as a mix of their own: shares renormalised, means per request. */
function subMix(part: readonly RequestSizeBucket[]): RequestMix {
  const total = part.reduce((sum, b) => sum + b.share, 0);
  const buckets = part.map((b) => ({ ...b, share: b.share / total }));
  return {
    meanInputTokens: buckets.reduce((sum, b) => sum + b.share * b.inputTokens, 0),
    meanOutputTokens: buckets.reduce((sum, b) => sum + b.share * b.outputTokens, 0),
    buckets,
  };
}

/**
 * The DP's cost per request of a class: the cheapest (llm, sku, tp) the workload may use, at the sku's
 * cheapest listed price in the scenario's regions and purchases, per request/s it sustains on the class mix.
 */
function classCost(scenario: Scenario, inputs: ResolveInputs, workload: Scenario['workloads'][number]) {
  const { catalog } = inputs;
  const llms = allowedLlmsOf(workload, llmChoiceOf(workload), catalog)
    .map((id) => catalog.llms.get(id)!)
    .filter((llm) => workload.minQuality === undefined || llm.qualityScore >= workload.minQuality);
  const offers = (scenario.skus ?? [...new Set(catalog.prices.map((p) => p.sku))].sort()).flatMap((id) => {
    const sku = catalog.skus.get(id);
    const prices = catalog.prices
      .filter(
        (p) => p.sku === id && scenario.regions.includes(p.region) && (scenario.purchases as readonly Purchase[]).includes(p.purchase),
      )
      .map((p) => p.usdPerHour);
    return sku && prices.length ? [{ sku, usdPerHour: minOf(prices), gpu: catalog.gpus.get(sku.gpu)! }] : [];
  });
  const tps = [...scenario.tp].sort((a, b) => a - b);
  const configs = llms.flatMap((llm) =>
    offers.flatMap((offer) => tps.filter((tp) => offer.sku.gpusPerVm % tp === 0).map((tp) => ({ llm, offer, tp }))),
  );
  // Per bucket and config: VM-seconds per request (price / sustained rate of that bucket alone). A class's cost on
  // a config is their share-weighted sum (a replica's time is spent request by request), so the DP needs one
  // rate per bucket and config rather than one per candidate class; the units' own rates are then exact.
  const perBucket = new Map<RequestSizeBucket, number[]>();
  const costsOf = (bucket: RequestSizeBucket) => {
    let costs = perBucket.get(bucket);
    if (!costs) {
      const mix = subMix([bucket]);
      // The rate depends on the gpu, not the sku: skus of one gpu share it (the rate search is the DP's cost).
      const rates = new Map<string, number>();
      costs = configs.map(({ llm, offer, tp }) => {
        const key = `${llm.id}|${offer.gpu.id}|${tp}`;
        let rate = rates.get(key);
        if (rate === undefined) rates.set(key, (rate = inputs.replicaRate(llm, offer.gpu, tp, workload.slo, mix)));
        return rate > 0 ? offer.usdPerHour / (3600 * rate * (offer.sku.gpusPerVm / tp)) : Number.POSITIVE_INFINITY;
      });
      perBucket.set(bucket, costs);
    }
    return costs;
  };
  return (part: readonly RequestSizeBucket[]): number => {
    const total = part.reduce((sum, b) => sum + b.share, 0);
    let best = Number.POSITIVE_INFINITY;
    configs.forEach((_, k) => {
      const cost = part.reduce((sum, b) => sum + b.share * costsOf(b)[k]!, 0) / total;
      if (cost < best) best = cost;
    });
    return best;
  };
}
