import type { Gpu, Llm } from '../catalog/types.js';
import {
  GENERATION_EFFICIENCY,
  STACK_CONSTANTS,
  gpuGeneration,
  type GenerationEfficiency,
  type GpuGeneration,
  type StackConstants,
} from './constants.js';
import { kvHeadsPerGpu, weightBytes } from './memory.js';

/**
 * The analytical (roofline) estimator of one replica's timings: pure arithmetic on the catalog's Llm and Gpu
 * rows, no measurements and no I/O. A measured profile (src/perf/profiles.ts) replaces it where one exists.
 *
 * Prefill is compute-bound for all but the shortest prompts; a decode step is memory-bound (every step
 * reads all weights and the batch's KV cache). Both add tensor-parallel all-reduces (two per layer:
 * after attention and after the MLP). A decode step adds a fixed per-layer and per-request overhead; a
 * prefill a fixed one per request and per GPU (engines replay decode steps as captured CUDA graphs but
 * schedule and launch each prefill afresh on every worker).
 */
export interface EstimatorConstants extends GenerationEfficiency, StackConstants {}

/** Activations travel between GPUs in 16-bit whatever the weights' precision. */
const ACTIVATION_BYTES = 2;

export function estimatorConstants(gpu: Gpu, override?: Partial<EstimatorConstants>): EstimatorConstants {
  const generation = gpuGeneration(gpu);
  if (override) return { ...STACK_CONSTANTS, ...GENERATION_EFFICIENCY[generation], ...override };
  // A rate search asks once per batch size and timing: build each generation's constants once.
  let constants = byGeneration.get(generation);
  if (!constants) byGeneration.set(generation, (constants = Object.freeze({ ...STACK_CONSTANTS, ...GENERATION_EFFICIENCY[generation] })));
  return constants;
}

const byGeneration = new Map<GpuGeneration, EstimatorConstants>();

/**
 * Bytes of weights a forward pass over `tokens` tokens reads (all GPUs together). Dense llms read all of
 * them. A MoE llm reads the experts its tokens are routed to: with a = active / total parameters, a token
 * touches a fraction a of the (expert) weights, so `tokens` independent tokens touch 1 - (1 - a)^tokens.
 * (This treats shared attention weights as experts too: slightly low at batch 1, exact for large batches.)
 */
export function weightBytesRead(llm: Llm, tokens: number): number {
  const active = Math.min(1, llm.activeParametersB / llm.parametersB);
  return weightBytes(llm) * (active >= 1 ? 1 : 1 - (1 - active) ** Math.max(1, tokens));
}

/**
 * One ring all-reduce of `bytes` over tp GPUs of one VM, ms (0 for tp 1): 2 (tp - 1) steps, each moving
 * bytes / tp per GPU. Over NVLink at allReduceBandwidthEfficiency x the catalog's per-direction bandwidth,
 * paying the generation's allReduceHopUs per step. Over PCIe the ring's links share the host's root ports
 * (no peer-to-peer switch on the cloud cards), so the effective bandwidth falls as the ring grows: the
 * transfer takes (tp / 2)^pcieRingExponent longer than a two-GPU ring at pcieBandwidthEfficiency, plus
 * pcieHopUs per step.
 */
export function allReduceMs(bytes: number, tp: number, gpu: Gpu, constants: EstimatorConstants): number {
  if (tp <= 1) return 0;
  const steps = 2 * (tp - 1);
  const perGpuBytes = (steps / tp) * bytes;
  if (gpu.interconnect === 'pcie') {
    const bandwidth = gpu.interconnectGBps * 1e9 * constants.pcieBandwidthEfficiency;
    return (perGpuBytes * (tp / 2) ** constants.pcieRingExponent * 1000) / bandwidth + (steps * constants.pcieHopUs) / 1000;
  }
  const bandwidth = gpu.interconnectGBps * 1e9 * constants.allReduceBandwidthEfficiency;
  return (perGpuBytes * 1000) / bandwidth + (steps * constants.allReduceHopUs) / 1000;
}

/**
 * Prefill of `batch` prompts of `promptTokens` each, processed together, ms: the larger of matmul FLOPs
 * (2 x active parameters per token, plus causal attention 2 x layers x heads x headDim x prompt^2 per prompt)
 * at MFU and the weight read at MBU, plus all-reduces of the activations and prefill's fixed and per-GPU
 * overheads.
 */
export function estimatePrefillMs(
  llm: Llm,
  gpu: Gpu,
  tp: number,
  promptTokens: number,
  batch = 1,
  override?: Partial<EstimatorConstants>,
): number {
  const c = estimatorConstants(gpu, override);
  const tokens = promptTokens * batch;
  const attentionDim = llm.attentionHeads * llm.headDim;
  const flops = 2 * llm.activeParametersB * 1e9 * tokens + 2 * llm.layers * attentionDim * promptTokens * promptTokens * batch;
  const computeMs = (flops * 1000) / (tp * gpu.bf16Tflops * 1e12 * c.mfu);
  const readMs = (weightBytesRead(llm, tokens) * 1000) / (tp * gpu.memoryBandwidthTBps * 1e12 * c.mbu);
  const commMs = 2 * llm.layers * allReduceMs(tokens * llm.hiddenSize * ACTIVATION_BYTES, tp, gpu, c);
  return Math.max(computeMs, readMs) + commMs + c.prefillFixedMs + tp * c.prefillPerGpuMs;
}

/**
 * One decode step of `batch` running requests with a mean context of `contextTokens`, ms: reading the
 * weights and the batch's KV cache at MBU (or the step's FLOPs at MFU if larger), plus all-reduces of one
 * token per request and per-layer and per-request overheads.
 */
export function estimateDecodeStepMs(
  llm: Llm,
  gpu: Gpu,
  tp: number,
  batch: number,
  contextTokens: number,
  override?: Partial<EstimatorConstants>,
): number {
  const c = estimatorConstants(gpu, override);
  const kvPerTokenPerGpu = 2 * llm.layers * kvHeadsPerGpu(llm, tp) * llm.headDim * llm.bytesPerWeight;
  const bytesPerGpu = weightBytesRead(llm, batch) / tp + batch * contextTokens * kvPerTokenPerGpu;
  const readMs = (bytesPerGpu * 1000) / (gpu.memoryBandwidthTBps * 1e12 * c.mbu);
  const attentionDim = llm.attentionHeads * llm.headDim;
  const flops = 2 * llm.activeParametersB * 1e9 * batch + 4 * llm.layers * attentionDim * contextTokens * batch;
  const computeMs = (flops * 1000) / (tp * gpu.bf16Tflops * 1e12 * c.mfu);
  const commMs = 2 * llm.layers * allReduceMs(batch * llm.hiddenSize * ACTIVATION_BYTES, tp, gpu, c);
  return Math.max(readMs, computeMs) + commMs + llm.layers * (c.layerOverheadMs + batch * c.sequenceOverheadMsPerLayer);
}
