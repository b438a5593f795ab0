import type { Gpu } from '../catalog/types.js';

/**
 * The constants of the analytical estimator (src/perf/estimate.ts), with why each has its value.
 *
 * The efficiencies are per GPU generation, not per GPU, llm or TP degree: they were tuned once against the
 * only public measurements we have (the Splitwise llama2-70b table, A100-80GB and H100-80GB, TP 2/4/8; see
 * bench/perf-estimator.bench.ts for the error they leave) and are a single set per generation. Generations
 * without measurements (Volta, Turing, Ada, Blackwell, unknown) reuse the Ampere set, which is the more
 * pessimistic of the two measured ones; measure them (planner profile + a calibration factor) before
 * trusting those rates.
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
  /**
   * Model FLOPs utilisation of the prefill matmuls: achieved / peak dense BF16 TFLOPS. Large-token GEMMs
   * reach 50-70% of peak on A100; H100 reaches a smaller share of its much higher peak (the same kernels
   * are partly memory- and launch-bound at 989 TFLOPS).
   */
  mfu: number;
  /** Memory bandwidth utilisation of a decode step (weights and KV read once per step): 60-85% is typical. */
  mbu: number;
  /**
   * Fixed time per transformer layer per forward pass (kernel launches, norms, rotary, scheduling), ms.
   * Decode at batch 1 of a 70B llm spends 10+ ms outside the weight read on both generations.
   */
  layerOverheadMs: number;
  /**
   * Time per layer per running request in a decode step (attention kernels, sampling and per-sequence
   * bookkeeping), ms. The Splitwise decode step grows ~0.3-0.5 ms per request for 80 layers at every TP
   * degree, which is neither weight bandwidth nor FLOPs (both far smaller at those batches).
   */
  sequenceOverheadMsPerLayer: number;
  /** Latency of one step of a ring all-reduce between GPUs of one VM, microseconds (NCCL small messages). */
  allReduceHopUs: number;
}

/**
 * Share of the catalog's per-direction interconnect bandwidth that the tensor-parallel all-reduces of a
 * prefill achieve. The Splitwise prefill scales badly from TP 2 to TP 8 on both generations; read as
 * communication, it moves activations at ~15% of NVLink's rated bandwidth (the stack does not overlap
 * communication with compute). One value for both generations.
 */
export const ALL_REDUCE_BANDWIDTH_EFFICIENCY = 0.15;

export const GENERATION_EFFICIENCY: Readonly<Record<GpuGeneration, GenerationEfficiency>> = {
  hopper: { mfu: 0.6, mbu: 0.8, layerOverheadMs: 0.11, sequenceOverheadMsPerLayer: 0.004, allReduceHopUs: 6 },
  ampere: { mfu: 0.65, mbu: 0.8, layerOverheadMs: 0.11, sequenceOverheadMsPerLayer: 0.005, allReduceHopUs: 11 },
  // Unmeasured generations: the Ampere set (see the file comment).
  ada: { mfu: 0.65, mbu: 0.8, layerOverheadMs: 0.11, sequenceOverheadMsPerLayer: 0.005, allReduceHopUs: 11 },
  turing: { mfu: 0.65, mbu: 0.8, layerOverheadMs: 0.11, sequenceOverheadMsPerLayer: 0.005, allReduceHopUs: 11 },
  volta: { mfu: 0.65, mbu: 0.8, layerOverheadMs: 0.11, sequenceOverheadMsPerLayer: 0.005, allReduceHopUs: 11 },
  blackwell: { mfu: 0.6, mbu: 0.8, layerOverheadMs: 0.11, sequenceOverheadMsPerLayer: 0.004, allReduceHopUs: 6 },
  unknown: { mfu: 0.65, mbu: 0.8, layerOverheadMs: 0.11, sequenceOverheadMsPerLayer: 0.005, allReduceHopUs: 11 },
};

/** The GPU generation from the catalog id (H100-80GB -> hopper, A10-24GB -> ampere, ...). */
export function gpuGeneration(gpu: Pick<Gpu, 'id'>): GpuGeneration {
  const id = gpu.id.toUpperCase();
  if (/^(GB|B)\d{3}/.test(id)) return 'blackwell';
  if (/^(GH|H)\d{3}/.test(id)) return 'hopper';
  if (/^(A\d{2,3}|RTX-?A\d)/.test(id)) return 'ampere';
  if (/^(L4|L40|RTX-?40)/.test(id)) return 'ada';
  if (/^T4/.test(id)) return 'turing';
  if (/^V100/.test(id)) return 'volta';
  return 'unknown';
}
