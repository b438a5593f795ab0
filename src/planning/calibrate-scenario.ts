import { profileOptions } from '../perf/profile-set.js';
import { aggregateFactors, type CalibrationResult, type ObservationModel } from '../calibrate/factors.js';
import { parseObservedCsv, type ObservedRow } from '../calibrate/observed.js';
import { InputError, didYouMean, type InputIssue } from '../errors.js';
import { PROFILE_TP_DEGREES } from '../perf/configs.js';
import { replicaLoadCurve, replicaPerformance } from '../perf/replica.js';
import type { LoadedScenario } from '../scenario/loaded.js';

export interface CalibrateOptions {
  /** Least usable windows per config for a factor (default 3). */
  minObservations?: number;
}

/**
 * `planner calibrate`: what a running fleet served per config and window (the observed CSV's text) against
 * what the throughput model predicts for the scenario's workloads, as per-config factors (src/calibrate/).
 * Every row is checked against the scenario's catalog and workloads first (unknown ids: exit 2 with
 * did-you-mean). Predictions are the model's with the scenario's measured profiles and no calibration, so a
 * factor is always relative to the model, whatever calibration the scenario already has.
 */
export function calibrateScenario(
  loaded: LoadedScenario,
  observed: { text: string; file: string },
  options: CalibrateOptions = {},
): CalibrationResult {
  const rows = parseObservedCsv(observed.text, observed.file);
  const { catalog, scenario } = loaded;
  const issues: InputIssue[] = [];
  const workloadOf = new Map<ObservedRow, number>();
  const ids = scenario.workloads.map((w) => w.id);
  for (const row of rows) {
    const at = { file: row.file, line: row.line };
    if (!catalog.llms.has(row.llm))
      issues.push({
        ...at,
        field: 'llm',
        message: `unknown llm '${row.llm}'`,
        fix: didYouMean(row.llm, catalog.llms.keys()) || 'see planner catalog llms',
      });
    if (!catalog.gpus.has(row.gpu))
      issues.push({
        ...at,
        field: 'gpu',
        message: `unknown gpu '${row.gpu}'`,
        fix: didYouMean(row.gpu, catalog.gpus.keys()) || 'see planner catalog gpus',
      });
    if (!(PROFILE_TP_DEGREES as readonly number[]).includes(row.tp))
      issues.push({ ...at, field: 'tp', message: `TP ${row.tp} is not planned`, fix: `tp is one of ${PROFILE_TP_DEGREES.join(', ')}` });
    if (row.workload !== undefined) {
      const w = ids.indexOf(row.workload);
      if (w < 0)
        issues.push({
          ...at,
          field: 'workload',
          message: `unknown workload '${row.workload}' in ${loaded.file}`,
          fix: didYouMean(row.workload, ids) || `the workloads are ${ids.join(', ')}`,
        });
      else workloadOf.set(row, w);
      continue;
    }
    const serving = scenario.workloads.flatMap((w, i) => ((w.llms ?? [row.llm]).includes(row.llm) ? [i] : []));
    if (serving.length === 1) workloadOf.set(row, serving[0]!);
    else if (catalog.llms.has(row.llm))
      issues.push({
        ...at,
        field: 'workload',
        message:
          serving.length === 0
            ? `no workload of ${loaded.file} lists ${row.llm}, so its request mix and SLO are unknown`
            : `${row.llm} serves ${serving.map((i) => ids[i]).join(' and ')} in ${loaded.file}: which traffic was it?`,
        fix: `add a workload column (${ids.join(', ')}) or calibrate against a scenario whose workloads list ${row.llm}`,
      });
  }
  if (issues.length)
    throw new InputError(
      issues,
      `${observed.file}: ${issues.length} row${issues.length === 1 ? '' : 's'} not in ${loaded.file}'s catalog or workloads`,
    );

  const profiles = profileOptions(loaded.measuredProfiles);
  const memo = new Map<string, { rate: number; curve: ReturnType<typeof replicaLoadCurve> }>();
  const predicted = (row: ObservedRow) => {
    const w = workloadOf.get(row)!;
    const key = `${row.llm}|${row.gpu}|${row.tp}|${w}`;
    let entry = memo.get(key);
    if (!entry) {
      const llm = catalog.llms.get(row.llm)!;
      const gpu = catalog.gpus.get(row.gpu)!;
      const { slo } = scenario.workloads[w]!;
      const mix = loaded.mixes[w]!;
      entry = {
        rate: replicaPerformance(llm, gpu, row.tp, slo, mix, profiles).maxRequestsPerSec,
        curve: replicaLoadCurve(llm, gpu, row.tp, mix, profiles),
      };
      memo.set(key, entry);
    }
    return entry;
  };
  const model: ObservationModel = { rate: (row) => predicted(row).rate, curve: (row) => predicted(row).curve };
  return aggregateFactors(rows, model, options);
}
