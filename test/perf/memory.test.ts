import { describe, expect, it } from 'vitest';
import { MEMORY_UTILISATION } from '../../src/perf/constants.js';
import { kvBytesPerToken, kvHeadsPerGpu, memoryFit, tpSplitProblem } from '../../src/perf/memory.js';
import { GPUS, LLMS } from './fixtures.js';

const GIB = 2 ** 30;

describe('memory fit', () => {
  it('computes KV bytes per token as 2 x layers x kvHeads x headDim x bytes', () => {
    expect(kvBytesPerToken(LLMS.llama2_70b)).toBe(2 * 80 * 8 * 128 * 2); // 327,680 B = 0.3125 MiB
    expect(kvBytesPerToken(LLMS.llama31_8b)).toBe(2 * 32 * 8 * 128 * 2);
  });

  it('llama-3.1-70b BF16 (141 GB of weights) does not fit on one 80 GB GPU', () => {
    const fit = memoryFit(LLMS.llama31_70b, GPUS.h100, 1, 2048);
    expect(fit.fits).toBe(false);
    expect(fit.weightsGibPerGpu).toBeCloseTo((70.6e9 * 2) / GIB, 6); // 131.5 GiB
    expect(fit.reason).toContain('weights need 131.5 GiB per GPU, more than the 72.0 GiB usable');
  });

  it('llama-3.1-70b fits at TP 2 on 80 GB, with the KV tokens the remainder holds', () => {
    const fit = memoryFit(LLMS.llama31_70b, GPUS.a100, 2, 2048);
    expect(fit.fits).toBe(true);
    // By hand: usable 80 GiB x 0.9 = 77,309,411,328 B; weights 70.6e9 B per GPU; KV per token per GPU
    // 2 x 80 layers x 4 KV heads x 128 x 2 B = 163,840 B.
    expect(fit.kvBytesPerTokenPerGpu).toBe(163_840);
    expect(fit.kvCapacityTokens).toBe(Math.floor((80 * GIB * 0.9 - 70.6e9) / 163_840));
    expect(fit.kvCapacityTokens).toBe(40_950); // 6,709,411,328 B / 163,840 B = 40,950.99;
  });

  it('does not fit when the weights leave too little KV room for the largest request', () => {
    const fit = memoryFit(LLMS.llama31_70b, GPUS.a100, 2, 50_000);
    expect(fit.fits).toBe(false);
    expect(fit.reason).toMatch(
      /leave 6\.2\d GiB per GPU for KV cache, less than the 7\.63 GiB of the mix's largest request \(50000 tokens\)/,
    );
  });

  it('llama-3.1-8b does not fit on one 16 GB T4 but fits at TP 2; the reserve is 10%', () => {
    expect(MEMORY_UTILISATION).toBe(0.9);
    expect(memoryFit(LLMS.llama31_8b, GPUS.t4, 1, 1000).fits).toBe(false); // 14.96 GiB > 14.4 GiB
    expect(memoryFit(LLMS.llama31_8b, GPUS.t4, 2, 1000).fits).toBe(true);
  });

  it('requires TP to divide the attention heads; fewer KV heads than GPUs are replicated', () => {
    expect(tpSplitProblem(LLMS.llama31_8b, 3)).toBe('TP 3 does not divide the 32 attention heads');
    expect(tpSplitProblem(LLMS.qwen25_32b, 8)).toBeUndefined(); // 40 heads / 8, 8 KV heads / 8
    expect(tpSplitProblem(LLMS.qwen25_32b, 16)).toContain('does not divide the 40 attention heads');
    // 8 KV heads at TP 16: each GPU keeps one (replicated) KV head, so the per-GPU cache does not halve again.
    expect(tpSplitProblem(LLMS.llama31_70b, 16)).toBeUndefined();
    expect(kvHeadsPerGpu(LLMS.llama31_70b, 16)).toBe(1);
    expect(kvHeadsPerGpu(LLMS.llama31_70b, 8)).toBe(1);
    expect(kvHeadsPerGpu(LLMS.llama31_70b, 2)).toBe(4);
    expect(memoryFit(LLMS.llama31_70b, GPUS.a100, 16, 1000).kvBytesPerTokenPerGpu).toBe(
      memoryFit(LLMS.llama31_70b, GPUS.a100, 8, 1000).kvBytesPerTokenPerGpu,
    );
    expect(memoryFit(LLMS.llama31_8b, GPUS.a100, 3, 1000)).toMatchObject({
      fits: false,
      reason: 'TP 3 does not divide the 32 attention heads',
    });
  });
});
