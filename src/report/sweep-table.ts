import type { ChalkInstance } from 'chalk';
import type { SweepDocument, SweepPoint } from '../sweep/document.js';
import { formatFixed, renderTable } from './table.js';
import { maxOf } from '../extremes.js';

/** Terminal summary of a sweep: one row per grid point in grid order, with a bar of its cost (the cost curve). */
export function renderSweepTable(doc: SweepDocument, chalk: ChalkInstance): string {
  const paths = doc.parameters.map((p) => p.path);
  const out: string[] = [];
  out.push(
    `${chalk.bold(`Sweep of ${doc.scenario.name}`)}: ${doc.points.length} point${doc.points.length === 1 ? '' : 's'} over ${paths.join(' x ')} (${doc.solver.name}, strategy ${doc.solver.strategy}, gap ${doc.solver.gap}, ${doc.solver.timeLimitSec} s limit per point)\n`,
  );
  if (doc.scenario.overrides.length > 0) out.push(chalk.dim(`every point also has ${doc.scenario.overrides.join(' ')}\n`));
  if (doc.missing?.length) out.push(chalk.yellow(`partial: ${missingText(doc.missing)}\n`));
  const maxCost = maxOf(
    doc.points.map((p) => p.costUsd ?? 0),
    0,
  );
  // Commitment offers: the committed share and saving beside the cost (absent otherwise, so other sweeps are unchanged).
  const committed = doc.points.some((p) => p.committedShare !== undefined);
  const commitmentCells = (point: SweepPoint) =>
    committed
      ? [point.committedShare == null ? 'n/a' : `${(point.committedShare * 100).toFixed(1)}%`, money(point.commitmentSavingUsd ?? null)]
      : [];
  const rows = doc.points.map((point) => [
    ...paths.map((path) => valueText(point.values[path] ?? null)),
    statusText(point, chalk),
    money(point.costUsd),
    ...commitmentCells(point),
    point.gpuHours === null ? 'n/a' : formatFixed(point.gpuHours, 1),
    point.unmetRequests === null ? 'n/a' : point.unmetRequests > 0 ? chalk.red(formatFixed(point.unmetRequests, 0)) : '0',
    money(point.objectiveUsd),
    money(point.boundUsd),
    point.gap === null ? 'n/a' : `${(point.gap * 100).toFixed(2)}%`,
    point.seconds.toFixed(1),
    bar(point.costUsd, maxCost),
  ]);
  const headers = [
    ...paths,
    'status',
    'cost',
    ...(committed ? ['committed share', 'commitment saving'] : []),
    'GPU-hours',
    'unmet requests',
    'objective',
    'LP bound',
    'gap',
    'seconds',
    'cost curve',
  ];
  out.push(
    renderTable(headers, rows, chalk, [
      ...paths.map(() => 'right' as const),
      'left',
      'right',
      ...(committed ? (['right', 'right'] as const) : []),
      'right',
      'right',
      'right',
      'right',
      'right',
      'right',
      'left',
    ]),
  );
  out.push(
    chalk.dim(
      "cost: VM cost of the plan; objective adds VM start-ups and unmet-demand penalties; LP bound: the solver's proven lower bound on the objective\n",
    ),
  );
  return out.join('');
}

/** The grid points a partial collect has no result for, by index. */
export function missingText(missing: readonly number[]): string {
  const shown = missing.slice(0, 20).join(', ');
  return `${missing.length} point${missing.length === 1 ? '' : 's'} of the grid had no result (index ${shown}${missing.length > 20 ? ', ...' : ''})`;
}

export function valueText(value: string | number | boolean | null): string {
  return value === null ? 'null' : String(value);
}

const BAR_WIDTH = 24;

/** Cost as a bar of up to BAR_WIDTH blocks, relative to the most expensive point (eighth blocks for resolution). */
function bar(cost: number | null, max: number): string {
  if (cost === null || max <= 0) return '';
  const eighths = Math.round((cost / max) * BAR_WIDTH * 8);
  return '█'.repeat(Math.floor(eighths / 8)) + (eighths % 8 > 0 ? ' ▏▎▍▌▋▊▉'[eighths % 8]! : '');
}

function statusText(point: SweepPoint, chalk: ChalkInstance): string {
  const colour = point.status === 'optimal' ? chalk.green : point.status === 'feasible' ? chalk.yellow : chalk.red;
  return colour(point.status);
}

export function money(value: number | null): string {
  return value === null ? 'n/a' : `$${formatFixed(value)}`;
}
