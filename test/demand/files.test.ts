import { inputError } from '../support/errors.js';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hourlyProfileToCsv, parseHourlyProfileCsv, summarizeProfile, windowProfile } from '../../src/demand/profile.js';
import { parseRequestMixCsv, requestMixToCsv } from '../../src/demand/request-mix.js';
import { analyzeTrace } from '../../src/demand/summary.js';
import { InputError } from '../../src/errors.js';
import { packageRoot } from '../../src/paths.js';
import { AZURE_TRACES, HAS_AZURE_TRACES, readFixture } from './fixtures.js';

const traces = (name: string) => readFile(join(packageRoot(), 'traces', name), 'utf8');

describe('request mixes', () => {
  it('buckets the fixture trace by input and output size', async () => {
    const { requestMix } = await analyzeTrace([await readFixture('trace-2024-lf.csv')]);
    expect(
      requestMix.buckets.map((b) => [
        b.inputTokensFrom,
        b.inputTokensBelow,
        b.outputTokensFrom,
        b.outputTokensBelow,
        b.requests,
        b.share,
        b.inputTokens,
        b.outputTokens,
      ]),
    ).toEqual([
      [0, 256, 0, 32, 2, 0.2, 150, 15],
      [256, 1024, 0, 32, 1, 0.1, 300, 30],
      [256, 1024, 32, 128, 7, 0.7, 700, 70],
    ]);
    expect(requestMix.meanInputTokens).toBe(550);
  });

  it('round-trips through the CSV form', async () => {
    const { requestMix } = await analyzeTrace([await readFixture('trace-2023-crlf.csv')]);
    const parsed = parseRequestMixCsv(requestMixToCsv(requestMix));
    expect(parsed.meanInputTokens).toBeCloseTo(550, 9);
    expect(parsed.meanOutputTokens).toBeCloseTo(55, 9);
    expect(parsed.buckets).toEqual(
      requestMix.buckets.map((b) => ({ inputTokens: b.inputTokens, outputTokens: b.outputTokens, share: expect.closeTo(b.share, 9) })),
    );
  });

  it.each([
    ['code-2023-request-mix.csv', 2047.8, 27.9, 25],
    ['conv-2023-request-mix.csv', 1154.7, 211.1, 26],
  ])('committed traces/%s gives the trace means', async (name, input, output, buckets) => {
    const mix = parseRequestMixCsv(await traces(name), name);
    expect(mix.meanInputTokens).toBeCloseTo(input, 1);
    expect(mix.meanOutputTokens).toBeCloseTo(output, 1);
    expect(mix.buckets).toHaveLength(buckets);
    expect(mix.buckets!.reduce((sum, b) => sum + b.share, 0)).toBeCloseTo(1, 12);
  });

  it('reads a hand-written mix and rejects bad ones with line and field', () => {
    const mix = parseRequestMixCsv('share,mean_input_tokens,mean_output_tokens\r\n0.25,1000,100\r\n0.75,200,20\r\n');
    expect(mix).toEqual({
      meanInputTokens: 400,
      meanOutputTokens: 40,
      buckets: [
        { share: 0.25, inputTokens: 1000, outputTokens: 100 },
        { share: 0.75, inputTokens: 200, outputTokens: 20 },
      ],
    });
    expect(inputError(() => parseRequestMixCsv('share,mean_input_tokens\n1,2\n', 'm.csv')).issues[0]).toMatchObject({
      file: 'm.csv',
      line: 1,
      message: 'missing column mean_output_tokens',
    });
    expect(inputError(() => parseRequestMixCsv('share,mean_input_tokens,mean_output_tokens\n0.5,1,1\n0.4,1,1\n')).issues[0]!.message).toBe(
      'shares sum to 0.900000',
    );
    expect(inputError(() => parseRequestMixCsv('share,mean_input_tokens,mean_output_tokens\n0.5,1,1\n0.5,x,1\n')).issues[0]).toMatchObject({
      line: 3,
      field: 'mean_input_tokens',
    });
  });
});

describe('hourly profiles', () => {
  it('reads per-minute profiles in requests per second, and writes them back', async () => {
    const profile = parseHourlyProfileCsv((await readFixture('profile-hourly.csv')).toString('utf8'));
    expect(profile).toEqual({
      startUtc: '2024-05-10T00:00:00.000Z',
      meanRequestsPerSec: [1, 2, 0.5],
      lowRequestsPerSec: [0.5, 1, 0],
      peakRequestsPerSec: [1.5, 3, 1],
    });
    expect(parseHourlyProfileCsv(hourlyProfileToCsv(profile))).toEqual(profile);
    expect(summarizeProfile(profile)).toMatchObject({
      hours: 3,
      endUtc: '2024-05-10T03:00:00.000Z',
      requests: 3.5 * 3600,
      meanRequestsPerSec: 3.5 / 3,
      peakRequestsPerSec: 3,
    });
  });

  it('groups hours into longer windows and refuses windows shorter than an hour', async () => {
    const profile = parseHourlyProfileCsv((await readFixture('profile-hourly.csv')).toString('utf8'));
    expect(windowProfile(profile, 7200)).toEqual([
      { startUtc: '2024-05-10T00:00:00.000Z', windowSec: 7200, meanRequestsPerSec: 1.5, lowRequestsPerSec: 0.5, peakRequestsPerSec: 3 },
      { startUtc: '2024-05-10T02:00:00.000Z', windowSec: 3600, meanRequestsPerSec: 0.5, lowRequestsPerSec: 0, peakRequestsPerSec: 1 },
    ]);
    expect(() => windowProfile(profile, 300)).toThrow(InputError);
  });

  it('reports gaps, bad rates and disordered low/mean/high with line numbers', () => {
    const text = [
      'hour_start_utc,requests_per_sec_mean,requests_per_sec_low,requests_per_sec_high',
      '2024-05-10T00:00:00Z,1,0,2',
      '2024-05-10T02:00:00Z,1,0,2',
      '2024-05-10T02:00:00Z,-1,0,2',
      '2024-05-10T03:00:00Z,3,4,5',
      '2024-05-10T04:30:00Z,1,0,2',
    ].join('\n');
    const error = inputError(() => parseHourlyProfileCsv(text, 'p.csv'));
    expect(error.issues.map((issue) => [issue.line, issue.field ?? null])).toEqual([
      [3, 'hour_start_utc'],
      [4, 'mean'],
      [5, null],
      [6, 'hour_start_utc'],
    ]);
  });

  it('committed traces/code-week-2024-hourly.csv holds the week: 168 hours, 16.8 M requests', async () => {
    const profile = parseHourlyProfileCsv(await traces('code-week-2024-hourly.csv'));
    const summary = summarizeProfile(profile);
    expect(summary.hours).toBe(168);
    expect(profile.startUtc).toBe('2024-05-10T00:00:00.000Z');
    expect(Math.abs(summary.requests - 16_803_695) / 16_803_695).toBeLessThan(1e-4);
    expect(summary.maxHourlyMeanRequestsPerSec).toBeCloseTo(5015 / 60, 3);
  });
});

describe.skipIf(!HAS_AZURE_TRACES)(`traces/ matches what scripts/derive-traces.ts derives (skipped: needs ${AZURE_TRACES})`, () => {
  it('the hourly week is the shared per-minute file in requests per second', async () => {
    const shared = parseHourlyProfileCsv(await readFile(join(AZURE_TRACES, 'azure2024_code_week_hourly.csv'), 'utf8'));
    expect(await traces('code-week-2024-hourly.csv')).toBe(hourlyProfileToCsv(shared));
  });

  it.each(['code', 'conv'])('the %s request mix is the trace histogram', async (name) => {
    const analysis = await analyzeTrace([await readFile(join(AZURE_TRACES, `AzureLLMInferenceTrace_${name}.csv`))]);
    expect(await traces(`${name}-2023-request-mix.csv`)).toBe(requestMixToCsv(analysis.requestMix));
  });
});
