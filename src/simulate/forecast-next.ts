import { DAY_STEPS } from '../demand/forecast.js';
import { maxOf } from '../extremes.js';

/**
 * The next window's demand from history only (requests/s per hour), for provisioning:
 *   point  = the larger of the last hour and the same hour on the last day of the same type (weekday or
 *            weekend, when local start times are given; else yesterday) x the recent level ratio (the last 3
 *            hours against those hours on their reference days). The daily shape leads ramps; the last hour
 *            catches what the shape misses, so the maximum of both needs a far smaller margin than the
 *            shape alone;
 *   upper  = point x (1 + margin): the margin is the worst relative under-forecast this rule made at the same
 *            hour of day (+-1 h) on the last 4 days and in the last 6 hours, less what the model's utilisation
 *            headroom already absorbs (`absorbed`), kept within [minMargin, maxMargin]. Misses cluster at
 *            the hours where the daily shape turns, so a margin per hour of day provisions less than one
 *            margin for all hours. No hour-ahead rule can do without a margin: the busiest minute of an
 *            hour runs well above its mean even when the mean is known (figures: bench/results/README.md,
 *            `npm run bench -- forecast-floor`).
 * With less than a day of history the forecast is the last hour x (1 + fallback margin).
 */
export interface NextForecastOptions {
  /** ISO start of every step (history and the next one) in the demand's local time: weekday/weekend references. */
  starts?: readonly string[];
  /** Hours of level correction (default 3). */
  levelHours?: number;
  /** Relative under-forecast the plan absorbs anyway (headroom h gives h / (1 - h)); default 0. */
  absorbed?: number;
  /** Same-hour misses are taken from this many previous days (default 4) ... */
  marginDays?: number;
  /** ... within this many hours of the hour forecast (default 1) ... */
  marginHours?: number;
  /** ... and from this many most recent hours (default 6). */
  recentHours?: number;
  minMargin?: number;
  maxMargin?: number;
  /** Margin when there is not enough history to measure one (default 0.25). */
  fallbackMargin?: number;
}

export interface NextForecast {
  point: number;
  upper: number;
  margin: number;
}

export function forecastNext(history: readonly number[], options: NextForecastOptions = {}): NextForecast {
  return forecastAhead(history, 1, options);
}

/** Most steps ahead forecastAhead reaches: the same hour a day earlier must be in the history. */
export const MAX_STEPS_AHEAD = DAY_STEPS;

/**
 * The demand `steps` steps after the history (steps = 1: the next one), by the same rule as forecastNext
 * with everything read up to the history's end: the reference hour, the level of the last hours, the
 * last hour as a floor, and a margin from this rule's own misses at `steps` ahead. `starts` must cover the
 * forecast step.
 */
export function forecastAhead(history: readonly number[], steps: number, options: NextForecastOptions = {}): NextForecast {
  if (!Number.isInteger(steps) || steps < 1 || steps > MAX_STEPS_AHEAD)
    throw new RangeError(`steps ahead must be a whole number in 1..${MAX_STEPS_AHEAD}, got ${steps}`);
  const levelHours = options.levelHours ?? 3;
  const fallback = options.fallbackMargin ?? 0.25;
  const t = history.length;
  if (t === 0) return { point: 0, upper: 0, margin: fallback };
  const reference = referenceStep(options.starts);
  if (t < DAY_STEPS + levelHours) {
    const point = history[t - 1]!;
    return { point, upper: point * (1 + fallback), margin: fallback };
  }
  const ahead = steps - 1;
  const point = pointAt(history, t + ahead, levelHours, reference, steps);
  const first = DAY_STEPS + levelHours;
  // The rule's miss at a past step s, forecast from history before s - ahead.
  const missAt = (s: number) => {
    const predicted = pointAt(history, s, levelHours, reference, steps);
    return predicted > 0 ? history[s]! / predicted - 1 : undefined;
  };
  const candidates = new Set<number>();
  for (let s = Math.max(first + ahead, t - (options.recentHours ?? 6)); s < t; s++) candidates.add(s);
  const around = options.marginHours ?? 1;
  for (let day = 1; day <= (options.marginDays ?? 4); day++) {
    for (let dh = -around; dh <= around; dh++) {
      const s = t + ahead - day * DAY_STEPS + dh;
      if (s >= first + ahead && s < t) candidates.add(s);
    }
  }
  const misses = [...candidates].map(missAt).filter((m): m is number => m !== undefined);
  const margin =
    misses.length === 0
      ? fallback
      : Math.min(options.maxMargin ?? 0.5, Math.max(options.minMargin ?? 0, maxOf(misses) - (options.absorbed ?? 0)));
  return { point, upper: point * (1 + margin), margin };
}

/** The step whose value predicts step s, and whether it is a day of the same type (weekday or weekend). */
type Reference = (s: number) => { step: number; sameType: boolean };

/** Same hour on the latest earlier day of the same type; yesterday when history holds no such day. */
function referenceStep(starts: readonly string[] | undefined): Reference {
  if (!starts) return (s) => ({ step: s - DAY_STEPS, sameType: true });
  const weekend = (s: number) => {
    const day = new Date(starts[s]!).getUTCDay();
    return day === 0 || day === 6;
  };
  return (s) => {
    for (let back = DAY_STEPS; back <= 7 * DAY_STEPS && s - back >= 0; back += DAY_STEPS) {
      if (weekend(s - back) === weekend(s)) return { step: s - back, sameType: true };
    }
    return { step: s - DAY_STEPS, sameType: false };
  };
}

/** The point rule for step s made `steps` steps ahead: reading history[0..s-steps] only (steps = 1: up to s-1). */
function pointAt(history: readonly number[], s: number, levelHours: number, reference: Reference, steps = 1): number {
  const known = s - steps + 1; // history[known - 1] is the last value read
  const { step, sameType } = reference(s);
  const base = history[step]!;
  let recent = 0;
  let before = 0;
  for (let k = 1; k <= levelHours; k++) {
    const r = reference(known - k).step;
    if (r < 0) return Math.max(0, base);
    recent += history[known - k]!;
    before += history[r]!;
  }
  // A level ratio from near-zero hours is noise: use the reference value as it is then. Against a day of the
  // same type the level moves little, so a ratio beyond [1/2, 2] is noise too; against a day of the other type
  // (a first weekend referenced to a weekday) the level genuinely moves further: weekend middays run at a
  // small fraction of weekday ones, and clamping there over-provisions the first Saturday (bench/results/README.md).
  const raw = before > 1e-9 ? recent / before : 1;
  const ratio = sameType ? Math.min(2, Math.max(0.5, raw)) : raw;
  return Math.max(0, base * ratio, history[known - 1]!);
}
