import { InputError } from '../errors.js';
import { zodIssues } from '../scenario/load.js';
import { PlanDocumentSchema, type PlanDocument } from './schema.js';

const FIX = 'pass the plan.json written by planner solve --out';

/** Parses and checks plan.json text; anything else is bad input (exit 2) naming `file` and the field. */
export function parsePlanDocument(text: string, file: string): PlanDocument {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new InputError({ file, message: `not JSON: ${(error as Error).message}`, fix: FIX });
  }
  const parsed = PlanDocumentSchema.safeParse(raw);
  if (!parsed.success) throw new InputError(zodIssues(parsed.error, file), `${file}: not a planner plan (schema version 1)`);
  return withReplicaPools(parsed.data);
}

/** The document with each replica's firm/spot class under `pool`, also where an older plan names it `purchase`. */
export function withReplicaPools(document: PlanDocument): PlanDocument {
  if (!document.windows.some((w) => w.replicas.some((r) => r.purchase !== undefined))) return document;
  return {
    ...document,
    windows: document.windows.map((window) => ({
      ...window,
      replicas: window.replicas.map(({ purchase, pool, ...replica }) => {
        const named = pool ?? purchase;
        return { ...replica, ...(named ? { pool: named } : {}) };
      }),
    })),
  };
}
