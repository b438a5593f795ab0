import { z } from 'zod';
import { numberCell } from '../csv-records.js';
import { INTERCONNECTS, type Interconnect } from './types.js';

/**
 * Row schemas of the catalog CSV files in models/ (units in the column names). Every cell arrives as a
 * string; numbers are parsed here so that an empty cell is "missing", never 0. Each column carries a
 * one-line description that doubles as the fix hint in load errors.
 */

const positive = () => numberCell(z.number().positive('must be > 0'));
const positiveInt = () => numberCell(z.number().int('must be a whole number').positive('must be > 0'));
const text = () => z.string().trim().min(1, 'missing value');
const id = () =>
  text().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'an id is letters, digits, ".", "_" and "-" (no spaces), starting with a letter or digit');

/** GPU counts a VM can have: tensor parallelism splits a replica evenly over 1, 2, 4 or 8 GPUs. */
export const GPUS_PER_VM = [1, 2, 4, 8] as const;

export const GpuRow = z.object({
  id: id(),
  memory_gib: positive(),
  bf16_dense_tflops: positive(),
  memory_bandwidth_tbps: positive(),
  interconnect_gbps: positive(),
  /** Optional column: empty or absent = by bandwidth (load.ts, NVLINK_MIN_GBPS). */
  interconnect: z
    .string()
    .trim()
    .refine((v) => v === '' || (INTERCONNECTS as readonly string[]).includes(v), {
      message: `must be ${INTERCONNECTS.join(' or ')} (or empty)`,
    })
    .default('')
    .transform((v) => (v === '' ? undefined : (v as Interconnect))),
  source: text(),
});

export const LlmRow = z.object({
  id: id(),
  parameters_b: positive(),
  active_parameters_b: positive(),
  layers: positiveInt(),
  hidden_size: positiveInt(),
  attention_heads: positiveInt(),
  kv_heads: positiveInt(),
  head_dim: positiveInt(),
  bytes_per_weight: numberCell(z.number().positive('must be > 0').max(4, 'must be at most 4 (FP32)')),
  max_context_tokens: positiveInt(),
  quality_score: numberCell(z.number().min(0, 'must be within 0..100').max(100, 'must be within 0..100')),
  quality_source: text(),
  source: text(),
});

export const SkuRow = z.object({
  id: id(),
  gpu: id(),
  /** 1, 2, 4 or 8: checked in load.ts with the known real counts, so the row's other references are still checked. */
  gpus_per_vm: positiveInt(),
  vcpus: positiveInt(),
  memory_gib: positive(),
  cloud: id(),
  /** Optional column: the cloud's quota family (AWS "G-and-VT", Azure "NCADSA100v4", GCP "NVIDIA_L4_GPUS"); empty = none. */
  family: z
    .string()
    .trim()
    .regex(/^([A-Za-z0-9][A-Za-z0-9._-]*)?$/, 'a family is letters, digits, ".", "_" and "-" (no spaces)')
    .default(''),
});

export const PriceRow = z.object({
  sku: id(),
  region: id(),
  purchase: z
    .string()
    .trim()
    .pipe(z.enum(['on-demand', 'spot'], { message: "must be 'on-demand' or 'spot'" })),
  usd_per_hour: positive(),
});

export const RegionRow = z.object({
  id: z
    .string()
    .trim()
    .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'a region id is lower-case letters, digits and inner "-", e.g. eastus2 or us-east-1'),
  display_name: text(),
  /** Optional column: the cloud the region belongs to; every sku priced there must be of that cloud. */
  cloud: z
    .string()
    .trim()
    .regex(/^([A-Za-z0-9][A-Za-z0-9._-]*)?$/, 'a cloud is letters, digits, ".", "_" and "-"')
    .default(''),
});

export const LatencyRow = z.object({
  from: id(),
  to: id(),
  rtt_ms: numberCell(z.number().min(0, 'must be >= 0')),
  /** Optional column: measured (and by whom) or estimated (and how), per row. */
  source: z.string().trim().default(''),
});

export const SourceRow = z.object({
  file: text(),
  date: z
    .string()
    .trim()
    .regex(/^(\d{4}-\d{2}-\d{2}|unknown)$/, "a date is YYYY-MM-DD (or 'unknown')"),
  source: text(),
});

export type GpuRow = z.output<typeof GpuRow>;
export type LlmRow = z.output<typeof LlmRow>;
export type SkuRow = z.output<typeof SkuRow>;
export type PriceRow = z.output<typeof PriceRow>;
export type RegionRow = z.output<typeof RegionRow>;
export type LatencyRow = z.output<typeof LatencyRow>;
export type SourceRow = z.output<typeof SourceRow>;

/** The catalog files: name in the catalog folder, row schema and what each column holds (with its unit). */
export const CATALOG_FILES = {
  gpus: {
    name: 'gpus.csv',
    schema: GpuRow,
    columns: {
      id: 'GPU id with its memory, e.g. H100-80GB',
      memory_gib: 'GPU memory in GiB',
      bf16_dense_tflops: 'dense BF16 (FP16 where the GPU has no BF16) tensor TFLOPS, without sparsity',
      memory_bandwidth_tbps: 'memory bandwidth in TB/s',
      interconnect_gbps: 'GPU-to-GPU bandwidth inside a VM (NVLink or PCIe) in GB/s per direction',
      interconnect: 'nvlink or pcie: the link between GPUs of one VM (optional column; empty = nvlink at 100 GB/s or more, else pcie)',
      source: 'datasheet title and year',
    },
    optional: ['interconnect'],
  },
  llms: {
    name: 'llms.csv',
    schema: LlmRow,
    columns: {
      id: 'llm id, e.g. llama-3.1-70b',
      parameters_b: 'total parameters in billions',
      active_parameters_b: 'parameters active per token in billions (MoE); equal to parameters_b for dense llms',
      layers: 'transformer layers (num_hidden_layers)',
      hidden_size: 'hidden size (hidden_size)',
      attention_heads: 'query heads (num_attention_heads)',
      kv_heads: 'key/value heads (num_key_value_heads)',
      head_dim: 'dimension per head',
      bytes_per_weight: 'bytes per weight: 2 for BF16/FP16, 1 for FP8/INT8, 0.5 for INT4',
      max_context_tokens: 'maximum context length in tokens',
      quality_score: 'MMLU 5-shot accuracy in percent (0..100)',
      quality_source: 'where the quality score is published',
      source: 'where the architecture numbers are published (config.json)',
    },
  },
  skus: {
    name: 'skus.csv',
    schema: SkuRow,
    columns: {
      id: 'VM type as the cloud names it (Azure without the Standard_ prefix), e.g. ND96amsr_A100_v4, g6.xlarge, a2-highgpu-1g',
      gpu: 'GPU id from gpus.csv',
      gpus_per_vm: `GPUs in one VM: ${GPUS_PER_VM.join(', ')}`,
      vcpus: 'vCPUs per VM',
      memory_gib: 'host memory per VM in GiB',
      cloud: 'cloud: aws, azure or gcp',
      family: "the cloud's quota family (optional column): AWS G-and-VT or P, Azure e.g. NCADSA100v4, GCP e.g. NVIDIA_L4_GPUS",
    },
    optional: ['family'],
  },
  prices: {
    name: 'prices.csv',
    schema: PriceRow,
    columns: {
      sku: 'SKU id from skus.csv',
      region: 'region id from regions.csv',
      purchase: "'on-demand' or 'spot'",
      usd_per_hour: 'USD per VM-hour (Linux), > 0',
    },
  },
  regions: {
    name: 'regions.csv',
    schema: RegionRow,
    columns: {
      id: 'region id, e.g. eastus2',
      display_name: 'display name, e.g. East US 2',
      cloud: 'cloud of the region (optional column): aws, azure or gcp',
    },
    optional: ['cloud'],
  },
  latency: {
    name: 'latency.csv',
    schema: LatencyRow,
    columns: {
      from: 'region id from regions.csv',
      to: 'region id from regions.csv',
      rtt_ms: 'round-trip time in milliseconds (one row per pair; the reverse direction is filled in)',
      source: 'where the figure comes from: measured (by whom) or estimated (how) (optional column)',
    },
    optional: ['source'],
  },
} as const;

export type CatalogFileKind = keyof typeof CATALOG_FILES;
export const CATALOG_FILE_KINDS = Object.keys(CATALOG_FILES) as CatalogFileKind[];

/** Optional seventh file: where each catalog file comes from and as of when. */
export const SOURCES_FILE = {
  name: 'sources.csv',
  schema: SourceRow,
  columns: {
    file: 'catalog file name, e.g. prices.csv',
    date: 'date of the data (YYYY-MM-DD)',
    source: 'where the data comes from and how it was derived',
  },
} as const;

/**
 * Real GPU counts of the Azure N-series VM sizes (Azure VM size documentation) and the AWS GPU instance types. Public price catalogs get some
 * of these wrong (SkyPilot lists ND96isr_H100_v5 with 12 GPUs; it has 8), so a SKU with one of these ids must
 * match. Keys are without the Standard_ prefix.
 */
export const KNOWN_GPUS_PER_VM: Readonly<Record<string, number>> = {
  NC40ads_H100_v5: 1,
  NC80adis_H100_v5: 2,
  ND96isr_H100_v5: 8,
  NC24ads_A100_v4: 1,
  NC48ads_A100_v4: 2,
  NC96ads_A100_v4: 4,
  ND96amsr_A100_v4: 8,
  ND96asr_v4: 8,
  NV36ads_A10_v5: 1,
  NV36adms_A10_v5: 1,
  NV72ads_A10_v5: 2,
  NC4as_T4_v3: 1,
  NC8as_T4_v3: 1,
  NC16as_T4_v3: 1,
  NC64as_T4_v3: 4,
  NC6s_v3: 1,
  NC12s_v3: 2,
  NC24s_v3: 4,
  NC24rs_v3: 4,
  ND40rs_v2: 8,
  // AWS (EC2 instance type documentation)
  'g4dn.xlarge': 1,
  'g4dn.12xlarge': 4,
  'g5.xlarge': 1,
  'g5.12xlarge': 4,
  'g5.48xlarge': 8,
  'g6.xlarge': 1,
  'g6.12xlarge': 4,
  'g6.48xlarge': 8,
  'g6e.xlarge': 1,
  'g6e.12xlarge': 4,
  'g6e.48xlarge': 8,
  'p4d.24xlarge': 8,
  'p4de.24xlarge': 8,
  'p5.48xlarge': 8,
};
