import { describe, expect, it } from 'vitest';
import { aggregateFactors, rateAtLatency, rowFactor, weightedQuantile, type ObservationModel } from '../../src/calibrate/factors.js';
import type { ObservedRow } from '../../src/calibrate/observed.js';
import type { LoadPoint } from '../../src/perf/replica.js';

/** A hand-made load curve: batch B serves 2B req/s at TPOT 10 + 5B ms and TTFT 100 + 20B ms. */
const CURVE: LoadPoint[] = Array.from({ length: 10 }, (_, i) => ({
  batch: i + 1,
  requestsPerSec: 2 * (i + 1),
  tpotMs: 10 + 5 * (i + 1),
  ttftMs: 100 + 20 * (i + 1),
}));
const model = (rate: number): ObservationModel => ({ rate: () => rate, curve: () => CURVE });

function row(line: number, fields: Partial<ObservedRow>): ObservedRow {
  return {
    file: 'obs.csv',
    line,
    windowStart: `2024-05-13T${String(line).padStart(2, '0')}:00:00Z`,
    llm: 'l',
    gpu: 'g',
    tp: 1,
    replicas: 4,
    servedRps: 0,
    ...fields,
  };
}

describe('a factor from requests/s served at a busy share (form a)', () => {
  it('is served / (replicas x busy share x predicted rate)', () => {
    // 60 req/s on 4 replicas at 75% busy: one replica sustains 20 req/s; the model says 25: 0.8.
    const f = rowFactor(row(2, { servedRps: 60, utilisation: 0.75 }), model(25));
    expect(f).toMatchObject({ form: 'utilisation', weight: 3 });
    expect('factor' in f && f.factor).toBeCloseTo(0.8, 12);
  });

  it('skips a lightly loaded row and a config the model cannot serve', () => {
    expect(rowFactor(row(2, { servedRps: 5, utilisation: 0.1 }), model(25))).toMatchObject({ skipped: expect.stringMatching(/below 0.3/) });
    expect(rowFactor(row(3, { servedRps: 50, utilisation: 0.5 }), model(0))).toMatchObject({
      skipped: expect.stringMatching(/cannot serve/),
    });
  });
});

describe('a factor from mean latency at a rate (form b)', () => {
  it('reads the rate at the observed latency off the curve, by interpolation', () => {
    expect(rateAtLatency(CURVE, 'tpotMs', 30)).toBeCloseTo(8, 12); // batch 4 exactly
    expect(rateAtLatency(CURVE, 'tpotMs', 32.5)).toBeCloseTo(9, 12); // half-way to batch 5
    expect(rateAtLatency(CURVE, 'tpotMs', 14)).toBeUndefined(); // below batch 1's 15 ms
    expect(rateAtLatency(CURVE, 'tpotMs', 61)).toBeUndefined(); // beyond batch 10's 60 ms
  });

  it('is the served rate per replica over the model rate at that latency; the lower of TTFT and TPOT counts', () => {
    // 4 replicas serve 24 req/s (6 each) at TPOT 30 ms, where the model serves 8: 0.75.
    const tpot = rowFactor(row(2, { servedRps: 24, tpotMeanMs: 30 }), model(20));
    expect('factor' in tpot && tpot.factor).toBeCloseTo(0.75, 12);
    // Its inferred busy share: 6 / (0.75 x 20) = 0.4 of each replica: weight 4 x 0.4.
    expect('weight' in tpot && tpot.weight).toBeCloseTo(1.6, 12);
    // TTFT 200 ms is batch 5 (10 req/s): 0.6, lower than TPOT's 0.75.
    const both = rowFactor(row(3, { servedRps: 24, tpotMeanMs: 30, ttftMeanMs: 200 }), model(20));
    expect('factor' in both && both.factor).toBeCloseTo(0.6, 12);
  });

  it('skips a row lighter than batch 1 and says why', () => {
    expect(rowFactor(row(2, { servedRps: 1, tpotMeanMs: 12 }), model(20))).toMatchObject({
      skipped: expect.stringMatching(/below the model's 15.0 ms at batch 1/),
    });
  });
});

describe('aggregation per config', () => {
  it('takes the weighted median with its quartiles, and needs minObservations usable windows', () => {
    const rows = [
      // config l/g/1: factors 0.8 (weight 3), 0.9 (45 / (4 x 0.5 x 25), weight 2), 0.5 (12.5 / 25, weight 1):
      // weighted median 0.8.
      row(2, { servedRps: 60, utilisation: 0.75 }),
      row(3, { servedRps: 45, utilisation: 0.5 }),
      row(4, { servedRps: 12.5, utilisation: 1, replicas: 1 }),
      row(5, { servedRps: 1, utilisation: 0.1 }), // skipped
      // config l/g/2: one row only
      row(6, { tp: 2, servedRps: 60, utilisation: 0.75 }),
    ];
    const result = aggregateFactors(rows, model(25), { minObservations: 3 });
    expect(result.factors).toHaveLength(1);
    const [f] = result.factors;
    expect(f).toMatchObject({ llm: 'l', gpu: 'g', tp: 1, observations: 3, firstLine: 2, lastLine: 4 });
    expect(f!.factor).toBeCloseTo(0.8, 12);
    expect(f!.lowerQuartile).toBeCloseTo(0.8, 12); // cumulative weight 1 (0.5) < 1.5, then 4 (0.8)
    expect(f!.upperQuartile).toBeCloseTo(0.9, 12);
    expect(result.insufficient).toEqual([{ llm: 'l', gpu: 'g', tp: 2, observations: 1 }]);
    expect(result.skipped.map((s) => s.line)).toEqual([5]);
  });

  it('a weighted quantile follows the weights, not the count', () => {
    expect(
      weightedQuantile(
        [
          { value: 1, weight: 1 },
          { value: 2, weight: 1 },
          { value: 3, weight: 10 },
        ],
        0.5,
      ),
    ).toBe(3);
    expect(
      weightedQuantile(
        [
          { value: 1, weight: 5 },
          { value: 2, weight: 1 },
          { value: 3, weight: 1 },
        ],
        0.5,
      ),
    ).toBe(1);
  });
});
