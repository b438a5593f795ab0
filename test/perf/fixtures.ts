import type { Gpu, Llm } from '../../src/catalog/types.js';

/** Catalog-like rows built here, so the perf tests do not depend on models/*.csv. */
export const GPUS = {
  h100: {
    id: 'H100-80GB',
    memoryGib: 80,
    bf16Tflops: 989,
    memoryBandwidthTBps: 3.35,
    interconnectGBps: 450,
    interconnect: 'nvlink',
    source: 'test',
  },
  a100: {
    id: 'A100-80GB',
    memoryGib: 80,
    bf16Tflops: 312,
    memoryBandwidthTBps: 2.039,
    interconnectGBps: 300,
    interconnect: 'nvlink',
    source: 'test',
  },
  a100small: {
    id: 'A100-40GB',
    memoryGib: 40,
    bf16Tflops: 312,
    memoryBandwidthTBps: 1.555,
    interconnectGBps: 300,
    interconnect: 'nvlink',
    source: 'test',
  },
  a10: {
    id: 'A10-24GB',
    memoryGib: 24,
    bf16Tflops: 125,
    memoryBandwidthTBps: 0.6,
    interconnectGBps: 32,
    interconnect: 'pcie',
    source: 'test',
  },
  t4: {
    id: 'T4-16GB',
    memoryGib: 16,
    bf16Tflops: 65,
    memoryBandwidthTBps: 0.32,
    interconnectGBps: 16,
    interconnect: 'pcie',
    source: 'test',
  },
} satisfies Record<string, Gpu>;

const llm = (
  id: string,
  parametersB: number,
  layers: number,
  hiddenSize: number,
  attentionHeads: number,
  kvHeads: number,
  maxContextTokens: number,
  activeParametersB = parametersB,
): Llm => ({
  id,
  parametersB,
  activeParametersB,
  layers,
  hiddenSize,
  attentionHeads,
  kvHeads,
  headDim: 128,
  bytesPerWeight: 2,
  maxContextTokens,
  qualityScore: 50,
  source: 'test',
});

export const LLMS = {
  llama2_70b: llm('llama-2-70b', 69, 80, 8192, 64, 8, 4096),
  llama31_70b: llm('llama-3.1-70b', 70.6, 80, 8192, 64, 8, 131072),
  llama31_8b: llm('llama-3.1-8b', 8.03, 32, 4096, 32, 8, 131072),
  qwen25_32b: llm('qwen2.5-32b', 32.5, 64, 5120, 40, 8, 32768),
  mixtral: llm('mixtral-8x7b', 46.7, 32, 4096, 32, 8, 32768, 12.9),
} satisfies Record<string, Llm>;

export const CHAT = { meanInputTokens: 1024, meanOutputTokens: 256 };
export const SLO = { ttftMs: 2000, tpotMs: 100 };

/** A copy of a GPU with another memory size (same id, so the same efficiency constants). */
export function withMemory(gpu: Gpu, memoryGib: number): Gpu {
  return { ...gpu, memoryGib };
}
