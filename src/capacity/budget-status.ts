import type { PlanningInput } from './types.js';

/**
 * Where a plan stands against the scenario's budget (policies.budget), on the figure group 9 bounds: VM
 * cost plus start-ups (VM boots and llm loads). Solve prints it, plan.json records it (`budget`), validate
 * recomputes it.
 * - `exceeded`: cost with start-ups above the budget (a soft budget only reports this; a hard one is a violation).
 * - `binding`: a hard budget with demand unmet and less left than one more on-demand VM (the cheapest, for
 *   the shortest window, with its boot), so the budget, not the unmet penalty, is why no more is served.
 *   On-demand because spot VMs are capped by the spot share and need firm VMs beside them.
 * - `within`: neither.
 */
export interface BudgetStatus {
  mode: 'hard' | 'soft';
  usd: number;
  costWithStartupsUsd: number;
  leftUsd: number;
  state: 'within' | 'binding' | 'exceeded';
}

/** Dollars compared at plan.json's micro-dollar precision. */
const MICRO = 1e-6;

export function budgetStatus(
  input: PlanningInput,
  totals: { costUsd: number; startupCostUsd: number; unmetRequests: number },
): BudgetStatus | undefined {
  const budget = input.policies.budget;
  if (!budget) return undefined;
  const costWithStartupsUsd = micro(totals.costUsd + totals.startupCostUsd);
  const leftUsd = micro(budget.usd - costWithStartupsUsd);
  let state: BudgetStatus['state'] = 'within';
  if (leftUsd < -MICRO) state = 'exceeded';
  else if (budget.mode === 'hard' && totals.unmetRequests > 0 && leftUsd < cheapestVmUsd(input)) state = 'binding';
  return { mode: budget.mode, usd: budget.usd, costWithStartupsUsd, leftUsd, state };
}

/** One more on-demand VM of the cheapest offer (any purchase but reserved when none is on demand), for the shortest window, with its boot. */
function cheapestVmUsd(input: PlanningInput): number {
  const hours = input.windows.reduce((least, w) => Math.min(least, w.hours), Infinity) + input.policies.startupHours;
  const offered = input.skus
    .flatMap((sku) => sku.prices)
    .filter((p) => p.purchase !== 'reserved' && p.purchase !== 'committed' && input.purchases.includes(p.purchase));
  const onDemand = offered.filter((p) => p.purchase === 'on-demand');
  return (onDemand.length ? onDemand : offered).reduce((cheapest, p) => Math.min(cheapest, p.usdPerHour * hours), Infinity);
}

function micro(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/** One line for solve's output and validate's: what the budget did. */
export function describeBudget(status: BudgetStatus): string {
  const money = (usd: number) => `$${usd.toFixed(2)}`;
  const what = `${status.mode} budget ${money(status.usd)}: the plan costs ${money(status.costWithStartupsUsd)} with start-ups`;
  if (status.state === 'exceeded')
    return `${what}, ${money(-status.leftUsd)} over (${status.mode === 'soft' ? 'soft: reported, not enforced' : 'a violation'})`;
  if (status.state === 'binding') return `${what}; it binds: ${money(status.leftUsd)} left is less than one more VM, so demand goes unmet`;
  return `${what}, ${money(status.leftUsd)} left`;
}
