import { PLAN_STATUSES } from '../capacity/types.js';
import { z } from 'zod';
import { FLEET_PURCHASES } from '../catalog/types.js';

/**
 * plan.json: what `planner solve --format json` prints and `--out` writes, and what validate, report and
 * diff read. Every field but solver.seconds is a pure function of the inputs (byte-identical reruns).
 */
export const PLAN_SCHEMA_VERSION = 1;

const vm = z.strictObject({
  region: z.string(),
  sku: z.string(),
  purchase: z.enum(FLEET_PURCHASES),
  count: z.number().int().nonnegative(),
  usdPerHour: z.number().nonnegative(),
  started: z.number().int().nonnegative(),
});
const replicaPool = z.enum(['firm', 'spot']);
const replica = z
  .strictObject({
    llm: z.string(),
    sku: z.string(),
    tp: z.number().int().positive(),
    region: z.string(),
    count: z.number().int().nonnegative(),
    pool: replicaPool.optional().describe('set when spot replicas are kept apart: firm = on-demand or reserved VMs'),
    workloads: z
      .array(z.string())
      .min(1)
      .optional()
      .describe('set when policies.interference keeps workloads apart: these replicas serve only the workloads listed'),
    purchase: replicaPool.optional().meta({ deprecated: true, description: 'the earlier name of pool, still read (planner writes pool)' }),
  })
  .refine((r) => r.pool === undefined || r.purchase === undefined, {
    message: 'a replica names its pool once: pool (purchase is its old name)',
    path: ['purchase'],
  });
const route = z.strictObject({
  workload: z.string(),
  origin: z.string(),
  llm: z.string(),
  sku: z.string(),
  tp: z.number().int().positive(),
  region: z.string(),
  requestsPerSec: z.number().nonnegative(),
});
const unmet = z.strictObject({
  workload: z.string(),
  origin: z.string(),
  requestsPerSec: z.number().nonnegative(),
  why: z.string().optional(),
});
const status = z.enum(PLAN_STATUSES);

const nullableNumber = z.number().nullable();
const policies = z.strictObject({
  spot: z
    .strictObject({
      maxShare: nullableNumber,
      evictionProbability: z.number(),
      onDemandCoversInteractive: nullableNumber,
      spotGpuHours: z.number(),
      largestSpotShare: z.number(),
    })
    .optional(),
  locality: z
    .strictObject({
      minInRegionShare: nullableNumber,
      lowestInRegionShare: nullableNumber,
      minReplicasPerLlm: nullableNumber,
      nPlusOne: z.boolean(),
      resilienceCostUsd: z
        .number()
        .optional()
        .describe('plan cost with N+1 minus the cost of the same scenario without it (solve --resilience-cost)'),
      costWithoutNPlusOneUsd: z.number().optional(),
    })
    .optional(),
  llmMix: z.array(
    z.strictObject({
      workload: z.string(),
      minQuality: nullableNumber,
      lowestQuality: nullableNumber,
      requestsByLlm: z.record(z.string(), z.number()),
    }),
  ),
  deferrable: z.array(
    z.strictObject({
      workload: z.string(),
      deadlineHours: z.number(),
      servedByHourUtc: z.array(z.number()),
      arrivedByHourUtc: z.array(z.number()),
    }),
  ),
  reserved: z.strictObject({ vms: z.number(), sunkCostUsd: z.number() }).optional(),
  maxScaleInPerWindow: z.number().optional(),
  kvMemory: z
    .strictObject({
      mode: z.literal('load'),
      highestShareOfFree: z.number().describe("the highest share of its replicas' free memory any config's KV cache took"),
    })
    .optional()
    .describe('policies.kvMemory: load (the load-dependent KV-memory row of group 2) was on'),
  routing: z
    .strictObject({
      mode: z.literal('single-path'),
      mostConfigsPerWorkloadRegion: z.number().describe('the most configs one workload used in one region and window'),
    })
    .optional()
    .describe('policies.routing: single-path (group 1) was on'),
  interference: z
    .strictObject({
      mode: z.literal('separate'),
      splitConfigWindows: z.number().describe('config-windows whose replicas were split by sharing group'),
      mostGroupsPerConfig: z.number().describe('the most sharing groups one config had in one window'),
    })
    .optional()
    .describe('policies.interference: separate (group 10) was on'),
});

export const PlanDocumentSchema = z.strictObject({
  schemaVersion: z.literal(PLAN_SCHEMA_VERSION),
  status,
  scenario: z.strictObject({
    name: z.string(),
    hash: z.string().describe('sha256 over the scenario text, the overrides and every file it refers to'),
    overrides: z.array(z.string()),
    file: z
      .string()
      .optional()
      .describe(
        "the scenario file: relative to this plan file's folder (solve --out writes it), or builtin:...; planner validate and report read it when no --scenario is given",
      ),
    hashes: z
      .strictObject({
        scenario: z.string().describe('sha256 of the scenario file as read (before overrides)'),
        catalog: z.string().describe("sha256 of the catalog folder's files"),
        data: z.string().describe('sha256 of the request mixes, demand profiles and measured profiles the scenario names'),
      })
      .optional()
      .describe('the inputs the plan was solved from, each apart: a plan whose inputs changed since is stale'),
  }),
  solver: z.strictObject({
    name: z.string(),
    strategy: z.enum(['joint', 'per-window', 'rolling', 'lp-rolling', 'heuristic']),
    reason: z.string(),
    seconds: z.number().nonnegative(),
    objective: z.number().nullable(),
    bound: z.number().nullable(),
    gap: z.number().nullable(),
    windowsSolved: z.number().int().nonnegative(),
    statuses: z.record(z.string(), z.number()),
  }),
  policies: policies.optional().describe('what the policies of the scenario did (present when any is on)'),
  sizeClasses: z
    .array(
      z.strictObject({
        workload: z.string(),
        classes: z.array(
          z.strictObject({
            unit: z.string().describe("the planning unit '<workload>#<class>' its routes name"),
            share: z.number().describe("share of the workload's requests"),
            inputTokens: z.tuple([z.number(), z.number()]).describe('smallest and largest bucket mean prompt tokens'),
            outputTokens: z.tuple([z.number(), z.number()]).describe('smallest and largest bucket mean output tokens'),
            servedRequests: z.number().optional().describe("the class's requests served over the horizon"),
            unmetRequests: z.number().optional().describe("the class's requests left unmet over the horizon"),
            gpuShares: z
              .array(z.strictObject({ gpu: z.string(), share: z.number() }))
              .describe("share of the class's served requests per GPU type, over the horizon"),
          }),
        ),
        servedRequests: z.number().optional().describe("the workload's requests served over the horizon, all classes"),
        unmetRequests: z.number().optional().describe("the workload's requests left unmet over the horizon, all classes"),
        gpuShares: z
          .array(z.strictObject({ gpu: z.string(), share: z.number() }))
          .optional()
          .describe("share of the workload's served requests (all classes) per GPU type, over the horizon"),
      }),
    )
    .optional()
    .describe('workloads split into request-size classes (sizeClasses > 1): which classes went to which GPU type'),
  modelChoice: z
    .array(
      z.strictObject({
        workload: z.string(),
        llmChoice: z
          .enum(['first', 'cheapest'])
          .describe('first: only the first listed llm serves; cheapest: the solver picked among the allowed'),
        allowedLlms: z.array(z.string()).describe('the llms the solver was allowed to use (one when pinned)'),
        minQuality: nullableNumber,
        servedShareByLlm: z.record(z.string(), z.number()).describe('share of the served requests per llm that served some'),
        qualityServed: nullableNumber.describe('demand-weighted catalog qualityScore of the served requests (null: nothing served)'),
        classes: z
          .array(
            z.strictObject({
              unit: z.string().describe("the size class's planning unit '<workload>#<class>'"),
              servedShareByLlm: z.record(z.string(), z.number()),
              qualityServed: nullableNumber,
            }),
          )
          .optional()
          .describe('a workload split into size classes: the same figures per class (the workload figures sum them)'),
      }),
    )
    .optional()
    .describe('per workload: how its llms were chosen and which served (absent in plans written before it)'),
  budget: z
    .strictObject({
      mode: z.enum(['hard', 'soft']),
      usd: z.number(),
      costWithStartupsUsd: z.number().describe('totals.costUsd + totals.startupCostUsd: what group 9 bounds'),
      leftUsd: z.number().describe('usd - costWithStartupsUsd (negative: over)'),
      state: z
        .enum(['within', 'binding', 'exceeded'])
        .describe('exceeded: over the budget; binding: a hard budget with demand unmet and less left than one more VM'),
    })
    .optional()
    .describe("where the plan stands against the scenario's policies.budget (present when it has one)"),
  commitments: z
    .strictObject({
      offered: z.number().int().nonnegative().describe('commitment offers the plan could buy: one per sku and region, the cheapest'),
      bought: z.array(
        z.strictObject({
          sku: z.string(),
          region: z.string(),
          term: z.enum(['1y', '3y']),
          count: z.number().int().positive().describe('VMs committed, held in every window (purchase committed)'),
          usdPerHour: z.number().describe('committed price per VM-hour'),
          onDemandUsdPerHour: z.number().describe('the catalog on-demand price of the same VM'),
          hourlyCostUsd: z.number().describe('count x usdPerHour, paid every hour whether used or not'),
          monthlyCostUsd: z.number().describe('hourlyCostUsd x 730'),
          termCostUsd: z.number().describe("hourlyCostUsd x the term's hours (8,760 a year)"),
          utilisation: z
            .number()
            .describe("committed VM-hours the replicas occupy (committed VMs filled first) / count x the horizon's hours"),
          breakEvenUtilisation: z.number().describe('usdPerHour / onDemandUsdPerHour: below it, on demand would be cheaper'),
          committedShare: z.number().describe('committed VM-hours / all VM-hours of this sku in this region'),
          horizonSavingUsd: z
            .number()
            .describe('on the planned horizon: the used committed VM-hours at the on-demand price, less the commitment cost'),
          termSavingUsd: z
            .number()
            .describe("horizonSavingUsd with the planned horizon repeated over the term (month m's fleet x (1 + growthPerMonth)^m)"),
          termUtilisation: z
            .number()
            .optional()
            .describe("with growthPerMonth: the mean over the term's months of the utilisation with the fleet grown to that month"),
          priceSource: z
            .string()
            .optional()
            .describe('where usdPerHour comes from: usdPerHour, discount, or the published level in models/commitment-discounts.csv'),
        }),
      ),
      committedShare: z.number().describe('committed VM-hours / all VM-hours of the plan'),
      horizonSavingUsd: z.number().describe("sum of the bought commitments' horizonSavingUsd"),
      growthPerMonth: z.number().optional().describe("the scenario's commitments.growthPerMonth, when it states one"),
    })
    .optional()
    .describe('the commitments bought and what they save (present when the scenario offers commitments; docs/commitments.md)'),
  totals: z.strictObject({
    costUsd: z.number(),
    startupCostUsd: z.number().describe('VM boots plus model loads: not in costUsd'),
    modelLoadCostUsd: z
      .number()
      .optional()
      .describe(
        "the model-load part of startupCostUsd: replicas started x tp GPUs x load hours x USD per GPU-hour (when the scenario's modelLoad is on)",
      ),
    gpuHours: z.number(),
    servedRequests: z.number(),
    unmetRequests: z.number(),
    reservedSunkCostUsd: z.number().optional().describe('reserved VMs: paid anyway, not in costUsd'),
  }),
  windows: z.array(
    z.strictObject({
      index: z.number().int().nonnegative(),
      start: z.string(),
      hours: z.number().positive(),
      costUsd: z.number(),
      gpuHours: z.number(),
      vms: z.array(vm),
      replicas: z.array(replica),
      routes: z.array(route),
      unmet: z.array(unmet),
    }),
  ),
});

export type PlanDocument = z.infer<typeof PlanDocumentSchema>;

/** The JSON Schema published as schemas/plan.schema.json. */
export function planJsonSchema(): unknown {
  return z.toJSONSchema(PlanDocumentSchema);
}
