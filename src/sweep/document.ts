import { PLAN_STATUSES } from '../capacity/types.js';
import { z } from 'zod';

/**
 * The sweep result: what `planner sweep --format json` prints and `--out x.json` writes, and what the CSV,
 * table and HTML are rendered from. Rows are in grid order (first --vary slowest). Every field but the
 * `seconds` fields is a pure function of the inputs, whatever the number of workers.
 */
export const SWEEP_SCHEMA_VERSION = 1;

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const status = z.enum(PLAN_STATUSES);
const usd = z.number().nullable();

export const SweepPointSchema = z.strictObject({
  index: z.number().int().nonnegative(),
  /** Varied path -> value at this point, in --vary order. */
  values: z.record(z.string(), scalar),
  /** The `--set` overrides this point applied on top of the sweep's own (aliases expanded). */
  overrides: z.array(z.string()),
  status,
  strategy: z.string(),
  /** VM cost of the plan (null when there is no plan). */
  costUsd: usd,
  startupCostUsd: usd,
  gpuHours: z.number().nullable(),
  servedRequests: z.number().nullable(),
  unmetRequests: z.number().nullable(),
  /** Cost + start-ups + unmet penalties, and the solver's proven lower bound on it. */
  objectiveUsd: usd,
  boundUsd: usd,
  gap: z.number().nullable(),
  /** Scenarios with commitment offers: committed VM-hours / all VM-hours, and the commitments' saving on the horizon. */
  committedShare: z.number().nullable().optional(),
  commitmentSavingUsd: usd.optional(),
  seconds: z.number().nonnegative(),
});

export const SweepDocumentSchema = z.strictObject({
  schemaVersion: z.literal(SWEEP_SCHEMA_VERSION),
  scenario: z.strictObject({
    name: z.string(),
    file: z.string(),
    /** The overrides every point shares (--windows and --set). */
    overrides: z.array(z.string()),
  }),
  solver: z.strictObject({ name: z.string(), strategy: z.string(), timeLimitSec: z.number().positive(), gap: z.number().nonnegative() }),
  parameters: z.array(z.strictObject({ path: z.string(), values: z.array(scalar) })),
  points: z.array(SweepPointSchema),
  /** A partial collect (`planner sweep --collect DIR --partial`): the grid indices that had no result, absent from points. */
  missing: z.array(z.number().int().nonnegative()).optional(),
  /** Wall-clock seconds for the whole sweep (collected from jobs: the sum of the points' seconds). */
  seconds: z.number().nonnegative(),
});

export type SweepPoint = z.infer<typeof SweepPointSchema>;
export type SweepDocument = z.infer<typeof SweepDocumentSchema>;
/** The part of a row a solve produces (the rest comes from the grid). */
export type PointOutcome = Omit<SweepPoint, 'index' | 'values' | 'overrides'>;

export function sweepJsonSchema(): unknown {
  return z.toJSONSchema(SweepDocumentSchema);
}
