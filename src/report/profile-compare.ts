import type { ChalkInstance } from 'chalk';
import type { ProfileComparison } from '../perf/compare-files.js';
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
  out.push(
    s
      ? `${s.compared} compared: median |ln(predicted/measured)| ${s.medianAbsLn.toFixed(3)} (x${Math.exp(s.medianAbsLn).toFixed(2)}), worst ${s.worstAbsLn.toFixed(3)} (x${Math.exp(s.worstAbsLn).toFixed(2)})\n`
      : 'Nothing to compare: no measurement meets the SLO with a model rate above 0.\n',
  );
  if (comparison.oneSideZero)
    out.push(`${comparison.oneSideZero} where only one side can serve at all (an unbounded error, not in the figures above)\n`);
  return out.join('');
}
