import type { PlanDocument } from '../plan-document/index.js';
import { TERM_HOURS } from '../capacity/types.js';
import { decimal, formatCents, num, text, toCsv } from './finance-csv.js';
import { toCents } from './money.js';

/**
 * The commitment schedule for finance (`planner report --format csv --out DIR` writes it as commitments.csv,
 * beside cost-by-month.csv, the plan's own costs per month): one row per commitment the plan buys, with what
 * it costs per hour, month and term, how well the plan uses it, its break-even and its saving over all on
 * demand on the planned horizon and over the term. A plan that buys none (or whose scenario offers none) gets
 * the header alone: the file set and the columns never change, so a spreadsheet or BI import needs no special
 * case. Money in USD to the cent (the reports' cents rule), prices and shares to 6 decimals, as plan.json
 * states them (plan.commitments.bought).
 */
export const COMMITMENTS_CSV = 'commitments.csv';

export const COMMITMENTS_HEADER = [
  'sku',
  'region',
  'term',
  'term_hours',
  'count',
  'usd_per_vm_hour',
  'on_demand_usd_per_vm_hour',
  'price_source',
  'hourly_cost_usd',
  'monthly_cost_usd',
  'term_cost_usd',
  'utilisation',
  'term_utilisation',
  'break_even_utilisation',
  'committed_share',
  'growth_per_month',
  'horizon_hours',
  'horizon_saving_usd',
  'term_saving_usd',
] as const;

export function commitmentsCsv(commitments: PlanDocument['commitments'], horizonHours: number): string {
  const rows = (commitments?.bought ?? []).map((b) => [
    text(b.sku),
    text(b.region),
    text(b.term),
    num(String(TERM_HOURS[b.term])),
    num(String(b.count)),
    num(decimal(b.usdPerHour)),
    num(decimal(b.onDemandUsdPerHour)),
    text(b.priceSource ?? ''),
    num(usd(b.hourlyCostUsd)),
    num(usd(b.monthlyCostUsd)),
    num(usd(b.termCostUsd)),
    num(decimal(b.utilisation)),
    // Without growth the term repeats the horizon unchanged: its utilisation is the horizon's.
    num(decimal(b.termUtilisation ?? b.utilisation)),
    num(decimal(b.breakEvenUtilisation)),
    num(decimal(b.committedShare)),
    num(decimal(commitments?.growthPerMonth ?? 0)),
    num(decimal(horizonHours)),
    num(usd(b.horizonSavingUsd)),
    num(usd(b.termSavingUsd)),
  ]);
  return toCsv(COMMITMENTS_HEADER, rows);
}

function usd(value: number): string {
  return formatCents(toCents(value));
}
