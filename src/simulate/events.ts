import type { PlanningInput } from '../capacity/types.js';
import { readCsvRecords } from '../csv-records.js';
import { InputError, type InputIssue } from '../errors.js';
import type { CapacityEvent } from './types.js';

/** Columns of a capacity-event file, one event per row. */
export const EVENT_COLUMNS = ['gpu', 'region', 'from_utc', 'to_utc', 'available_gpus'] as const;

/**
 * Parses a capacity-event CSV (gpu, region, from_utc, to_utc, available_gpus): from that hour (inclusive) to
 * that hour (exclusive) at most available_gpus GPUs of that type are granted in the region. Every problem
 * is reported with its line and column; windows are resolved against the scenario's horizon.
 */
export function parseCapacityEvents(text: string, file: string, input: PlanningInput): CapacityEvent[] {
  const read = readCsvRecords(text, file, { trim: true });
  if ('issue' in read) throw new InputError({ ...read.issue, fix: `write a CSV with header ${EVENT_COLUMNS.join(',')}` });
  const header = read.records[0]?.record ?? [];
  const missing = EVENT_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length > 0)
    throw new InputError({
      file,
      line: 1,
      message: `missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`,
      fix: `the header is ${EVENT_COLUMNS.join(',')}`,
    });
  const issues: InputIssue[] = [];
  const rows = read.records
    .slice(1)
    .filter(({ record }) => !record.every((cell) => cell === ''))
    .map(({ record, info }) => ({
      line: info.lines,
      values: record.length,
      row: Object.fromEntries(header.map((name, i) => [name, record[i] ?? ''])) as Record<string, string>,
    }));
  const gpus = new Set(input.skus.map((s) => s.gpu));
  const starts = input.windows.map((w) => Date.parse(w.start));
  const ends = input.windows.map((w, i) => starts[i]! + w.hours * 3_600_000);
  const events: CapacityEvent[] = [];
  for (const { line, values, row } of rows) {
    const at = (field: string, message: string, fix: string) => issues.push({ file, line, field, message, fix });
    if (values !== header.length) {
      at('row', `${values} values, the header has ${header.length}`, `one event per row: ${EVENT_COLUMNS.join(',')}`);
      continue;
    }
    if (!gpus.has(row.gpu!)) at('gpu', `unknown gpu '${row.gpu}'`, `use one of the scenario's gpus: ${[...gpus].sort().join(', ')}`);
    if (!input.regions.includes(row.region!))
      at('region', `region '${row.region}' is not in the scenario`, `use one of ${input.regions.join(', ')}`);
    const from = Date.parse(row.from_utc!);
    const to = Date.parse(row.to_utc!);
    if (!/Z$|[+-]00:?00$/.test(row.from_utc!) || Number.isNaN(from))
      at('from_utc', `'${row.from_utc}' is not a UTC time`, 'write ISO-8601 UTC, e.g. 2024-05-13T18:00:00Z');
    if (!/Z$|[+-]00:?00$/.test(row.to_utc!) || Number.isNaN(to))
      at('to_utc', `'${row.to_utc}' is not a UTC time`, 'write ISO-8601 UTC, e.g. 2024-05-14T00:00:00Z');
    else if (!Number.isNaN(from) && to <= from)
      at('to_utc', `ends at or before it starts (${row.from_utc})`, 'to_utc is exclusive and must be after from_utc');
    const available = Number(row.available_gpus);
    if (row.available_gpus === '' || !Number.isInteger(available) || available < 0)
      at('available_gpus', `'${row.available_gpus}' is not a whole number of GPUs >= 0`, 'write 0 for an outage');
    if (issues.some((issue) => issue.line === line)) continue;
    const covered = starts.map((start, t) => (start < to && ends[t]! > from ? t : -1)).filter((t) => t >= 0);
    if (covered.length === 0) {
      at(
        'from_utc',
        `${row.from_utc}..${row.to_utc} is outside the scenario's horizon (${input.windows[0]!.start} .. ${new Date(ends[ends.length - 1]!).toISOString()})`,
        'move the event into the horizon',
      );
      continue;
    }
    events.push({
      gpu: row.gpu!,
      region: row.region!,
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      availableGpus: available,
      fromWindow: covered[0]!,
      toWindow: covered[covered.length - 1]!,
    });
  }
  if (issues.length > 0) throw new InputError(issues, `${file}: invalid capacity events`);
  return events;
}
