import { ExitCode } from '../errors.js';
import { diffPlans } from '../report/diff.js';
import { renderDiff } from '../report/diff-table.js';
import { chalkFor, type CliIo } from './io.js';
import { readPlanDocument } from './plan-file.js';

export interface DiffOptions {
  format: 'table' | 'json';
  /** Most changed windows to list in the table (JSON always has all). */
  limit: number;
}

/** `planner diff OLD NEW`: fleet and cost deltas per window, region, sku and llm, and totals. Always exit 0. */
export async function diffCommand(oldPath: string, newPath: string, options: DiffOptions, io: CliIo): Promise<ExitCode> {
  const diff = diffPlans(await readPlanDocument(oldPath, io.cwd), await readPlanDocument(newPath, io.cwd));
  if (options.format === 'json') io.stdout.write(`${JSON.stringify(diff, null, 2)}\n`);
  else io.stdout.write(renderDiff(diff, oldPath, newPath, options.limit, chalkFor(io)));
  return ExitCode.ok;
}
