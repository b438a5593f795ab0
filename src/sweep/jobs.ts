import { createHash } from 'node:crypto';
import { z } from 'zod';
import { InputError } from '../errors.js';
import { zodIssues } from '../scenario/load.js';
import { SweepDocumentSchema, SweepPointSchema, type PointOutcome, type SweepDocument } from './document.js';
import { gridRows, sweepHeader, type SweepRequest } from './sweep.js';

/**
 * A sweep beyond one machine (`planner sweep --emit-jobs DIR`, `--point FILE`, `--collect DIR`): the grid as
 * one job file per point plus a manifest, one result file per solved point, and the merge of the results
 * into the sweep document the in-process sweep produces. Every file carries the grid's hash, so results of
 * another grid (another scenario, data, flag or value) are refused rather than mixed in. Pure: the
 * commands read and write the files.
 */
export const SWEEP_JOB_VERSION = 1;

const HASH = z.string().regex(/^sha256:[0-9a-f]{64}$/);
const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const gridHeader = SweepDocumentSchema.pick({ scenario: true, solver: true, parameters: true });
const gridRow = SweepPointSchema.pick({ index: true, values: true, overrides: true });

export const SweepJobSchema = z.strictObject({
  schemaVersion: z.literal(SWEEP_JOB_VERSION),
  kind: z.literal('planner-sweep-job'),
  /** sha256 over the inputs (scenario text, the files it names, overrides), the solver settings and the grid. */
  gridHash: HASH,
  /** This point's place in the grid (first --vary slowest), and the grid's size. */
  index: z.number().int().nonnegative(),
  count: z.number().int().positive(),
  /** The planner version that emitted it: another version may plan differently, so --point refuses it. */
  planner: z.string(),
  /** Varied path -> value at this point. */
  values: z.record(z.string(), scalar),
  scenario: z.strictObject({
    /** As named to --emit-jobs (what the output shows). */
    file: z.string(),
    /**
     * Where the scenario is read as: relative to the directory `--point` runs in (the emit's working
     * directory, so run both from the same folder of the same checkout), absolute, or builtin:...; the
     * files the scenario names resolve against this path's folder, as they did when the jobs were emitted.
     */
    path: z.string().min(1),
    /** The scenario text as emitted: a point solves this text even if the file has changed since. */
    text: z.string(),
  }),
  /** Every --set the point applies, in order: the sweep's shared ones (--windows, --set), then its own. */
  overrides: z.array(z.string()),
  /** How many of `overrides` are the sweep's shared ones. */
  sharedOverrides: z.number().int().nonnegative(),
  solver: z.string(),
  flags: z.strictObject({
    strategy: z.enum(['auto', 'joint', 'per-window', 'rolling', 'lp-rolling']).optional(),
    timeLimit: z.number().positive().optional(),
    gap: z.number().nonnegative().optional(),
  }),
  /** The catalog and data files' hashes when emitted: a point on a checkout with other files is refused. */
  inputs: z.strictObject({ catalog: HASH, data: HASH }),
});

export const SweepManifestSchema = z.strictObject({
  schemaVersion: z.literal(SWEEP_JOB_VERSION),
  kind: z.literal('planner-sweep-manifest'),
  gridHash: HASH,
  count: z.number().int().positive(),
  /** The job files beside the manifest, in grid order (a CI matrix reads this list). */
  jobs: z.array(z.string()),
  ...gridHeader.shape,
  /** Each point's index, values and own overrides, in grid order. */
  points: z.array(gridRow),
});

export const SweepResultSchema = z.strictObject({
  schemaVersion: z.literal(SWEEP_JOB_VERSION),
  kind: z.literal('planner-sweep-result'),
  gridHash: HASH,
  index: z.number().int().nonnegative(),
  /** The row's solved part, as the in-process sweep computes it. */
  outcome: SweepPointSchema.omit({ index: true, values: true, overrides: true }),
});

export type SweepJob = z.infer<typeof SweepJobSchema>;
export type SweepManifest = z.infer<typeof SweepManifestSchema>;
export type SweepResult = z.infer<typeof SweepResultSchema>;

/** `planner schema sweep-job`: the job file, what a CI matrix or an Indexed Job hands to `--point`. */
export function sweepJobJsonSchema(): unknown {
  return z.toJSONSchema(SweepJobSchema);
}

/** The manifest's name in a jobs folder. */
export const MANIFEST_FILE = 'manifest.json';

/** point-0003.json: zero-padded so that a listing sorts in grid order. */
export function jobFileName(index: number, count: number): string {
  return `point-${String(index).padStart(Math.max(4, String(count - 1).length), '0')}.json`;
}

/** point-0003.result.json: where `--point point-0003.json` writes by default (beside the job). */
export function resultFileName(jobFile: string): string {
  return jobFile.replace(/(\.json)?$/i, '.result.json');
}

export interface EmitSource {
  /** Where a point reads the scenario as (see SweepJobSchema scenario.path). */
  path: string;
  text: string;
  /** loadScenarioFile's hash over the text, the overrides and every file the scenario names. */
  inputHash: string;
  inputs: { catalog: string; data: string };
  /** The emitting planner's version. */
  planner: string;
}

/** The manifest and one job per grid point, in grid order. */
export function sweepJobs(request: SweepRequest, source: EmitSource): { manifest: SweepManifest; jobs: SweepJob[] } {
  const { schemaVersion: _version, ...header } = sweepHeader(request);
  const rows = gridRows(request);
  const count = rows.length;
  const gridHash = `sha256:${createHash('sha256')
    .update(JSON.stringify({ inputs: source.inputHash, planner: source.planner, header, rows }))
    .digest('hex')}`;
  const jobs = rows.map(
    (row): SweepJob => ({
      schemaVersion: SWEEP_JOB_VERSION,
      kind: 'planner-sweep-job',
      gridHash,
      index: row.index,
      count,
      planner: source.planner,
      values: row.values,
      scenario: { file: request.file, path: source.path, text: source.text },
      overrides: [...request.sharedOverrides, ...row.overrides],
      sharedOverrides: request.sharedOverrides.length,
      solver: request.solver,
      flags: request.flags,
      inputs: source.inputs,
    }),
  );
  const manifest: SweepManifest = {
    schemaVersion: SWEEP_JOB_VERSION,
    kind: 'planner-sweep-manifest',
    gridHash,
    count,
    jobs: rows.map((row) => jobFileName(row.index, count)),
    ...header,
    points: rows,
  };
  return { manifest, jobs };
}

export function sweepResult(job: SweepJob, outcome: PointOutcome): SweepResult {
  return { schemaVersion: SWEEP_JOB_VERSION, kind: 'planner-sweep-result', gridHash: job.gridHash, index: job.index, outcome };
}

const WHAT = {
  'planner-sweep-job': { schema: SweepJobSchema, what: 'a sweep job', fix: 'pass a point-NNNN.json written by planner sweep --emit-jobs' },
  'planner-sweep-manifest': {
    schema: SweepManifestSchema,
    what: 'a sweep manifest',
    fix: 'collect the folder planner sweep --emit-jobs wrote (its manifest.json)',
  },
  'planner-sweep-result': {
    schema: SweepResultSchema,
    what: 'a sweep result',
    fix: 'remove the file, or re-run planner sweep --point on its job',
  },
} as const;

/** Parses one of the three files; anything else is bad input naming the file and the field. */
export function parseSweepFile<K extends keyof typeof WHAT>(kind: K, text: string, file: string): z.infer<(typeof WHAT)[K]['schema']> {
  const { schema, what, fix } = WHAT[kind];
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new InputError({ file, message: `not JSON: ${(error as Error).message}`, fix });
  }
  const found = (raw as { kind?: unknown } | null)?.kind;
  if (found !== kind) {
    throw new InputError({
      file,
      field: 'kind',
      message: `is ${typeof found === 'string' ? `'${found}'` : 'missing'}, so this is not ${what}`,
      fix,
    });
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success)
    throw new InputError(
      zodIssues(parsed.error, file).map((issue) => ({ ...issue, fix })),
      `${file}: not ${what} of this planner (schema version ${SWEEP_JOB_VERSION})`,
    );
  return parsed.data as z.infer<(typeof WHAT)[K]['schema']>;
}

/** A result file and how to name it in messages. */
export interface ResultFile {
  file: string;
  result: SweepResult;
}

/**
 * The sweep document of a collected grid: the manifest's header and rows with each point's result, in grid
 * order. Results of another grid, two results for one point, or a point without one (unless `partial`) are
 * bad input naming the files and points. `seconds` is the sum of the points' seconds (they ran apart).
 */
export function collectSweep(manifest: SweepManifest, results: readonly ResultFile[], options: { partial?: boolean } = {}): SweepDocument {
  const byIndex = new Map<number, ResultFile>();
  for (const entry of results) {
    const { result, file } = entry;
    if (result.gridHash !== manifest.gridHash) {
      throw new InputError({
        file,
        field: 'gridHash',
        message: `is ${result.gridHash.slice(0, 19)}..., from another grid than the manifest's ${manifest.gridHash.slice(0, 19)}...`,
        fix: 'collect only the results of the jobs this manifest was emitted with (re-emitting changes the grid when an input, flag or value changed)',
      });
    }
    if (result.index >= manifest.count) {
      throw new InputError({
        file,
        field: 'index',
        message: `${result.index} is not a point of a ${manifest.count}-point grid`,
        fix: 'remove the file',
      });
    }
    const other = byIndex.get(result.index);
    if (other) {
      throw new InputError({
        file,
        field: 'index',
        message: `point ${result.index} also has the result ${other.file}`,
        fix: 'keep one result file per point',
      });
    }
    byIndex.set(result.index, entry);
  }
  const missing = manifest.points.filter((row) => !byIndex.has(row.index));
  if (missing.length > 0 && options.partial !== true) {
    const shown = missing.slice(0, 10).map((row) => `${manifest.jobs[row.index]} (${describeValues(row.values)})`);
    throw new InputError({
      field: '--collect',
      message: `${missing.length} of ${manifest.count} points have no result: ${shown.join(', ')}${missing.length > 10 ? ', ...' : ''}`,
      fix: 'run planner sweep --point on their job files and collect again, or pass --partial to collect the points that ran',
    });
  }
  const points = manifest.points.flatMap((row) => {
    const entry = byIndex.get(row.index);
    return entry ? [{ ...row, ...entry.result.outcome }] : [];
  });
  const seconds = points.reduce((sum, point) => sum + point.seconds, 0);
  return {
    schemaVersion: SweepDocumentSchema.shape.schemaVersion.value,
    scenario: manifest.scenario,
    solver: manifest.solver,
    parameters: manifest.parameters,
    points,
    ...(missing.length > 0 ? { missing: missing.map((row) => row.index) } : {}),
    seconds: Math.round(seconds * 1000) / 1000,
  };
}

function describeValues(values: Record<string, unknown>): string {
  return Object.entries(values)
    .map(([path, value]) => `${path}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
}
