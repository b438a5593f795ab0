import { InputError } from '../errors.js';
import type { Scenario } from '../scenario/schema.js';
import type { AxisValue, VaryAxis } from './grid.js';

/**
 * Axis values -> the `--set path=value` overrides that make a grid point, so every point goes through the
 * same override and validation path as `planner solve --set`. Paths are the scenario's own, plus one alias:
 *
 * `demand.scale=F` multiplies every workload's `demand.scale` by F (1 = the scenario as written), because
 * "what if demand doubles" should not need one axis per workload.
 */
export const DEMAND_SCALE = 'demand.scale';

export function axisOverrides(axis: VaryAxis, value: AxisValue, scenario: Scenario): string[] {
  if (axis.path !== DEMAND_SCALE) return [`${axis.path}=${value.text}`];
  const factor = value.value;
  if (typeof factor !== 'number' || !Number.isFinite(factor) || factor <= 0) {
    throw new InputError({
      field: `--vary ${DEMAND_SCALE}`,
      message: `'${value.text}' is not a positive number`,
      fix: "demand.scale is a factor on every workload's demand, e.g. 0.5,1,2 or 0.5..2:7",
    });
  }
  // Rounded so that 60 x 0.75 is written 45, not 45.00000000000001 (the override text is in the output).
  return scenario.workloads.map((workload, w) => `workloads.${w}.demand.scale=${Number((workload.demand.scale * factor).toPrecision(12))}`);
}

/** The overrides of one grid point (value indices per axis), in axis order. */
export function pointOverrides(axes: readonly VaryAxis[], point: readonly number[], scenario: Scenario): string[] {
  return axes.flatMap((axis, a) => axisOverrides(axis, axis.values[point[a]!]!, scenario));
}
