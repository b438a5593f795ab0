import type { Gpu, Llm } from '../catalog/types.js';
import { MEMORY_UTILISATION } from './constants.js';

const GIB = 2 ** 30;

/**
 * Memory of one replica (tp GPUs), per GPU. Tensor parallelism splits the weights and the attention heads
 * over the GPUs:
 *
 * - query heads are split evenly, so tp must divide attentionHeads;
 * - KV heads are split too when tp divides kvHeads; when there are fewer KV heads than GPUs (GQA llms at
 *   high TP, e.g. 8 KV heads at TP 16) each GPU keeps a copy of the one KV head its query heads use, as
 *   vLLM does. The KV cache per GPU is then ceil(kvHeads / tp) = 1 head, not kvHeads / tp: replication
 *   costs memory instead of being an error. kvHeads must then divide tp so the groups line up.
 *
 * KV bytes per token (all GPUs) = 2 (K and V) x layers x kvHeads x headDim x bytesPerWeight: the cache is
 * kept at the weights' precision, as DESIGN.md section 4 states.
 */
export interface MemoryFit {
  fits: boolean;
  reason?: string;
  weightsGibPerGpu: number;
  /** MEMORY_UTILISATION x GPU memory: what weights and KV cache may use. */
  usableGibPerGpu: number;
  /** KV cache bytes one token takes on each GPU (after the split or replication of KV heads). */
  kvBytesPerTokenPerGpu: number;
  /** Tokens of KV cache the memory left after the weights holds (0 when the weights do not fit). */
  kvCapacityTokens: number;
}

/** Why tp cannot split this llm's heads, or undefined when it can. */
export function tpSplitProblem(llm: Llm, tp: number): string | undefined {
  if (!Number.isInteger(tp) || tp < 1) return `TP ${tp} is not a positive integer`;
  if (llm.attentionHeads % tp !== 0) return `TP ${tp} does not divide the ${llm.attentionHeads} attention heads`;
  if (llm.kvHeads % tp !== 0 && tp % llm.kvHeads !== 0) return `TP ${tp} neither divides nor is a multiple of the ${llm.kvHeads} KV heads`;
  return undefined;
}

/** KV cache bytes per token over all GPUs: 2 x layers x kvHeads x headDim x bytes. */
export function kvBytesPerToken(llm: Llm): number {
  return 2 * llm.layers * llm.kvHeads * llm.headDim * llm.bytesPerWeight;
}

/** KV heads each GPU stores: kvHeads / tp, or 1 (replicated) when tp exceeds kvHeads. */
export function kvHeadsPerGpu(llm: Llm, tp: number): number {
  return Math.ceil(llm.kvHeads / tp);
}

export function weightBytes(llm: Llm): number {
  return llm.parametersB * 1e9 * llm.bytesPerWeight;
}

/**
 * Whether the llm fits on tp GPUs with room for at least one request of `largestRequestTokens` (input +
 * output) of KV cache, and how many KV tokens fit.
 */
export function memoryFit(llm: Llm, gpu: Gpu, tp: number, largestRequestTokens: number): MemoryFit {
  const usable = gpu.memoryGib * GIB * MEMORY_UTILISATION;
  const weights = weightBytes(llm) / tp;
  const kvPerToken = 2 * llm.layers * kvHeadsPerGpu(llm, tp) * llm.headDim * llm.bytesPerWeight;
  const left = usable - weights;
  const base = {
    weightsGibPerGpu: weights / GIB,
    usableGibPerGpu: usable / GIB,
    kvBytesPerTokenPerGpu: kvPerToken,
    kvCapacityTokens: Math.max(0, Math.floor(left / kvPerToken)),
  };
  const split = tpSplitProblem(llm, tp);
  if (split) return { ...base, fits: false, reason: split };
  if (left <= 0) {
    return {
      ...base,
      fits: false,
      reason: `weights need ${fmt(weights / GIB)} GiB per GPU, more than the ${fmt(usable / GIB)} GiB usable (${Math.round(MEMORY_UTILISATION * 100)}% of ${gpu.memoryGib} GiB)`,
    };
  }
  const needed = kvPerToken * largestRequestTokens;
  if (needed > left) {
    return {
      ...base,
      fits: false,
      reason: `weights leave ${fmt(left / GIB)} GiB per GPU for KV cache, less than the ${fmt(needed / GIB)} GiB of the mix's largest request (${Math.round(largestRequestTokens)} tokens)`,
    };
  }
  return { ...base, fits: true };
}

function fmt(gib: number): string {
  return gib >= 10 ? gib.toFixed(1) : gib.toFixed(2);
}
