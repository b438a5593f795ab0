import { CsvError, parse } from 'csv-parse/sync';
import type { InputIssue } from './errors.js';

/** One CSV record and the line it ends on (1-based, as an editor shows it). */
export interface CsvRecord {
  record: string[];
  info: { lines: number };
}

/**
 * CSV text (RFC 4180 quoting, BOM, CRLF; blank lines skipped; rows may differ in length, so the caller can
 * name the row that does) into records, or the issue that names the line where it stops being CSV.
 */
export function readCsvRecords(
  text: string,
  file: string,
  options: { trim?: boolean } = {},
): { records: CsvRecord[] } | { issue: InputIssue } {
  try {
    const records = parse(text, { info: true, bom: true, relax_column_count: true, skip_empty_lines: true, trim: options.trim ?? false });
    return { records: records as unknown as CsvRecord[] };
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    const line = (error as CsvError & { lines?: number }).lines;
    return {
      issue: {
        file,
        ...(line ? { line } : {}),
        field: 'csv',
        message: `malformed CSV: ${error.message.replace(/ at line \d+/, '')}`,
        fix: 'quote values that contain commas, double any quote inside a quoted value, close every quote',
      },
    };
  }
}
