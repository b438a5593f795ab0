import type { RequestMix } from '../demand/types.js';
import { mixBuckets } from './mix.js';
import { configKey } from './profiles.js';
import { formatNumber, maxRateUnderSlo, type RateCurve } from './rate-curves.js';
import type { StatedRate } from './rate-table.js';

/** Max rate of one replica under an SLO (the perf model's, before measured rates and calibration). */
export type ModelRate = (mix: RequestMix, slo: { ttftMs: number; tpotMs: number }) => number;

/** The measured rates of one config: rate curves (benchmark runs) and stated rates (rate tables). */
export interface RateProfile {
  llm: string;
  gpu: string;
  tp: number;
  curves: readonly RateCurve[];
  stated: readonly StatedRate[];
}

/** Rate profiles by config key (configKey). */
export type RateProfiles = ReadonlyMap<string, RateProfile>;

/** Curves and stated rates grouped by config; the order within a config is the input order. */
export function indexRates(curves: readonly RateCurve[], stated: readonly StatedRate[]): Map<string, RateProfile> {
  const index = new Map<string, { llm: string; gpu: string; tp: number; curves: RateCurve[]; stated: StatedRate[] }>();
  const entry = (llm: string, gpu: string, tp: number) => {
    const key = configKey(llm, gpu, tp);
    let found = index.get(key);
    if (!found) index.set(key, (found = { llm, gpu, tp, curves: [], stated: [] }));
    return found;
  };
  for (const curve of curves) entry(curve.llm, curve.gpu, curve.tp).curves.push(curve);
  for (const rate of stated) entry(rate.llm, rate.gpu, rate.tp).stated.push(rate);
  return index;
}

export interface MeasuredRate {
  /** Max requests/s of one replica for the mix under the SLO; 0 when the measurements rule the config out. */
  rps: number;
  /** Files the measurements used came from, sorted. */
  files: string[];
  /** How the figure was obtained, in words. */
  reason: string;
}

/** One measurement: a request size, the limits it holds under, and the rate (undefined: unusable, with why). */
interface Measurement {
  inputTokens: number;
  outputTokens: number;
  slo: { ttftMs: number; tpotMs: number };
  rps: number | undefined;
  why: string;
  file: string;
  label: string;
}

/**
 * What one replica sustains for a mix under an SLO, from measured rates:
 *
 * - Each bucket of the mix takes the nearest measurement: request size by |ln input ratio| + |ln output
 *   ratio|, and for stated rates also the limits by |ln TTFT ratio| + |ln TPOT ratio| (a rate curve is read
 *   at the SLO itself, `maxRateUnderSlo` on the mean statistics). Ties go to the earlier in file order.
 * - A measurement at another size or under other limits is carried over by the perf model's ratio:
 *   rate(bucket, SLO) = measured x model(bucket, SLO) / model(measured size, measured limits). At the
 *   measured size and limits this is the measurement itself; elsewhere the model supplies only the shape.
 * - The buckets combine as the perf model combines them: time per request share-weighted, so the mix rate is
 *   1 / sum(share / rate(bucket)) (Mélange's rule for a request mix on one GPU type).
 *
 * A curve whose lowest run already violates the SLO, or a measurement the model cannot carry over (the
 * model rates either end 0), is skipped for the next nearest; when none is left the config gets 0 with the
 * reason, never a silent estimate.
 */
export function measuredRate(
  profile: RateProfile,
  mix: RequestMix,
  slo: { ttftMs: number; tpotMs: number },
  model: ModelRate,
): MeasuredRate {
  const measurements: Measurement[] = [
    ...profile.curves.map((curve): Measurement => {
      const answer = maxRateUnderSlo(curve, slo, 'mean');
      return {
        inputTokens: curve.inputTokens,
        outputTokens: curve.outputTokens,
        slo,
        rps: answer.rps,
        why: answer.reason,
        file: curve.file,
        label: `the rate curve at ${formatNumber(curve.inputTokens)}/${formatNumber(curve.outputTokens)} tokens (${curve.file}${curve.line ? `:${curve.line}` : ''})`,
      };
    }),
    ...profile.stated.map(
      (rate): Measurement => ({
        inputTokens: rate.inputTokens,
        outputTokens: rate.outputTokens,
        slo: { ttftMs: rate.ttftMs, tpotMs: rate.tpotMs },
        rps: rate.maxRps,
        why: '',
        file: rate.file,
        label: `${formatNumber(rate.maxRps)} req/s at ${formatNumber(rate.inputTokens)}/${formatNumber(rate.outputTokens)} tokens under TTFT ${formatNumber(rate.ttftMs)} ms, TPOT ${formatNumber(rate.tpotMs)} ms (${rate.file}${rate.line ? `:${rate.line}` : ''})`,
      }),
    ),
  ];
  const name = `${profile.llm} on ${profile.gpu} TP ${profile.tp}`;
  const files = new Set<string>();
  const used: string[] = [];
  let msPerRequest = 0;
  for (const bucket of mixBuckets(mix)) {
    const bucketMix: RequestMix = { meanInputTokens: bucket.inputTokens, meanOutputTokens: bucket.outputTokens };
    const distance = (m: Measurement) =>
      Math.abs(Math.log(bucket.inputTokens / m.inputTokens)) +
      Math.abs(Math.log(bucket.outputTokens / m.outputTokens)) +
      Math.abs(Math.log(slo.ttftMs / m.slo.ttftMs)) +
      Math.abs(Math.log(slo.tpotMs / m.slo.tpotMs));
    const ranked = measurements.map((m, order) => ({ m, order, d: distance(m) })).sort((a, b) => a.d - b.d || a.order - b.order);
    let rate: number | undefined;
    const skipped: string[] = [];
    for (const { m, d } of ranked) {
      if (m.rps === undefined) {
        skipped.push(m.why);
        continue;
      }
      if (d < 1e-9) {
        rate = m.rps;
      } else {
        const there = model(bucketMix, slo);
        const here = model({ meanInputTokens: m.inputTokens, meanOutputTokens: m.outputTokens }, m.slo);
        if (!(there > 0 && here > 0)) {
          skipped.push(
            `the perf model cannot carry ${m.label} over to ${formatNumber(bucket.inputTokens)}/${formatNumber(bucket.outputTokens)} tokens (its rate is 0 at one end)`,
          );
          continue;
        }
        rate = (m.rps * there) / here;
      }
      files.add(m.file);
      used.push(m.label);
      break;
    }
    if (rate === undefined) {
      return {
        rps: 0,
        files: [...new Set(measurements.map((m) => m.file))].sort(),
        reason: `${name}: no measurement serves ${formatNumber(bucket.inputTokens)}/${formatNumber(bucket.outputTokens)}-token requests under TTFT ${formatNumber(slo.ttftMs)} ms, TPOT ${formatNumber(slo.tpotMs)} ms: ${skipped.join('; ')}`,
      };
    }
    msPerRequest += (bucket.share * 1000) / rate;
  }
  return {
    rps: 1000 / msPerRequest,
    files: [...files].sort(),
    reason: `${name}: measured, from ${[...new Set(used)].join('; ')}`,
  };
}
