import type { Gpu, Llm } from '../catalog/types.js';
import { compareRates, ratioSummary, type RateComparison } from './compare-rates.js';
import { compareProfiles, DEFAULT_COMPARISON_PROBES, type ComparisonProbe } from './compare.js';
import type { ProfileFile, ProfileForm } from './profile-set.js';
import type { Slo } from './replica.js';

/**
 * `planner profile --compare FILE`: for every measurement of a profile file, the perf model's estimate
 * (without measurements) against what was measured, as max requests/s of one replica, with the ratio
 * predicted / measured and the median and worst |ln ratio|. Pure.
 */
export interface ComparisonRow extends RateComparison {
  form: ProfileForm;
  /** Timing tables: why the measured rate at this probe is not identifiable (compare.ts); not in `summary`. */
  cliff?: string;
}

export interface ProfileComparison {
  /** The SLO rate curves are read at (rate tables carry their own, timing tables use `timingProbes`). */
  slo: Slo;
  /** The probes (SLO and request size) timing tables are compared at. */
  timingProbes: readonly ComparisonProbe[];
  rows: ComparisonRow[];
  /** Over the rows where both sides serve, cliffs excepted. */
  summary: { compared: number; medianAbsLn: number; worstAbsLn: number } | undefined;
  /** Over the rows where both sides serve, cliffs included (undefined when there are no cliffs). */
  withCliffs: { compared: number; medianAbsLn: number; worstAbsLn: number } | undefined;
  /** Rows flagged `cliff`. */
  cliffs: number;
  /** Rows where exactly one side cannot serve at all (an infinite error; listed, not in the summary). */
  oneSideZero: number;
}

/**
 * Timing tables are compared at `probes` (default: compare.ts's DEFAULT_COMPARISON_PROBES, the figures
 * `npm run bench -- perf-estimator` reports), the estimate capped at the table's largest measured batch so
 * both answer at the same loads; rate curves at `slo`; rate tables at their own limits.
 */
export function profileComparison(
  lookups: { llms: ReadonlyMap<string, Llm>; gpus: ReadonlyMap<string, Gpu> },
  files: readonly ProfileFile[],
  slo: Slo,
  probes: readonly ComparisonProbe[] = DEFAULT_COMPARISON_PROBES,
): ProfileComparison {
  const rows: ComparisonRow[] = [];
  for (const file of files) {
    const timing = compareProfiles(lookups, file.timings, { probes });
    for (const r of timing.rates) {
      const at = file.timings.find((t) => t.llm === r.llm && t.gpu === r.gpu && t.tp === r.tp);
      rows.push({
        form: 'timing',
        llm: r.llm,
        gpu: r.gpu,
        tp: r.tp,
        inputTokens: r.inputTokens,
        outputTokens: r.outputTokens,
        slo: r.slo,
        measuredRps: r.measuredPerSec > 0 ? r.measuredPerSec : undefined,
        predictedRps: r.predictedPerSec,
        ratio: r.ratio ?? undefined,
        note: `timing table at TTFT ${r.slo.ttftMs} ms, TPOT ${r.slo.tpotMs} ms${r.measuredPerSec > 0 ? '' : ': the table cannot meet it'}${r.cliff ? `; ${r.cliff}` : ''}`,
        at: `${file.file}${at?.line ? `:${at.line}` : ''}`,
        ...(r.cliff ? { cliff: r.cliff } : {}),
      });
    }
    for (const row of compareRates(lookups, file.curves, file.stated, slo)) rows.push({ ...row, form: file.form });
  }
  const bothServe = rows.filter((r) => r.ratio !== undefined && Number.isFinite(r.ratio) && r.ratio > 0);
  const cliffs = rows.filter((r) => r.cliff).length;
  return {
    slo,
    timingProbes: probes,
    rows,
    summary: ratioSummary(bothServe.filter((r) => !r.cliff).map((r) => r.ratio)),
    withCliffs: cliffs ? ratioSummary(bothServe.map((r) => r.ratio)) : undefined,
    cliffs,
    oneSideZero: rows.filter((r) => !r.cliff && (r.measuredRps ?? 0) > 0 !== r.predictedRps > 0).length,
  };
}
