import { LinearExpr, type Variable } from '../lp/index.js';
import type { BuildContext, WindowColumns } from './formulation-context.js';
import { capacityRowScale } from './formulation-scale.js';
import { shareGroups } from './interference.js';
import { poolCapacity } from './policies.js';
import type { ReplicaPool } from './types.js';

/** share[c,(pool),g,t]: the replicas of candidate c (in a pool) that serve only sharing group g's workloads. */
export interface ShareHandle {
  window: number;
  candidate: number;
  pool?: ReplicaPool;
  /** The group's workload ids, in workload order. */
  workloads: string[];
  variable: Variable;
}

/**
 * Group 10, interference (policies.interference: separate), for one window t: per candidate c whose workloads
 * split into more than one sharing group (interference.ts: pairs that would break one's SLO by the queueing
 * estimate go to different groups), its replicas are split by group,
 *   10:interference-split[c,(pool),t]  sum over g of share[c,pool,g,t] - replicas[c,pool,t] = 0
 *   10:interference[c,g,t]             sum over w in g of s_c x assign[w,c,t] / rate[c,w]
 *                                        - sum over pools of s_c x (1 - headroom) x (1 - p_pool) x share[c,pool,g,t] <= 0
 * so each group's load is carried by its own whole replicas (group 2's row is their sum and stays). The
 * share columns are integer; candidates whose workloads may all share get none, so the program is group 2's.
 */
export function addInterferenceRows(context: BuildContext, window: WindowColumns): ShareHandle[] {
  const { problem, input } = context;
  if (input.policies.interference !== 'separate') return [];
  const { headroom } = input.policies;
  const order = input.workloads.map((w) => w.id);
  const shares: ShareHandle[] = [];
  for (const serving of window.serving.values()) {
    const candidate = input.candidates[serving.candidate]!;
    const groups = shareGroups(candidate, order);
    if (groups.length <= 1) continue;
    const name = `${candidate.llm},${candidate.sku},tp${candidate.tp},${candidate.region}`;
    const byGroup = groups.map(() => [] as ShareHandle[]);
    for (const handle of serving.replicas) {
      const split = new LinearExpr();
      for (const [g, workloads] of groups.entries()) {
        const variable = problem.addVariable({
          label: `share[${name},${handle.pool ? `${handle.pool},` : ''}g${g},${window.tag}]`,
          type: 'integer',
        });
        split.add(variable);
        const share: ShareHandle = {
          window: window.window,
          candidate: serving.candidate,
          workloads,
          variable,
          ...(handle.pool ? { pool: handle.pool } : {}),
        };
        byGroup[g]!.push(share);
        shares.push(share);
      }
      split.add(handle.variable, -1);
      problem.addConstraint(`10:interference-split[${name},${handle.pool ? `${handle.pool},` : ''}${window.tag}]`, split, '=', 0);
    }
    const rowScale = capacityRowScale(candidate);
    for (const [g, workloads] of groups.entries()) {
      const load = new LinearExpr();
      for (const assign of serving.assigns) {
        const id = input.workloads[assign.workload]!.id;
        if (workloads.includes(id)) load.add(assign.variable, rowScale / candidate.requestsPerSecByWorkload.get(id)!);
      }
      for (const share of byGroup[g]!) load.add(share.variable, -rowScale * (1 - headroom) * poolCapacity(input, share.pool));
      problem.addConstraint(`10:interference[${name},g${g},${window.tag}]`, load, '<=', 0);
    }
  }
  return shares;
}

/**
 * For the round-up fallback (round-up.ts): each share column rounded up, and the replicas it splits set to
 * their sum (at least the rounded-up total, since a sum of ceilings is at least the ceiling of the sum).
 */
export function roundUpShares(
  built: {
    replicas: readonly { window: number; candidate: number; pool?: ReplicaPool; variable: Variable }[];
    shares: readonly ShareHandle[];
  },
  values: Float64Array,
): void {
  if (built.shares.length === 0) return;
  const sums = new Map<string, number>();
  for (const share of built.shares) {
    const value = Math.max(0, Math.ceil(values[share.variable.index]! - 1e-7));
    values[share.variable.index] = value;
    const key = `${share.window}|${share.candidate}|${share.pool ?? ''}`;
    sums.set(key, (sums.get(key) ?? 0) + value);
  }
  for (const replica of built.replicas) {
    const sum = sums.get(`${replica.window}|${replica.candidate}|${replica.pool ?? ''}`);
    if (sum !== undefined) values[replica.variable.index] = sum;
  }
}
