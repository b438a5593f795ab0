import { describe, expect, it } from 'vitest';
import type { ResolveInputs } from '../../src/scenario/resolve.js';
import { replicaRate } from '../../src/commands/measured-profiles.js';
import { builtinProfiles } from '../../src/commands/measured-profiles.js';
import { mixStats } from '../../src/perf/mix.js';
import { configKey, interpolateProfile } from '../../src/perf/profiles.js';
import { createReplicaRate, replicaPerformance } from '../../src/perf/replica.js';
import { CHAT, GPUS, LLMS, SLO } from './fixtures.js';

const MIXED = {
  meanInputTokens: 1400,
  meanOutputTokens: 230,
  buckets: [
    { inputTokens: 300, outputTokens: 60, share: 0.6 },
    { inputTokens: 3000, outputTokens: 485, share: 0.4 },
  ],
};

describe('replica performance', () => {
  it('matches the replicaRate callback type of src/scenario/resolve.ts', () => {
    const callback: ResolveInputs['replicaRate'] = replicaRate;
    expect(callback(LLMS.llama31_8b, GPUS.h100, 1, SLO, CHAT)).toBeGreaterThan(0);
    expect(callback(LLMS.llama31_70b, GPUS.h100, 1, SLO, CHAT)).toBe(0); // does not fit
  });

  it('rate = B / (B x E[prefill] + E[decode steps] x step) and TPOT = step + (B - 1) x E[prefill] / E[steps]', () => {
    for (const mix of [CHAT, MIXED]) {
      const r = replicaPerformance(LLMS.llama31_8b, GPUS.a100, 1, SLO, mix);
      const steps = mixStats(mix).meanDecodeSteps;
      expect(r.meetsSlo).toBe(true);
      expect(r.maxRequestsPerSec).toBeCloseTo((r.batch * 1000) / (r.batch * r.prefillMs! + steps * r.decodeStepMs!), 9);
      expect(r.tpotMs).toBeCloseTo(r.decodeStepMs! + ((r.batch - 1) * r.prefillMs!) / steps, 9);
      expect(r.tpotMs!).toBeLessThanOrEqual(SLO.tpotMs);
      expect(r.ttftMs!).toBeLessThanOrEqual(SLO.ttftMs);
      expect(r.tokensPerSec).toBeCloseTo(r.maxRequestsPerSec * mix.meanOutputTokens, 6);
    }
  });

  it('a mix is served at the share-weighted time per request, not the mean of the bucket rates', () => {
    const loose = { ttftMs: 1e6, tpotMs: 1e6 };
    const [small, large] = MIXED.buckets.map((b) => ({ meanInputTokens: b.inputTokens, meanOutputTokens: b.outputTokens }));
    const rate = (mix: typeof CHAT) => replicaPerformance(LLMS.llama31_8b, GPUS.h100, 1, loose, mix).maxRequestsPerSec;
    const [rSmall, rLarge, rMix] = [rate(small!), rate(large!), rate(MIXED)];
    expect(rMix).toBeGreaterThan(rLarge);
    expect(rMix).toBeLessThan(rSmall);
    expect(rMix).toBeLessThan(0.6 * rSmall + 0.4 * rLarge);
  });

  it('uses the measured profile where one exists (source measured) and the estimate otherwise', () => {
    const mix = { meanInputTokens: 512, meanOutputTokens: 128 };
    const profiles = builtinProfiles();
    const measured = replicaPerformance(LLMS.llama2_70b, GPUS.h100, 8, SLO, mix, { profiles });
    const profile = profiles.get(configKey('llama-2-70b', 'H100-80GB', 8))!;
    expect(measured).toMatchObject({ source: 'measured', fits: true, meetsSlo: true, extrapolated: false });
    expect(measured.prefillMs).toBe(interpolateProfile(profile, 512, 1).prefillMs);
    expect(measured.decodeStepMs).toBe(interpolateProfile(profile, 512, measured.batch).decodeStepMs);
    expect(measured.batch).toBeLessThanOrEqual(64); // never beyond the measured batches
    const estimated = replicaPerformance(LLMS.llama2_70b, GPUS.h100, 8, SLO, mix, { profiles, estimateOnly: true });
    expect(estimated.source).toBe('estimate');
    expect(estimated.maxRequestsPerSec).not.toBe(measured.maxRequestsPerSec);
    // No profile for TP 1 or for another llm.
    expect(replicaPerformance(LLMS.llama31_70b, GPUS.h100, 8, SLO, mix, { profiles }).source).toBe('estimate');
    expect(replicaRate(LLMS.llama2_70b, GPUS.h100, 8, SLO, mix)).toBe(measured.maxRequestsPerSec);
  });

  it('stops at the largest measured batch with a measured profile', () => {
    const r = replicaPerformance(LLMS.llama2_70b, GPUS.h100, 8, { ttftMs: 1e6, tpotMs: 1e6 }, CHAT, { profiles: builtinProfiles() });
    expect(r).toMatchObject({ source: 'measured', batch: 64, limitedBy: 'measured-range' });
  });

  it('multiplies the rate by the calibration factor of the config', () => {
    const base = replicaPerformance(LLMS.llama31_8b, GPUS.a100, 2, SLO, CHAT);
    const map = new Map([[configKey('llama-3.1-8b', 'A100-80GB', 2), 0.5]]);
    const halved = replicaPerformance(LLMS.llama31_8b, GPUS.a100, 2, SLO, CHAT, { calibration: map });
    expect(halved.calibration).toBe(0.5);
    expect(halved.maxRequestsPerSec).toBeCloseTo(base.maxRequestsPerSec / 2, 12);
    expect(halved.tokensPerSec).toBeCloseTo(base.tokensPerSec / 2, 9);
    expect(halved.batch).toBe(base.batch);
    // Other configs keep factor 1; a function works too.
    expect(replicaPerformance(LLMS.llama31_8b, GPUS.a100, 4, SLO, CHAT, { calibration: map }).calibration).toBe(1);
    const rate = createReplicaRate({ calibration: (_llm, gpu, tp) => (gpu.id === 'A100-80GB' && tp === 2 ? 1.2 : undefined) });
    expect(rate(LLMS.llama31_8b, GPUS.a100, 2, SLO, CHAT)).toBeCloseTo(base.maxRequestsPerSec * 1.2, 9);
    expect(() =>
      replicaPerformance(LLMS.llama31_8b, GPUS.a100, 2, SLO, CHAT, {
        calibration: new Map([[configKey('llama-3.1-8b', 'A100-80GB', 2), 0]]),
      }),
    ).toThrow(RangeError);
  });

  it('gives 0 with a reason for an impossible SLO', () => {
    const tpot = replicaPerformance(LLMS.llama31_70b, GPUS.a100, 4, { ttftMs: 2000, tpotMs: 5 }, CHAT);
    expect(tpot).toMatchObject({ fits: true, meetsSlo: false, batch: 0, maxRequestsPerSec: 0, tokensPerSec: 0 });
    expect(tpot.reason).toMatch(/^cannot meet the SLO even at batch 1: TPOT \d+(\.\d)? ms > 5 ms$/);
    expect(tpot.tpotMs!).toBeGreaterThan(5);
    const ttft = replicaPerformance(LLMS.llama31_70b, GPUS.a100, 4, { ttftMs: 10, tpotMs: 100 }, CHAT);
    expect(ttft.reason).toMatch(/TTFT \d+ ms > 10 ms/);
    expect(createReplicaRate()(LLMS.llama31_70b, GPUS.a100, 4, { ttftMs: 10, tpotMs: 100 }, CHAT)).toBe(0);
  });

  it('does not serve requests longer than the llm context', () => {
    const r = replicaPerformance(LLMS.llama2_70b, GPUS.h100, 8, SLO, { meanInputTokens: 4000, meanOutputTokens: 200 });
    expect(r).toMatchObject({
      fits: false,
      maxRequestsPerSec: 0,
      reason: "the mix's largest requests (4200 tokens) exceed the llm's 4096-token context",
    });
  });
});
