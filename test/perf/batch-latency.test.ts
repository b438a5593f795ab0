import { describe, expect, it } from 'vitest';
import { estimateBatchLatencyMs } from '../../src/perf/batch-latency.js';
import { estimateDecodeStepMs, estimatePrefillMs } from '../../src/perf/estimate.js';
import { GPUS, LLMS } from './fixtures.js';

describe('estimateBatchLatencyMs', () => {
  it('is the batch prefill plus one decode step per further output token, each at its own context', () => {
    const { llama2_70b: llm } = LLMS;
    const { h100: gpu } = GPUS;
    // 2 prompts of 4 tokens, 3 output tokens: the prefill gives the first, steps at context 5 and 6 the rest.
    const byHand = estimatePrefillMs(llm, gpu, 4, 4, 2) + estimateDecodeStepMs(llm, gpu, 4, 2, 5) + estimateDecodeStepMs(llm, gpu, 4, 2, 6);
    expect(estimateBatchLatencyMs(llm, gpu, 4, 4, 3, 2)).toBeCloseTo(byHand, 9);
    // One output token: the prefill alone.
    expect(estimateBatchLatencyMs(llm, gpu, 4, 4, 1, 2)).toBe(estimatePrefillMs(llm, gpu, 4, 4, 2));
  });

  it('passes constant overrides to every call', () => {
    const { llama31_8b: llm } = LLMS;
    const { a100: gpu } = GPUS;
    const override = { mbu: 0.3, prefillFixedMs: 50 };
    const byHand = estimatePrefillMs(llm, gpu, 1, 8, 1, override) + estimateDecodeStepMs(llm, gpu, 1, 1, 9, override);
    expect(estimateBatchLatencyMs(llm, gpu, 1, 8, 2, 1, override)).toBeCloseTo(byHand, 9);
    expect(estimateBatchLatencyMs(llm, gpu, 1, 8, 2, 1, override)).toBeGreaterThan(estimateBatchLatencyMs(llm, gpu, 1, 8, 2, 1));
  });
});
