import { inputError } from '../../support/errors.js';
import { describe, expect, it } from 'vitest';
import {
  formatNumber,
  maxRateUnderSlo,
  parseRateCurvesCsv,
  RATE_CURVE_COLUMNS,
  type RateCurve,
  type RateCurvePoint,
  writeRateCurvesCsv,
} from '../../../src/perf/rate-curves.js';

const HEADER = Object.keys(RATE_CURVE_COLUMNS).join(',');

function point(
  servedRps: number,
  ttft: [number, number?, number?, number?],
  tpot: [number, number?, number?, number?],
  extra: Partial<RateCurvePoint> = {},
): RateCurvePoint {
  const stats = ([meanMs, p50Ms, p90Ms, p99Ms]: [number, number?, number?, number?]) => ({
    meanMs,
    ...(p50Ms !== undefined ? { p50Ms } : {}),
    ...(p90Ms !== undefined ? { p90Ms } : {}),
    ...(p99Ms !== undefined ? { p99Ms } : {}),
  });
  return { servedRps, ttft: stats(ttft), tpot: stats(tpot), completed: 100, failed: 0, source: `run-${servedRps}`, ...extra };
}

/** Three runs: (served rps, mean TTFT, mean TPOT) = (1, 100, 10), (3, 200, 20), (5, 600, 40); p99s double the means. */
const CURVE: RateCurve = {
  llm: 'llama-3.1-8b',
  gpu: 'H100-80GB',
  tp: 1,
  inputTokens: 512,
  outputTokens: 128,
  file: 'curve.csv',
  points: [
    point(1, [100, 90, 150, 200], [10, 9, 15, 20], { offeredRps: 1 }),
    point(3, [200, 180, 300, 400], [20, 18, 30, 40], { offeredRps: 3 }),
    point(5, [600, 500, 900, 1200], [40, 36, 60, 80], { offeredRps: 6 }),
  ],
};

describe('maxRateUnderSlo', () => {
  it('interpolates linearly between the two runs that bracket the crossing', () => {
    // Mean TTFT crosses 400 ms between 3 req/s (200) and 5 req/s (600): 3 + 2 x 200/400 = 4.
    // Mean TPOT crosses 35 ms between 20 and 40: 3 + 2 x 15/20 = 4.5. The lower one wins.
    const result = maxRateUnderSlo(CURVE, { ttftMs: 400, tpotMs: 35 }, 'mean');
    expect(result).toMatchObject({ kind: 'interpolated', limitedBy: 'ttft' });
    expect(result.rps).toBeCloseTo(4, 12);
    if (result.kind !== 'interpolated') throw new Error(result.kind);
    expect([result.below.servedRps, result.above.servedRps]).toEqual([3, 5]);
    expect(result.reason).toContain('between 3 req/s (run-3, meets the SLO) and 5 req/s (run-5: mean TTFT 600 ms > 400 ms)');
  });

  it('uses the chosen percentile', () => {
    // p99 TPOT crosses 30 ms between 1 req/s (20) and 3 req/s (40): 1 + 2 x 10/20 = 2; p99 TTFT 400 is met there.
    const p99 = maxRateUnderSlo(CURVE, { ttftMs: 400, tpotMs: 30 }, 'p99');
    expect(p99).toMatchObject({ kind: 'interpolated', limitedBy: 'tpot', rps: 2 });
    // p50 TTFT crosses 300 between 180 (3 req/s) and 500 (5 req/s): 3 + 2 x 120/320 = 3.75.
    expect(maxRateUnderSlo(CURVE, { ttftMs: 300, tpotMs: 100 }, 'p50').rps).toBeCloseTo(3.75, 12);
    // p90 TTFT 300 exactly at 3 req/s: within the SLO (<=), so the crossing is at that run.
    expect(maxRateUnderSlo(CURVE, { ttftMs: 300, tpotMs: 100 }, 'p90')).toMatchObject({ kind: 'interpolated', rps: 3 });
  });

  it('returns the highest measured rate, flagged as a lower bound, when every run meets the SLO', () => {
    const result = maxRateUnderSlo(CURVE, { ttftMs: 2000, tpotMs: 100 }, 'p99');
    expect(result).toEqual({
      kind: 'lower-bound',
      rps: 5,
      reason:
        'llama-3.1-8b on H100-80GB TP 1 at 512/128 tokens: the highest measured load (5 req/s served, run-5) still meets the SLO; the maximum is at least this',
    });
  });

  it('returns undefined and the reason when even the lowest load violates the SLO', () => {
    const result = maxRateUnderSlo(CURVE, { ttftMs: 80, tpotMs: 9 }, 'mean');
    expect(result.kind).toBe('violated');
    expect(result.rps).toBeUndefined();
    expect(result.reason).toBe(
      'llama-3.1-8b on H100-80GB TP 1 at 512/128 tokens: even the lowest measured load (1 req/s served, run-1) violates the SLO: mean TTFT 100 ms > 80 ms; mean TPOT 10 ms > 9 ms',
    );
  });

  it('stops at the first violating run even if a later one meets the SLO again', () => {
    const noisy: RateCurve = { ...CURVE, points: [...CURVE.points, point(6, [300, 250, 350, 390], [15, 14, 18, 19])] };
    // Runs by served rps: 1 (100), 3 (200), 5 (600), 6 (300): the crossing of 400 stays between 3 and 5.
    expect(maxRateUnderSlo(noisy, { ttftMs: 400, tpotMs: 100 }, 'mean').rps).toBeCloseTo(4, 12);
  });

  it('counts a run with too many failures as violating, at the last good run', () => {
    const failing: RateCurve = {
      ...CURVE,
      points: [CURVE.points[0]!, CURVE.points[1]!, { ...CURVE.points[2]!, completed: 90, failed: 10 }],
    };
    // 10 of 100 failed at 5 req/s; latency alone would allow 4 req/s, failures do not interpolate: 3.
    expect(maxRateUnderSlo(failing, { ttftMs: 400, tpotMs: 100 }, 'mean')).toMatchObject({
      kind: 'interpolated',
      limitedBy: 'failures',
      rps: 3,
    });
    expect(maxRateUnderSlo(failing, { ttftMs: 400, tpotMs: 100 }, 'mean', { maxFailedShare: 0.2 }).rps).toBeCloseTo(4, 12);
  });

  it('says so when a run lacks the chosen statistic', () => {
    const partial: RateCurve = { ...CURVE, points: [point(1, [100], [10]), CURVE.points[1]!] };
    expect(maxRateUnderSlo(partial, { ttftMs: 400, tpotMs: 35 }, 'p90')).toEqual({
      kind: 'unknown',
      rps: undefined,
      reason: 'llama-3.1-8b on H100-80GB TP 1 at 512/128 tokens: the run at 1 req/s (run-1) has no p90 TTFT',
    });
    expect(maxRateUnderSlo(partial, { ttftMs: 400, tpotMs: 35 }, 'mean').kind).toBe('lower-bound');
  });
});

describe('rate-curve CSV', () => {
  it('writes a fixed header, sorted rows and numbers without float noise', () => {
    const curve: RateCurve = {
      ...CURVE,
      points: [
        point(0.1 + 0.2, [40.123456789], [12], { offeredRps: 0.3, source: 'a.json' }),
        point(2, [60, 55, undefined, 160], [16, 15, undefined, 28], { concurrency: 8, failed: undefined, source: 'b, "quoted".json' }),
        point(1, [50], [14], { source: 'c.json' }),
      ],
    };
    const other: RateCurve = { ...CURVE, llm: 'llama-2-70b', tp: 4, points: [point(1, [100], [10])] };
    expect(writeRateCurvesCsv([curve, other])).toBe(
      [
        HEADER,
        'llama-2-70b,H100-80GB,4,512,128,,,1,100,,,,10,,,,100,0,run-1',
        'llama-3.1-8b,H100-80GB,1,512,128,0.3,,0.3,40.123456789,,,,12,,,,100,0,a.json',
        'llama-3.1-8b,H100-80GB,1,512,128,,,1,50,,,,14,,,,100,0,c.json',
        'llama-3.1-8b,H100-80GB,1,512,128,,8,2,60,55,,160,16,15,,28,100,,"b, ""quoted"".json"',
        '',
      ].join('\n'),
    );
  });

  it('round-trips: what is written reads back equal and writes the same bytes', () => {
    const text = writeRateCurvesCsv([CURVE]);
    const [back] = parseRateCurvesCsv(text, 'curve.csv');
    expect(back).toEqual({ ...CURVE, line: 2 });
    expect(writeRateCurvesCsv(parseRateCurvesCsv(text, 'again.csv'))).toBe(text);
  });

  it('formats numbers deterministically', () => {
    expect(formatNumber(0.1 + 0.2)).toBe('0.3');
    expect(formatNumber(5.288235294117647)).toBe('5.28823529412');
    expect(formatNumber(1e-8)).toBe('0.00000001');
    expect(formatNumber(2e21)).toBe('2000000000000000000000');
    expect(formatNumber(-0)).toBe('0');
    expect(() => formatNumber(Number.NaN)).toThrow(RangeError);
  });

  it('rejects bad rows naming file:line, field and the fix', () => {
    const text = [
      HEADER,
      'llama-3.1-8b,H100-80GB,1,512,128,2,,2,40,38,,90,12,11,,20,200,0,a',
      'llama-3.1-8b,H100-80GB,1,512,128,abc,,4,60,55,,160,16,15,,28,400,0,b',
      'llama-3.1-8b,H100-80GB,1,512,128,8,0,7,400,300,,1500,30,28,,55,800,0,c',
      'llama-3.1-8b,H100-80GB,1,512,128,2,,2.1,41,39,,91,12,11,,20,200,0,d',
      'llama-3.1-8b,H100-80GB,1,512,128,9,,7.5,,300,,1500,30,28,,55,800,0,e',
      'llama-3.1-8b,H100-80GB,1,512,128,10,,8,450,500,,400,30,28,,55,800,,f',
    ].join('\n');
    const error = inputError(() => parseRateCurvesCsv(text, 'bad.csv'));
    expect(error.exitCode).toBe(2);
    const message = error.message;
    expect(message).toContain("bad.csv:3 offered_rps: 'abc' is not a number (fix: offered_rps is offered request rate in requests/s");
    expect(message).toContain('bad.csv:4 concurrency: must be > 0');
    expect(message).toContain(
      'bad.csv:5 offered_rps: second run of llama-3.1-8b on H100-80GB TP 1 at 512/128 tokens with offered 2 req/s, no concurrency cap (first on line 2)',
    );
    expect(message).toContain('bad.csv:6 ttft_mean_ms: missing value');
    expect(message).toContain('bad.csv:7 ttft: p99 400 ms is below p50 500 ms');
  });

  it('rejects a header with a missing or unknown column', () => {
    const renamed = HEADER.replace('served_rps', 'served_qps');
    const message = inputError(() => parseRateCurvesCsv(`${renamed}\n`, 'h.csv')).message;
    expect(message).toContain("h.csv:1 header: unknown column 'served_qps' (fix: did you mean 'served_rps'?)");
    expect(message).toContain("h.csv:1 header: missing column 'served_rps'");
  });
});
