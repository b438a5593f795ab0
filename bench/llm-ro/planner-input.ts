import type { Program, SolveFn } from '../../src/lp/index.js';
import type { Candidate, PlanningInput, SkuOffer } from '../../src/capacity/types.js';
import { LLM_RO } from './instance-data.js';

/** Quality scores: QUALITY_TOP - 1 / capacity_j, so that LLM-RO's error row is group 7 (see llmRoInput). */
const QUALITY_TOP = 10;
/** Unmet requests cost this much each: LLM-RO forces u = 0. */
const UNMET_USD = 1000;
const SECONDS_PER_HOUR = 3600;

/**
 * LLM-RO's instance as a planner PlanningInput (one 12 h window, one region), mapped row by row:
 * - query type i -> workload, demand lambda_i / 3600 req/s; model j -> llm; (tier k, TP n) -> a sku of n GPUs
 *   at n x p_k $/h with one candidate (j, sku, tp n): LLM-RO rents GPUs one by one and gives (j, k) one
 *   replica of TP n, planner rents VMs and may run several replicas;
 * - compute sum_i alpha_i (h_i + f_i) x_ijk <= P_k y_jk -> rate[c,i] = lambda_i P_k n / (3600 alpha_i (h_i + f_i))
 *   req/s per replica (x = served x 3600 / lambda_i); headroom 0;
 * - delay: LLM-RO bounds the routing-weighted d_ij (h_i + f_i) by Delta_i (times the TP of one fixed config, a
 *   quirk; see llm-det.ts); planner's SLOs are per config, so (i, j) is allowed when d_ij (h_i + f_i) <= Delta_i;
 * - error sum e_ij x <= epsilon_i with e_ij = base_i / capacity_j -> group 7: quality_j = 10 - 1 / capacity_j,
 *   minQuality_i = 10 - epsilon_i / base_i (the same row divided by base_i);
 * - memory: y = 0 when B_j > 8 C_k, and, as planner checks memory today, (j, k, n) serves i only when the
 *   weights and one request fit: B_j + beta_j (h_i + f_i) <= n C_k. With kvMemory (LLM-RO's memory row, the
 *   load-dependent one): free = n C_k - B_j GB per replica, and each req/s holds beta_j (h_i + f_i) x T_res
 *   x 3600 GB (T_res = 0.1 h: 360 s);
 * - single path: LLM-RO's sum_jk z_ijk = 1 with x <= z -> policies.routing: single-path.
 * Storage costs, the delay penalty and the budget (not binding) are left out: planner minimises rental.
 */
export function llmRoInput(options: { kvMemory?: boolean; singlePath?: boolean } = {}): PlanningInput {
  const d = LLM_RO;
  const tokens = (i: number) => d.inputTokens[i]! + d.outputTokens[i]!;
  const skus: SkuOffer[] = [];
  const candidates: Candidate[] = [];
  for (const [k, tier] of d.gpuTiers.entries()) {
    for (const n of d.tpDegrees) {
      const sku = `${tier}x${n}`;
      skus.push({ sku, gpu: tier, gpusPerVm: n, prices: [{ region: 'lab', purchase: 'on-demand', usdPerHour: n * d.usdPerGpuHour[k]! }] });
      for (const [j, model] of d.models.entries()) {
        if (d.modelGb[j]! > d.gpuGb[k]! * Math.max(...d.tpDegrees)) continue;
        const rates = new Map<string, number>();
        const kv = new Map<string, number>();
        for (const [i, query] of d.queryTypes.entries()) {
          const delayMs = d.baseDelay[i]! * d.delayMultiplier[j]! * tokens(i);
          const fits = d.modelGb[j]! + d.kvGbPerToken[j]! * tokens(i) <= n * d.gpuGb[k]!;
          if (delayMs > d.delaySloMs[i]! || !fits) continue;
          rates.set(query, (d.queriesPerHour[i]! * d.gpuTflops[k]! * n) / (SECONDS_PER_HOUR * d.alpha[i]! * tokens(i)));
          kv.set(query, d.kvGbPerToken[j]! * tokens(i) * d.residencyHours * SECONDS_PER_HOUR);
        }
        if (rates.size === 0) continue;
        candidates.push({
          llm: model,
          sku,
          tp: n,
          region: 'lab',
          requestsPerSecByWorkload: rates,
          ...(options.kvMemory ? { kv: { freeGib: n * d.gpuGb[k]! - d.modelGb[j]!, gibPerRequestPerSec: kv } } : {}),
        });
      }
    }
  }
  return {
    windows: [{ start: '2025-11-25T00:00:00Z', hours: d.hours }],
    regions: ['lab'],
    purchases: ['on-demand'],
    skus,
    workloads: d.queryTypes.map((id, i) => ({
      id,
      origins: ['lab'],
      maxNetworkRttMs: 1,
      unmetPenaltyUsdPerRequest: UNMET_USD,
      minQuality: QUALITY_TOP - d.errorSlo[i]! / d.baseError[i]!,
    })),
    candidates,
    demand: d.queriesPerHour.map((lambda) => [[lambda / SECONDS_PER_HOUR]]),
    latencyMs: () => 0,
    policies: {
      headroom: 0,
      startupHours: 0,
      quotas: [],
      currentFleet: [],
      ...(options.kvMemory ? { kvMemory: 'load' as const } : {}),
      ...(options.singlePath ? { routing: 'single-path' as const } : {}),
    },
    llmQuality: new Map(d.models.map((model, j) => [model, QUALITY_TOP - 1 / d.modelCapacity[j]!])),
  };
}

/**
 * A SolveFn that adds LLM-RO's structure planner does not have to every program it solves: at most one
 * replica per (model, tier), whatever its TP (LLM-RO's y_jk = the TP degree of (j, k)'s one replica).
 * Rows over the replica columns by label (replicas[llm,<tier>x<n>,tp<n>,lab,t=<t>]); the bench's ablation.
 */
export function oneReplicaPerModelTier(solve: SolveFn): SolveFn {
  return (program, options) => {
    const groups = new Map<string, number[]>();
    program.columnLabels.forEach((label, column) => {
      const match = /^replicas\[([^,]+),(.+)x\d+,tp\d+,lab,(t=\d+)\]$/.exec(label);
      if (!match) return;
      const key = `${match[1]}|${match[2]}|${match[3]}`;
      groups.set(key, [...(groups.get(key) ?? []), column]);
    });
    const rows = [...groups].filter(([, columns]) => columns.length > 0);
    const starts = Int32Array.from([...program.rowStarts]);
    const extraStarts: number[] = [];
    let at = program.rowColumns.length;
    for (const [, columns] of rows) {
      at += columns.length;
      extraStarts.push(at);
    }
    const extended: Program = {
      ...program,
      rowLower: Float64Array.from([...program.rowLower, ...rows.map(() => -Infinity)]),
      rowUpper: Float64Array.from([...program.rowUpper, ...rows.map(() => 1)]),
      rowStarts: Int32Array.from([...starts, ...extraStarts]),
      rowColumns: Int32Array.from([...program.rowColumns, ...rows.flatMap(([, columns]) => columns)]),
      rowValues: Float64Array.from([...program.rowValues, ...rows.flatMap(([, columns]) => columns.map(() => 1))]),
      rowLabels: [...program.rowLabels, ...rows.map(([key]) => `llm-ro:one-replica[${key.replaceAll('|', ',')}]`)],
    };
    return solve(extended, options);
  };
}
