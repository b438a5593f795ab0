import { readFile } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import { InputError } from '../errors.js';
import { parsePlanDocument, type PlanDocument } from '../plan-document/index.js';
import type { LoadedScenario } from '../scenario/loaded.js';
import { loadScenarioFile } from './scenario-inputs.js';

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

/**
 * What plan.json records as scenario.file: a builtin: path as is, else the scenario's path relative to the
 * plan file's folder, with forward slashes (so a plan committed next to its scenario finds it anywhere).
 */
export function scenarioFileForPlan(scenarioPath: string, planFile: string, cwd: string): string {
  if (scenarioPath.startsWith('builtin:')) return scenarioPath;
  return relative(dirname(resolve(cwd, planFile)), resolve(cwd, scenarioPath))
    .split(sep)
    .join('/');
}

/** How a plan's inputs compare with the scenario read now. */
export type Freshness =
  | { fresh: true }
  /** Same scenario (name), changed inputs: `changed` names which (scenario, catalog, data), `line` says it in one line. */
  | { fresh: false; changed: string[]; line: string };

/** The overrides a plan was solved with, against those given now (validate). */
export interface Provenance {
  /** The plan's scenario.overrides (its --set and --windows), in order. */
  overrides: string[];
  /** The overrides given to this command. */
  given: string[];
  /** The plan has overrides, and they resolve the scenario differently from the ones given: it was solved for another ask. */
  changesScenario: boolean;
}

/**
 * The scenario a plan is checked or reported against: `--scenario` when given, else the file the plan
 * records (relative to the plan's folder). A scenario of another name is refused (exit 2): its rows would
 * all differ, and the message says which one to pass. With `reapply` (report) the plan's overrides are
 * re-applied, then `set`; without (validate) only `set` is, so the plan is checked against what the
 * scenario asks for, and `provenance` says whether the plan's own overrides resolve it differently.
 */
export async function scenarioOfPlan(
  planPath: string,
  document: PlanDocument,
  options: { scenario?: string | undefined; set?: readonly string[]; reapply?: boolean },
  cwd: string,
): Promise<{ loaded: LoadedScenario; freshness: Freshness; provenance: Provenance }> {
  const given = [...(options.set ?? [])];
  const reapply = options.reapply ?? true;
  const load = (set: readonly string[]) => loadPlanScenario(planPath, document, options.scenario, set, cwd);
  const loaded = await load(reapply ? [...document.scenario.overrides, ...given] : given);
  let solvedWith = loaded;
  let changesScenario = false;
  // A plan solved without overrides checked with --set is a what-if, not a plan solved for another ask.
  if (!reapply && document.scenario.overrides.length) {
    try {
      solvedWith = await load(document.scenario.overrides);
      changesScenario = JSON.stringify(solvedWith.scenario) !== JSON.stringify(loaded.scenario);
    } catch {
      // The plan's overrides no longer apply to this scenario: whatever it was solved for, it is not this ask.
      changesScenario = true;
    }
  }
  if (loaded.scenario.name !== document.scenario.name) {
    throw new InputError({
      file: planPath,
      field: 'scenario.name',
      message: `the plan was solved from scenario '${document.scenario.name}', not '${loaded.scenario.name}' (${loaded.file}); a plan is only checked against its own scenario`,
      fix: `pass the scenario of '${document.scenario.name}' with --scenario, or solve '${loaded.scenario.name}' for a plan of its own`,
    });
  }
  // Staleness is about the inputs the plan was solved from: the scenario with the plan's own overrides.
  return {
    loaded,
    freshness: freshness(document, solvedWith),
    provenance: { overrides: [...document.scenario.overrides], given, changesScenario },
  };
}

async function loadPlanScenario(
  planPath: string,
  document: PlanDocument,
  scenario: string | undefined,
  set: readonly string[],
  cwd: string,
): Promise<LoadedScenario> {
  if (scenario !== undefined) return loadScenarioFile(scenario, { cwd, set });
  const file = document.scenario.file;
  if (file === undefined) {
    throw new InputError({
      file: planPath,
      field: 'scenario.file',
      message: `the plan does not record its scenario file (it was printed, not written with solve --out, or by an older planner)`,
      fix: `pass the scenario of '${document.scenario.name}' with --scenario, or re-run planner solve SCENARIO --out DIR`,
    });
  }
  const located = file.startsWith('builtin:') ? file : resolve(dirname(resolve(cwd, planPath)), file);
  try {
    return await loadScenarioFile(located, { cwd, set });
  } catch (error) {
    if (error instanceof InputError && error.issues.some((i) => i.message === 'file not found' && i.field === undefined)) {
      throw new InputError({
        file: planPath,
        field: 'scenario.file',
        message: `the plan's scenario ${file} (relative to the plan's folder) is not there`,
        fix: 'pass the scenario with --scenario, or re-run planner solve SCENARIO --out DIR',
      });
    }
    throw error;
  }
}

/** Compares the hashes a plan records with the inputs read now; plans without scenario.hashes compare the one hash. */
export function freshness(document: PlanDocument, loaded: LoadedScenario): Freshness {
  const recorded = document.scenario.hashes;
  let changed: string[];
  if (recorded) {
    changed = (['scenario', 'catalog', 'data'] as const).filter((kind) => recorded[kind] !== loaded.hashes[kind]);
  } else {
    changed = loaded.hash === document.scenario.hash ? [] : ['scenario or data'];
  }
  if (changed.length === 0) return { fresh: true };
  const what = changed.length === 1 ? changed[0]! : `${changed.slice(0, -1).join(', ')} and ${changed.at(-1)!}`;
  return { fresh: false, changed, line: `the plan is stale: its ${what} changed since it was solved; re-run planner solve` };
}
