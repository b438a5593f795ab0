import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InputError } from '../errors.js';
import { parsePlanDocument, type PlanDocument } from '../plan-document/index.js';

/** Reads and checks a plan.json (relative to `cwd`); anything else is bad input (exit 2) naming the file and the field. */
export async function readPlanDocument(planPath: string, cwd: string): Promise<PlanDocument> {
  let text: string;
  try {
    text = await readFile(resolve(cwd, planPath), 'utf8');
  } catch (error) {
    throw new InputError({
      file: planPath,
      message: `cannot read the plan: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      fix: 'pass the plan.json written by planner solve --out',
    });
  }
  return parsePlanDocument(text, planPath);
}
