import type { ChalkInstance } from 'chalk';
import type { ProfileComparison } from '../perf/compare-files.js';
import { CLIFF_RATE_RATIO, CLIFF_TIMING_SHARE } from '../perf/compare.js';
import { formatFixed, renderTable } from './table.js';

/** The terminal view of `planner profile --compare`: one row per measurement, then the error summary. */
export function renderProfileComparison(comparison: ProfileComparison, chalk: ChalkInstance): string {
  const out: string[] = [];
  out.push(
    `${chalk.bold('Predicted (perf model, no measurements) vs measured')} max requests/s of one replica; rate curves at TTFT <= ${comparison.slo.ttftMs} ms and TPOT <= ${comparison.slo.tpotMs} ms (means), rate tables at their own limits, timing tables at each probe\n`,
  );
  const rps = (v: number | undefined) => (v === undefined ? '-' : formatFixed(v, 3));
  out.push(
    renderTable(
      ['llm', 'gpu', 'TP', 'in/out tokens', 'measured', 'predicted', 'ratio', 'what', 'at'],
      comparison.rows.map((r) => [
        r.llm,
        r.gpu,
        r.tp,
        `${formatFixed(r.inputTokens, 0)}/${formatFixed(r.outputTokens, 0)}`,
        rps(r.measuredRps),
        rps(r.predictedRps),
        r.ratio === undefined ? '-' : formatFixed(r.ratio, 2),
        r.note,
        r.at,
      ]),
      chalk,
      ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'left', 'left'],
    ),
  );
  const s = comparison.summary;
  const figures = (f: NonNullable<ProfileComparison['summary']>) =>
    `median |ln(predicted/measured)| ${f.medianAbsLn.toFixed(3)} (x${Math.exp(f.medianAbsLn).toFixed(2)}), worst ${f.worstAbsLn.toFixed(3)} (x${Math.exp(f.worstAbsLn).toFixed(2)})`;
  out.push(
    s
      ? `${s.compared} compared${comparison.cliffs ? ' (rates not identifiable left out)' : ''}: ${figures(s)}\n`
      : 'Nothing to compare: no measurement meets the SLO with a model rate above 0.\n',
  );
  if (comparison.cliffs) {
    const w = comparison.withCliffs;
    out.push(
      `${comparison.cliffs} where the measured rate is not identifiable (a ${Math.round(CLIFF_TIMING_SHARE * 100)}% timing error moves it by more than x${CLIFF_RATE_RATIO}; listed above)${w ? `; with them ${w.compared} compared: ${figures(w)}` : ''}\n`,
    );
  }
  if (comparison.oneSideZero)
    out.push(
      `${comparison.oneSideZero} where only one side can serve at all (an unbounded error, not in the figures above; cliffs excepted)\n`,
    );
  return out.join('');
}
