import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { compareProfiles, errorStats } from '../../src/perf/compare.js';
import { estimateDecodeStepMs, estimatePrefillMs } from '../../src/perf/estimate.js';
import type { MeasuredPoint, MeasuredProfile } from '../../src/perf/profiles.js';
import { GPUS, LLMS } from './fixtures.js';

const catalog = {
  llms: new Map(Object.values(LLMS).map((l) => [l.id, l])),
  gpus: new Map(Object.values(GPUS).map((g) => [g.id, g])),
};

/**
 * A "measured" table that is the estimate itself with every time multiplied by `slower`, on a complete grid
 * (so the loader interpolates nothing at the probes): prompts 256 and 1024, every batch 1..4. Decode steps
 * at a context of prompt + 64, the context compareProfiles assumes for 128 generated tokens.
 */
function scaledEstimate(slower: number): MeasuredProfile {
  const llm = LLMS.llama31_8b;
  const gpu = GPUS.a100;
  const points: MeasuredPoint[] = [];
  for (const promptTokens of [256, 1024]) {
    for (const batchSize of [1, 2, 3, 4]) {
      points.push({
        promptTokens,
        batchSize,
        prefillMs: slower * estimatePrefillMs(llm, gpu, 2, promptTokens, batchSize),
        decodeStepMs: slower * estimateDecodeStepMs(llm, gpu, 2, batchSize, promptTokens + 64),
      });
    }
  }
  return { llm: llm.id, gpu: gpu.id, tp: 2, file: 'scaled.csv', points };
}

// An SLO nothing misses: both sides run at the table's largest batch, where the rate is the batch over
// the slot time per request, and every time being `slower` x makes the measured rate exactly 1 / slower x.
const LOOSE = { ttftMs: 1e9, tpotMs: 1e9 };
const PROBES = [256, 1024].map((inputTokens) => ({ slo: LOOSE, inputTokens, outputTokens: 128 }));

describe('compareProfiles', () => {
  it('a table 1.25x slower than the estimate: rate ratio 1.25, timing ratios 0.8, |ln| ln 1.25', () => {
    const report = compareProfiles(catalog, [scaledEstimate(1.25)], { probes: PROBES });
    expect(report.rates).toHaveLength(2);
    for (const rate of report.rates) {
      expect(rate.measuredPerSec).toBeGreaterThan(0);
      expect(rate.ratio).toBeCloseTo(1.25, 9);
      expect(rate.lnRatio).toBeCloseTo(Math.log(1.25), 9);
    }
    expect(report.points).toHaveLength(8);
    for (const point of report.points) {
      expect(point.decodeStepRatio).toBeCloseTo(0.8, 9);
      // Prefill is compared at batch 1 only (the only prefill the rate uses).
      if (point.batchSize === 1) expect(point.prefillRatio).toBeCloseTo(0.8, 9);
      else expect(point.prefillRatio).toBeNull();
    }
    expect(report.summary.rate.medianAbsLn).toBeCloseTo(Math.log(1.25), 9);
    expect(report.summary.rate.worstAbsLn).toBeCloseTo(Math.log(1.25), 9);
    expect(report.summary.prefill.count).toBe(2);
    expect(report.summary.decodeStep.geoMeanRatio).toBeCloseTo(0.8, 9);
    expect(report.configs).toHaveLength(1);
    expect(report.configs[0]).toMatchObject({ llm: 'llama-3.1-8b', gpu: 'A100-80GB', tp: 2, file: 'scaled.csv', bothZero: 0 });
  });

  it('the estimate of itself has ratio 1 everywhere', () => {
    const report = compareProfiles(catalog, [scaledEstimate(1)], { probes: PROBES });
    expect(report.summary.rate.worstAbsLn).toBeCloseTo(0, 9);
    expect(report.summary.decodeStep.worstAbsLn).toBeCloseTo(0, 9);
  });

  it('a probe neither side can serve has no ratio; one that only one side serves is an infinite error', () => {
    const impossible = { slo: { ttftMs: 1e9, tpotMs: 0.001 }, inputTokens: 256, outputTokens: 128 };
    const report = compareProfiles(catalog, [scaledEstimate(1.25)], { probes: [impossible, ...PROBES] });
    expect(report.rates[0]!.ratio).toBeNull();
    expect(report.summary.bothZero).toBe(1);
    expect(report.summary.rate.count).toBe(2);

    // A TPOT between the estimated and the "measured" step at batch 1 (the table is 1.25x slower).
    const step = estimateDecodeStepMs(LLMS.llama31_8b, GPUS.a100, 2, 1, 256 + 64);
    const between = { slo: { ttftMs: 1e9, tpotMs: step * 1.1 }, inputTokens: 256, outputTokens: 128 };
    const oneSided = compareProfiles(catalog, [scaledEstimate(1.25)], { probes: [between] });
    expect(oneSided.rates[0]!.measuredPerSec).toBe(0);
    expect(oneSided.rates[0]!.predictedPerSec).toBeGreaterThan(0);
    expect(oneSided.summary.rate.worstAbsLn).toBe(Infinity);
  });

  it('flags a probe whose measured rate a 3% timing error would move by more than x1.3, and leaves it out of identifiable', () => {
    // TPOT 1% above the table's batch-1 decode step (its TPOT at batch 1): 3% tighter and batch 1 misses
    // too, so the measured rate drops to 0; 3% looser and it serves.
    const measuredStep = 1.25 * estimateDecodeStepMs(LLMS.llama31_8b, GPUS.a100, 2, 1, 256 + 64);
    const edge = { slo: { ttftMs: 1e9, tpotMs: measuredStep * 1.01 }, inputTokens: 256, outputTokens: 128 };
    const report = compareProfiles(catalog, [scaledEstimate(1.25)], { probes: [edge, ...PROBES] });
    expect(report.rates[0]!.measuredPerSec).toBeGreaterThan(0);
    expect(report.rates[0]!.cliff).toBe(
      'rate not identifiable: limits 3% looser or tighter (a 3% timing error) move the measured rate to 0',
    );
    // The loose probes sit at the largest batch whatever the timing: identifiable.
    expect(report.rates.slice(1).map((r) => r.cliff)).toEqual([undefined, undefined]);
    expect(report.summary.cliffs).toBe(1);
    expect(report.summary.rate.count).toBe(3);
    expect(report.summary.identifiable.count).toBe(2);
    expect(report.summary.identifiable.worstAbsLn).toBeCloseTo(Math.log(1.25), 9);
    expect(report.configs[0]).toMatchObject({ cliffs: 1 });
  });

  it('names the file of a profile whose llm is not in the catalog', () => {
    expect(() => compareProfiles(catalog, [{ ...scaledEstimate(1), llm: 'llama-9' }])).toThrow(InputError);
    expect(() => compareProfiles(catalog, [{ ...scaledEstimate(1), llm: 'llama-9' }])).toThrow(/scaled\.csv.*llama-9/);
  });

  it('summarises |ln ratio| as median, worst and geometric mean, skipping missing ratios', () => {
    const stats = errorStats([2, 0.5, 1, null]);
    expect(stats.count).toBe(3);
    expect(stats.medianAbsLn).toBeCloseTo(Math.log(2), 12);
    expect(stats.worstAbsLn).toBeCloseTo(Math.log(2), 12);
    expect(stats.geoMeanRatio).toBeCloseTo(1, 12);
    expect(errorStats([null]).count).toBe(0);
  });
});
