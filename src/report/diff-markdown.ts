import type { Delta, PlanDiff } from './diff.js';
import { percent } from './diff-table.js';
import { formatFixed } from './table.js';

/**
 * A plan diff as GitHub-flavoured Markdown, for a pull-request comment: the totals with old, new, change and
 * percent; the VM-hours that changed; the `limit` windows whose cost changed most (in a collapsed block).
 * Deterministic (no clock); names are escaped so a `|` cannot break a table.
 */
export function renderDiffMarkdown(diff: PlanDiff, oldPath: string, newPath: string, limit: number): string {
  const out: string[] = [];
  const scenario =
    diff.old.scenario === diff.new.scenario
      ? `\`${cell(diff.new.scenario)}\``
      : `\`${cell(diff.old.scenario)}\` -> \`${cell(diff.new.scenario)}\``;
  const t = diff.totals;
  const headline = diff.changed
    ? `total with start-ups ${money(t.totalCostUsd.old)} -> ${money(t.totalCostUsd.new)} (${signedMoney(t.totalCostUsd)}, ${percent(t.totalCostUsd)})`
    : 'no change';
  out.push(`#### Capacity plan ${scenario}: ${headline}\n\n`);
  out.push(`\`${cell(oldPath)}\` -> \`${cell(newPath)}\`${diff.sameScenario ? '' : ' (the scenario or its data changed)'}\n\n`);
  out.push(
    table(
      ['', 'old', 'new', 'change', '%'],
      ['l', 'r', 'r', 'r', 'r'],
      [
        ['cost (USD)', money(t.costUsd.old), money(t.costUsd.new), signedMoney(t.costUsd), percent(t.costUsd)],
        [
          'VM start-ups (USD)',
          money(t.startupCostUsd.old),
          money(t.startupCostUsd.new),
          signedMoney(t.startupCostUsd),
          percent(t.startupCostUsd),
        ],
        [
          '**total with start-ups**',
          `**${money(t.totalCostUsd.old)}**`,
          `**${money(t.totalCostUsd.new)}**`,
          `**${signedMoney(t.totalCostUsd)}**`,
          `**${percent(t.totalCostUsd)}**`,
        ],
        ['GPU-hours', formatFixed(t.gpuHours.old, 1), formatFixed(t.gpuHours.new, 1), signed(t.gpuHours, 1), percent(t.gpuHours)],
        [
          'served requests',
          formatFixed(t.servedRequests.old, 0),
          formatFixed(t.servedRequests.new, 0),
          signed(t.servedRequests, 0),
          percent(t.servedRequests),
        ],
        [
          'unmet requests',
          formatFixed(t.unmetRequests.old, 0),
          formatFixed(t.unmetRequests.new, 0),
          signed(t.unmetRequests, 0),
          percent(t.unmetRequests),
        ],
      ],
    ),
  );
  if (!diff.changed) return `${out.join('')}\nThe two plans run the same fleet in every window.\n`;
  if (diff.vmHours.length) {
    out.push(`\n**VM-hours by region and sku**\n\n`);
    out.push(
      table(
        ['region', 'sku', 'purchase', 'old', 'new', 'change', '%'],
        ['l', 'l', 'l', 'r', 'r', 'r', 'r'],
        diff.vmHours.map((r) => [r.region, r.sku, r.purchase, formatFixed(r.old, 0), formatFixed(r.new, 0), signed(r, 0), percent(r)]),
      ),
    );
  }
  if (diff.modelChoice.length) {
    out.push(`\n**Model choice (share of served requests; \`*\` = quality served)**\n\n`);
    out.push(
      table(
        ['workload', 'llm', 'old', 'new', 'change'],
        ['l', 'l', 'r', 'r', 'r'],
        diff.modelChoice.map((r) => [r.workload, r.llm, formatFixed(r.old, 3), formatFixed(r.new, 3), signed(r, 3)]),
      ),
    );
  }
  if (diff.windows.length) {
    const shown = [...diff.windows]
      .sort((a, b) => Math.abs(b.costUsd.change) - Math.abs(a.costUsd.change) || (a.start < b.start ? -1 : 1))
      .slice(0, limit);
    const of = diff.windows.length > shown.length ? ` (the ${shown.length} with the largest cost change)` : '';
    out.push(`\n<details><summary>${diff.windows.length} window${diff.windows.length === 1 ? '' : 's'} changed${of}</summary>\n\n`);
    out.push(
      table(
        ['window', 'cost change', '%', 'VMs changed'],
        ['l', 'r', 'r', 'l'],
        shown.map((w) => [
          w.start,
          signedMoney(w.costUsd),
          percent(w.costUsd),
          w.vms.map((vm) => `${vm.change > 0 ? '+' : ''}${vm.change} ${vm.sku} ${vm.region}`).join(', ') || '-',
        ]),
      ),
    );
    out.push('\n</details>\n');
  }
  return out.join('');
}

function table(headers: readonly string[], align: readonly ('l' | 'r')[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.map(cell).join(' | ')} |\n`;
  const rule = `|${align.map((a) => (a === 'r' ? '---:' : ':---')).join('|')}|\n`;
  return `${line(headers)}${rule}${rows.map(line).join('')}`;
}

/** A table cell: `|` escaped, newlines flattened. */
function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll(/\r?\n/g, ' ');
}

function money(usd: number): string {
  return `$${formatFixed(usd)}`;
}

function signedMoney(delta: Delta): string {
  if (delta.change === 0) return '0';
  return `${delta.change > 0 ? '+' : '-'}$${formatFixed(Math.abs(delta.change))}`;
}

function signed(delta: Delta, digits: number): string {
  if (delta.change === 0) return '0';
  return `${delta.change > 0 ? '+' : '-'}${formatFixed(Math.abs(delta.change), digits)}`;
}
