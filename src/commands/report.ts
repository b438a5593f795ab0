import { join, resolve } from 'node:path';
import { ExitCode, InputError } from '../errors.js';
import {
  COST_BY_MONTH_CSV,
  COST_BY_WINDOW_CSV,
  MODEL_CHOICE_CSV,
  WARNINGS_CSV,
  costByMonthCsv,
  costByWindowCsv,
  modelChoiceCsv,
  warningsCsv,
} from '../report/finance-csv.js';
import { COMMITMENTS_CSV, commitmentsCsv } from '../report/commitments-csv.js';
import { buildFinanceReport } from '../report/finance.js';
import { renderReportTables } from '../report/finance-table.js';
import { renderHtmlReport } from '../report/html.js';
import { assertWritable, chalkFor, writeFolderAtomic, type CliIo } from './io.js';
import { readPlanDocument, scenarioOfPlan } from './plan-file.js';

export interface ReportCommandOptions {
  scenario?: string;
  format: 'table' | 'json' | 'csv' | 'html';
  out?: string;
}

/**
 * `planner report PLAN [--scenario S]`: cost and hours per window, region, sku, purchase and llm, a
 * monthly summary and utilisation, from a plan.json and its scenario (the plan's overrides re-applied).
 * table and json print; csv prints cost-by-window.csv, or with --out writes both CSVs, warnings.csv, model-choice.csv
 * and commitments.csv (the commitment schedule: header only when the plan buys none); html
 * prints the page, or with --out writes report.html (json with --out writes report.json). The warnings (unmet
 * demand, an unproven solve, a broken budget) are in every format, and on stderr when the output is a file
 * format. The scenario is the one the plan records unless --scenario names one. Exit 0; 2 on bad input.
 */
export async function reportCommand(planPath: string, options: ReportCommandOptions, io: CliIo): Promise<ExitCode> {
  if (options.out !== undefined && options.format === 'table') {
    throw new InputError({
      field: '--out',
      message: '--out writes files; the table format only prints',
      fix: 'add --format csv, json or html, or drop --out',
    });
  }
  const outDir = options.out === undefined ? undefined : resolve(io.cwd, options.out);
  if (outDir) assertWritable(outDir, 'folder');
  const document = await readPlanDocument(planPath, io.cwd);
  const { loaded, freshness } = await scenarioOfPlan(planPath, document, { scenario: options.scenario }, io.cwd);
  const report = buildFinanceReport(document, loaded.input);
  const notes = [
    ...(freshness.fresh ? [] : [`note: ${freshness.line}; the figures use the plan's own prices`]),
    ...report.warnings.map((warning) => `warning: ${warning}`),
  ];
  // All of a run's files replace the folder's report files at once (a reader never sees two runs mixed).
  const write = async (...files: Array<readonly [string, string]>) => {
    await writeFolderAtomic(outDir!, files, REPORT_FILES);
    for (const [name] of files) io.stdout.write(`wrote ${join(options.out!, name)}\n`);
  };

  if (options.format === 'table') {
    const chalk = chalkFor(io);
    for (const note of notes) io.stdout.write(chalk.yellow(`${note}\n`));
    io.stdout.write(renderReportTables(report, chalk));
    return ExitCode.ok;
  }

  for (const note of notes) io.stderr.write(`${note}\n`);
  switch (options.format) {
    case 'json': {
      const json = `${JSON.stringify(report, null, 2)}\n`;
      if (outDir) await write(['report.json', json]);
      else io.stdout.write(json);
      break;
    }
    case 'csv': {
      if (outDir) {
        await write(
          [COST_BY_WINDOW_CSV, costByWindowCsv(report)],
          [COST_BY_MONTH_CSV, costByMonthCsv(report)],
          [WARNINGS_CSV, warningsCsv(report)],
          [MODEL_CHOICE_CSV, modelChoiceCsv(report)],
          [COMMITMENTS_CSV, commitmentsCsv(document.commitments, report.plan.hours)],
        );
      } else {
        io.stdout.write(costByWindowCsv(report));
      }
      break;
    }
    case 'html': {
      const html = renderHtmlReport(document, report);
      if (outDir) await write(['report.html', html]);
      else io.stdout.write(html);
      break;
    }
  }
  return ExitCode.ok;
}

/** Every file report --out writes, in any format: the ones a new run replaces. */
const REPORT_FILES = [COST_BY_WINDOW_CSV, COST_BY_MONTH_CSV, WARNINGS_CSV, MODEL_CHOICE_CSV, COMMITMENTS_CSV, 'report.json', 'report.html'];
