import type { SweepDocument, SweepPoint } from '../sweep/document.js';
import { num, text, toCsv, type CsvCell } from './finance-csv.js';

/**
 * One CSV row per grid point, in grid order: a column per varied path (headed by the path), then the
 * summary. RFC 4180 with CRLF like the finance CSVs; an empty cell means "no value" (no plan, no bound);
 * text a spreadsheet would run as a formula is prefixed with `'`.
 */
export const SWEEP_METRIC_COLUMNS = [
  'status',
  'strategy',
  'cost_usd',
  'startup_cost_usd',
  'gpu_hours',
  'served_requests',
  'unmet_requests',
  'objective_usd',
  'bound_usd',
  'gap',
  'seconds',
] as const;

export function sweepCsv(doc: SweepDocument): string {
  // Commitment columns only when the scenario offers commitments, so other sweeps' CSVs are unchanged.
  const committed = doc.points.some((p) => p.committedShare !== undefined);
  const header = [
    ...doc.parameters.map((p) => p.path),
    ...SWEEP_METRIC_COLUMNS,
    ...(committed ? ['committed_share', 'commitment_saving_usd'] : []),
  ];
  return toCsv(
    header,
    doc.points.map((point) => [
      ...doc.parameters.map((p) => cell(point.values[p.path] ?? null)),
      ...metrics(point),
      ...(committed ? [cell(point.committedShare ?? null), cell(point.commitmentSavingUsd ?? null)] : []),
    ]),
  );
}

function metrics(point: SweepPoint): CsvCell[] {
  return [
    text(point.status),
    text(point.strategy),
    cell(point.costUsd),
    cell(point.startupCostUsd),
    cell(point.gpuHours),
    cell(point.servedRequests),
    cell(point.unmetRequests),
    cell(point.objectiveUsd),
    cell(point.boundUsd),
    cell(point.gap),
    cell(point.seconds),
  ];
}

/** Numbers as JavaScript writes them (the document already rounds them), null as an empty cell. */
function cell(value: string | number | boolean | null): CsvCell {
  if (value === null) return num('');
  if (typeof value === 'number') return num(String(value));
  return text(String(value));
}
