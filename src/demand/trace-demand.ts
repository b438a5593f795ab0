import { parseHourlyProfileCsv, type HourlyProfile } from './profile.js';
import { parseRequestMixCsv, requestMixToCsv } from './request-mix.js';
import type { TraceAnalysis } from './summary.js';
import type { RequestMix } from './types.js';

/**
 * A trace as a scenario's demand: the hourly profile and the request mix `planner demand --write-profile
 * --write-mix` writes, and what a scenario naming the trace reads. A scenario naming the trace reads these
 * very files (parsed back from their text), so it plans the same as a scenario naming the written files.
 */
export interface TraceDemandFiles {
  /** hour_start_utc,requests_per_minute_mean,requests_per_minute_low,requests_per_minute_high */
  profileCsv: string;
  /** The traces/*-request-mix.csv form. */
  mixCsv: string;
}

/** Per-minute rates are written to 3 decimals (0.001 requests/min), as the committed profile's precision. */
const PROFILE_DECIMALS = 3;

/** The profile and mix files of an hourly analysis (analyzeTrace with windowSec 3600). */
export function traceDemandFiles(analysis: TraceAnalysis): TraceDemandFiles {
  if (analysis.windowSec !== 3600) throw new RangeError(`an hourly profile needs 1-hour windows, got ${analysis.windowSec} s`);
  const perMinute = (perSec: number) => (perSec * 60).toFixed(PROFILE_DECIMALS);
  const rows = analysis.windows.map((w) =>
    [
      w.startUtc.replace('.000Z', 'Z'),
      perMinute(w.meanRequestsPerSec),
      perMinute(w.lowRequestsPerSec),
      perMinute(w.peakRequestsPerSec),
    ].join(','),
  );
  const profileCsv = `${['hour_start_utc,requests_per_minute_mean,requests_per_minute_low,requests_per_minute_high', ...rows].join('\n')}\n`;
  return { profileCsv, mixCsv: requestMixToCsv(analysis.requestMix) };
}

/** The trace's demand as a scenario reads it: the profile and mix of traceDemandFiles, parsed. */
export function traceDemand(analysis: TraceAnalysis, file = 'trace'): { profile: HourlyProfile; mix: RequestMix } {
  const files = traceDemandFiles(analysis);
  return { profile: parseHourlyProfileCsv(files.profileCsv, file), mix: parseRequestMixCsv(files.mixCsv, file) };
}
