import type { Gpu, Llm } from '../catalog/types.js';
import { compareRates, ratioSummary, type RateComparison } from './compare-rates.js';
import type { ProfileFile, ProfileForm, ProfileSet } from './profile-set.js';
import { configKey } from './profiles.js';
import { replicaPerformance, type Slo } from './replica.js';

/**
 * `planner profile --compare FILE`: for every measurement of a profile file, the perf model's estimate
 * (without measurements) against what was measured, as max requests/s of one replica, with the ratio
 * predicted / measured and the median and worst |ln ratio|. Pure.
 */
export interface ComparisonRow extends RateComparison {
  form: ProfileForm;
}

export interface ProfileComparison {
  /** The SLO timing tables and rate curves are read at (rate tables carry their own). */
  slo: Slo;
  /** Request size timing tables are compared at. */
  timingSize: { inputTokens: number; outputTokens: number };
  rows: ComparisonRow[];
  summary: { compared: number; medianAbsLn: number; worstAbsLn: number } | undefined;
}

/** The request size timing tables are compared at when none is given: the tables' own measured runs generate 128 tokens. */
export const TIMING_COMPARE_SIZE = { inputTokens: 1024, outputTokens: 128 } as const;

export function profileComparison(
  lookups: { llms: ReadonlyMap<string, Llm>; gpus: ReadonlyMap<string, Gpu> },
  files: readonly ProfileFile[],
  _set: ProfileSet,
  slo: Slo,
  size: { inputTokens: number; outputTokens: number } = TIMING_COMPARE_SIZE,
): ProfileComparison {
  const rows: ComparisonRow[] = [];
  for (const file of files) {
    for (const profile of file.timings) {
      const llm = lookups.llms.get(profile.llm);
      const gpu = lookups.gpus.get(profile.gpu);
      if (!llm || !gpu) continue;
      const mix = { meanInputTokens: size.inputTokens, meanOutputTokens: size.outputTokens };
      const measured = replicaPerformance(llm, gpu, profile.tp, slo, mix, {
        profiles: new Map([[configKey(profile.llm, profile.gpu, profile.tp), profile]]),
      });
      const predicted = replicaPerformance(llm, gpu, profile.tp, slo, mix, { estimateOnly: true });
      rows.push({
        form: 'timing',
        llm: profile.llm,
        gpu: profile.gpu,
        tp: profile.tp,
        inputTokens: size.inputTokens,
        outputTokens: size.outputTokens,
        slo,
        measuredRps: measured.meetsSlo ? measured.maxRequestsPerSec : undefined,
        predictedRps: predicted.maxRequestsPerSec,
        ratio: measured.meetsSlo && predicted.meetsSlo ? predicted.maxRequestsPerSec / measured.maxRequestsPerSec : undefined,
        note: measured.meetsSlo
          ? `from the timing table${measured.extrapolated ? ' (outside its prompt range)' : ''}`
          : (measured.reason ?? 'does not meet the SLO'),
        at: `${file.file}${profile.line ? `:${profile.line}` : ''}`,
      });
    }
    for (const row of compareRates(lookups, file.curves, file.stated, slo)) rows.push({ ...row, form: file.form });
  }
  return { slo, timingSize: size, rows, summary: ratioSummary(rows.map((r) => r.ratio)) };
}
