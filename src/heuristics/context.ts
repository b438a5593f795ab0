/** The fixed view of a planning input that GH and AGH search: VM groups with their offers, usable configs, and demand pairs. */
import { fleetKey } from '../capacity/formulation.js';
import { replicaLoadUsd } from '../capacity/model-load.js';
import type { PlanningInput } from '../capacity/types.js';
import type { FleetPurchase } from '../catalog/types.js';
import { compareStrings } from '../order.js';

export interface Offer {
  purchase: FleetPurchase;
  usdPerHour: number;
  key: string;
}

/** The VMs of one sku in one region, over its offers (purchases): what GH and AGH buy and empty. */
export interface VmGroup {
  sku: string;
  region: string;
  gpu: string;
  gpusPerVm: number;
  /** Quota family and vCPUs of the sku (family quotas). */
  family?: string;
  vcpus?: number;
  /** Cheapest first. */
  offers: Offer[];
  candidates: number[];
  /** Candidates of the VM group grouped by llm, for groups with more than one TP degree (M3's search space). */
  tpGroups: number[][];
}

export interface Cand {
  index: number;
  llm: string;
  tp: number;
  vmGroup: number;
  /** Requests/s per replica by workload index (0: cannot serve it). */
  rates: number[];
  perVm: number;
  /** USD per replica started: its llm's model load (model-load.ts); 0 without one. */
  loadUsd: number;
}

export interface Pair {
  w: number;
  o: number;
  workload: string;
  origin: string;
  /** USD per request left unmet. */
  penalty: number;
  /** Configs that can serve this pair: rate > 0 and region within the RTT bound. */
  options: { c: number; rtt: number }[];
  /** The options as candidate -> RTT. */
  rttOf: Map<number, number>;
  /**
   * The options as columns, in the same order, for serve's inner loops: candidate, its VM group, TP, replicas per
   * VM, model-load USD, and requests/s per replica for this pair's workload at the usable share (rate x (1 - headroom)).
   */
  columns: {
    c: Int32Array;
    rtt: Float64Array;
    vmGroup: Int32Array;
    tp: Int32Array;
    perVm: Int32Array;
    loadUsd: Float64Array;
    per: Float64Array;
  };
}

export interface Context {
  input: PlanningInput;
  vmGroups: VmGroup[];
  cands: (Cand | undefined)[];
  pairs: Pair[];
  /** 1 - headroom: the usable share of a replica. */
  usable: number;
  /** fleetKey -> VM group index. */
  vmGroupOfKey: Map<string, number>;
  /** serve's working arrays (per VM group, per config), allocated once: serve runs thousands of times per plan. */
  scratch: { freeGpus: Float64Array; ran: Float64Array };
}

export function buildContext(input: PlanningInput): Context {
  const vmGroups: VmGroup[] = [];
  const vmGroupIndex = new Map<string, number>();
  for (const offer of input.skus) {
    for (const region of input.regions) {
      const offers = offer.prices
        .filter((p) => p.region === region && input.purchases.includes(p.purchase))
        .map((p) => ({ purchase: p.purchase, usdPerHour: p.usdPerHour, key: fleetKey(offer.sku, region, p.purchase) }))
        .sort((a, b) => a.usdPerHour - b.usdPerHour || compareStrings(a.purchase, b.purchase));
      if (offers.length === 0) continue;
      vmGroupIndex.set(`${offer.sku}|${region}`, vmGroups.length);
      vmGroups.push({
        sku: offer.sku,
        region,
        gpu: offer.gpu,
        gpusPerVm: offer.gpusPerVm,
        ...(offer.family !== undefined ? { family: offer.family } : {}),
        ...(offer.vcpus !== undefined ? { vcpus: offer.vcpus } : {}),
        offers,
        candidates: [],
        tpGroups: [],
      });
    }
  }
  const usable = 1 - input.policies.headroom;
  const cands = input.candidates.map((candidate, index): Cand | undefined => {
    const vmGroup = vmGroupIndex.get(`${candidate.sku}|${candidate.region}`);
    if (vmGroup === undefined) return undefined;
    const gpusPerVm = vmGroups[vmGroup]!.gpusPerVm;
    if (candidate.tp > gpusPerVm || gpusPerVm % candidate.tp !== 0) return undefined;
    const rates = input.workloads.map((w) => {
      const rate = candidate.requestsPerSecByWorkload.get(w.id) ?? 0;
      return Math.max(rate, 0);
    });
    vmGroups[vmGroup]!.candidates.push(index);
    const loadUsd = replicaLoadUsd(input, candidate);
    return { index, llm: candidate.llm, tp: candidate.tp, vmGroup, rates, perVm: gpusPerVm / candidate.tp, loadUsd };
  });
  for (const vmGroup of vmGroups) {
    const byLlm = new Map<string, number[]>();
    for (const c of vmGroup.candidates) {
      const llm = cands[c]!.llm;
      const group = byLlm.get(llm);
      if (group) group.push(c);
      else byLlm.set(llm, [c]);
    }
    vmGroup.tpGroups = [...byLlm.values()].filter((group) => group.length > 1);
  }
  const pairs: Pair[] = [];
  for (const [w, workload] of input.workloads.entries()) {
    for (const [o, origin] of workload.origins.entries()) {
      const options: Pair['options'] = [];
      if (usable > 0) {
        for (const cand of cands) {
          if (!cand || cand.rates[w]! <= 0) continue;
          const rtt = input.latencyMs(origin, vmGroups[cand.vmGroup]!.region);
          if (rtt <= workload.maxNetworkRttMs) options.push({ c: cand.index, rtt });
        }
      }
      pairs.push({
        w,
        o,
        workload: workload.id,
        origin,
        penalty: workload.unmetPenaltyUsdPerRequest,
        options,
        rttOf: new Map(options.map((x) => [x.c, x.rtt])),
        columns: {
          c: Int32Array.from(options, (x) => x.c),
          rtt: Float64Array.from(options, (x) => x.rtt),
          vmGroup: Int32Array.from(options, (x) => cands[x.c]!.vmGroup),
          tp: Int32Array.from(options, (x) => cands[x.c]!.tp),
          perVm: Int32Array.from(options, (x) => cands[x.c]!.perVm),
          loadUsd: Float64Array.from(options, (x) => cands[x.c]!.loadUsd),
          per: Float64Array.from(options, (x) => cands[x.c]!.rates[w]! * usable),
        },
      });
    }
  }
  const vmGroupOfKey = new Map(vmGroups.flatMap((vmGroup, p) => vmGroup.offers.map((offer) => [offer.key, p] as const)));
  const scratch = { freeGpus: new Float64Array(vmGroups.length), ran: new Float64Array(cands.length) };
  return { input, vmGroups, cands, pairs, usable, vmGroupOfKey, scratch };
}
