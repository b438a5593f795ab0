/**
 * The catalog as the rest of planner sees it: validated, indexed, units in field names.
 * Loaded from models/ by src/catalog/load.ts (zod row schemas in src/catalog/schema.ts).
 */

export type Purchase = 'on-demand' | 'spot';
/**
 * How a VM in a plan is paid for: a catalog purchase, reserved (sunk: the scenario's current reservations),
 * or committed (a 1- or 3-year commitment the plan decides: paid every hour whether used or not).
 */
export type FleetPurchase = Purchase | 'reserved' | 'committed';
export const FLEET_PURCHASES = ['on-demand', 'spot', 'reserved', 'committed'] as const;

export interface Gpu {
  id: string; // e.g. "H100-80GB"
  memoryGib: number;
  /** Dense BF16/FP16 tensor TFLOPS (no sparsity). */
  bf16Tflops: number;
  memoryBandwidthTBps: number;
  /** GPU-to-GPU bandwidth within a VM (NVLink or PCIe), GB/s per direction. */
  interconnectGBps: number;
  /** What carries that bandwidth: the estimator runs all-reduces over PCIe as a host-staged ring. */
  interconnect: Interconnect;
  source: string;
}

export const INTERCONNECTS = ['nvlink', 'pcie'] as const;
export type Interconnect = (typeof INTERCONNECTS)[number];

/**
 * gpus.csv rows without an `interconnect` value: NVLink at this GPU-to-GPU bandwidth (GB/s per direction)
 * or more, PCIe below (PCIe Gen5 x16 is 64 GB/s; the slowest NVLink in the catalog, V100's NVLink 2, 150).
 */
export const NVLINK_MIN_GBPS = 100;

export interface Llm {
  id: string; // e.g. "llama-3.1-70b"
  parametersB: number;
  /** Parameters active per token (MoE); equals parametersB for dense llms. */
  activeParametersB: number;
  layers: number;
  hiddenSize: number;
  attentionHeads: number;
  kvHeads: number;
  headDim: number;
  bytesPerWeight: number;
  maxContextTokens: number;
  /** Higher is better; see models/README.md for the benchmark behind it. */
  qualityScore: number;
  source: string;
}

export interface Sku {
  id: string; // e.g. "ND96amsr_A100_v4", "g6.xlarge", "a2-highgpu-1g"
  gpu: string;
  gpusPerVm: number;
  vcpus: number;
  memoryGib: number;
  cloud: string;
  /** The cloud's quota family ('' = none): family quotas count this sku's vCPUs or GPUs. */
  family: string;
}

export interface Price {
  sku: string;
  region: string;
  purchase: Purchase;
  usdPerHour: number;
}

export interface Region {
  id: string;
  displayName: string;
  /** '' when the catalog does not say. */
  cloud: string;
}

export interface Catalog {
  gpus: ReadonlyMap<string, Gpu>;
  llms: ReadonlyMap<string, Llm>;
  skus: ReadonlyMap<string, Sku>;
  regions: ReadonlyMap<string, Region>;
  prices: readonly Price[];
  /** Round-trip time in ms between two regions (symmetric; 0 to itself). */
  latencyMs(from: string, to: string): number;
  /** Catalog files and dates, for reports and plan provenance. */
  sources: readonly { file: string; date: string; source: string }[];
}
