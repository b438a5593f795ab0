import type { ChalkInstance } from 'chalk';
import type { PlanValidation } from '../planning/index.js';
import { renderTable } from './table.js';

export interface ValidationVerdict {
  ok: boolean;
  scenarioChanged: boolean;
  /** Set when the unmet requests exceed --max-unmet: the limit as the user wrote it. */
  unmetLimit?: string;
  windows: number;
  /** The overrides the plan was solved with (stated, even when they change nothing). */
  overrides?: readonly string[];
  /** What the budget did (budget-status.ts), and whether it is worth a colour (binding or exceeded). */
  budget?: string;
  budgetFlagged?: boolean;
}

/** The terminal view of `planner validate`: the violations, each future's verdict, the unmet limit, the overall verdict. */
export function renderValidation(validation: PlanValidation, verdict: ValidationVerdict, chalk: ChalkInstance): string {
  const { check, futures } = validation;
  let text = '';
  if (verdict.scenarioChanged)
    text += chalk.yellow('note: the scenario or its data changed since this plan was made; checking against the current one\n');
  if (verdict.overrides?.length) text += `solved with ${verdict.overrides.map((o) => `--set ${o}`).join(' ')}\n`;
  if (verdict.budget) text += `${verdict.budgetFlagged ? chalk.yellow(verdict.budget) : verdict.budget}\n`;
  if (check.violations.length) {
    text += `${chalk.red.bold(`${check.violations.length} violation${check.violations.length === 1 ? '' : 's'}`)}:\n`;
    text += renderTable(
      ['group', 'window', 'region', 'llm', 'sku', 'what'],
      check.violations.map((v) => [v.group, v.start ?? '-', v.region ?? '-', v.llm ?? v.workload ?? '-', v.sku ?? '-', v.message]),
      chalk,
      ['left', 'left', 'left', 'left', 'left', 'left'],
    );
  }
  for (const future of futures) {
    const verdictText =
      future.violations.length === 0
        ? chalk.green('routable in every window')
        : chalk.red(`${future.shortRequests} requests cannot be routed`);
    text += `${future.future.name}: ${verdictText}\n`;
  }
  if (verdict.unmetLimit !== undefined) text += chalk.red(`${check.unmetRequests} requests are left unmet (limit ${verdict.unmetLimit})\n`);
  if (verdict.ok) text += chalk.green(`plan OK: ${verdict.windows} windows, cost $${check.costUsd.toFixed(2)}, all checks hold\n`);
  return text;
}
