import { describe, expect, it } from 'vitest';
import { minuteServed, worstCoupling, type MinuteDemand } from '../../src/simulate/within-hour.js';
import { CONV_2023_SHAPE } from '../../src/demand/within-hour-shape.js';
import { mulberry32 } from '../../src/random.js';
import { glpkSolve } from './support.js';

/** One workload, one origin, one hour of 60 minutes. */
function oneGroup(low: number, mean: number, high: number): MinuteDemand {
  return { low: [[low]], mean: [[mean]], high: [[high]], group: [0], minutes: 60 };
}

const capped = (c: number) => async (d: number[][]) => Math.min(d[0]![0]!, c);

describe('minute-level bounds, one workload with capacity c', () => {
  it('low 10, mean 20, high 40 req/s on capacity 30: worst 16.667, best 19.833, busiest minute 30 (by hand)', async () => {
    const solve = await glpkSolve();
    const got = await minuteServed(oneGroup(10, 20, 40), capped(30), { shape: CONV_2023_SHAPE, solve });
    // Worst: 40 minutes at 10 and 20 at 40 (mean 20): (40 x 10 + 20 x 30) / 60.
    expect(got.lower).toBeCloseTo(1000 / 60, 9);
    // Best: one minute at 10, one at 40 (10 lost), 58 at (1200 - 50) / 58 < 30: (1200 - 10) / 60.
    expect(got.upper).toBeCloseTo(1190 / 60, 9);
    expect(got.busiestMinute).toBe(30);
    expect(got.estimate).toBeGreaterThanOrEqual(got.lower);
    expect(got.estimate).toBeLessThanOrEqual(got.upper);
  });

  it('capacity at or above the high serves every minute; at or below the low serves c every minute', async () => {
    const solve = await glpkSolve();
    const full = await minuteServed(oneGroup(10, 20, 40), capped(40), { shape: CONV_2023_SHAPE, solve });
    expect(full).toEqual({ busiestMinute: 40, lower: 20, upper: 20, estimate: 20 });
    const starved = await minuteServed(oneGroup(10, 20, 40), capped(8), { shape: CONV_2023_SHAPE, solve });
    expect(starved.lower).toBeCloseTo(8, 9);
    expect(starved.upper).toBeCloseTo(8, 9);
    expect(starved.estimate).toBeCloseTo(8, 9);
  });

  it('every random minute sequence serves between the bounds of its own low, mean and high (brute force)', async () => {
    const solve = await glpkSolve();
    const random = mulberry32(20);
    for (let trial = 0; trial < 200; trial++) {
      const minutes = Array.from({ length: 60 }, () => (random() < 0.3 ? random() * 5 : 5 + random() * 30));
      const low = Math.min(...minutes);
      const high = Math.max(...minutes);
      const mean = minutes.reduce((a, b) => a + b, 0) / 60;
      const c = low + random() * (high - low);
      const served = minutes.reduce((sum, m) => sum + Math.min(m, c), 0) / 60;
      const got = await minuteServed(oneGroup(low, mean, high), capped(c), { shape: CONV_2023_SHAPE, solve });
      expect(got.lower).toBeLessThanOrEqual(served + 1e-9);
      expect(got.upper).toBeGreaterThanOrEqual(served - 1e-9);
      expect(got.lower).toBeLessThanOrEqual(got.estimate + 1e-9);
      expect(got.estimate).toBeLessThanOrEqual(got.upper + 1e-9);
    }
  });
});

describe('minute-level bounds, two workloads', () => {
  const two: MinuteDemand = { low: [[10], [10]], mean: [[20], [20]], high: [[40], [40]], group: [0, 1], minutes: 60 };

  it('sharing capacity 60, the worst aligns their busy minutes: 40 - 20/3 (by hand); the best serves the mean', async () => {
    const solve = await glpkSolve();
    const shared = async (d: number[][]) => Math.min(d[0]![0]! + d[1]![0]!, 60);
    const got = await minuteServed(two, shared, { shape: CONV_2023_SHAPE, solve });
    // A third of the minutes at (40, 40) lose 20 each; anti-aligned, nothing is lost.
    expect(got.lower).toBeCloseTo(40 - 20 / 3, 6);
    expect(got.upper).toBeCloseTo(40, 9);
    expect(got.busiestMinute).toBe(60);
  });

  it('on separate capacities the alignment does not matter: each workload its own one-group bound', async () => {
    const solve = await glpkSolve();
    const separate = async (d: number[][]) => Math.min(d[0]![0]!, 30) + Math.min(d[1]![0]!, 30);
    const got = await minuteServed(two, separate, { shape: CONV_2023_SHAPE, solve });
    expect(got.lower).toBeCloseTo((2 * 1000) / 60, 6);
  });

  it('a deferrable workload (group -1) is left out of the minute figures', async () => {
    const solve = await glpkSolve();
    const demand: MinuteDemand = { ...two, group: [0, -1] };
    const seen: number[] = [];
    const got = await minuteServed(
      demand,
      async (d) => {
        seen.push(d[1]![0]!);
        return Math.min(d[0]![0]!, 30);
      },
      { shape: CONV_2023_SHAPE, solve },
    );
    expect(new Set(seen)).toEqual(new Set([0]));
    expect(got.lower).toBeCloseTo(1000 / 60, 9);
  });

  it('the coupling LP finds the comonotone worst for three groups on one shared capacity (brute force over couplings)', async () => {
    const solve = await glpkSolve();
    const corners: number[][] = [];
    for (let mask = 0; mask < 8; mask++) corners.push([mask & 1, (mask >> 1) & 1, (mask >> 2) & 1]);
    // Loss only when all three are high: worst puts min(p) of the mass there.
    const served = corners.map((c) => (c.every((v) => v === 1) ? 90 : 100));
    const worst = await worstCoupling(served, corners, [0.5, 0.4, 0.3], solve);
    expect(worst).toBeCloseTo(100 - 10 * 0.3, 6);
  });
});
