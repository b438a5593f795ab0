import { CsvError, parse } from 'csv-parse/sync';
import { z } from 'zod';
import { knownCsvRecords } from './csv-known.js';
import { didYouMean, type InputIssue } from './errors.js';

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
  const known = knownCsvRecords(text, options.trim ?? false);
  if (known) return { records: known };
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

/**
 * The data rows of `records` (header first) checked against `schema`, each with its line; a row of the
 * wrong length or failing the schema becomes an issue naming file:line and field, with `describe(field)`
 * as the fix. Rows that fail are left out, so the caller sees every problem of the file at once.
 */
export function* validRows<T>(
  records: readonly CsvRecord[],
  schema: {
    safeParse(
      input: unknown,
    ): { success: true; data: T } | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } };
  },
  file: string,
  issues: InputIssue[],
  describe: (field: string) => string,
): Generator<{ line: number; row: T }> {
  const header = records[0]?.record ?? [];
  for (const { record, info } of records.slice(1)) {
    const line = info.lines;
    if (record.length !== header.length) {
      issues.push({ file, line, field: 'row', message: `${record.length} values, the header has ${header.length}` });
      continue;
    }
    const result = schema.safeParse(Object.fromEntries(header.map((name, i) => [name, record[i]!])));
    if (!result.success) {
      for (const issue of result.error.issues) {
        const field = String(issue.path[0] ?? 'row');
        issues.push({ file, line, field, message: issue.message, fix: `${field} is ${describe(field)}` });
      }
      continue;
    }
    yield { line, row: result.data };
  }
}

/** A CSV cell as a number checked by `check`: empty is "missing value", never 0. */
export function numberCell(check: z.ZodNumber) {
  return z
    .string()
    .trim()
    .transform((text, ctx) => {
      const value = Number(text);
      if (text === '' || !Number.isFinite(value)) {
        ctx.issues.push({ code: 'custom', message: text === '' ? 'missing value' : `'${text}' is not a number`, input: text });
        return z.NEVER;
      }
      return value;
    })
    .pipe(check);
}

/** An optional CSV cell: empty is undefined, anything else a number checked by `check`. */
export function optionalNumberCell(check: z.ZodNumber) {
  return z
    .string()
    .trim()
    .transform((text, ctx) => {
      if (text === '') return undefined;
      const value = Number(text);
      if (!Number.isFinite(value)) {
        ctx.issues.push({ code: 'custom', message: `'${text}' is not a number`, input: text });
        return z.NEVER;
      }
      return value;
    })
    .pipe(check.optional());
}

/**
 * Issues for a header that is not `columns` (in any order): unknown columns with the closest name, and the
 * missing ones of `required` (default: all of them).
 */
export function headerIssues(
  header: readonly string[],
  columns: readonly string[],
  file: string,
  required: readonly string[] = columns,
): InputIssue[] {
  const issues: InputIssue[] = [];
  for (const name of header) {
    if (!columns.includes(name))
      issues.push({
        file,
        line: 1,
        field: 'header',
        message: `unknown column '${name}'`,
        fix: didYouMean(name, columns) || `the columns are ${columns.join(',')}`,
      });
  }
  const fix = required.length === columns.length ? `the header is ${columns.join(',')}` : `the required columns are ${required.join(',')}`;
  for (const name of required) {
    if (!header.includes(name)) issues.push({ file, line: 1, field: 'header', message: `missing column '${name}'`, fix });
  }
  return issues;
}
