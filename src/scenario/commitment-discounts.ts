import { z } from 'zod';
import { headerIssues, numberCell, readCsvRecords, validRows } from '../csv-records.js';
import { InputError, type InputIssue } from '../errors.js';
import type { CommitmentTerm } from '../capacity/types.js';

/** The published planning levels an offer with neither discount nor usdPerHour takes (models/commitment-discounts.csv). */
export const COMMITMENT_DISCOUNTS_FILE = 'models/commitment-discounts.csv';

/** One row: the round discount a cloud publishes for a term, and the page it comes from. */
export interface PublishedDiscount {
  cloud: string;
  term: CommitmentTerm;
  discount: number;
  source: string;
}

const COLUMNS = ['cloud', 'term', 'discount', 'source', 'note'] as const;

const RowSchema = z.object({
  cloud: z.string().trim().min(1),
  term: z.enum(['1y', '3y']),
  discount: numberCell(z.number().min(0).lt(1)),
  source: z.string(),
});

const DESCRIBE: Record<string, string> = {
  cloud: 'the cloud id of the catalog skus (aws, azure, gcp)',
  term: '1y or 3y',
  discount: 'a fraction off on demand in [0, 1), e.g. 0.35',
  source: 'the public page the level comes from',
};

/** The file's rows, or an InputError naming file, line and field (a repeated cloud and term included). */
export function parseCommitmentDiscountsCsv(text: string, file: string): PublishedDiscount[] {
  const read = readCsvRecords(text, file, { trim: true });
  if ('issue' in read) throw new InputError([read.issue], `${file}: invalid commitment discounts`);
  const issues: InputIssue[] = headerIssues(read.records[0]?.record ?? [], COLUMNS, file, ['cloud', 'term', 'discount', 'source']);
  if (issues.length) throw new InputError(issues, `${file}: invalid commitment discounts`);
  const rows: PublishedDiscount[] = [];
  for (const { line, row } of validRows(read.records, RowSchema, file, issues, (field) => DESCRIBE[field] ?? 'see the header')) {
    if (rows.some((r) => r.cloud === row.cloud && r.term === row.term)) {
      issues.push({
        file,
        line,
        field: 'term',
        message: `${row.cloud} ${row.term} is listed twice`,
        fix: 'keep one row per cloud and term',
      });
      continue;
    }
    rows.push(row);
  }
  if (issues.length) throw new InputError(issues, `${file}: invalid commitment discounts`);
  return rows;
}
