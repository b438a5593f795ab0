import type { ChalkInstance } from 'chalk';
import type { Delta, PlanDiff } from './diff.js';
import { formatFixed, renderTable } from './table.js';

/** The terminal view of a plan diff: totals, VM- and replica-hours that changed, the `limit` windows that changed most. */
export function renderDiff(diff: PlanDiff, oldPath: string, newPath: string, limit: number, chalk: ChalkInstance): string {
  const out: string[] = [];
  out.push(
    `${chalk.bold('Plan diff')}: ${oldPath} -> ${newPath}${diff.sameScenario ? '' : chalk.yellow(' (different scenarios or data)')}\n`,
  );
  const t = diff.totals;
  out.push(
    renderTable(
      ['total', 'old', 'new', 'change', '%'],
      [
        [
          'cost (USD)',
          `$${formatFixed(t.costUsd.old)}`,
          `$${formatFixed(t.costUsd.new)}`,
          signed(t.costUsd, 2, chalk, '$'),
          percent(t.costUsd),
        ],
        [
          'start-ups (USD)',
          `$${formatFixed(t.startupCostUsd.old)}`,
          `$${formatFixed(t.startupCostUsd.new)}`,
          signed(t.startupCostUsd, 2, chalk, '$'),
          percent(t.startupCostUsd),
        ],
        [
          'total with start-ups',
          `$${formatFixed(t.totalCostUsd.old)}`,
          `$${formatFixed(t.totalCostUsd.new)}`,
          signed(t.totalCostUsd, 2, chalk, '$'),
          percent(t.totalCostUsd),
        ],
        ['GPU-hours', formatFixed(t.gpuHours.old, 1), formatFixed(t.gpuHours.new, 1), signed(t.gpuHours, 1, chalk), percent(t.gpuHours)],
        [
          'unmet requests',
          formatFixed(t.unmetRequests.old, 0),
          formatFixed(t.unmetRequests.new, 0),
          signed(t.unmetRequests, 0, chalk),
          percent(t.unmetRequests),
        ],
      ],
      chalk,
      ['left', 'right', 'right', 'right', 'right'],
    ),
  );
  if (diff.windows.length === 0 && diff.modelChoice.length === 0) {
    out.push(chalk.green('\nNo change: the two plans run the same fleet in every window.\n'));
    return out.join('');
  }
  if (diff.windows.length) out.push(`\n${diff.windows.length} window${diff.windows.length === 1 ? '' : 's'} changed.\n`);
  if (diff.vmHours.length) {
    out.push(`\n${chalk.bold('VM-hours by region and sku')}\n`);
    out.push(
      renderTable(
        ['region', 'sku', 'purchase', 'old', 'new', 'change', '%'],
        diff.vmHours.map((r) => [
          r.region,
          r.sku,
          r.purchase,
          formatFixed(r.old, 0),
          formatFixed(r.new, 0),
          signed(r, 0, chalk),
          percent(r),
        ]),
        chalk,
        ['left', 'left', 'left', 'right', 'right', 'right', 'right'],
      ),
    );
  }
  if (diff.replicaHours.length) {
    out.push(`\n${chalk.bold('Replica-hours by region, llm and config')}\n`);
    out.push(
      renderTable(
        ['region', 'llm', 'sku', 'TP', 'old', 'new', 'change', '%'],
        diff.replicaHours.map((r) => [
          r.region,
          r.llm,
          r.sku,
          r.tp,
          formatFixed(r.old, 0),
          formatFixed(r.new, 0),
          signed(r, 0, chalk),
          percent(r),
        ]),
        chalk,
        ['left', 'left', 'left', 'right', 'right', 'right', 'right', 'right'],
      ),
    );
  }
  if (diff.modelChoice.length) {
    out.push(`\n${chalk.bold('Model choice')} (share of served requests; * = quality served)\n`);
    out.push(
      renderTable(
        ['workload', 'llm', 'old', 'new', 'change'],
        diff.modelChoice.map((r) => [r.workload, r.llm, formatFixed(r.old, 3), formatFixed(r.new, 3), signed(r, 3, chalk)]),
        chalk,
        ['left', 'left', 'right', 'right', 'right'],
      ),
    );
  }
  if (diff.windows.length === 0) return out.join('');
  const shown = [...diff.windows]
    .sort((a, b) => Math.abs(b.costUsd.change) - Math.abs(a.costUsd.change) || (a.start < b.start ? -1 : 1))
    .slice(0, limit);
  out.push(
    `\n${chalk.bold(`Windows with the largest cost change${diff.windows.length > shown.length ? ` (${shown.length} of ${diff.windows.length}; --format json has all)` : ''}`)}\n`,
  );
  out.push(
    renderTable(
      ['window', 'cost change', '%', 'VMs changed'],
      shown.map((w) => [
        w.start,
        signed(w.costUsd, 2, chalk, '$'),
        percent(w.costUsd),
        w.vms.map((vm) => `${vm.change > 0 ? '+' : ''}${vm.change} ${vm.sku} ${vm.region}`).join(', ') || '-',
      ]),
      chalk,
      ['left', 'right', 'right', 'left'],
    ),
  );
  return out.join('');
}

function signed(delta: Delta, digits: number, chalk: ChalkInstance, unit = ''): string {
  if (delta.change === 0) return '0';
  const text = `${delta.change > 0 ? '+' : '-'}${unit}${formatFixed(Math.abs(delta.change), digits)}`;
  return delta.change > 0 ? chalk.red(text) : chalk.green(text);
}

/** "+12.5%", "-3.0%", "0%", or "new" when the old figure was 0. */
export function percent(delta: Delta): string {
  if (delta.percent === null) return 'new';
  if (delta.change === 0) return '0%';
  if (Math.abs(delta.percent) < 0.05) return '~0%';
  return `${delta.percent > 0 ? '+' : ''}${delta.percent.toFixed(1)}%`;
}
