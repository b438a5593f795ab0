import { z } from 'zod';

/**
 * The scenario file (YAML or JSON): the single source of truth for its JSON Schema (`planner schema`).
 * Paths inside it are relative to the scenario file; "builtin:" paths point into the installed package.
 */
const id = z.string().min(1);
const positive = z.number().positive();
const nonNegative = z.number().nonnegative();

export const SloSchema = z.strictObject({
  ttftMs: positive.describe('time to first token, ms, at the provisioned load'),
  tpotMs: positive.describe('time per output token after the first (excludes TTFT), ms'),
  maxNetworkRttMs: positive.default(80).describe('longest origin -> serving region round trip allowed, ms'),
});

export const RequestMixSchema = z.union([
  z.strictObject({ file: z.string().describe('request-size histogram CSV (traces/*-request-mix.csv)') }),
  z.strictObject({
    meanInputTokens: positive.describe('mean prompt tokens per request'),
    meanOutputTokens: positive.describe('mean generated tokens per request'),
  }),
]);

export const DemandSchema = z.strictObject({
  profile: z.string().optional().describe('hourly profile CSV (hour_start_utc, requests_per_minute_mean/low/high)'),
  trace: z
    .string()
    .optional()
    .describe(
      'request trace CSV in an Azure LLM inference format: the hourly profile and, without requestMix, the request mix are derived from it (as planner demand --write-profile/--write-mix writes them)',
    ),
  repeat: z
    .enum(['daily', 'weekly'])
    .optional()
    .describe(
      "repeat the profile (or trace) outside its dates: daily matches the UTC time of day (a whole number of days), weekly the day of week and hour (whole weeks); absent, the horizon must lie within the profile's hours",
    ),
  constantRequestsPerSec: nonNegative.optional().describe('flat demand instead of a profile'),
  statistic: z.enum(['mean', 'peak']).default('peak').describe('provision for the hourly mean or the per-minute peak of each hour'),
  scale: positive.default(1).describe('multiplies the profile'),
  shiftHours: z.number().int().default(0).describe('time-zone shift of the profile, hours (positive = later)'),
  origins: z.record(id, z.number().min(0).max(1)).describe('share of demand per origin region; shares sum to 1'),
});

export const WorkloadSchema = z.strictObject({
  id: id.describe('workload name, unique in the scenario (e.g. chat)'),
  llms: z
    .array(id)
    .min(1)
    .optional()
    .describe('llms that may serve this workload, the pinned one first (default with minQuality: every llm in the catalog)'),
  llmChoice: z
    .enum(['first', 'cheapest'])
    .optional()
    .describe(
      'which listed llms serve it: first (the default) = only the first listed llm; cheapest = the solver picks among the listed llms (minQuality implies cheapest)',
    ),
  minQuality: positive
    .optional()
    .describe(
      'least demand-weighted quality score (llms catalog, MMLU) of the llms serving this workload, per window; the solver picks the llm mix',
    ),
  deadlineHours: positive
    .optional()
    .describe('deferrable (batch): each request may be served up to this many hours after it arrives; absent = interactive'),
  kvResidencySeconds: positive
    .optional()
    .describe(
      "with policies.kvMemory: load, how long one request's KV cache stays in memory, s (default: the SLO's TTFT + (output tokens - 1) x TPOT)",
    ),
  slo: SloSchema.describe('latency targets per request'),
  requestMix: RequestMixSchema.optional().describe(
    'request sizes: mean token counts, or a histogram CSV; may be left out when demand.trace gives them',
  ),
  demand: DemandSchema.describe('requests over time (an hourly profile, a request trace or a constant rate), split over origin regions'),
  unmetPenaltyUsdPerRequest: positive.default(1).describe('objective penalty per request not served'),
  sizeClasses: z
    .union([z.number().int().min(1).max(8), z.literal('auto')])
    .default(1)
    .describe(
      "split the request mix into this many size classes (1-8), each planned as a unit '<id>#<c>' with its own rates, so short and long requests can go to different GPUs; auto picks the count (docs/size-classes.md); 1 = one rate for the whole mix",
    ),
});

export const QuotaSchema = z
  .strictObject({
    gpu: id.optional().describe('catalog gpu id (planner catalog gpus), e.g. H100-80GB; or give family'),
    family: id
      .optional()
      .describe(
        "the cloud's quota family (planner catalog skus), e.g. G-and-VT (AWS), NCADSA100v4 (Azure), NVIDIA_L4_GPUS (GCP); or give gpu",
      ),
    region: id.describe('catalog region id (planner catalog regions)'),
    gpus: z.number().int().nonnegative().optional().describe('most GPUs of this gpu, or of this family, in the region, per window'),
    vcpus: z.number().int().nonnegative().optional().describe("most vCPUs of this family's VMs in the region, per window (AWS, Azure)"),
    fromWindow: z.number().int().nonnegative().optional().describe('first window index the quota applies to (default: 0)'),
    toWindow: z.number().int().nonnegative().optional().describe('last window index the quota applies to (default: the last)'),
  })
  .refine((quota) => quota.fromWindow === undefined || quota.toWindow === undefined || quota.fromWindow <= quota.toWindow, {
    path: ['fromWindow'],
    message: 'fromWindow is after toWindow, so the quota would apply to no window (swap them)',
  });

export const FleetEntrySchema = z.strictObject({
  region: id.describe('catalog region id'),
  sku: id.describe('catalog sku id (planner catalog skus)'),
  purchase: z.enum(['on-demand', 'spot']).default('on-demand').describe('how these VMs are paid for'),
  count: z.number().int().nonnegative().describe('VMs running before the first window'),
});

export const ReservedEntrySchema = z.strictObject({
  region: id.describe('catalog region id, one of the scenario regions'),
  sku: id.describe('catalog sku id, one of the scenario skus'),
  count: z.number().int().positive().describe('reserved VMs'),
  sunkUsdPerHour: nonNegative.default(0).describe('what the reservation costs per VM-hour anyway: reported, never optimised'),
});

// At most one of discount and usdPerHour (neither: the published level), checked with the catalog (src/scenario/commitments.ts).
export const CommitmentOfferSchema = z.strictObject({
  sku: id.optional().describe('catalog sku id, one of the scenario skus; absent: every scenario sku'),
  region: id.optional().describe('catalog region id, one of the scenario regions; absent: every scenario region'),
  term: z.enum(['1y', '3y']).describe('commitment term: 1 or 3 years, paid every hour whether used or not'),
  discount: z
    .number()
    .min(0)
    .lt(1)
    .optional()
    .describe(
      "fraction off the catalog on-demand price, e.g. 0.35; with neither discount nor usdPerHour, the published level of the sku's cloud and term in models/commitment-discounts.csv",
    ),
  usdPerHour: positive.optional().describe('committed price per VM-hour (instead of discount), as a contract states it'),
});

export const SpotPolicySchema = z.strictObject({
  maxShare: z.number().min(0).max(1).optional().describe('most spot GPUs as a fraction of all GPUs, per region and window'),
  evictionProbability: z
    .number()
    .min(0)
    .lt(1)
    .default(0)
    .describe('chance a spot VM is evicted within a window: a replica on spot counts (1 - p) replicas of capacity'),
  onDemandCoversInteractive: positive
    .optional()
    .describe('on-demand (and reserved) replicas alone must serve interactive demand x this factor, e.g. 1 = all of it'),
});

export const LocalityPolicySchema = z.strictObject({
  minInRegionShare: z
    .number()
    .min(0)
    .max(1)
    .optional()
    .describe("least fraction of each origin's served interactive demand served in the origin's own region"),
  minReplicasPerLlm: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('least replicas of an llm in a region and window where it runs at all'),
  nPlusOne: z
    .boolean()
    .default(false)
    .describe('losing any one region still leaves capacity to serve all interactive demand within its latency bound'),
});

/** The model-load defaults (docs/policies.md says where they come from). */
export const MODEL_LOAD_DEFAULTS = { gbPerSec: 1, engineStartMinutes: 1, measured: [] };

const ModelLoadSchema = z.union([
  z.literal(false),
  z.strictObject({
    gbPerSec: positive
      .default(MODEL_LOAD_DEFAULTS.gbPerSec)
      .describe("GB/s each GPU reads its share of the weights at (a TP replica's shards load in parallel)"),
    engineStartMinutes: nonNegative
      .default(MODEL_LOAD_DEFAULTS.engineStartMinutes)
      .describe('fixed part of a replica start: the serving engine starting (CUDA graphs, KV cache allocation), minutes'),
    measured: z
      .array(
        z.strictObject({
          llm: id.describe('catalog llm'),
          gpu: id.optional().describe('catalog gpu (default: every gpu)'),
          minutes: nonNegative.describe('measured time from replica start to serving, minutes'),
        }),
      )
      .default([])
      .describe('measured load times per llm (and gpu), replacing the estimate; a gpu-specific row wins over an llm-wide one'),
  }),
]);

export const ScenarioSchema = z.strictObject({
  $schema: z.string().optional().describe('path or URL of this JSON Schema, for editors'),
  name: id.describe('scenario name, shown in reports and plan.json'),
  description: z.string().optional().describe('free text'),
  catalog: z
    .string()
    .default('builtin:models')
    .describe('catalog folder (skus, prices, gpus, llms, regions, latency; measured profiles in its profiles/ folder)'),
  profiles: z
    .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
    .optional()
    .describe(
      'measured profiles: CSV files or folders of them (timing tables, rate curves from planner profile import, rate tables); per config they replace the built-in and catalog ones',
    ),
  calibration: z
    .string()
    .optional()
    .describe(
      'calibration CSV (llm,gpu,tp,factor[,observations,source]; what planner calibrate writes): each listed config plans with its replica rate x factor',
    ),
  horizon: z
    .strictObject({
      start: z.iso.datetime({ offset: false }).describe('first window start, UTC (e.g. 2024-05-10T00:00:00Z)'),
      windows: z
        .number()
        .int()
        .positive()
        .max(24 * 7 * 6)
        .describe('number of planning windows (at most 6 weeks of hours)'),
      windowHours: positive
        .max(24 * 31)
        .default(1)
        .describe('length of each window, hours (at most 744, a month)'),
      skipWindows: z
        .number()
        .int()
        .nonnegative()
        .max(24 * 7 * 6)
        .default(0)
        .describe('plan only from this window on (what --windows FROM..TO sets); window indices stay relative to start'),
    })
    .describe('the planned period: its start and hourly windows'),
  regions: z.array(id).min(1).describe('catalog regions VMs may run in (planner catalog regions), e.g. [eastus, westus2]'),
  skus: z.array(id).optional().describe('skus to consider (default: every sku priced in a listed region)'),
  tp: z
    .array(z.union([z.literal(1), z.literal(2), z.literal(4), z.literal(8)]))
    .default([1, 2, 4, 8])
    .describe('tensor-parallel degrees to consider (GPUs per replica): 1, 2, 4, 8'),
  purchases: z
    .array(z.enum(['on-demand', 'spot']))
    .min(1)
    .default(['on-demand'])
    .describe('how VMs may be paid for: on-demand, spot'),
  workloads: z.array(WorkloadSchema).min(1).describe('the traffic to serve: one entry per workload, with its llms, SLO, sizes and demand'),
  commitments: z
    .strictObject({
      offers: z
        .array(CommitmentOfferSchema)
        .min(1)
        .describe('what may be bought: per sku (or every sku) and region (or every region), a term and its price'),
      growthPerMonth: z
        .number()
        .gt(-1)
        .max(1)
        .optional()
        .describe(
          'demand growth per month over the term, a fraction (0.03 = 3%): month m repeats the planned horizon with demand x (1 + g)^m; absent: the horizon repeats unchanged',
        ),
    })
    .optional()
    .describe(
      'commitments the plan may buy (1- or 3-year reservations, savings plans, committed-use discounts): counts decided by the MILP, constant over the horizon (docs/commitments.md)',
    ),
  policies: z
    .strictObject({
      headroom: z.number().min(0).max(0.9).default(0.1).describe('fraction of each replica kept free for bursts and queueing'),
      provisionFor: z
        .enum(['peak', 'mean', 'p95-minute'])
        .optional()
        .describe(
          "the per-minute statistic of each window every workload's plan provisions for: its busiest minute, its mean, or the 95th-percentile minute of the within-hour shape (traces/within-hour-shape.csv) scaled to the window's low, mean and high; absent, each workload's demand.statistic",
        ),
      startupMinutes: nonNegative
        .default(10)
        .describe('VM boot time, charged per VM started (the llm load is modelLoad, charged per replica started)'),
      modelLoad: ModelLoadSchema.default(MODEL_LOAD_DEFAULTS).describe(
        'model load per replica started: its tp GPUs are paid while it loads the llm (weights per GPU / gbPerSec + engineStartMinutes, or a measured figure); false: a VM changes llm for free',
      ),
      quotas: z.array(QuotaSchema).default([]).describe('limits per region: GPUs of a gpu, or GPUs or vCPUs of a quota family'),
      budget: z
        .strictObject({
          usd: positive.describe('total cost allowed over the horizon, USD'),
          mode: z.enum(['hard', 'soft']).default('hard').describe('hard: the plan stays within it; soft: only reports a violation'),
        })
        .optional()
        .describe('spending limit over the horizon (constraint group 9)'),
      currentFleet: z.array(FleetEntrySchema).default([]).describe('VMs already running before the first window'),
      maxScaleOutPerWindow: z.number().int().positive().optional().describe('most VMs added per window per (sku, region, purchase)'),
      maxScaleInPerWindow: z.number().int().nonnegative().optional().describe('most VMs removed per window per (sku, region, purchase)'),
      reserved: z.array(ReservedEntrySchema).default([]).describe('reserved VMs: run in every window, sunk cost (not in the objective)'),
      spot: SpotPolicySchema.optional().describe("spot share and eviction (constraint group 5); needs 'spot' in purchases"),
      locality: LocalityPolicySchema.optional().describe('in-region serving, replicas per llm and N+1 (constraint group 6)'),
      kvMemory: z
        .enum(['batch', 'load'])
        .optional()
        .describe(
          "batch (default): memory is checked per config at its batch; load: the KV cache a config's replicas hold grows with the load routed to them, summed over workloads (constraint group 2)",
        ),
      routing: z
        .enum(['split', 'single-path'])
        .optional()
        .describe(
          'split (default): a workload may be spread over configs; single-path: each workload goes whole to one config (llm, sku, tp) per region and window (constraint group 1)',
        ),
      interference: z
        .enum(['off', 'separate'])
        .optional()
        .describe(
          "off (default): workloads share a config's replicas freely; separate: workloads (or size classes) whose mix on one replica would break one's SLO by simulate's queueing estimate get replicas of their own (constraint group 10)",
        ),
    })
    .default({ headroom: 0.1, startupMinutes: 10, modelLoad: MODEL_LOAD_DEFAULTS, quotas: [], currentFleet: [], reserved: [] })
    .describe('headroom, start-ups, quotas, budget, fleet, reservations, spot and locality (docs/policies.md)'),
  solver: z
    .strictObject({
      name: z
        .string()
        .default('auto')
        .describe(
          'solver backend: highs, glpk, gh, agh, or auto (per program, the backend measured fastest: glpk.js for small programs, HiGHS for large)',
        ),
      strategy: z
        .enum(['auto', 'joint', 'per-window', 'rolling', 'lp-rolling'])
        .default('auto')
        .describe('how the horizon is decomposed (auto: chosen by size; docs/solving.md)'),
      timeLimitSec: positive
        .default(600)
        .describe(
          'wall-clock safety net for a planning call: solves stop by deterministic work limits; when this fires the plan is marked time_limited',
        ),
      gap: z.number().min(0).max(1).default(0.005).describe('relative MIP gap to stop at, e.g. 0.005 = 0.5%'),
    })
    .default({ name: 'auto', strategy: 'auto', timeLimitSec: 600, gap: 0.005 })
    .describe('solver backend, strategy and limits'),
});

export type Scenario = z.infer<typeof ScenarioSchema>;
export type WorkloadConfig = z.infer<typeof WorkloadSchema>;

export function scenarioJsonSchema(): unknown {
  // draft-07: the draft yaml-language-server (the usual editor integration) reads.
  return z.toJSONSchema(ScenarioSchema, { io: 'input', target: 'draft-7' });
}
