import type { Gpu } from '../catalog/types.js';

/**
 * The constants of the analytical estimator (src/perf/estimate.ts), with why each has its value.
 *
 * They are fitted, not tuned by hand: `npm run bench -- perf-estimator` (bench/estimator-fit.ts) fits them
 * to every measured table in models/profiles/ (Splitwise llama-2-70b on A100-80GB and H100-80GB at TP
 * 2/4/8, SageServe llama-3.1-8b and llama-3.2-3b on A100-80GB at TP 2/4) and reports, per table, the error
 * of constants fitted without that table's llm and generation; the values here are the fit on all tables,
 * rounded. Only mfu and mbu are per generation: the stack constants (overheads,
 * collectives) are one set, because no llm was measured on both generations by two stacks, so a per-
 * generation overhead could not be told apart from the stack's. Generations without a measured table
 * (Volta, Turing, Ada, unknown) reuse the Ampere pair and Blackwell the Hopper pair; H100 NVL is Hopper
 * (its lower clocks are already in the catalog's peak TFLOPS and its bridge in the interconnect column;
 * no measured table says it reaches a different share of them). Measure such GPUs (planner profile
 * import, or a calibration factor) before trusting their rates.
 */

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
}

/**
 * Constants of the serving stack rather than of the chip: per-layer overheads and collective costs. One set
 * for every generation (see the file comment).
 */
export interface StackConstants {
  /**
   * Fixed time per transformer layer per decode step (kernel launches, norms, rotary, scheduling), ms.
   * Decode at batch 1 spends several ms outside the weight read at every llm size.
   */
  layerOverheadMs: number;
  /**
   * Fixed time per prefill whatever the llm and TP, ms: scheduling the request, sampling and returning its
   * first token. Short prompts take tens of ms to their first token at every llm size, far above their FLOPs
   * and weight read.
   */
  prefillFixedMs: number;
  /**
   * Fixed time per prefill per GPU of the replica, ms: the engine hands each prefill to every tensor-parallel
   * worker and waits for all of them. With the all-reduce hop latency it carries the growth of the
   * short-prompt prefill with TP that every table shows, for 3B and 70B llms alike; for small llms that
   * growth outweighs the halved compute, so TP 4 prefills short prompts slower than TP 2.
   */
  prefillPerGpuMs: number;
  /**
   * Time per layer per running request in a decode step (attention kernels, sampling and per-sequence
   * bookkeeping), ms: the decode step grows with the batch far faster than the KV read explains.
   */
  sequenceOverheadMsPerLayer: number;
  /** Latency of one ring step of an all-reduce between GPUs of one VM, microseconds (NCCL small messages). */
  allReduceHopUs: number;
  /**
   * Share of the catalog's per-direction interconnect bandwidth that a two-GPU all-reduce of prefill
   * activations achieves (the stacks do not overlap communication with compute).
   */
  allReduceBandwidthEfficiency: number;
}

/**
 * The fit on all measured tables. prefillFixedMs and prefillPerGpuMs carry the short-prompt prefill of every
 * table (its FLOPs and weight read are a fraction of it); layerOverheadMs and sequenceOverheadMsPerLayer the
 * decode step at batch 1 and its growth with the batch; allReduceBandwidthEfficiency the growth of prefill
 * per prompt token with TP (a fifth of NVLink's rated bandwidth: the stacks neither overlap nor fuse the
 * collectives). A per-layer prefill overhead, a prefill-only hop latency and a bandwidth derating growing
 * with TP were tried and fitted to zero, so they are not in the model.
 */
export const STACK_CONSTANTS: Readonly<StackConstants> = {
  layerOverheadMs: 0.069,
  prefillFixedMs: 19,
  prefillPerGpuMs: 0.73,
  sequenceOverheadMsPerLayer: 0.005,
  allReduceHopUs: 7.8,
  allReduceBandwidthEfficiency: 0.24,
};

/**
 * Fitted per generation. Hopper reaches a larger share of its peak than Ampere in these tables both in
 * compute and in bandwidth; the MBUs are below the 80% often quoted because the fitted per-layer decode
 * overhead is small (the fit puts more of a decode step into the weight read, which splits with TP).
 */
const AMPERE: GenerationEfficiency = { mfu: 0.66, mbu: 0.64 };
const HOPPER: GenerationEfficiency = { mfu: 0.74, mbu: 0.74 };

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
