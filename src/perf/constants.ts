import type { Gpu } from '../catalog/types.js';

/**
 * The constants of the analytical estimator (src/perf/estimate.ts), with why each has its value.
 *
 * They are fitted, not tuned by hand: `npm run bench -- perf-estimator` (bench/estimator-fit.ts) fits them
 * to every measured table in models/profiles/ (Splitwise llama-2-70b on A100-80GB and H100-80GB at TP
 * 2/4/8, SageServe llama-3.1-8b and llama-3.2-3b on A100-80GB-PCIe at TP 2/4) and reports, per table, the
 * error of constants fitted without that table (leave one table out); the values here are the fit on all
 * tables, rounded. Per generation: mfu, mbu, the per-layer decode overhead and the NVLink hop latency
 * (the chip's speed at small kernels); the rest is one set for the serving stack. Generations without a
 * measured table (Volta, Turing, Ada, unknown) reuse the Ampere set and Blackwell the Hopper set; H100 NVL
 * is Hopper (its lower clocks are already in the catalog's peak TFLOPS and its bridge in the interconnect
 * columns; no measured table says it reaches a different share of them). Measure such GPUs (planner
 * profile import, or a calibration factor) before trusting their rates. */

/**
 * Share of GPU memory the engine may use for weights and KV cache. The other 10% is the activation and
 * runtime reserve (CUDA context, NCCL buffers, activations of the largest forward pass, allocator
 * fragmentation); vLLM's default gpu_memory_utilization is the same 0.9.
 */
export const MEMORY_UTILISATION = 0.9;

/** Most requests one replica decodes together: vLLM's default max_num_seqs. */
export const MAX_BATCH = 256;

export type GpuGeneration = 'hopper' | 'ampere' | 'ada' | 'turing' | 'volta' | 'blackwell' | 'unknown';

export interface GenerationEfficiency {
  /** Model FLOPs utilisation of the prefill matmuls: achieved / peak dense BF16 TFLOPS. */
  mfu: number;
  /** Memory bandwidth utilisation of a decode step (weights and KV read once per step). */
  mbu: number;
  /**
   * Fixed time per transformer layer per decode step (kernel launches, norms, rotary, scheduling), ms.
   * Decode at batch 1 spends several ms outside the weight read at every llm size; faster chips launch
   * and finish the small kernels sooner, so it is per generation.
   */
  layerOverheadMs: number;
  /** Latency of one ring step of an NVLink all-reduce, microseconds (NCCL small messages). */
  allReduceHopUs: number;
}

/**
 * Constants of the serving stack rather than of the chip: per-request overheads and collective
 * bandwidths. One set for every generation (see the file comment).
 */
export interface StackConstants {
  /**
   * Fixed time per prefill whatever the llm and TP, ms: scheduling the request, sampling and returning its
   * first token. Short prompts take tens of ms to their first token at every llm size, far above their FLOPs
   * and weight read.
   */
  prefillFixedMs: number;
  /**
   * Fixed time per prefill per GPU of the replica, ms: the engine hands each prefill to every tensor-parallel
   * worker and waits for all of them.
   */
  prefillPerGpuMs: number;
  /**
   * Time per layer per running request in a decode step (attention kernels, sampling and per-sequence
   * bookkeeping), ms: the decode step grows with the batch far faster than the KV read explains.
   */
  sequenceOverheadMsPerLayer: number;
  /**
   * Share of the catalog's per-direction NVLink bandwidth that an all-reduce of prefill activations
   * achieves (the stacks do not overlap communication with compute).
   */
  allReduceBandwidthEfficiency: number;
  /** Share of the catalog's PCIe bandwidth a two-GPU all-reduce achieves (staged through host memory). */
  pcieBandwidthEfficiency: number;
  /**
   * How a PCIe ring slows as it grows: a ring of tp GPUs moves its bytes (tp / 2)^this slower than two
   * GPUs do, because its links share the host's root ports. SageServe's PCIe A100s prefill slower at TP 4
   * than at TP 2; a plain ring (exponent 0) cannot produce that.
   */
  pcieRingExponent: number;
  /** Latency of one ring step of a PCIe all-reduce, microseconds. */
  pcieHopUs: number;
}

/**
 * The fit on all measured tables (bench/estimator-fit.ts), rounded. prefillFixedMs and prefillPerGpuMs carry
 * the short-prompt prefill of every table (its FLOPs and weight read are a fraction of it); layerOverheadMs
 * and sequenceOverheadMsPerLayer the decode step at batch 1 and its growth with the batch; the bandwidth
 * shares and the PCIe ring exponent the growth of prefill per prompt token with TP.
 */
export const STACK_CONSTANTS: Readonly<StackConstants> = {
  prefillFixedMs: 12.7,
  prefillPerGpuMs: 0.3,
  sequenceOverheadMsPerLayer: 0.0049,
  allReduceBandwidthEfficiency: 0.36,
  pcieBandwidthEfficiency: 0.97,
  pcieRingExponent: 1.19,
  pcieHopUs: 7.8,
};

/**
 * Fitted per generation. With its own per-layer decode overhead (a quarter of Ampere's: faster kernel
 * launches and CUDA graphs on the newer stack) Hopper's fitted MFU and MBU come out below Ampere's: the
 * fit puts more of the H100 decode step into the weight read. pcieBandwidthEfficiency near 1 with a ring
 * exponent of 1.19 means two PCIe cards exchange at about the link's rate and four at well under half of it.
 */
const AMPERE: GenerationEfficiency = { mfu: 0.74, mbu: 0.69, layerOverheadMs: 0.066, allReduceHopUs: 11 };
const HOPPER: GenerationEfficiency = { mfu: 0.59, mbu: 0.6, layerOverheadMs: 0.016, allReduceHopUs: 7.4 };

export const GENERATION_EFFICIENCY: Readonly<Record<GpuGeneration, GenerationEfficiency>> = {
  hopper: HOPPER,
  ampere: AMPERE,
  // Unmeasured generations: the Ampere set (see the file comment); Blackwell the Hopper set.
  ada: AMPERE,
  turing: AMPERE,
  volta: AMPERE,
  blackwell: HOPPER,
  unknown: AMPERE,
};

/** The GPU generation from the catalog id (H100-80GB -> hopper, A10-24GB -> ampere, ...). */
export function gpuGeneration(gpu: Pick<Gpu, 'id'>): GpuGeneration {
  let generation = generations.get(gpu.id);
  if (!generation) generations.set(gpu.id, (generation = generationOf(gpu.id.toUpperCase())));
  return generation;
}

/** gpuGeneration by id: the estimator asks once per timing, the id regexes need not run each time. */
const generations = new Map<string, GpuGeneration>();

function generationOf(id: string): GpuGeneration {
  if (/^(GB|B)\d{3}/.test(id)) return 'blackwell';
  if (/^(GH|H)\d{3}/.test(id)) return 'hopper';
  if (/^(A\d{2,3}|RTX-?A\d)/.test(id)) return 'ampere';
  if (/^(L4|L40|RTX-?40)/.test(id)) return 'ada';
  if (/^T4/.test(id)) return 'turing';
  if (/^V100/.test(id)) return 'volta';
  return 'unknown';
}
