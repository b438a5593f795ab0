import { HOURS_PER_MONTH, growthFactors, termUsedHours } from './commitment-growth.js';
import type { CommitmentTerm, Plan, PlanWindow, PlanningInput } from './types.js';
import { TERM_HOURS } from './types.js';

export { HOURS_PER_MONTH } from './commitment-growth.js';

/** One commitment bought: its count, costs, and how well the plan uses it. */
export interface CommitmentBought {
  sku: string;
  region: string;
  term: CommitmentTerm;
  count: number;
  /** Committed price per VM-hour, and the on-demand price it replaces. */
  usdPerHour: number;
  onDemandUsdPerHour: number;
  /** count x usdPerHour: paid every hour of the term. */
  hourlyCostUsd: number;
  /** hourlyCostUsd x 730. */
  monthlyCostUsd: number;
  /** hourlyCostUsd x the term's hours. */
  termCostUsd: number;
  /** Committed VM-hours the plan's replicas occupy (committed VMs are filled first) over count x horizon hours. */
  utilisation: number;
  /** usdPerHour / onDemandUsdPerHour: below this utilisation the commitment costs more than on demand. */
  breakEvenUtilisation: number;
  /** Committed VM-hours over all VM-hours of this sku in this region in the plan. */
  committedShare: number;
  /**
   * On the planned horizon: the on-demand price of the committed VM-hours used, less what the commitment
   * costs (the same plan with each used committed VM paid on demand instead, and the idle ones not bought).
   */
  horizonSavingUsd: number;
  /**
   * horizonSavingUsd over the term: the planned horizon repeated for the term's hours (with growthPerMonth, month
   * m's fleet scaled by (1 + growth)^m: see termFigures).
   */
  termSavingUsd: number;
  /** With growthPerMonth: the mean over the term's months of the utilisation with month m's fleet scaled by (1 + growth)^m. */
  termUtilisation?: number;
  /** Where usdPerHour comes from: the offer's usdPerHour, its discount, or the published level (models/commitment-discounts.csv). */
  priceSource?: string;
}

export interface CommitmentSummary {
  /** Commitment offers the plan could buy (one per sku and region: the cheapest). */
  offered: number;
  /** The offers bought (count > 0), by sku and region. */
  bought: CommitmentBought[];
  /** Committed VM-hours over all VM-hours of the plan. */
  committedShare: number;
  /** Sum of the bought commitments' horizonSavingUsd. */
  horizonSavingUsd: number;
  /** The scenario's commitments.growthPerMonth, when it states one: the term figures assume demand grows so. */
  growthPerMonth?: number;
}

/**
 * Committed VMs of (sku, region) that carry replicas in a window: the VMs the replicas on that sku and region
 * need (their GPUs over GPUs per VM, rounded up; spot-pool replicas excluded), at most the committed count.
 */
export function committedVmsUsed(window: PlanWindow, sku: string, region: string, gpusPerVm: number, committed: number): number {
  return Math.min(committed, firmVmsNeeded(window, sku, region, gpusPerVm));
}

/** The VMs of (sku, region) the window's firm-pool replicas need: their GPUs over GPUs per VM, rounded up. */
function firmVmsNeeded(window: PlanWindow, sku: string, region: string, gpusPerVm: number): number {
  const gpus = window.replicas
    .filter((r) => r.sku === sku && r.region === region && r.pool !== 'spot')
    .reduce((sum, r) => sum + r.count * r.tp, 0);
  return Math.ceil(gpus / gpusPerVm - 1e-9);
}

/**
 * The commitments a plan bought, from its windows alone: the count is the committed VMs of the first window
 * (the checker holds every window to it), the figures as CommitmentBought states them.
 */
export function summariseCommitments(input: PlanningInput, plan: Pick<Plan, 'windows'>): CommitmentSummary {
  const offers = input.policies.commitments ?? [];
  const gpusPerVm = new Map(input.skus.map((sku) => [sku.sku, sku.gpusPerVm]));
  const hours = plan.windows.reduce((sum, w) => sum + w.hours, 0);
  const vmHours = (filter: (vm: PlanWindow['vms'][number]) => boolean) =>
    plan.windows.reduce((sum, w) => sum + w.vms.filter(filter).reduce((s, vm) => s + vm.count * w.hours, 0), 0);
  const growth = input.policies.commitmentGrowthPerMonth;
  const bought: CommitmentBought[] = [];
  for (const offer of offers) {
    const first = plan.windows[0]?.vms.find((vm) => vm.sku === offer.sku && vm.region === offer.region && vm.purchase === 'committed');
    const count = first?.count ?? 0;
    if (count === 0) continue;
    const per = gpusPerVm.get(offer.sku)!;
    const used = plan.windows.reduce((sum, w) => sum + committedVmsUsed(w, offer.sku, offer.region, per, count) * w.hours, 0);
    const committedHours = count * hours;
    const allHours = vmHours((vm) => vm.sku === offer.sku && vm.region === offer.region);
    const hourly = count * offer.usdPerHour;
    const horizonSaving = used * offer.onDemandUsdPerHour - hourly * hours;
    const term = growth === undefined ? undefined : grownTerm(plan.windows, offer, per, count, growth);
    bought.push({
      sku: offer.sku,
      region: offer.region,
      term: offer.term,
      count,
      usdPerHour: offer.usdPerHour,
      onDemandUsdPerHour: offer.onDemandUsdPerHour,
      hourlyCostUsd: micro(hourly),
      monthlyCostUsd: micro(hourly * HOURS_PER_MONTH),
      termCostUsd: micro(hourly * TERM_HOURS[offer.term]),
      utilisation: share(committedHours > 0 ? used / committedHours : 0),
      breakEvenUtilisation: share(offer.usdPerHour / offer.onDemandUsdPerHour),
      committedShare: share(allHours > 0 ? committedHours / allHours : 0),
      horizonSavingUsd: micro(horizonSaving),
      termSavingUsd: micro(term ? term.savingUsd : hours > 0 ? (horizonSaving * TERM_HOURS[offer.term]) / hours : 0),
      ...(term ? { termUtilisation: share(term.utilisation) } : {}),
      ...(offer.priceSource !== undefined ? { priceSource: offer.priceSource } : {}),
    });
  }
  const all = vmHours(() => true);
  const committed = vmHours((vm) => vm.purchase === 'committed');
  return {
    offered: offers.length,
    bought,
    committedShare: share(all > 0 ? committed / all : 0),
    horizonSavingUsd: micro(bought.reduce((sum, b) => sum + b.horizonSavingUsd, 0)),
    ...(growth !== undefined ? { growthPerMonth: growth } : {}),
  };
}

/**
 * The term with growth: the horizon repeated over each of the term's months with the VMs the replicas need
 * scaled by (1 + growth)^m (commitment-growth.ts). Saving: per month, the used committed VM-hours at the
 * on-demand price less the commitment's cost, for HOURS_PER_MONTH / horizon hours repetitions of the horizon.
 */
function grownTerm(
  windows: readonly PlanWindow[],
  offer: { sku: string; region: string; term: CommitmentTerm; usdPerHour: number; onDemandUsdPerHour: number },
  gpusPerVm: number,
  count: number,
  growth: number,
): { savingUsd: number; utilisation: number } | undefined {
  const hours = windows.map((w) => w.hours);
  const horizon = hours.reduce((sum, h) => sum + h, 0);
  if (horizon <= 0) return undefined;
  const factors = growthFactors(offer.term, growth);
  const needed = windows.map((w) => firmVmsNeeded(w, offer.sku, offer.region, gpusPerVm));
  const used = termUsedHours(needed, hours, count, factors);
  const repetitions = HOURS_PER_MONTH / horizon;
  return {
    savingUsd: repetitions * (used * offer.onDemandUsdPerHour - factors.length * count * offer.usdPerHour * horizon),
    utilisation: used / (factors.length * count * horizon),
  };
}

function micro(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

function share(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
