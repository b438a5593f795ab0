import type { ChalkInstance } from 'chalk';
import type { RequestMix } from '../demand/types.js';
import type { ReplicaPerformance, Slo } from '../perf/replica.js';
import { formatFixed, renderTable } from './table.js';

/** Printed with every table: tools disagree on these words (DESIGN.md section 4). */
export const DEFINITIONS = {
  ttft: "mean time from arrival to the first token at the replica's max sustainable load (own prefill + decode step in flight + wait behind other prefills)",
  tpot: "mean time between output tokens of one request after the first (excludes TTFT), at that load: decode step + other requests' prefills interleaved",
  requestsPerSec: 'max requests/s one replica sustains meeting both SLOs (calibration 1)',
  tokensPerSec: 'output (generated) tokens/s at that rate',
  source:
    'measured = interpolated from a timing table, measured-rates = read from rate curves or a rate table and carried to this size and SLO by the timing model, estimate = roofline model (src/perf/constants.ts); [n] names the file',
} as const;

/** The terminal view of `planner profile`: configs that fit, those that do not (when listed), the definitions. */
export function renderProfileTable(
  fitting: readonly ReplicaPerformance[],
  misfits: readonly ReplicaPerformance[],
  listMisfits: boolean,
  slo: Slo,
  mix: RequestMix,
  mixFile: string | undefined,
  chalk: ChalkInstance,
): string {
  const out: string[] = [];
  const size =
    mixFile !== undefined
      ? `mix ${mixFile} (${mix.buckets?.length ?? 1} buckets, mean ${formatFixed(mix.meanInputTokens, 0)} in / ${formatFixed(mix.meanOutputTokens, 0)} out tokens)`
      : `${mix.meanInputTokens} input / ${mix.meanOutputTokens} output tokens per request`;
  out.push(`${chalk.bold('Per-replica capacity')} at TTFT <= ${slo.ttftMs} ms and TPOT <= ${slo.tpotMs} ms, ${size}\n`);
  const ms = (v: number | null) => (v === null ? '-' : v >= 100 ? formatFixed(v, 0) : formatFixed(v, 1));
  // Each distinct list of measured files gets a number, in order of first appearance.
  const fileLists: string[] = [];
  const fileRef = (r: ReplicaPerformance) => {
    if (r.measuredIn.length === 0) return '';
    const list = r.measuredIn.join(', ');
    if (!fileLists.includes(list)) fileLists.push(list);
    return ` [${fileLists.indexOf(list) + 1}]`;
  };
  if (fitting.length) {
    out.push(
      renderTable(
        ['llm', 'gpu', 'TP', 'batch', 'TTFT ms', 'TPOT ms', 'req/s', 'tok/s', 'source', 'limited by'],
        fitting.map((r) => [
          r.llm,
          r.gpu,
          r.tp,
          r.batch,
          ms(r.ttftMs),
          ms(r.tpotMs),
          formatFixed(r.maxRequestsPerSec, 2),
          formatFixed(r.tokensPerSec, 0),
          `${r.extrapolated ? `${r.source}*` : r.source}${fileRef(r)}`,
          r.meetsSlo ? (r.limitedBy ?? '-') : (r.reason ?? 'SLO'),
        ]),
        chalk,
        ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'left', 'left'],
      ),
    );
  } else {
    out.push('No config fits.\n');
  }
  if (fitting.some((r) => r.extrapolated)) out.push('* outside the measured prompt range: the nearest measured value is used\n');
  for (const [i, list] of fileLists.entries()) out.push(`[${i + 1}] ${list}\n`);
  if (listMisfits && misfits.length) {
    out.push(`\n${chalk.bold('Does not fit')}\n`);
    out.push(
      renderTable(
        ['llm', 'gpu', 'TP', 'reason'],
        misfits.map((r) => [r.llm, r.gpu, r.tp, r.reason ?? '-']),
        chalk,
        ['left', 'left', 'right', 'left'],
      ),
    );
  }
  out.push(
    `\nTTFT: ${DEFINITIONS.ttft}.\nTPOT: ${DEFINITIONS.tpot}.\nreq/s: ${DEFINITIONS.requestsPerSec}; tok/s: ${DEFINITIONS.tokensPerSec}.\nsource: ${DEFINITIONS.source}.\n`,
  );
  return out.join('');
}
