import { describe, expect, it } from 'vitest';
import { coverage, holtWintersForecast, mape, seasonalNaiveForecast } from '../../src/demand/forecast.js';
import { InputError } from '../../src/errors.js';

/** Deterministic noise in [-1, 1). */
function noise(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return (state / 2 ** 32) * 2 - 1;
  };
}

/** One day's shape, repeated exactly (sin of t and t + 24 differ in floating point). */
const DAY = Array.from({ length: 24 }, (_, h) => 50 + 30 * Math.sin((2 * Math.PI * h) / 24) + (h === 18 ? 25 : 0));
const daily = (t: number) => DAY[t % 24]!;

describe('seasonal naive', () => {
  it('reproduces a perfectly periodic daily series exactly (MAPE 0)', () => {
    const series = Array.from({ length: 24 * 7 - 1 }, (_, t) => daily(t));
    const future = Array.from({ length: 48 }, (_, h) => daily(series.length + h));
    const forecast = seasonalNaiveForecast(series, 48);
    expect(forecast.seasonality).toBe('same hour yesterday');
    expect(forecast.point).toEqual(future);
    expect(mape(future, forecast.point)).toBe(0);
    // In-sample errors are all 0, so the upper forecast adds nothing.
    expect(forecast.upper).toEqual(forecast.point);
  });

  it('uses the same hour last week once a week of history exists', () => {
    const weekly = (t: number) => daily(t) * (Math.floor(t / 24) % 7 >= 5 ? 0.3 : 1);
    const series = Array.from({ length: 24 * 14 }, (_, t) => weekly(t));
    const future = Array.from({ length: 72 }, (_, h) => weekly(series.length + h));
    const forecast = seasonalNaiveForecast(series, 72);
    expect(forecast.seasonality).toBe('same hour last week');
    expect(mape(future, forecast.point)).toBe(0);
    expect(mape(future, seasonalNaiveForecast(series.slice(-24 * 6), 72).point)).toBeGreaterThan(0.1);
  });

  it('needs a day of history', () => {
    expect(() => seasonalNaiveForecast([1, 2, 3], 24)).toThrow(InputError);
  });
});

describe('Holt-Winters', () => {
  it('beats seasonal naive on a noisy trend + daily season series', () => {
    const random = noise(7);
    const series = Array.from({ length: 24 * 8 }, (_, t) => 100 + 0.8 * t + 30 * Math.sin((2 * Math.PI * t) / 24) + 6 * random());
    // Six days of history: naive repeats yesterday and misses the trend (19 req/s a day).
    const train = series.slice(0, 24 * 6);
    const test = series.slice(24 * 6);
    const hw = holtWintersForecast(train, 48);
    const naive = seasonalNaiveForecast(train, 48);
    expect(naive.seasonality).toBe('same hour yesterday');
    expect(hw.method).toBe('holt-winters');
    expect(hw.parameters!.beta).toBeGreaterThan(0);
    expect(mape(test, hw.point)).toBeLessThan(0.08);
    expect(mape(test, hw.point)).toBeLessThan(0.75 * mape(test, naive.point));
  });

  it('learns separate weekday and weekend cycles from a start time', () => {
    // Monday 2024-05-06 00:00 UTC; weekends carry a fifth of weekday traffic.
    const random = noise(11);
    const value = (t: number) => {
      const weekday = (Math.floor(t / 24) + 1) % 7; // 0 = Sunday
      return daily(t) * (weekday === 0 || weekday === 6 ? 0.2 : 1) * (1 + 0.03 * random());
    };
    const series = Array.from({ length: 24 * 9 }, (_, t) => value(t));
    const train = series.slice(0, 24 * 8); // Mon .. next Mon
    const test = series.slice(24 * 8); // Tue
    const plain = holtWintersForecast(train.slice(0, 24 * 6), 24); // Mon .. Sat
    const byDayType = holtWintersForecast(train.slice(0, 24 * 6), 24, { startUtc: '2024-05-06T00:00:00Z' });
    const sunday = series.slice(24 * 6, 24 * 7);
    expect(byDayType.seasonality).toBe('daily cycles by weekday/weekend');
    expect(mape(sunday, byDayType.point)).toBeLessThan(mape(sunday, plain.point));
    expect(mape(test, holtWintersForecast(train, 24, { startUtc: '2024-05-06T00:00:00Z' }).point)).toBeLessThan(0.1);
  });

  it('never forecasts below 0, and its upper forecast covers the point forecast', () => {
    const random = noise(3);
    const series = Array.from({ length: 24 * 4 }, (_, t) => Math.max(0, 5 * Math.sin((2 * Math.PI * t) / 24) + 2 * random()));
    const forecast = holtWintersForecast(series, 48, { upperQuantile: 0.9 });
    expect(forecast.point.every((v) => v >= 0)).toBe(true);
    expect(forecast.upper.every((v, h) => v >= forecast.point[h]!)).toBe(true);
    expect(forecast.upperQuantile).toBe(0.9);
  });

  it('rejects a start time that is not on the hour, and a history shorter than two days', () => {
    const series = Array.from({ length: 72 }, (_, t) => daily(t));
    expect(() => holtWintersForecast(series, 24, { startUtc: '2024-05-06T00:30:00Z' })).toThrow(InputError);
    expect(() => holtWintersForecast(series.slice(0, 40), 24)).toThrow(/at least 48/);
  });
});

describe('mape and coverage', () => {
  it('averages absolute percentage errors over non-zero actuals', () => {
    expect(mape([100, 200, 0], [110, 150, 5])).toBeCloseTo((0.1 + 0.25) / 2, 12);
    expect(mape([0], [1])).toBeNaN();
    expect(() => mape([1, 2], [1])).toThrow(RangeError);
    expect(coverage([1, 2, 3, 4], [2, 2, 2, 5])).toBe(0.75);
  });
});
