import { ExitCode } from '../errors.js';
import { diffPlans } from '../report/diff.js';
import { renderDiffMarkdown } from '../report/diff-markdown.js';
import { renderDiff } from '../report/diff-table.js';
import { chalkFor, type CliIo } from './io.js';
import { readPlanDocument } from './plan-file.js';

export interface DiffOptions {
  format: 'table' | 'json' | 'markdown';
  /** Most changed windows to list in the table and the Markdown (JSON always has all). */
  limit: number;
  /** Exit 1 when the plans differ, 0 when they do not (as git diff --exit-code). */
  exitCode?: boolean;
}

/**
 * `planner diff OLD NEW`: fleet and cost deltas (and percentages) per window, region, sku and llm, and totals;
 * as a table, JSON, or Markdown for a pull-request comment. Exit 0; with --exit-code, 1 when anything differs.
 */
export async function diffCommand(oldPath: string, newPath: string, options: DiffOptions, io: CliIo): Promise<ExitCode> {
  const diff = diffPlans(await readPlanDocument(oldPath, io.cwd), await readPlanDocument(newPath, io.cwd));
  if (options.format === 'json') io.stdout.write(`${JSON.stringify(diff, null, 2)}\n`);
  else if (options.format === 'markdown') io.stdout.write(renderDiffMarkdown(diff, oldPath, newPath, options.limit));
  else io.stdout.write(renderDiff(diff, oldPath, newPath, options.limit, chalkFor(io)));
  return options.exitCode && diff.changed ? ExitCode.noPlan : ExitCode.ok;
}
