import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InputError } from '../errors.js';
import { PlanDocumentSchema, type PlanDocument } from '../report/plan-document.js';
import { zodIssues } from '../scenario/load.js';
import type { CliIo } from './io.js';

/** Reads and checks a plan.json; anything else is bad input (exit 2) naming the file and the field. */
export async function readPlanDocument(planPath: string, io: CliIo): Promise<PlanDocument> {
  let text: string;
  try {
    text = await readFile(resolve(io.cwd, planPath), 'utf8');
  } catch (error) {
    throw new InputError({
      file: planPath,
      message: `cannot read the plan: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      fix: 'pass the plan.json written by planner solve --out',
    });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new InputError({
      file: planPath,
      message: `not JSON: ${(error as Error).message}`,
      fix: 'pass the plan.json written by planner solve --out',
    });
  }
  const parsed = PlanDocumentSchema.safeParse(raw);
  if (!parsed.success) throw new InputError(zodIssues(parsed.error, planPath), `${planPath}: not a planner plan (schema version 1)`);
  return parsed.data;
}
