import type { ChalkInstance } from 'chalk';
import type { PlanDocument } from '../plan-document/index.js';
import { formatFixed, renderTable } from './table.js';

/** The commitments section of `planner solve`'s text output: what to buy, what it costs and saves. */
export function renderCommitments(commitments: NonNullable<PlanDocument['commitments']>, chalk: ChalkInstance): string {
  const pct = (value: number) => `${(100 * value).toFixed(1)}%`;
  const out = [
    `\n${chalk.bold('Commitments')} (${commitments.bought.length} of ${commitments.offered} offers bought; committed share ${pct(commitments.committedShare)} of VM-hours; saving over on demand $${formatFixed(commitments.horizonSavingUsd)} on this horizon):\n`,
  ];
  if (commitments.bought.length === 0) return `${out[0]}  none: no committed VM would be used above its break-even utilisation\n`;
  // With growth the term's utilisation (the fleet grown month by month) is what the count was bought on.
  const grown = commitments.growthPerMonth !== undefined;
  if (grown) out.push(`  demand growing ${pct(commitments.growthPerMonth!)} a month over the term\n`);
  const rows = commitments.bought.map((b) => [
    `${b.count} x ${b.sku}`,
    b.region,
    b.term,
    `$${formatFixed(b.monthlyCostUsd)}`,
    pct(b.utilisation),
    ...(grown ? [pct(b.termUtilisation ?? b.utilisation)] : []),
    pct(b.breakEvenUtilisation),
    pct(b.committedShare),
    `$${formatFixed(b.termSavingUsd)}`,
  ]);
  const header = [
    'buy',
    'region',
    'term',
    'per month',
    'utilisation',
    ...(grown ? ['over the term'] : []),
    'break-even',
    'committed share',
    'term saving',
  ];
  out.push(renderTable(header, rows, chalk, ['left', 'left', 'left', ...header.slice(3).map(() => 'right' as const)]));
  return out.join('');
}
