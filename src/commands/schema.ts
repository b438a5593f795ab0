import { ExitCode } from '../errors.js';
import { financeReportJsonSchema } from '../report/finance.js';
import { planJsonSchema } from '../plan-document/index.js';
import { scenarioJsonSchema } from '../scenario/schema.js';
import { sweepJsonSchema } from '../sweep/document.js';
import { sweepJobJsonSchema } from '../sweep/jobs.js';
import type { CliIo } from './io.js';

export const SCHEMAS = {
  scenario: scenarioJsonSchema,
  plan: planJsonSchema,
  report: financeReportJsonSchema,
  sweep: sweepJsonSchema,
  'sweep-job': sweepJobJsonSchema,
} as const;

/** `planner schema [scenario|plan|report|sweep|sweep-job]`: the JSON Schema generated from the zod schemas. */
export async function schemaCommand(which: keyof typeof SCHEMAS, io: CliIo): Promise<ExitCode> {
  io.stdout.write(`${JSON.stringify(SCHEMAS[which](), null, 2)}\n`);
  return ExitCode.ok;
}
