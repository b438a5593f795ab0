import { LinearExpr, type Problem, type Variable } from '../lp/index.js';
import type { PlanningInput } from './types.js';
import { deadlineLag } from './policies.js';

/**
 * Group 1, deferrable variant. For a deferrable workload and origin, done[t] = requests/s x hours served or
 * dropped (unmet) in windows 0..t, cumulated in a state column:
 *   done[t] >= arrived[t - lag + 1]   (1:deadline: every request is done within its deadline)
 *   done[t] <= arrived[t]             (1:arrived: nothing is served before it arrives)
 *   done[last] = arrived[last]        (nothing is left for a horizon nobody planned; unless deferrableOpenEnd)
 * where arrived[t] = sum over windows 0..t of demand x hours and lag = deadlineLag (conservative rounding).
 */
export interface DeferrableState {
  /** done before the first included window, by `${workload}|${origin}` (requests/s x hours). */
  before?: ReadonlyMap<string, number>;
  /** An extra floor on done[t] (lp-rolling follows the LP relaxation's schedule); capped at arrived[t]. */
  floor?: (workload: number, origin: number, window: number) => number | undefined;
}

export interface DoneHandle {
  window: number;
  workload: number;
  origin: number;
  variable: Variable;
}

export function addDeferrableRows(
  problem: Problem,
  input: PlanningInput,
  done: ReadonlyMap<string, ReadonlyMap<number, LinearExpr>>,
  state: DeferrableState = {},
): DoneHandle[] {
  const handles: DoneHandle[] = [];
  const last = input.windows.length - 1;
  for (const [key, byWindow] of done) {
    const [w, o] = key.split('|').map(Number) as [number, number];
    const workload = input.workloads[w]!;
    const origin = workload.origins[o]!;
    const arrived = cumulativeArrivals(input, w, o);
    let previous: LinearExpr = new LinearExpr().addConstant(state.before?.get(key) ?? 0);
    for (const t of [...byWindow.keys()].sort((a, b) => a - b)) {
      const lag = deadlineLag(workload, input.windows[t]!.hours);
      const label = `[${workload.id},${origin},t=${t}]`;
      const cumulative = problem.addVariable({ label: `done${label}` });
      handles.push({ window: t, workload: w, origin: o, variable: cumulative });
      const link = new LinearExpr().add(cumulative, 1).addExpr(previous, -1).addExpr(byWindow.get(t)!, -input.windows[t]!.hours);
      problem.addConstraint(`1:done${label}`, link, '=', 0);
      if (t === last && !input.policies.deferrableOpenEnd) {
        problem.addConstraint(`1:deadline${label}`, new LinearExpr().add(cumulative, 1), '=', arrived[t]!);
      } else {
        const due = t - lag + 1 >= 0 ? arrived[t - lag + 1]! : 0;
        const floor = Math.min(state.floor?.(w, o, t) ?? 0, arrived[t]!);
        problem.addConstraint(`1:deadline${label}`, new LinearExpr().add(cumulative, 1), '>=', Math.max(due, floor));
        problem.addConstraint(`1:arrived${label}`, new LinearExpr().add(cumulative, 1), '<=', arrived[t]!);
      }
      previous = new LinearExpr().add(cumulative, 1);
    }
  }
  return handles;
}

/** arrived[t] = sum over windows 0..t of demand x hours (requests/s x hours). */
export function cumulativeArrivals(input: PlanningInput, w: number, o: number): number[] {
  let total = 0;
  return input.windows.map((window, t) => (total += input.demand[w]![o]![t]! * window.hours));
}
