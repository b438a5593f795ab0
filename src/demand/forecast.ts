import { InputError } from '../errors.js';
import { percentileOfSorted } from './stats.js';

/**
 * Forecasts of an hourly rate series (requests/s) for provisioning: seasonal naive and additive
 * Holt-Winters, each with an upper forecast from a quantile of its in-sample errors, and MAPE for
 * evaluation. Deterministic: Holt-Winters parameters come from a fixed grid searched in order on the
 * history alone.
 *
 * Weekly seasonality, and why not Taylor's double-seasonal model: a 168-step weekly cycle needs two weeks of
 * history to initialise, and the only week-long public series (the 2024 code week) is one week, trained on
 * five days. So Holt-Winters here has one daily cycle per day type, weekday or weekend (the multiple
 * seasonal model of Gould et al., "Forecasting time series with multiple seasonal patterns", EJOR 2008):
 * each day's hours update only their own type's cycle, and one day of each type in the history suffices.
 * Without a start time the series has a single daily cycle.
 */

export const DAY_STEPS = 24;
export const WEEK_STEPS = 168;

export interface HoltWintersParameters {
  /** Level smoothing. */
  alpha: number;
  /** Trend smoothing (0 keeps the trend at its start value, 0). */
  beta: number;
  /** Seasonal (daily cycle) smoothing. */
  gamma: number;
}

export interface Forecast {
  method: 'seasonal-naive' | 'holt-winters';
  /** The seasonality used, e.g. "same hour last week" or "daily cycles by weekday/weekend". */
  seasonality: string;
  /** Point forecast, one value per step after the history, never below 0. */
  point: number[];
  /** Provisioning forecast: point plus the upperQuantile of the in-sample forecast errors (>= point). */
  upper: number[];
  upperQuantile: number;
  parameters?: HoltWintersParameters;
}

export interface ForecastOptions {
  /** Quantile of in-sample errors added for the upper forecast (default 0.95). */
  upperQuantile?: number;
}

/**
 * Same hour last week when the history holds a full week, else same hour yesterday; steps beyond one
 * period repeat the last observed period.
 */
export function seasonalNaiveForecast(history: readonly number[], horizon: number, options: ForecastOptions = {}): Forecast {
  const period = history.length >= WEEK_STEPS ? WEEK_STEPS : DAY_STEPS;
  requireHistory(history, period, 'seasonal naive');
  const point = Array.from({ length: horizon }, (_, h) => history[history.length - period + (h % period)]!);
  // In-sample errors of the same rule: y[t] - y[t - period].
  const errors = history.slice(period).map((value, t) => value - history[t]!);
  const seasonality = period === WEEK_STEPS ? 'same hour last week' : 'same hour yesterday';
  return withUpper({ method: 'seasonal-naive', seasonality, point }, errors, options.upperQuantile ?? 0.95);
}

export interface HoltWintersOptions extends ForecastOptions {
  /** UTC time of history[0], on the hour: enables separate weekday and weekend (Sat, Sun UTC) cycles. */
  startUtc?: string;
  /** The grid search minimises in-sample errors of forecasts 1..fitHorizon steps ahead (default 1). */
  fitHorizon?: number;
}

const ALPHAS = [0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9];
const BETAS = [0, 0.01, 0.05];
const GAMMAS = [0.05, 0.1, 0.2, 0.3, 0.5, 0.7];

/**
 * Additive Holt-Winters (level, trend, daily cycles by day type). The parameters minimise the squared
 * in-sample one-step-ahead error from every hour after the first two days (the textbook criterion; on the
 * 2024 code week, minimising errors up to a day ahead instead picked a trend that hurt 48-hour forecasts).
 */
export function holtWintersForecast(history: readonly number[], horizon: number, options: HoltWintersOptions = {}): Forecast {
  requireHistory(history, 2 * DAY_STEPS, 'Holt-Winters');
  const calendar = dayTypeCalendar(options.startUtc);
  const fitHorizon = Math.max(1, Math.min(options.fitHorizon ?? 1, horizon));
  let best: { parameters: HoltWintersParameters; sse: number } | undefined;
  for (const alpha of ALPHAS) {
    for (const beta of BETAS) {
      for (const gamma of GAMMAS) {
        const parameters = { alpha, beta, gamma };
        const sse = smooth(history, calendar, parameters, fitHorizon).errors.reduce((sum, e) => sum + e * e, 0);
        if (!best || sse < best.sse) best = { parameters, sse };
      }
    }
  }
  // The upper margin comes from in-sample errors at the lead times used (up to a day ahead), not one step.
  const fitted = smooth(history, calendar, best!.parameters, Math.min(DAY_STEPS, horizon));
  const point = Array.from({ length: horizon }, (_, h) => fitted.final.predict(h + 1));
  const seasonality = calendar.types === 2 ? 'daily cycles by weekday/weekend' : 'one daily cycle';
  return withUpper(
    { method: 'holt-winters', seasonality, point, parameters: best!.parameters },
    fitted.errors,
    options.upperQuantile ?? 0.95,
  );
}

/** Mean absolute percentage error as a fraction (0.12 = 12%), over the steps where the actual is not 0. */
export function mape(actual: readonly number[], forecast: readonly number[]): number {
  if (actual.length !== forecast.length) throw new RangeError(`mape of ${actual.length} actuals and ${forecast.length} forecasts`);
  let sum = 0;
  let n = 0;
  actual.forEach((a, t) => {
    if (a === 0) return;
    sum += Math.abs(a - forecast[t]!) / Math.abs(a);
    n++;
  });
  return n > 0 ? sum / n : NaN;
}

/** Share of actuals at or below the upper forecast: how often provisioning for `upper` would have sufficed. */
export function coverage(actual: readonly number[], upper: readonly number[]): number {
  if (actual.length !== upper.length) throw new RangeError(`coverage of ${actual.length} actuals and ${upper.length} forecasts`);
  return actual.filter((a, t) => a <= upper[t]!).length / actual.length;
}

function requireHistory(history: readonly number[], steps: number, method: string): void {
  if (history.length < steps || history.some((v) => !Number.isFinite(v))) {
    throw new InputError({
      field: 'history',
      message: `${method} needs at least ${steps} finite hourly values, got ${history.length}`,
      fix: 'give a longer history',
    });
  }
}

function withUpper(forecast: Omit<Forecast, 'upper' | 'upperQuantile'>, errors: readonly number[], upperQuantile: number): Forecast {
  const sorted = errors.slice().sort((a, b) => a - b);
  const margin = sorted.length > 0 ? Math.max(0, percentileOfSorted(sorted, upperQuantile)) : 0;
  const point = forecast.point.map((value) => Math.max(0, value));
  return { ...forecast, point, upper: point.map((value) => value + margin), upperQuantile };
}

/** Which daily cycle step t belongs to: hour of day and day type (0 weekday, 1 weekend). */
interface DayTypeCalendar {
  types: 1 | 2;
  hourOf(t: number): number;
  typeOf(t: number): number;
}

function dayTypeCalendar(startUtc: string | undefined): DayTypeCalendar {
  if (startUtc === undefined) return { types: 1, hourOf: (t) => t % DAY_STEPS, typeOf: () => 0 };
  const startMs = Date.parse(startUtc);
  if (Number.isNaN(startMs) || startMs % 3_600_000 !== 0) {
    throw new InputError({ field: 'startUtc', message: `'${startUtc}' is not the start of a UTC hour`, fix: 'e.g. 2024-05-10T00:00:00Z' });
  }
  const startHour = startMs / 3_600_000;
  return {
    types: 2,
    hourOf: (t) => (startHour + t) % DAY_STEPS,
    // 1970-01-01 was a Thursday: day index + 4 is the weekday with Sunday = 0.
    typeOf: (t) => {
      const weekday = (Math.floor((startHour + t) / DAY_STEPS) + 4) % 7;
      return weekday === 0 || weekday === 6 ? 1 : 0;
    },
  };
}

/** Smoothing state after `t` steps: level, trend and the daily cycle of each day type. */
class State {
  readonly level: number;
  readonly trend: number;
  readonly cycles: readonly Float64Array[];
  readonly t: number;
  readonly calendar: DayTypeCalendar;

  constructor(level: number, trend: number, cycles: readonly Float64Array[], t: number, calendar: DayTypeCalendar) {
    this.level = level;
    this.trend = trend;
    this.cycles = cycles;
    this.t = t;
    this.calendar = calendar;
  }

  predict(stepsAhead: number): number {
    const step = this.t + stepsAhead - 1;
    return this.level + stepsAhead * this.trend + this.cycles[this.calendar.typeOf(step)]![this.calendar.hourOf(step)]!;
  }
}

/**
 * Runs the recursions over the history; returns the final state and the in-sample errors of forecasts
 * 1..fitHorizon steps ahead from every hour after the first two days (also the errors behind `upper`).
 */
function smooth(
  history: readonly number[],
  calendar: DayTypeCalendar,
  p: HoltWintersParameters,
  fitHorizon: number,
): { final: State; errors: number[] } {
  const initial = initialState(history, calendar);
  let level = initial.level;
  let trend = 0;
  const cycles = initial.cycles.map((cycle) => cycle.slice());
  const errors: number[] = [];
  for (let t = 0; t < history.length; t++) {
    if (t >= 2 * DAY_STEPS) {
      const state = new State(level, trend, cycles, t, calendar);
      for (let h = 1; h <= fitHorizon && t + h - 1 < history.length; h++) errors.push(history[t + h - 1]! - state.predict(h));
    }
    const y = history[t]!;
    const cycle = cycles[calendar.typeOf(t)]!;
    const hour = calendar.hourOf(t);
    const season = cycle[hour]!;
    const nextLevel = p.alpha * (y - season) + (1 - p.alpha) * (level + trend);
    trend = p.beta * (nextLevel - level) + (1 - p.beta) * trend;
    level = nextLevel;
    cycle[hour] = p.gamma * (y - level) + (1 - p.gamma) * season;
  }
  return { final: new State(level, trend, cycles, history.length, calendar), errors };
}

/**
 * Start values from the whole history (it is all training data): level = its mean, trend = 0, each
 * cycle = the mean deviation from that level per hour over the days of its type. A type absent from the
 * history starts as the mean of all days.
 */
function initialState(history: readonly number[], calendar: DayTypeCalendar): { level: number; cycles: Float64Array[] } {
  const level = history.reduce((a, b) => a + b, 0) / history.length;
  const sums = Array.from({ length: calendar.types + 1 }, () => new Float64Array(DAY_STEPS));
  const counts = Array.from({ length: calendar.types + 1 }, () => new Float64Array(DAY_STEPS));
  history.forEach((y, t) => {
    const hour = calendar.hourOf(t);
    for (const type of [calendar.typeOf(t), calendar.types]) {
      sums[type]![hour]! += y - level;
      counts[type]![hour]!++;
    }
  });
  const all = sums[calendar.types]!.map((sum, hour) => sum / counts[calendar.types]![hour]!);
  const cycles = Array.from({ length: calendar.types }, (_, type) =>
    sums[type]!.map((sum, hour) => (counts[type]![hour]! > 0 ? sum / counts[type]![hour]! : all[hour]!)),
  );
  return { level, cycles };
}
