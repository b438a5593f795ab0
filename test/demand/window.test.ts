import { describe, expect, it } from 'vitest';
import { parseDurationSec, formatDurationSec } from '../../src/demand/duration.js';
import { InputError } from '../../src/errors.js';
import { analyzeTrace } from '../../src/demand/summary.js';
import { peakIntervalSecFor } from '../../src/demand/window.js';
import { readFixture } from './fixtures.js';

describe('windows of the fixture trace (rows at 18:59:00.1 .. 20:00:00.001)', () => {
  it('hourly: exact counts, observed spans, rates and token percentiles', async () => {
    const analysis = await analyzeTrace([await readFixture('trace-2023-crlf.csv')], { windowSec: 3600 });
    expect(analysis.peakIntervalSec).toBe(60);
    const [first, middle, last] = analysis.windows;
    expect(analysis.windows.map((w) => [w.startUtc, w.requests])).toEqual([
      ['2023-11-16T18:00:00.000Z', 3],
      ['2023-11-16T19:00:00.000Z', 6],
      ['2023-11-16T20:00:00.000Z', 1],
    ]);
    // The first window is observed from the first request on: 59.9 s, taken as one minute for the mean;
    // its only minute (18:59) is 59.9 s inside the span, which gives the peak.
    expect(first!.observedSec).toBeCloseTo(59.9, 9);
    expect(first!.meanRequestsPerSec).toBeCloseTo(3 / 60, 12);
    expect(first!.peakRequestsPerSec).toBeCloseTo(3 / 59.9, 12);
    expect(first!.p95RequestsPerSec).toBeCloseTo(3 / 59.9, 12);
    expect(first!.contextTokens).toEqual({ mean: 200, p50: 200, p90: 300, p99: 300, max: 300 });
    // A whole hour: minute counts 2 (19:00), 2 (19:01), 1 (19:05), 1 (19:59) and 56 zeros.
    expect(middle!.observedSec).toBe(3600);
    expect(middle!.meanRequestsPerSec).toBeCloseTo(6 / 3600, 12);
    expect(middle!.peakRequestsPerSec).toBeCloseTo(2 / 60, 12);
    expect(middle!.p95RequestsPerSec).toBeCloseTo(1 / 60, 12);
    expect(middle!.contextTokens).toEqual({ mean: 650, p50: 600, p90: 900, p99: 900, max: 900 });
    expect(middle!.generatedTokens).toEqual({ mean: 65, p50: 60, p90: 90, p99: 90, max: 90 });
    // The trace ends 1 ms into the last window: its rate is over one minute, not over 1 ms.
    expect(last!.observedSec).toBeCloseTo(0.001, 9);
    expect(last!.meanRequestsPerSec).toBeCloseTo(1 / 60, 12);
    expect(last!.peakRequestsPerSec).toBeCloseTo(1 / 60, 12);
  });

  it('5-minute windows are zero-filled between requests', async () => {
    const analysis = await analyzeTrace([await readFixture('trace-2024-lf.csv')], { windowSec: 300 });
    expect(analysis.windows.map((w) => w.requests)).toEqual([3, 4, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1]);
    expect(analysis.windows[0]!.startUtc).toBe('2023-11-16T18:55:00.000Z');
    const empty = analysis.windows[3]!;
    expect(empty).toMatchObject({
      startUtc: '2023-11-16T19:10:00.000Z',
      observedSec: 300,
      meanRequestsPerSec: 0,
      peakRequestsPerSec: 0,
      contextTokens: null,
    });
    expect(analysis.windows.reduce((sum, w) => sum + w.requests, 0)).toBe(10);
  });

  it('30-second windows measure peaks per second', async () => {
    const analysis = await analyzeTrace([await readFixture('trace-2025-images.csv')], { windowSec: 30 });
    expect(analysis.peakIntervalSec).toBe(1);
    const at1900 = analysis.windows.find((w) => w.startUtc === '2023-11-16T19:00:00.000Z')!;
    expect(at1900.requests).toBe(2);
    expect(at1900.peakRequestsPerSec).toBe(1);
  });

  it('accepts rows out of order within a window, and names the row that goes back to a closed one', async () => {
    const header = 'TIMESTAMP,ContextTokens,GeneratedTokens';
    const shuffled = await analyzeTrace([`${header}\n2024-05-10 00:30:00,1,1\n2024-05-10 00:10:00,1,1\n2024-05-10 01:00:00,1,1\n`]);
    expect(shuffled.windows.map((w) => w.requests)).toEqual([2, 1]);
    expect(shuffled.firstUtc).toBe('2024-05-10T00:10:00.000Z');
    const error = await analyzeTrace([`${header}\n2024-05-10 01:30:00,1,1\n2024-05-10 02:10:00,1,1\n2024-05-10 01:59:59,1,1\n`], {
      file: 'late.csv',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).issues).toEqual([
      expect.objectContaining({ file: 'late.csv', line: 4, field: 'TIMESTAMP', fix: 'sort the trace by TIMESTAMP' }),
    ]);
  });

  it('refuses a stray timestamp that would need a million windows', async () => {
    const text = 'TIMESTAMP,ContextTokens,GeneratedTokens\n2024-05-10 00:00:00,1,1\n2999-05-10 00:00:00,1,1\n';
    await expect(analyzeTrace([text], { windowSec: 60 })).rejects.toThrow(/days after the first request/);
  });
});

describe('durations', () => {
  it.each([
    ['30s', 30],
    ['5m', 300],
    ['1h', 3600],
    ['1.5h', 5400],
    ['1d', 86_400],
    [' 2H ', 7200],
  ])('%j is %i s', (text, seconds) => expect(parseDurationSec(text)).toBe(seconds));

  it.each(['0s', '5', '1.5s', 'h', '-1h', '1w'])('rejects %j', (text) =>
    expect(() => parseDurationSec(text, '--window')).toThrow(InputError),
  );

  it('formats with the largest unit that divides, and picks the peak interval', () => {
    expect([3600, 300, 90, 86_400, 5400].map(formatDurationSec)).toEqual(['1h', '5m', '90s', '1d', '90m']);
    expect([3600, 120, 90, 60, 30].map(peakIntervalSecFor)).toEqual([60, 60, 1, 1, 1]);
  });
});
