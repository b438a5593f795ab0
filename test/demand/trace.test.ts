import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { analyzeTrace } from '../../src/demand/summary.js';
import { parseTimestampText } from '../../src/demand/timestamp.js';
import { readTrace, type TraceBatch } from '../../src/demand/trace.js';
import { AZURE_TRACES, HAS_AZURE_TRACES, fixture, inPieces, readFixture } from './fixtures.js';

async function rowsOf(chunks: Iterable<Uint8Array | string> | AsyncIterable<Uint8Array | string>) {
  const rows: Array<{ ms: number; context: number; generated: number; images?: number; line: number }> = [];
  for await (const batch of readTrace(chunks)) rows.push(...unbatch(batch));
  return rows;
}

function unbatch(batch: TraceBatch) {
  return Array.from({ length: batch.length }, (_, i) => ({
    ms: batch.timestampMs[i]!,
    context: batch.contextTokens[i]!,
    generated: batch.generatedTokens[i]!,
    ...(batch.numImages ? { images: batch.numImages[i]! } : {}),
    line: batch.lineNumbers[i]!,
  }));
}

async function issuesOf(chunks: Iterable<Uint8Array | string>, file = 'bad.csv') {
  try {
    await analyzeTrace(chunks, { file });
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

describe('timestamps', () => {
  it('reads the 2023, 2024 and 2025 formats as the same UTC instant', () => {
    const expected = Date.parse('2023-11-16T18:17:03.979Z') + 0.96;
    expect(parseTimestampText('2023-11-16 18:17:03.9799600')).toBeCloseTo(expected, 6);
    expect(parseTimestampText('2023-11-16 18:17:03.979960+00:00')).toBeCloseTo(expected, 6);
    expect(parseTimestampText('2023-11-16T18:17:03.97996Z')).toBeCloseTo(expected, 6);
    expect(parseTimestampText('2024-05-12 00:00:00+00:00')).toBe(Date.parse('2024-05-12T00:00:00Z'));
    expect(parseTimestampText('2024-10-15T12:00:00.269Z')).toBe(Date.parse('2024-10-15T12:00:00.269Z'));
  });

  it('applies offsets, leap days and years across eras', () => {
    expect(parseTimestampText('2024-05-10 02:30:00+02:30')).toBe(Date.parse('2024-05-10T00:00:00Z'));
    expect(parseTimestampText('2024-05-09T22:00:00-0200')).toBe(Date.parse('2024-05-10T00:00:00Z'));
    expect(parseTimestampText('2024-02-29 12:00:00')).toBe(Date.parse('2024-02-29T12:00:00Z'));
    expect(parseTimestampText('1999-12-31 23:59:59.5')).toBe(Date.parse('1999-12-31T23:59:59.500Z'));
    expect(parseTimestampText('2100-03-01T00:00:00Z')).toBe(Date.parse('2100-03-01T00:00:00Z'));
  });

  it.each([
    '2023-13-01 00:00:00',
    '2023-02-29 00:00:00',
    '2100-02-29 00:00:00',
    '2023-11-16 24:00:00',
    '2023-11-16 18:17',
    '2023-11-16 18:17:03.',
    '2023-11-16 18:17:03.1234567890',
    '2023-11-16 18:17:03 UTC',
    '2023/11/16 18:17:03',
    '2023-11-16 18:17:03+25:00',
    '',
  ])('rejects %j', (text) => expect(parseTimestampText(text)).toBeNaN());
});

describe('readTrace', () => {
  it('reads the same rows from the 2023 (CRLF, no final newline), 2024 (LF) and 2025 (NumImages, Z) fixtures', async () => {
    const crlf = await rowsOf([await readFixture('trace-2023-crlf.csv')]);
    const lf = await rowsOf([await readFixture('trace-2024-lf.csv')]);
    const images = await rowsOf([await readFixture('trace-2025-images.csv')]);
    expect(crlf).toHaveLength(10);
    expect(crlf[0]).toEqual({ ms: Date.parse('2023-11-16T18:59:00.100Z'), context: 100, generated: 10, line: 2 });
    expect(crlf[9]).toEqual({ ms: Date.parse('2023-11-16T20:00:00.001Z'), context: 1000, generated: 100, line: 11 });
    const comparable = (rows: typeof crlf) => rows.map(({ images: _images, ...row }) => ({ ...row, ms: Math.round(row.ms * 1000) }));
    expect(comparable(lf)).toEqual(comparable(crlf));
    expect(comparable(images)).toEqual(comparable(crlf));
    expect(images.map((row) => row.images)).toEqual([0, 1, 0, 2, 0, 0, 1, 0, 0, 0]);
  });

  it('gives the same rows however the bytes are split into chunks', async () => {
    for (const name of ['trace-2023-crlf.csv', 'trace-2024-lf.csv', 'trace-2025-images.csv']) {
      const bytes = await readFixture(name);
      const whole = await rowsOf([bytes]);
      for (const size of [1, 2, 3, 7, 24, 41, 64, 1000])
        expect(await rowsOf(inPieces(bytes, size)), `${name} in ${size}-byte chunks`).toEqual(whole);
    }
  });

  it('reads string chunks and a file stream alike, and ignores blank lines and a BOM', async () => {
    const text = '\uFEFFTIMESTAMP,ContextTokens,GeneratedTokens\n\n2024-05-10 00:00:00+00:00,5,6\n\n2024-05-10 00:00:01+00:00, 7 ,"8"\n\n';
    expect(await rowsOf([text])).toEqual([
      { ms: Date.parse('2024-05-10T00:00:00Z'), context: 5, generated: 6, line: 3 },
      { ms: Date.parse('2024-05-10T00:00:01Z'), context: 7, generated: 8, line: 5 },
    ]);
    expect(await rowsOf(createReadStream(fixture('trace-2024-lf.csv'), { highWaterMark: 16 }))).toHaveLength(10);
  });

  it('reports each bad row with its 1-based line, field and a fix, after reading the rest', async () => {
    const error = await issuesOf([await readFixture('trace-bad-rows.csv')], 'trace-bad-rows.csv');
    expect(error.message).toMatch(/^trace-bad-rows\.csv: 5 bad rows/);
    expect(error.issues.map((issue) => [issue.line, issue.field])).toEqual([
      [3, 'ContextTokens'],
      [5, 'ContextTokens'],
      [6, 'TIMESTAMP'],
      [7, undefined],
      [8, 'GeneratedTokens'],
    ]);
    expect(error.issues.map((issue) => issue.message)).toEqual([
      "'abc' is not a number",
      '-5 is negative',
      "'2024-05-10 25:00:03.000000+00:00' is not a timestamp",
      'expected 3 columns (TIMESTAMP,ContextTokens,GeneratedTokens), found 2',
      '12.5 is not a whole number',
    ]);
    expect(error.issues.every((issue) => issue.file === 'trace-bad-rows.csv' && issue.fix)).toBe(true);
    expect(error.message).toContain('trace-bad-rows.csv:6 TIMESTAMP');
  });

  it('stops after 20 bad rows', async () => {
    const lines = [
      'TIMESTAMP,ContextTokens,GeneratedTokens',
      ...Array.from({ length: 50 }, (_, i) => `2024-05-10 00:00:${String(i % 60).padStart(2, '0')},x,1`),
    ];
    const error = await issuesOf([lines.join('\n')]);
    expect(error.issues).toHaveLength(20);
    expect(error.issues[19]!.line).toBe(21);
    expect(error.message).toMatch(/stopped reading after 20 bad rows/);
  });

  it('rejects a wrong header on line 1, an empty file and a trace without rows', async () => {
    const header = await issuesOf(['time,prompt,output\n2024-05-10 00:00:00,1,1\n']);
    expect(header.issues[0]).toMatchObject({ line: 1, field: 'header' });
    expect((await issuesOf([''])).issues[0]!.message).toMatch(/empty file/);
    expect((await issuesOf(['TIMESTAMP,ContextTokens,GeneratedTokens\r\n'])).issues[0]!.message).toMatch(/no requests/);
  });

  it('checks the NumImages column of the 2025 layout too', async () => {
    const error = await issuesOf([
      'TIMESTAMP,NumImages,ContextTokens,GeneratedTokens\n2024-10-15T12:00:00.269Z,-1,10,10\n2024-10-15T12:00:01.000Z,0,10\n',
    ]);
    expect(error.issues.map((issue) => [issue.line, issue.field ?? null])).toEqual([
      [2, 'NumImages'],
      [3, null],
    ]);
  });
});

describe('trace statistics', () => {
  it.each(['trace-2023-crlf.csv', 'trace-2024-lf.csv', 'trace-2025-images.csv'])(
    '%s: totals and percentiles (nearest rank)',
    async (name) => {
      const analysis = await analyzeTrace([await readFixture(name)], { file: name });
      expect(analysis.requests).toBe(10);
      expect(analysis.meanContextTokens).toBe(550);
      expect(analysis.meanGeneratedTokens).toBe(55);
      expect(analysis.totalContextTokens).toBe(5500);
      expect(analysis.contextTokens).toEqual({ mean: 550, p50: 500, p90: 900, p99: 1000, max: 1000, min: 100 });
      expect(analysis.generatedTokens).toEqual({ mean: 55, p50: 50, p90: 90, p99: 100, max: 100, min: 10 });
      expect(analysis.firstUtc).toBe('2023-11-16T18:59:00.100Z');
      expect(analysis.lastUtc).toBe('2023-11-16T20:00:00.001Z');
      expect(analysis.durationSec).toBeCloseTo(3659.901, 6);
      expect(analysis.meanRequestsPerSec).toBeCloseTo(10 / 3659.901, 9);
      expect(analysis.meanImages).toBe(name === 'trace-2025-images.csv' ? 0.4 : undefined);
    },
  );
});

describe.skipIf(!HAS_AZURE_TRACES)(`published statistics of the 2023 Azure traces (skipped: needs ${AZURE_TRACES})`, () => {
  it.each([
    {
      name: 'code',
      requests: 8819,
      context: 2047.8,
      generated: 27.9,
      contextPercentiles: [1469, 5194, 7436],
      generatedPercentiles: [13, 55, 252],
      hours: [7717, 1102],
    },
    {
      name: 'conv',
      requests: 19366,
      context: 1154.7,
      generated: 211.1,
      contextPercentiles: [1020, 2735, 4142],
      generatedPercentiles: [129, 424, 601],
      hours: [15606, 3760],
    },
  ])('$name: $requests requests, mean context $context, mean generated $generated', async (published) => {
    const file = join(AZURE_TRACES, `AzureLLMInferenceTrace_${published.name}.csv`);
    const analysis = await analyzeTrace(createReadStream(file), { file });
    expect(analysis.requests).toBe(published.requests);
    expect(Number(analysis.meanContextTokens.toFixed(1))).toBe(published.context);
    expect(Number(analysis.meanGeneratedTokens.toFixed(1))).toBe(published.generated);
    expect([analysis.contextTokens.p50, analysis.contextTokens.p90, analysis.contextTokens.p99]).toEqual(published.contextPercentiles);
    expect([analysis.generatedTokens.p50, analysis.generatedTokens.p90, analysis.generatedTokens.p99]).toEqual(
      published.generatedPercentiles,
    );
    expect(analysis.windows.map((w) => w.requests)).toEqual(published.hours);
  });

  it('code: 5-minute windows and the busiest minute match the dataset README', async () => {
    const file = join(AZURE_TRACES, 'AzureLLMInferenceTrace_code.csv');
    const analysis = await analyzeTrace(createReadStream(file), { file, windowSec: 300 });
    expect(analysis.windows.map((w) => w.requests)).toEqual([63, 905, 998, 939, 1191, 1004, 1018, 882, 717, 383, 309, 410]);
    expect(Math.max(...analysis.windows.map((w) => w.peakRequestsPerSec)) * 60).toBeCloseTo(585, 9);
    expect(analysis.meanRequestsPerSec).toBeCloseTo(2.567, 3);
  });
});
