import { describe, expect, it } from 'vitest';
import { MAX_STEPS_AHEAD, forecastAhead, forecastNext } from '../../src/simulate/forecast-next.js';

const hours = (n: number, start = '2024-05-13T00:00:00Z') =>
  Array.from({ length: n }, (_, i) => new Date(Date.parse(start) + i * 3_600_000).toISOString());

describe('forecastNext', () => {
  it('repeats a flat series with no margin once it has measured its (zero) misses', () => {
    const f = forecastNext(new Array(60).fill(10), { minMargin: 0 });
    expect(f).toEqual({ point: 10, upper: 10, margin: 0 });
  });

  it('with less than a day of history: the last hour plus the fallback margin', () => {
    expect(forecastNext([1, 2, 4], { fallbackMargin: 0.25 })).toEqual({ point: 4, upper: 5, margin: 0.25 });
  });

  it('follows the daily shape scaled by the recent level: a day running 20% hotter forecasts 20% more', () => {
    const shape = Array.from({ length: 24 }, (_, h) => 10 + 5 * Math.sin((2 * Math.PI * h) / 24));
    const history = [...shape, ...shape.map((v) => v * 1.2)].slice(0, 24 + 10);
    const f = forecastNext(history);
    // hour 10 of day 2 = shape[10] x 1.2 (the last 3 hours ran 1.2x their reference); above the last hour.
    expect(f.point).toBeCloseTo(Math.max(shape[10]! * 1.2, history.at(-1)!), 9);
  });

  it('takes Monday from Friday, not from Sunday, when local start times are given', () => {
    // Fri 10, Sat 2, Sun 2 (flat days); Monday 00:00 is forecast.
    const history = [...new Array(24).fill(10), ...new Array(24).fill(2), ...new Array(24).fill(2)];
    const starts = hours(73, '2024-05-10T00:00:00Z');
    const withTypes = forecastNext(history, { starts });
    const without = forecastNext(history);
    expect(without.point).toBeCloseTo(2, 9);
    // Friday's 10: Sunday's last hours ran at their own reference's (Saturday's) level, ratio 1.
    expect(withTypes.point).toBeCloseTo(10, 9);
  });

  it('tracks a weekday-to-weekend drop beyond 2x when only a weekday can be the reference, but clamps noise between days of a type', () => {
    // Friday at 40 all day, Saturday at 10 from midnight: Saturday 03:00 has only Friday to go by.
    const friday = new Array<number>(24).fill(40);
    const saturday = [10, 10, 10];
    const starts = hours(28, '2024-05-10T00:00:00Z');
    // The level ratio is 10/40 = 1/4; a [1/2, 2] clamp would forecast 20, twice what runs.
    expect(forecastNext([...friday, ...saturday], { starts }).point).toBeCloseTo(10, 9);
    // Tuesday after a Monday at 40 with its first 3 hours at 10: same type, the ratio is clamped to 1/2.
    const tuesday = hours(28, '2024-05-13T00:00:00Z');
    expect(forecastNext([...friday, ...saturday], { starts: tuesday }).point).toBeCloseTo(20, 9);
  });

  it('covers the worst miss at this hour on recent days beyond what headroom absorbs, not misses at other hours', () => {
    const flat = new Array<number>(24).fill(10);
    const spike = flat.map((v, h) => (h === 12 ? 13 : v));
    // One miss of +30% at hour 12 of day 2 (predicted 10 from hours 9-11, got 13).
    const atNoon = forecastNext([...flat, ...spike, ...flat.slice(0, 12)], { absorbed: 0.1 });
    expect(atNoon.margin).toBeCloseTo(0.2, 9);
    expect(atNoon.upper).toBeCloseTo(atNoon.point * 1.2, 9);
    // Hour 11 is within +-1 h of it; hour 20 is neither near that hour nor within the last 6 hours.
    expect(forecastNext([...flat, ...spike, ...flat.slice(0, 11)], { absorbed: 0.1 }).margin).toBeCloseTo(0.2, 9);
    expect(forecastNext([...flat, ...spike, ...flat.slice(0, 20)], { absorbed: 0.1 }).margin).toBe(0);
    // Right after the miss it is one of the last 6 hours.
    expect(forecastNext([...flat, ...spike.slice(0, 16)], { absorbed: 0.1 }).margin).toBeCloseTo(0.2, 9);
  });
});

describe('forecastAhead', () => {
  const shape = Array.from({ length: 24 }, (_, h) => 10 + 5 * Math.sin((2 * Math.PI * h) / 24));

  it('one step ahead is forecastNext', () => {
    const history = [...shape, ...shape, ...shape.slice(0, 7)].map((v, i) => v * (1 + 0.01 * (i % 5)));
    expect(forecastAhead(history, 1, { absorbed: 0.1 })).toEqual(forecastNext(history, { absorbed: 0.1 }));
  });

  it('on a repeating day, h hours ahead is that hour of the day, floored by the last hour known, with no margin', () => {
    const history = [...shape, ...shape, ...shape.slice(0, 10)];
    const last = history.at(-1)!;
    for (let h = 1; h <= MAX_STEPS_AHEAD; h++) {
      const f = forecastAhead(history, h, { minMargin: 0 });
      expect(f.point, `h=${h}`).toBeCloseTo(Math.max(shape[(10 + h - 1) % 24]!, last), 9);
      // Its own h-ahead forecasts of the past days never fell short: no margin.
      expect(f.margin, `h=${h}`).toBe(0);
    }
  });

  it('scales the reference hour by the level of the last hours known, however far ahead', () => {
    const history = [...shape, ...shape.map((v) => v * 1.2)].slice(0, 24 + 10);
    const f = forecastAhead(history, 6);
    // Hour 15 of day 2 from hours 7..9 of day 2 (1.2x their reference): shape[15] x 1.2, above the last hour.
    expect(f.point).toBeCloseTo(Math.max(shape[15]! * 1.2, history.at(-1)!), 9);
  });

  it('refuses a horizon it cannot read a reference day for', () => {
    expect(() => forecastAhead(shape, 0)).toThrow(RangeError);
    expect(() => forecastAhead(shape, MAX_STEPS_AHEAD + 1)).toThrow(/1\.\.24/);
    expect(() => forecastAhead(shape, 1.5)).toThrow(RangeError);
  });
});
