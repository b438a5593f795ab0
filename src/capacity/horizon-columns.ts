import { fitsBasis, linearRelaxation, objectiveValue, type Basis, type Program, type SolveOptions, type Solution } from '../lp/index.js';
import { buildProblem, type BuiltProblem } from './formulation.js';
import { fleetMap, quotaApplies, vmUpperBound } from './formulation-fleet.js';
import { quotaSubject, quotaUnitsPerVm } from './quota.js';
import { REPLICA_TIE_BREAK, capacityRowScale, routeTieBreak, solvingInput } from './formulation-scale.js';
import { isInteractive, poolCapacity, poolOf, replicaPoolsApart } from './policies.js';
import type { PlanningInput, ReplicaPool } from './types.js';

/**
 * The horizon LP by column generation (docs/solving.md, "The horizon LP at scale"). A config's columns (its
 * replicas, rup and assign columns and its capacity rows, in every window: a "block") enter the LP only
 * when they can lower its objective, and a (sku, region)'s VM columns only with a config that uses them.
 * The restricted LP starts from the cheapest config per (workload, region) (on a horizon of two weeks or
 * more, from the configs the first week's column generation ends with); after each solve every block
 * left out is priced with the row duals, and those that price out are added. When none does, the restricted
 * LP's optimum is the full LP's: its point, extended by zeros, is feasible for the full LP, and the duals
 * extended to the rows it lacks (chosen below) are dual feasible and complementary, so the bound is exact,
 * not an estimate. A config c prices out when in some window t no dual of its capacity row makes all its
 * columns' reduced costs nonnegative:
 *   assign[w,c,t]:   y_flow[w,r,t] + lambda x s_c / rate[c,w] >= 0          (lambda = -dual of 2:capacity >= 0)
 *   replicas[c,p,t]: eps x h_t - tp x pi[k,r,p,t] - s_c x (1 - headroom) x cap_p x lambda >= 0
 * Rows the restricted LP lacks get duals that keep complementary slackness and are the most favourable to
 * the blocks: a missing 1:flow row the largest y_flow its missing routes allow (min over origins of route
 * cost - y_demand), a missing 3:packing row the most negative pi its VM columns allow (0 if one of them is
 * positive; for a fleet left out, its VM price less the quota and spot-share duals, with its scaling rows'
 * duals 0), a missing 8:replica-up row 0. Order and stopping depend on the program alone: configs are
 * scanned in index order, and per round at most one is added per (region, workload), the most negative
 * replica reduced cost per GPU over the windows first, ties to the lower config index.
 */

/** Horizons whose estimated LP has at least this many columns are solved by column generation. */
export const COLUMN_GENERATION_COLUMNS = 100_000;
/** Rounds of pricing before the full LP is solved instead (deterministic: a count, never time). */
export const COLUMN_GENERATION_ROUNDS = 60;
/** A block prices out when its reduced cost is below minus this (relative to the LP's objective scale). */
const PRICING_TOLERANCE = 1e-9;

/**
 * The policies whose rows the pricing above covers: groups 1-4 and 8 over interactive workloads, spot
 * eviction and maxShare, reservations and scaling limits. Anything else (routing copies, quality, locality,
 * KV memory, single path, interference, deferrable work, commitments, a hard budget, size classes) adds rows
 * over replica or assign columns that the pricing does not see, so those horizons keep the full LP.
 */
export function columnGenerationFits(input: PlanningInput): boolean {
  const { policies } = input;
  return (
    policies.spot?.onDemandCoversInteractive === undefined &&
    policies.locality === undefined &&
    policies.kvMemory === undefined &&
    policies.routing === undefined &&
    policies.interference === undefined &&
    (policies.commitments ?? []).length === 0 &&
    policies.budget?.mode !== 'hard' &&
    !input.sizeClasses?.length &&
    input.workloads.every((w) => isInteractive(w) && w.minQuality === undefined)
  );
}

export interface GeneratedLp {
  /** The restricted program's build: its handles read the plan's shortlist as the full program's would. */
  built: BuiltProblem;
  /** Its optimal LP solution: objective and values are the full horizon LP's optimum (extended by zeros). */
  solution: Solution;
  /** Restricted LPs solved (the first week's included, on long horizons). */
  rounds: number;
  /** Configs in the final restricted LP (in every window), and in the full one. */
  configs: number;
  totalConfigs: number;
}

type Run = (program: Program, what: string, extra?: SolveOptions) => Promise<Solution>;

/**
 * The horizon LP's optimum by column generation, or a reason it was not reached (an LP that did not solve
 * optimally with duals, or COLUMN_GENERATION_ROUNDS rounds without convergence): the caller then solves
 * the full LP.
 */
export async function horizonLpByColumns(input: PlanningInput, run: Run): Promise<GeneratedLp | { failed: string }> {
  const pricing = blockPricing(input);
  let seed = seedConfigs(pricing);
  let weekRounds = 0;
  const warm: WarmStart = {};
  // A long horizon starts from the configs its first week's LP needs: the rounds are then on a week's LP.
  const windows = input.windows.length;
  if (windows >= 2 * SEED_WINDOWS) {
    const week = await generate(
      input,
      pricing,
      seed,
      Array.from({ length: SEED_WINDOWS }, (_, t) => t),
      run,
      'the first week',
      warm,
    );
    if ('built' in week) {
      seed = week.allowed;
      weekRounds = week.rounds;
    }
  }
  const all = await generate(input, pricing, seed, undefined, run, 'the horizon LP', warm);
  if (!('built' in all)) return all;
  return {
    built: all.built,
    solution: all.solution,
    rounds: weekRounds + all.rounds,
    configs: all.allowed.size,
    totalConfigs: pricing.totalConfigs,
  };
}

/** Windows whose LP seeds a horizon of at least twice as many (a week of hourly windows). */
export const SEED_WINDOWS = 168;

async function generate(
  input: PlanningInput,
  pricing: ReturnType<typeof blockPricing>,
  seed: ReadonlySet<number>,
  windows: readonly number[] | undefined,
  run: Run,
  what: string,
  warm: WarmStart,
): Promise<{ built: BuiltProblem; solution: Solution; rounds: number; allowed: Set<number> } | { failed: string }> {
  const allowed = new Set(seed);
  // Fleets that hold VMs before the horizon (reserved, current) stay: leaving them out would not be a restriction.
  const held = new Set([...fleetMap(input)].filter(([, count]) => count > 0).map(([key]) => skuRegionOf(key)));
  const included = windows ?? input.windows.map((_, t) => t);
  for (let round = 1; round <= COLUMN_GENERATION_ROUNDS; round++) {
    const fleets = new Set([...held, ...[...allowed].map((c) => `${input.candidates[c]!.sku}|${input.candidates[c]!.region}`)]);
    const built = buildProblem(input, {
      ...(windows ? { windows } : {}),
      allowCandidate: (_, c) => allowed.has(c),
      allowFleet: (sku, region) => fleets.has(`${sku}|${region}`),
    });
    const relaxed = linearRelaxation(built.program);
    const basis = warm.previous ? carriedBasis(warm.previous.program, warm.previous.basis, relaxed) : undefined;
    const solution = await run(relaxed, `${what} (column generation, round ${round})`, basis ? { basis } : {});
    if (solution.basis) warm.previous = { program: relaxed, basis: solution.basis };
    if (solution.status !== 'optimal' || !solution.values || !solution.duals)
      return { failed: `round ${round}'s restricted LP of ${what} ended ${solution.status} (${solution.rawStatus})` };
    if (pricing.price(built, solution.values, solution.duals, allowed, fleets, included) === 0)
      return { built, solution, rounds: round, allowed };
  }
  return { failed: `no convergence within ${COLUMN_GENERATION_ROUNDS} rounds` };
}

/** The last restricted LP and its optimal basis: each re-solve starts from it. */
interface WarmStart {
  previous?: { program: Program; basis: Basis };
}

/**
 * A basis for a grown restricted LP from its predecessor's optimal one, matched by column and row label:
 * carried-over columns and rows keep their status, new columns start nonbasic at their lower bound (at zero
 * when free), new rows with their slack basic. Every row then has one basic entry, and the point is the
 * predecessor's optimum extended by zeros, feasible for the new rows (they hold at zero), so the simplex
 * continues from there instead of starting over. Undefined when a row was dropped (its basic count is off).
 */
export function carriedBasis(before: Program, basis: Basis, after: Program): Basis | undefined {
  const columnStatus = new Map(before.columnLabels.map((label, j) => [label, basis.columns[j]!]));
  const rowStatus = new Map(before.rowLabels.map((label, i) => [label, basis.rows[i]!]));
  const columns = Int32Array.from(
    after.columnLabels,
    (label, j) => columnStatus.get(label) ?? (Number.isFinite(after.columnLower[j]!) ? 0 : 3),
  );
  const rows = Int32Array.from(after.rowLabels, (label) => rowStatus.get(label) ?? 1);
  const carried = { columns, rows };
  return fitsBasis(carried, after.objective.length, after.rowLower.length) ? carried : undefined;
}

/** `${sku}|${region}` of a fleetKey `${sku}|${region}|${purchase}`. */
function skuRegionOf(key: string): string {
  return key.slice(0, key.lastIndexOf('|'));
}

/** What pricing needs of one config, computed once from the solving input (flows in flow units). */
interface BlockShape {
  candidate: number;
  region: string;
  sku: string;
  tp: number;
  gpusPerVm: number;
  /** capacityRowScale: the capacity row's scale s_c. */
  scale: number;
  /** Workload index and its rate in flow units, for each workload served. */
  rates: { workload: number; rate: number }[];
  /** The pools its replicas may use (one undefined pool unless pools are apart), with the capacity a replica counts for. */
  pools: { pool: ReplicaPool | undefined; capacity: number }[];
}

function blockPricing(original: PlanningInput) {
  const { input } = solvingInput(original);
  const poolsApart = replicaPoolsApart(input);
  const headroom = input.policies.headroom;
  const skuById = new Map(input.skus.map((sku) => [sku.sku, sku]));
  const shapes: (BlockShape | undefined)[] = input.candidates.map((candidate, c) => {
    const offer = skuById.get(candidate.sku);
    const purchases = (offer?.prices ?? []).filter((p) => p.region === candidate.region && input.purchases.includes(p.purchase));
    if (!offer || purchases.length === 0 || !input.regions.includes(candidate.region)) return undefined;
    const pools = poolsApart ? [...new Set(purchases.map((p) => poolOf(p.purchase)))].sort() : [undefined];
    const rates = input.workloads.flatMap((w, index) => {
      const rate = candidate.requestsPerSecByWorkload.get(w.id);
      return rate && rate > 0 ? [{ workload: index, rate }] : [];
    });
    return {
      candidate: c,
      region: candidate.region,
      sku: candidate.sku,
      tp: candidate.tp,
      gpusPerVm: offer.gpusPerVm,
      scale: capacityRowScale(candidate),
      rates,
      pools: pools.map((pool) => ({ pool, capacity: poolCapacity(input, pool) })),
    };
  });
  const totalConfigs = shapes.filter(Boolean).length;

  /**
   * Prices every config left out in every window; adds the best per (region, workload); returns how many.
   * `fleets`: the `${sku}|${region}` whose VM columns the program has.
   */
  const price = (
    built: BuiltProblem,
    values: Float64Array,
    duals: Float64Array,
    allowed: Set<number>,
    fleets: Set<string>,
    windows: readonly number[],
  ): number => {
    const { program } = built;
    const rowOf = new Map(program.rowLabels.map((label, row) => [label, row]));
    const dualOf = (label: string): number => {
      const row = rowOf.get(label);
      return row === undefined ? 0 : duals[row]!;
    };
    const reduced = reducedCosts(program, duals);
    // The VM columns of each (window, sku, region, pool): what a missing packing row's dual may be.
    const vmsOf = new Map<string, { index: number; gpusPerVm: number }[]>();
    for (const vm of built.vms) {
      const key = `${vm.window}|${vm.sku}|${vm.region}|${poolsApart ? poolOf(vm.purchase) : ''}`;
      const list = vmsOf.get(key) ?? [];
      list.push({ index: vm.variable.index, gpusPerVm: vm.gpusPerVm });
      vmsOf.set(key, list);
    }
    const packingDual = (t: number, shape: BlockShape, pool: ReplicaPool | undefined): number => {
      const row = rowOf.get(`3:packing[${shape.sku},${shape.region}${pool ? `,${pool}` : ''},t=${t}]`);
      if (row !== undefined) return duals[row]!;
      if (!fleets.has(`${shape.sku}|${shape.region}`)) return absentFleetDual(t, shape, pool);
      let pi = -Infinity;
      for (const vm of vmsOf.get(`${t}|${shape.sku}|${shape.region}|${pool ?? ''}`) ?? []) {
        if (values[vm.index]! > 1e-9) return 0;
        if (program.columnUpper[vm.index]! > program.columnLower[vm.index]!) pi = Math.max(pi, -reduced[vm.index]! / vm.gpusPerVm);
      }
      return Math.min(pi, 0);
    };
    // A fleet with no VM columns: each would-be vms[k,r,q,t] at 0 keeps a reduced cost >= 0 when
    // pi >= (quota and spot-share duals x its coefficients - price x hours) / n_k (its scaling rows' duals 0).
    const absentFleetDual = (t: number, shape: BlockShape, pool: ReplicaPool | undefined): number => {
      const offer = skuById.get(shape.sku)!;
      const hours = input.windows[t]!.hours;
      const maxShare = input.policies.spot?.maxShare;
      let rows = 0;
      for (const quota of input.policies.quotas) {
        if (quota.region !== shape.region || !quotaApplies(quota, t)) continue;
        const units = quotaUnitsPerVm(quota, offer);
        if (units > 0) rows += units * dualOf(`4:quota[${quotaSubject(quota)},${quota.region},t=${t}]`);
      }
      const spotShare = maxShare === undefined ? 0 : dualOf(`5:spot-share[${shape.region},t=${t}]`);
      let pi = -Infinity;
      for (const offered of offer.prices) {
        if (offered.region !== shape.region || !input.purchases.includes(offered.purchase)) continue;
        if (poolsApart && poolOf(offered.purchase) !== pool) continue;
        const share = maxShare === undefined ? 0 : spotShare * offer.gpusPerVm * ((offered.purchase === 'spot' ? 1 : 0) - maxShare);
        pi = Math.max(pi, (rows + share - offered.usdPerHour * hours) / offer.gpusPerVm);
      }
      return Math.min(pi, 0);
    };
    const flowDuals = new Map<string, number>();
    const flowDual = (t: number, w: number, region: string): number => {
      const key = `${t}|${w}|${region}`;
      const known = flowDuals.get(key);
      if (known !== undefined) return known;
      const workload = input.workloads[w]!;
      const row = rowOf.get(`1:flow[${workload.id},${region},t=${t}]`);
      let y = Infinity;
      if (row !== undefined) y = duals[row]!;
      else {
        // Its routes are missing too: y_flow <= route cost - y_demand keeps each one's reduced cost >= 0.
        const hours = input.windows[t]!.hours;
        for (const origin of workload.origins) {
          const rtt = input.latencyMs(origin, region);
          if (rtt > workload.maxNetworkRttMs) continue;
          y = Math.min(y, routeTieBreak(input, w) * rtt * hours - dualOf(`1:demand[${workload.id},${origin},t=${t}]`));
        }
      }
      flowDuals.set(key, y);
      return y;
    };
    const tolerance = PRICING_TOLERANCE * Math.max(1, Math.abs(objectiveValue(program, values)) / Math.max(1, windows.length));
    const best = new Map<string, { candidate: number; perGpu: number }>();
    for (const shape of shapes) {
      if (!shape || allowed.has(shape.candidate)) continue;
      const offer = skuById.get(shape.sku)!;
      let worst = Infinity;
      let worstBy = -1;
      for (const t of windows) {
        // A replica column fixed at 0 (a quota of no VMs) has no reduced cost to satisfy.
        if (Math.floor((vmUpperBound(input, offer, shape.region, t) * shape.gpusPerVm) / shape.tp) === 0) continue;
        // The smallest capacity dual its assigns need: lambda >= -y_flow x rate / s, per workload.
        let need = 0;
        let by = -1;
        for (const { workload, rate } of shape.rates) {
          const lambda = (-flowDual(t, workload, shape.region) * rate) / shape.scale;
          if (lambda > need) {
            need = lambda;
            by = workload;
          }
        }
        if (by < 0) continue;
        const hours = input.windows[t]!.hours;
        for (const { pool, capacity } of shape.pools) {
          const d = REPLICA_TIE_BREAK * hours - shape.tp * packingDual(t, shape, pool) - shape.scale * (1 - headroom) * capacity * need;
          if (d / shape.tp < worst) {
            worst = d / shape.tp;
            worstBy = by;
          }
        }
      }
      if (!(worst < -tolerance)) continue;
      const key = `${shape.region}|${worstBy}`;
      const held = best.get(key);
      if (!held || worst < held.perGpu) best.set(key, { candidate: shape.candidate, perGpu: worst });
    }
    for (const { candidate } of best.values()) allowed.add(candidate);
    return best.size;
  };
  return { input, shapes, totalConfigs, price };
}

/**
 * The first restricted LP: per (workload, region), the config with the lowest VM cost per request/s (its
 * cheapest purchase's GPU-hour price x tp / rate), ties to the lower index.
 */
function seedConfigs(pricing: ReturnType<typeof blockPricing>): Set<number> {
  const { input } = pricing;
  const skuById = new Map(input.skus.map((sku) => [sku.sku, sku]));
  const cheapest = new Map<string, { candidate: number; cost: number }>();
  for (const shape of pricing.shapes) {
    if (!shape) continue;
    const offer = skuById.get(shape.sku)!;
    let gpuHour = Infinity;
    for (const price of offer.prices) {
      if (price.region !== shape.region || !input.purchases.includes(price.purchase)) continue;
      gpuHour = Math.min(gpuHour, price.usdPerHour / offer.gpusPerVm / poolCapacity(input, poolOf(price.purchase)));
    }
    for (const { workload, rate } of shape.rates) {
      const cost = (gpuHour * shape.tp) / rate;
      const key = `${workload}|${shape.region}`;
      const held = cheapest.get(key);
      if (!held || cost < held.cost) cheapest.set(key, { candidate: shape.candidate, cost });
    }
  }
  return new Set([...cheapest.values()].map((c) => c.candidate).sort((a, b) => a - b));
}

/** d = c - A'y for every column of the program. */
function reducedCosts(program: Program, duals: Float64Array): Float64Array {
  const reduced = Float64Array.from(program.objective);
  for (let row = 0; row < program.rowLower.length; row++) {
    const y = duals[row]!;
    if (y === 0) continue;
    for (let k = program.rowStarts[row]!; k < program.rowStarts[row + 1]!; k++)
      reduced[program.rowColumns[k]!]! -= program.rowValues[k]! * y;
  }
  return reduced;
}
