import { quotaLimit, quotaUnitsPerVm, type QuotaSku } from './quota.js';
import type { FleetPurchase } from '../catalog/types.js';
import type { PlanningInput } from './types.js';

/** Fleets by (sku, region, purchase), and the quota bounds on them (groups 4 and 8, and the vms bounds). */

export function fleetKey(sku: string, region: string, purchase: FleetPurchase): string {
  return `${sku}|${region}|${purchase}`;
}

/** VMs running before the first window by fleetKey: the reservations plus policies.currentFleet. */
export function fleetMap(input: PlanningInput): Map<string, number> {
  const fleet = reservedMap(input);
  for (const entry of input.policies.currentFleet) {
    const key = fleetKey(entry.sku, entry.region, entry.purchase);
    fleet.set(key, (fleet.get(key) ?? 0) + entry.count);
  }
  return fleet;
}

/** Reserved VMs by fleetKey (purchase 'reserved'). */
export function reservedMap(input: PlanningInput): Map<string, number> {
  const fleet = new Map<string, number>();
  for (const entry of input.policies.reserved ?? []) {
    const key = fleetKey(entry.sku, entry.region, 'reserved');
    fleet.set(key, (fleet.get(key) ?? 0) + entry.count);
  }
  return fleet;
}

/** Whether a quota holds in a window (its window range, inclusive; all windows when absent). */
export function quotaApplies(quota: PlanningInput['policies']['quotas'][number], window: number): boolean {
  return (quota.fromWindow === undefined || window >= quota.fromWindow) && (quota.toWindow === undefined || window <= quota.toWindow);
}

/** Tightest VM count the quotas allow for this sku in this region and window (Infinity without a quota). */
export function vmUpperBound(input: PlanningInput, sku: QuotaSku, region: string, window: number): number {
  let bound = Infinity;
  for (const quota of input.policies.quotas) {
    if (quota.region !== region || !quotaApplies(quota, window)) continue;
    const units = quotaUnitsPerVm(quota, sku);
    if (units > 0) bound = Math.min(bound, Math.floor(quotaLimit(quota) / units));
  }
  return bound;
}
