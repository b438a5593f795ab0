import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  binMeans,
  p95Minute,
  parseWithinHourShapeCsv,
  shapedMinutes,
  withinHourShapeToCsv,
  type WithinHourShape,
} from '../../src/demand/within-hour.js';
import { CODE_2023_SHAPE, CONV_2023_SHAPE } from '../../src/demand/within-hour-shape.js';
import { InputError } from '../../src/errors.js';
import { packageRoot } from '../../src/paths.js';

const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;

describe('within-hour shape file', () => {
  it('round trips: parse(write(shapes)) gives the shapes back', () => {
    const shapes: WithinHourShape[] = [
      { name: 'a', ratios: Array.from({ length: 60 }, (_, i) => 0.5 + i / 59) },
      { name: 'b', ratios: Array.from({ length: 60 }, (_, i) => (i < 10 ? 0 : i / 30)) },
    ];
    const parsed = parseWithinHourShapeCsv(withinHourShapeToCsv(shapes, 6), 'x.csv');
    expect(parsed.map((s) => s.name)).toEqual(['a', 'b']);
    for (const [s, shape] of parsed.entries()) for (const [i, r] of shape.ratios.entries()) expect(r).toBeCloseTo(shapes[s]!.ratios[i]!, 6);
  });

  it('the committed traces/within-hour-shape.csv is what the library builds in, sorted and of mean ~1', async () => {
    const text = await readFile(join(packageRoot(), 'traces', 'within-hour-shape.csv'), 'utf8');
    const [conv, code] = parseWithinHourShapeCsv(text, 'traces/within-hour-shape.csv');
    expect(conv).toEqual(CONV_2023_SHAPE);
    expect(code).toEqual(CODE_2023_SHAPE);
    // Resampled from the trace's full minutes, so the mean of the 60 ranks is near, not exactly, 1.
    expect(Math.abs(mean(conv!.ratios) - 1)).toBeLessThan(0.02);
  });

  it('refuses unsorted ratios and missing ranks with the file, line and field', () => {
    const rows = Array.from({ length: 60 }, (_, i) => `${i + 1},${i === 5 ? 0.1 : 1 + i / 100}`);
    try {
      parseWithinHourShapeCsv(`rank,x\n${rows.join('\n')}\n`, 'bad.csv');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).issues[0]).toMatchObject({ file: 'bad.csv', line: 7, field: 'x' });
    }
    expect(() => parseWithinHourShapeCsv('rank,x\n1,1\n', 'short.csv')).toThrow(/1 ranks/);
  });
});

describe('shapedMinutes: the shape scaled to a window', () => {
  it('hits the window low, mean and high exactly and keeps the shape order', () => {
    for (const [low, m, high] of [
      [15.95, 21.417, 27.767],
      [0, 1, 10],
      [5, 5.1, 9],
      [5, 8.9, 9],
    ] as const) {
      for (const shape of [CONV_2023_SHAPE, CODE_2023_SHAPE]) {
        const minutes = shapedMinutes(shape, low, m, high);
        expect(minutes).toHaveLength(60);
        expect(minutes[0]).toBeCloseTo(low, 9);
        expect(minutes[59]).toBeCloseTo(high, 9);
        expect(mean(minutes)).toBeCloseTo(m, 9);
        for (let i = 1; i < 60; i++) expect(minutes[i]!).toBeGreaterThanOrEqual(minutes[i - 1]! - 1e-12);
        const bins = binMeans(minutes);
        expect(bins.reduce((sum, b) => sum + b.weight * b.value, 0)).toBeCloseTo(m, 9);
        expect(bins[0]!.value).toBeCloseTo(low, 9);
        expect(bins[bins.length - 1]!.value).toBeCloseTo(high, 9);
      }
    }
  });

  it('a linear shape with the window mean at mid-range stays linear; the p95 minute is its 57th', () => {
    const linear = { name: 'linear', ratios: Array.from({ length: 60 }, (_, i) => i / 59) };
    const minutes = shapedMinutes(linear, 10, 20, 30);
    for (const [i, x] of minutes.entries()) expect(x).toBeCloseTo(10 + (20 * i) / 59, 6);
    expect(p95Minute(linear, 10, 20, 30)).toBeCloseTo(10 + (20 * 56) / 59, 6);
  });

  it('a flat window is flat', () => {
    expect(shapedMinutes(CONV_2023_SHAPE, 7, 7, 7)).toEqual(Array.from({ length: 60 }, () => 7));
  });
});
