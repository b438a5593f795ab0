import { LinearExpr, Problem, type Solution, type SolveFn, type Variable } from '../../src/lp/index.js';
import { LLM_RO } from './instance-data.js';

/**
 * LLM-RO's deterministic MILP (LLM_DET.py), reconstructed from its equations over planner's Problem so that
 * HiGHS can solve it (the original needs Gurobi). Indices: query types i, models j, GPU tiers k, TP degrees n.
 * Columns: x[i,j,k] in [0,1] (share of i routed to (j,k)), y[j,k] integer GPUs, z[i,j,k] binary placement,
 * q[j,k] binary (j,k) active, w[j,k,n] binary TP choice, v = w x (McCormick), W = w q, u[i] = 0.
 * Objective: 12 h rental + storage (weights per placement, tokens per query) + delay penalty. Rows, as the
 * script writes them (quirks kept, since they shape its answer):
 * - demand sum_jk x + u = 1; u = 0; x <= z; sum_jk z = 1 (single path per query type); z <= q;
 * - budget: 12 x sum over i, j, k of (p_k y_jk + storage) <= 5000: the rental term sits inside the sum over
 *   i, so it counts 6 times;
 * - TP: sum_n w = q; y = sum_n n W (one replica of TP n per active (j,k));
 * - compute: sum_i alpha_i (h_i + f_i) x <= P_k y (x a share, not a rate);
 * - memory per GPU: sum_n (B_j / n) w + sum_{i,n} (beta_j / n)(h_i + f_i) lambda_i T_res v <= C_k q;
 *   y = 0 when B_j > 8 C_k;
 * - delay: sum_jk d_ij (h_i + f_i) x <= Delta_i sum_n n w[j*,k*,n], where j*, k* are the last model and tier
 *   (the loop variables the script's generator expression leaks): (Llama-3.2-11B-Vision, H100_80GB_INT8)
 *   must be active, and its TP degree scales every query type's delay limit;
 * - error: sum_jk e_ij x <= epsilon_i; storage: sum B_j z <= 5 x 1000.
 * Options: `objective: 'rental'` keeps only the rental term (what planner minimises); `delay: 'per-query'`
 * bounds each query type's delay by Delta_i alone (the leak removed).
 */
export interface LlmDetAnswer {
  solution: Solution;
  /** 12 h x sum of p_k y_jk, $. */
  rentalUsd: number;
  /** GPUs per (model, tier) with y > 0. */
  gpus: { model: string; tier: string; gpus: number }[];
  /** Per query type: the (model, tier) it is routed to, with its share. */
  routes: { query: string; model: string; tier: string; share: number }[];
}

export interface LlmDetOptions {
  /** 'rental': only the rental term (what planner minimises); default the script's whole objective. */
  objective?: 'published' | 'rental';
  /**
   * 'per-query': Delta_i alone bounds the routing-weighted delay (no leaked config, nothing forced active);
   * default the script's row.
   */
  delay?: 'published' | 'per-query';
}

export async function solveLlmDet(solve: SolveFn, options: LlmDetOptions = {}): Promise<LlmDetAnswer> {
  const objective = options.objective ?? 'published';
  const d = LLM_RO;
  const I = d.queryTypes.length;
  const J = d.models.length;
  const K = d.gpuTiers.length;
  const N = d.tpDegrees;
  const tokens = (i: number) => d.inputTokens[i]! + d.outputTokens[i]!;
  const delay = (i: number, j: number) => d.baseDelay[i]! * d.delayMultiplier[j]!;
  const error = (i: number, j: number) => d.baseError[i]! / d.modelCapacity[j]!;
  const full = objective === 'published';
  const p = new Problem();
  const x: Variable[][][] = [];
  const z: Variable[][][] = [];
  const y: Variable[][] = [];
  const q: Variable[][] = [];
  const w: Variable[][][] = [];
  const W: Variable[][][] = [];
  const v: Variable[][][][] = [];
  for (let i = 0; i < I; i++) {
    x.push([]);
    z.push([]);
    v.push([]);
    for (let j = 0; j < J; j++) {
      x[i]!.push([]);
      z[i]!.push([]);
      v[i]!.push([]);
      for (let k = 0; k < K; k++) {
        const perQuery = d.storageUsdPerGbHour * d.theta[i]! * tokens(i) * d.queriesPerHour[i]!;
        const penalty = d.rho[i]! * delay(i, j) * tokens(i) * d.queriesPerHour[i]!;
        x[i]![j]!.push(p.addVariable({ label: `x[${i},${j},${k}]`, upper: 1, objective: full ? d.hours * perQuery + penalty : 0 }));
        z[i]![j]!.push(
          p.addVariable({
            label: `z[${i},${j},${k}]`,
            type: 'binary',
            objective: full ? d.hours * d.storageUsdPerGbHour * d.modelGb[j]! : 0,
          }),
        );
        v[i]![j]!.push(N.map((n) => p.addVariable({ label: `v[${i},${j},${k},${n}]`, upper: 1 })));
      }
    }
  }
  for (let j = 0; j < J; j++) {
    y.push([]);
    q.push([]);
    w.push([]);
    W.push([]);
    for (let k = 0; k < K; k++) {
      y[j]!.push(p.addVariable({ label: `y[${j},${k}]`, type: 'integer', objective: d.hours * d.usdPerGpuHour[k]! }));
      q[j]!.push(p.addVariable({ label: `q[${j},${k}]`, type: 'binary' }));
      w[j]!.push(N.map((n) => p.addVariable({ label: `w[${j},${k},${n}]`, type: 'binary' })));
      W[j]!.push(N.map((n) => p.addVariable({ label: `W[${j},${k},${n}]`, type: 'binary' })));
    }
  }
  const budget = new LinearExpr();
  const storage = new LinearExpr();
  for (let i = 0; i < I; i++) {
    const demand = new LinearExpr();
    const placement = new LinearExpr();
    const delayRow = new LinearExpr();
    const errorRow = new LinearExpr();
    for (let j = 0; j < J; j++)
      for (let k = 0; k < K; k++) {
        demand.add(x[i]![j]![k]!);
        placement.add(z[i]![j]![k]!);
        delayRow.add(x[i]![j]![k]!, delay(i, j) * tokens(i));
        errorRow.add(x[i]![j]![k]!, error(i, j));
        budget
          .add(y[j]![k]!, d.hours * d.usdPerGpuHour[k]!)
          .add(z[i]![j]![k]!, d.hours * d.storageUsdPerGbHour * d.modelGb[j]!)
          .add(x[i]![j]![k]!, d.hours * d.storageUsdPerGbHour * d.theta[i]! * tokens(i) * d.queriesPerHour[i]!);
        storage.add(z[i]![j]![k]!, d.modelGb[j]!);
        p.addConstraint(`x<=z[${i},${j},${k}]`, new LinearExpr().add(x[i]![j]![k]!).add(z[i]![j]![k]!, -1), '<=', 0);
        p.addConstraint(`z<=q[${i},${j},${k}]`, new LinearExpr().add(z[i]![j]![k]!).add(q[j]![k]!, -1), '<=', 0);
        for (const [m, n] of N.entries()) {
          const vv = v[i]![j]![k]![m]!;
          const ww = w[j]![k]![m]!;
          p.addConstraint(`v<=w[${i},${j},${k},${n}]`, new LinearExpr().add(vv).add(ww, -1), '<=', 0);
          p.addConstraint(`v<=x[${i},${j},${k},${n}]`, new LinearExpr().add(vv).add(x[i]![j]![k]!, -1), '<=', 0);
          p.addConstraint(`v>=x+w-1[${i},${j},${k},${n}]`, new LinearExpr().add(vv).add(x[i]![j]![k]!, -1).add(ww, -1), '>=', -1);
        }
      }
    p.addConstraint(`demand[${i}]`, demand, '=', 1); // u = 0
    p.addConstraint(`placement[${i}]`, placement, '=', 1);
    if (options.delay === 'per-query') p.addConstraint(`delay[${i}]`, delayRow, '<=', d.delaySloMs[i]!);
    else {
      for (const [m, n] of N.entries()) delayRow.add(w[J - 1]![K - 1]![m]!, -d.delaySloMs[i]! * n);
      p.addConstraint(`delay[${i}]`, delayRow, '<=', 0);
    }
    p.addConstraint(`error[${i}]`, errorRow, '<=', d.errorSlo[i]!);
  }
  // The rental term inside the sum over i: six copies.
  p.addConstraint('budget', budget, '<=', d.budgetUsd);
  p.addConstraint('storage', storage, '<=', 5 * d.storageGb);
  for (let j = 0; j < J; j++)
    for (let k = 0; k < K; k++) {
      const tp = new LinearExpr().add(q[j]![k]!, -1);
      const gpus = new LinearExpr().add(y[j]![k]!, 1);
      const compute = new LinearExpr().add(y[j]![k]!, -d.gpuTflops[k]!);
      for (const [m, n] of N.entries()) {
        tp.add(w[j]![k]![m]!);
        gpus.add(W[j]![k]![m]!, -n);
        const WW = W[j]![k]![m]!;
        p.addConstraint(`W<=w[${j},${k},${n}]`, new LinearExpr().add(WW).add(w[j]![k]![m]!, -1), '<=', 0);
        p.addConstraint(`W<=q[${j},${k},${n}]`, new LinearExpr().add(WW).add(q[j]![k]!, -1), '<=', 0);
        p.addConstraint(`W>=w+q-1[${j},${k},${n}]`, new LinearExpr().add(WW).add(w[j]![k]![m]!, -1).add(q[j]![k]!, -1), '>=', -1);
      }
      for (let i = 0; i < I; i++) compute.add(x[i]![j]![k]!, d.alpha[i]! * tokens(i));
      p.addConstraint(`tp[${j},${k}]`, tp, '=', 0);
      p.addConstraint(`y[${j},${k}]`, gpus, '=', 0);
      p.addConstraint(`compute[${j},${k}]`, compute, '<=', 0);
      if (d.modelGb[j]! > d.gpuGb[k]! * Math.max(...N)) {
        p.addConstraint(`no-fit[${j},${k}]`, new LinearExpr().add(y[j]![k]!), '=', 0);
        continue;
      }
      const memory = new LinearExpr().add(q[j]![k]!, -d.gpuGb[k]!);
      for (const [m, n] of N.entries()) {
        memory.add(w[j]![k]![m]!, d.modelGb[j]! / n);
        for (let i = 0; i < I; i++)
          memory.add(v[i]![j]![k]![m]!, (d.kvGbPerToken[j]! / n) * tokens(i) * d.queriesPerHour[i]! * d.residencyHours);
      }
      p.addConstraint(`memory[${j},${k}]`, memory, '<=', 0);
    }
  const solution = await solve(p.compile(), { relativeGap: 1e-6 });
  const values = solution.values ?? new Float64Array(0);
  const gpus: LlmDetAnswer['gpus'] = [];
  let rentalUsd = 0;
  for (let j = 0; j < J; j++)
    for (let k = 0; k < K; k++) {
      const count = Math.round(values[y[j]![k]!.index] ?? 0);
      if (count === 0) continue;
      rentalUsd += d.hours * d.usdPerGpuHour[k]! * count;
      gpus.push({ model: d.models[j]!, tier: d.gpuTiers[k]!, gpus: count });
    }
  const routes: LlmDetAnswer['routes'] = [];
  for (let i = 0; i < I; i++)
    for (let j = 0; j < J; j++)
      for (let k = 0; k < K; k++) {
        const share = values[x[i]![j]![k]!.index] ?? 0;
        if (share > 1e-9) routes.push({ query: d.queryTypes[i]!, model: d.models[j]!, tier: d.gpuTiers[k]!, share });
      }
  return { solution, rentalUsd, gpus, routes };
}
