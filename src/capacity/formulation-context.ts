import { LinearExpr, Problem, type Variable } from '../lp/index.js';
import type { AssignHandle, BuildOptions, ReplicaHandle, RouteHandle, UnmetHandle, VmHandle, WindowModel } from './formulation.js';
import { fleetMap, reservedMap } from './formulation-fleet.js';
import { solvingInput } from './formulation-scale.js';
import { initialReplicas, modelLoadOn } from './model-load.js';
import { poolCapacity, replicaPoolsApart } from './policies.js';
import type { PlanningInput, SkuOffer } from './types.js';

/**
 * What every builder of one buildProblem call shares: the problem under construction, the (scaled) input it
 * is built from, the options, and the columns of the windows built so far. Builders take (context, window)
 * and read the rest from here, instead of long positional parameter lists.
 */
export interface BuildContext {
  problem: Problem;
  /** The solving input (flows in units of flowUnit; see solvingInput), not the caller's. */
  input: PlanningInput;
  options: BuildOptions;
  /** Per workload, the unit of its flow columns in requests/s. */
  flowUnit: readonly number[];
  /** The included windows, ascending. */
  windows: readonly number[];
  skuById: ReadonlyMap<string, SkuOffer>;
  /** VMs running just before the first included window, by fleetKey (group 8's starting point). */
  previousFleet: ReadonlyMap<string, number>;
  /** Reserved VMs by fleetKey: their vms columns are fixed. */
  reserved: ReadonlyMap<string, number>;
  /** Replicas are kept apart by pool, firm and spot (replicaPoolsApart). */
  poolsApart: boolean;
  /** Windows are coupled: group 8, the deferrable rows of group 1 and the budget exist (not independentWindows). */
  coupled: boolean;
  /** up/down columns and group 8 rows exist: windows are coupled and there is a start-up cost or a scaling limit. */
  dynamics: boolean;
  /** rup columns and 8:replica-up rows exist: windows are coupled and some candidate's llm has a load time. */
  modelLoad: boolean;
  /** Replicas running just before the first included window, by replicaKey (group 8's replica starting point). */
  previousReplicas: ReadonlyMap<string, number>;
  /** The columns of every included window built so far, in window order. */
  columns: WindowColumns[];
  /** commit[k,r]: the commitment count columns by `${sku}|${region}`, made with the first window's fleet. */
  commitColumns: Map<string, Variable>;
}

/** The columns of one candidate (a config in a region) in one window. */
export interface ServingColumns {
  candidate: number;
  /** replicas[c, t], one per pool when pools are apart, pools in sorted order. */
  replicas: ReplicaHandle[];
  /** assign[w, c, t] for the workloads the candidate serves, in workload order. */
  assigns: AssignHandle[];
}

/** The columns of one included window, in creation order, with the lookups the row builders share. */
export interface WindowColumns {
  /** The window index t. */
  window: number;
  /** Position among the included windows (0: group 8 starts from previousFleet). */
  position: number;
  hours: number;
  /** Label suffix, `t=${t}`. */
  tag: string;
  vms: VmHandle[];
  replicas: ReplicaHandle[];
  assigns: AssignHandle[];
  routes: RouteHandle[];
  unmet: UnmetHandle[];
  /** vms handles by `${sku}|${region}` (all purchases), in creation order. */
  vmsBySkuRegion: Map<string, VmHandle[]>;
  /** The candidates with replicas in this window, in candidate order. */
  serving: Map<number, ServingColumns>;
  /** assign handles by `${w}|${region}`, in order of the first: the regions a workload can be served in. */
  assignsTo: Map<string, AssignHandle[]>;
}

export function createBuildContext(original: PlanningInput, options: BuildOptions): BuildContext {
  const { input, flowUnit } = solvingInput(original);
  const { policies } = input;
  const coupled = options.independentWindows !== true;
  return {
    problem: new Problem(),
    input,
    options,
    flowUnit,
    windows: options.windows ?? input.windows.map((_, index) => index),
    skuById: new Map(input.skus.map((sku) => [sku.sku, sku])),
    previousFleet: options.previousFleet ?? fleetMap(input),
    reserved: reservedMap(input),
    poolsApart: replicaPoolsApart(input),
    coupled,
    dynamics:
      coupled && (policies.startupHours > 0 || policies.maxScaleOutPerWindow !== undefined || policies.maxScaleInPerWindow !== undefined),
    modelLoad: coupled && modelLoadOn(input),
    previousReplicas: options.previousReplicas ?? initialReplicas(input),
    columns: [],
    commitColumns: new Map(),
  };
}

/** One window of the model as the policy groups 5, 6 and 7 see it. */
export function windowModel(context: BuildContext, window: WindowColumns): WindowModel {
  const { problem, input } = context;
  const { headroom } = input.policies;
  return {
    problem,
    input,
    window: window.window,
    tag: window.tag,
    vms: window.vms,
    replicas: window.replicas,
    assigns: window.assigns,
    routes: window.routes,
    unmet: new Map(window.unmet.map((unmet) => [`${unmet.workload}|${unmet.origin}`, unmet.variable])),
    usable: (c, firmOnly = false) => {
      const handles = (window.serving.get(c)?.replicas ?? []).filter((h) => !firmOnly || h.pool === 'firm');
      if (handles.length === 0) return undefined;
      const expr = new LinearExpr();
      for (const handle of handles) expr.add(handle.variable, (1 - headroom) * poolCapacity(input, handle.pool));
      return expr;
    },
  };
}
