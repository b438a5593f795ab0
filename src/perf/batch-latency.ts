import type { Gpu, Llm } from '../catalog/types.js';
import { estimateDecodeStepMs, estimatePrefillMs, type EstimatorConstants } from './estimate.js';

/**
 * The estimated wall time of one batch run to completion, ms: `batch` prompts of `inputTokens` prefilled
 * together, then decoded together until each has `outputTokens` tokens. The prefill yields the first token,
 * so there are outputTokens - 1 decode steps; step k (1-based) attends over inputTokens + k tokens. This is
 * what offline latency benchmarks time (vLLM's benchmark_latency: one generate() call, ignore_eos), so
 * their measurements can be checked against the estimator directly.
 */
export function estimateBatchLatencyMs(
  llm: Llm,
  gpu: Gpu,
  tp: number,
  inputTokens: number,
  outputTokens: number,
  batch: number,
  override?: Partial<EstimatorConstants>,
): number {
  let total = estimatePrefillMs(llm, gpu, tp, inputTokens, batch, override);
  for (let k = 1; k < outputTokens; k++) total += estimateDecodeStepMs(llm, gpu, tp, batch, inputTokens + k, override);
  return total;
}
