import { createHash } from 'node:crypto';
import type { CsvRecord } from './csv-records.js';

/**
 * CSV texts whose records are already known: the package's own catalog, profile and trace files, parsed by
 * the build (scripts/bundle.mjs) with readCsvRecords itself, so that a short command skips csv-parse, whose
 * first run in a fresh process is slow. A text is known only by its exact bytes (length and sha256) and trim
 * mode; anything else is parsed as before, and a hit gives the same records the parser gives.
 */
export interface KnownCsv {
  trim: boolean;
  length: number;
  sha256: string;
  /** Each record as [the line it ends on, its cells]. */
  records: [number, string[]][];
}

const known = new Map<string, KnownCsv['records']>();
const lengths = new Set<number>();

const keyOf = (trim: boolean, length: number, sha256: string) => `${trim ? 't' : 'r'}:${length}:${sha256}`;
const sha256Of = (text: string) => createHash('sha256').update(text).digest('hex');

/** Adds known texts (the bin's loader passes the build's table in). */
export function rememberCsvRecords(entries: readonly KnownCsv[]): void {
  for (const entry of entries) {
    known.set(keyOf(entry.trim, entry.length, entry.sha256), entry.records);
    lengths.add(entry.length);
  }
}

/** The records of a known text (fresh arrays on every call), or undefined. */
export function knownCsvRecords(text: string, trim: boolean): CsvRecord[] | undefined {
  if (!lengths.has(text.length)) return undefined;
  const records = known.get(keyOf(trim, text.length, sha256Of(text)));
  return records?.map(([lines, cells]) => ({ record: [...cells], info: { lines } }));
}

/** The table entry of a text and its parsed records (what the build writes). */
export function knownCsvEntry(text: string, trim: boolean, records: readonly CsvRecord[]): KnownCsv {
  return { trim, length: text.length, sha256: sha256Of(text), records: records.map(({ record, info }) => [info.lines, [...record]]) };
}
