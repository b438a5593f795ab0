import { InputError } from '../errors.js';
import type { Scenario } from '../scenario/schema.js';
import type { AxisValue, VaryAxis } from './grid.js';

/**
 * Axis values -> the `--set path=value` overrides that make a grid point, so every point goes through the
 * same override and validation path as `planner solve --set`. Paths are the scenario's own, plus two aliases:
 *
 * `demand.scale=F` multiplies every workload's `demand.scale` by F (1 = the scenario as written), because
 * "what if demand doubles" should not need one axis per workload.
 *
 * `commitments.discount=D` sets every commitment offer's discount to D (offers priced by usdPerHour are
 * refused: a contract price has no discount to vary), because the offers of a scenario are usually one per
 * term and "what if the discount were D" is one question. Offers equal per hour go to the shorter term.
 */
export const DEMAND_SCALE = 'demand.scale';
export const COMMITMENT_DISCOUNT = 'commitments.discount';

export function axisOverrides(axis: VaryAxis, value: AxisValue, scenario: Scenario): string[] {
  if (axis.path === COMMITMENT_DISCOUNT) return discountOverrides(value, scenario);
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

function discountOverrides(value: AxisValue, scenario: Scenario): string[] {
  const field = `--vary ${COMMITMENT_DISCOUNT}`;
  const offers = scenario.commitments?.offers ?? [];
  if (offers.length === 0)
    throw new InputError({
      field,
      message: 'the scenario offers no commitments',
      fix: "add commitments.offers to the scenario (or --set 'commitments.offers=[{term: 1y, discount: 0}]')",
    });
  const priced = offers.findIndex((offer) => offer.usdPerHour !== undefined);
  if (priced >= 0)
    throw new InputError({
      field,
      message: `commitments.offers.${priced} states usdPerHour, which has no discount to set`,
      fix: `vary commitments.offers.${priced}.usdPerHour instead, or give the offer a discount`,
    });
  // Each value goes through --set as any other, so the scenario's own checks (a fraction in [0, 1)) apply.
  return offers.map((_, i) => `commitments.offers.${i}.discount=${value.text}`);
}

/** The overrides of one grid point (value indices per axis), in axis order. */
export function pointOverrides(axes: readonly VaryAxis[], point: readonly number[], scenario: Scenario): string[] {
  return axes.flatMap((axis, a) => axisOverrides(axis, axis.values[point[a]!]!, scenario));
}
