import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinProfiles, readCatalog } from '../src/index.js';
import { compareProfiles, errorStats, type ErrorStats, type RateComparison } from '../src/perf/compare.js';
import type { MeasuredProfile } from '../src/perf/profiles.js';
import { packageRoot } from '../src/paths.js';
import { fitConstants, overrideFor, prepareTables, shippedConstants, type FittedConstants } from './estimator-fit.js';
import { printMarkdown } from './solvers.bench.js';

/**
 * The analytical estimator checked out of sample against every measured table in models/profiles/.
 *
 * Folds: leave one table out. Each measured table (one llm on one GPU type at one TP) is held out in turn
 * and predicted by constants fitted (bench/estimator-fit.ts) on the other nine; every table is thereby
 * held out exactly once. Never random points: a table's points are strongly correlated (one machine, one
 * stack, one sweep), so holding out points of a table the fit has seen says little about a config it has
 * not. Whole tables are the unit a user adds, and the unit of the must-show claim. (Holding out whole llms
 * or generations leaves Hopper, or PCIe, with no training table at all: that measures the fallback rule
 * for unmeasured GPUs, not the model; the in-sample figure is reported beside.)
 *
 * Error: |ln(predicted / measured)| of the max requests/s under the SLO at the comparison probes
 * (src/perf/compare.ts: prompts 256/1024/2048, 128 output tokens, three SLOs), predicted from the estimate
 * alone and measured through the same replica model from the table. Target (issue 17): over the held-out
 * tables, median <= ln 1.15 and worst <= ln 1.3.
 *
 * Headline figures leave out the probes flagged `cliff` (src/perf/compare.ts: the measured rate is not
 * identifiable, a 3% timing error moves it by more than 30%); they are listed with the reason, and the
 * figures with them are printed too. Timing ratios (batch-1 prefill, decode step) are reported per table.
 *
 * Also: the in-sample error of the fit on all tables and of the constants shipped in src/perf/constants.ts
 * (which should be that fit, rounded). Results go to bench/results/perf-estimator.json.
 */
const TARGET_MEDIAN = Math.log(1.15);
const TARGET_WORST = Math.log(1.3);

function groupOf(profile: MeasuredProfile): string {
  return `${profile.llm} ${profile.gpu} TP ${profile.tp}`;
}

const RESULTS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'results', 'perf-estimator.json');

export async function run(): Promise<void> {
  if (process.env.PERF_ESTIMATOR_SHIPPED_ONLY === '1') return shippedOnly();
  const catalog = await readCatalog(join(packageRoot(), 'models'));
  const profiles = [...builtinProfiles().values()].sort((a, b) => a.llm.localeCompare(b.llm) || a.gpu.localeCompare(b.gpu) || a.tp - b.tp);
  const tables = prepareTables(catalog, profiles);
  const groups = [...new Set(profiles.map(groupOf))];
  const compareWith = (fit: FittedConstants, subset: readonly MeasuredProfile[]) =>
    subset.map((p) => compareProfiles(catalog, [p], { estimator: overrideFor(fit, catalog.gpus.get(p.gpu)!) }));

  const folds = groups.map((group) => {
    const started = performance.now();
    const training = tables.filter((t) => groupOf(t.profile) !== group);
    const { fit, loss } = fitConstants(training);
    const heldOut = profiles.filter((p) => groupOf(p) === group);
    process.stderr.write(
      `  fold ${group}: fitted on ${training.length} tables in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
    );
    return { group, fit, loss, reports: compareWith(fit, heldOut) };
  });
  const full = fitConstants(tables);
  const inSample = compareWith(full.fit, profiles);
  const shipped = compareWith(shippedConstants(['ampere', 'hopper']), profiles);
  const heldOutReports = folds.flatMap((f) => f.reports);

  const rows: string[][] = [];
  for (const fold of folds) {
    for (const report of fold.reports) {
      const c = report.configs[0]!;
      const shippedConfig = shipped.find(
        (r) => r.configs[0]!.file === c.file && r.configs[0]!.tp === c.tp && r.configs[0]!.gpu === c.gpu && r.configs[0]!.llm === c.llm,
      )!.configs[0]!;
      rows.push([
        `${c.llm} ${c.gpu} TP ${c.tp}`,
        c.file.replace(/^models\/profiles\//, ''),
        String(c.rate.count),
        String(c.bothZero),
        String(c.cliffs),
        x(c.identifiable.medianAbsLn),
        x(c.identifiable.worstAbsLn),
        x(c.rate.worstAbsLn),
        c.rate.geoMeanRatio.toFixed(3),
        c.prefill.geoMeanRatio.toFixed(3),
        x(c.prefill.worstAbsLn),
        c.decodeStep.geoMeanRatio.toFixed(3),
        x(c.decodeStep.worstAbsLn),
        x(shippedConfig.identifiable.medianAbsLn),
      ]);
    }
  }
  printMarkdown(
    [
      'held-out table',
      'file',
      'probes',
      'both 0',
      'cliffs',
      'rate median',
      'rate worst',
      'worst with cliffs',
      'rate geo-mean ratio',
      'prefill ratio',
      'prefill worst',
      'decode ratio',
      'decode worst',
      'shipped, in-sample median',
    ],
    rows,
  );
  const heldOutRates: RateComparison[] = heldOutReports.flatMap((r) => r.rates);
  const ratiosOf = (rates: readonly RateComparison[], cliffs: boolean) => rates.map((r) => (!cliffs && r.cliff ? null : r.ratio));
  const heldOut = errorStats(ratiosOf(heldOutRates, false));
  const heldOutWithCliffs = errorStats(ratiosOf(heldOutRates, true));
  const inSampleStats = errorStats(
    ratiosOf(
      inSample.flatMap((r) => r.rates),
      false,
    ),
  );
  const inSampleWithCliffs = errorStats(
    ratiosOf(
      inSample.flatMap((r) => r.rates),
      true,
    ),
  );
  const shippedRates = shipped.flatMap((r) => r.rates);
  const shippedStats = errorStats(ratiosOf(shippedRates, false));
  const shippedWithCliffs = errorStats(ratiosOf(shippedRates, true));
  const heldOutPrefill = errorStats(heldOutReports.flatMap((r) => r.points.map((p) => p.prefillRatio)));
  const heldOutDecode = errorStats(heldOutReports.flatMap((r) => r.points.map((p) => p.decodeStepRatio)));
  const met = heldOut.medianAbsLn <= TARGET_MEDIAN && heldOut.worstAbsLn <= TARGET_WORST;
  const cliffs = heldOutRates.filter((r) => r.cliff);
  const flips = heldOutRates.filter((r) => !r.cliff && r.ratio !== null && (r.ratio === 0 || !Number.isFinite(r.ratio)));
  const probe = (r: RateComparison) =>
    `${r.llm} ${r.gpu} TP ${r.tp}, ${r.inputTokens} tokens, TTFT ${r.slo.ttftMs} ms, TPOT ${r.slo.tpotMs} ms: predicted ${r.predictedPerSec.toFixed(2)}/s, measured ${r.measuredPerSec.toFixed(2)}/s (x${r.ratio === null ? '-' : r.ratio.toFixed(3)})`;
  const line = (name: string, s: ErrorStats) =>
    `${name}: ${s.count} probes, median |ln ratio| ${s.medianAbsLn.toFixed(3)} (x${x(s.medianAbsLn)}), worst ${s.worstAbsLn.toFixed(3)} (x${x(s.worstAbsLn)})`;
  process.stdout.write(
    [
      '',
      '(rate columns: exp of |ln(predicted / measured)|, so 1.10 means 10% off either way; ratios are predicted / measured)',
      line('held out (each table predicted by constants fitted on the other tables), identifiable probes', heldOut),
      line('held out, all probes (cliffs included)', heldOutWithCliffs),
      `held out, probes only one side serves (cliffs excepted): ${flips.length}${flips.map((r) => `\n  ${probe(r)}`).join('')}`,
      `held out, probes not identifiable (left out of the headline): ${cliffs.length}${cliffs.map((r) => `\n  ${probe(r)}: ${r.cliff}`).join('')}`,
      line('held out, batch-1 prefill timings (points)', heldOutPrefill),
      line('held out, decode-step timings (points)', heldOutDecode),
      `target median <= x1.15 and worst <= x1.3 (held out, identifiable probes): ${met ? 'met' : 'NOT met'}`,
      line('in sample (fitted on all tables), identifiable probes', inSampleStats),
      line('in sample, all probes', inSampleWithCliffs),
      line('shipped constants (src/perf/constants.ts), identifiable probes', shippedStats),
      `fit on all tables: ${JSON.stringify(round(full.fit))}`,
      '',
    ].join('\n'),
  );
  const file = RESULTS;
  await mkdir(dirname(file), { recursive: true });
  await writeFile(
    file,
    `${JSON.stringify(
      {
        target: { medianAbsLn: TARGET_MEDIAN, worstAbsLn: TARGET_WORST, met },
        heldOut,
        heldOutWithCliffs,
        heldOutPrefill,
        heldOutDecode,
        cliffs: cliffs.map((r) => ({
          llm: r.llm,
          gpu: r.gpu,
          tp: r.tp,
          slo: r.slo,
          inputTokens: r.inputTokens,
          ratio: r.ratio,
          reason: r.cliff,
        })),
        inSample: inSampleStats,
        inSampleWithCliffs,
        shipped: shippedStats,
        shippedWithCliffs,
        folds: folds.map((f) => ({
          heldOut: f.group,
          constants: round(f.fit),
          trainingLoss: f.loss,
          tables: f.reports.map((r) => ({ ...r.configs[0]!, rates: r.rates })),
        })),
        fullFit: { constants: round(full.fit), trainingLoss: full.loss },
      },
      null,
      2,
    )}\n`,
  );
  process.stdout.write('wrote bench/results/perf-estimator.json\n');
}

/**
 * PERF_ESTIMATOR_SHIPPED_ONLY=1: only the shipped constants against every table (seconds, no fitting),
 * written into the `shipped` figure of the last results; for checking the rounded constants after a fit.
 */
async function shippedOnly(): Promise<void> {
  const catalog = await readCatalog(join(packageRoot(), 'models'));
  const rates = [...builtinProfiles().values()].flatMap((p) => compareProfiles(catalog, [p]).rates);
  const shipped = errorStats(rates.map((r) => (r.cliff ? null : r.ratio)));
  const shippedWithCliffs = errorStats(rates.map((r) => r.ratio));
  const last = JSON.parse(await readFile(RESULTS, 'utf8')) as Record<string, unknown>;
  await writeFile(RESULTS, `${JSON.stringify({ ...last, shipped, shippedWithCliffs }, null, 2)}\n`);
  process.stdout.write(
    `shipped constants (src/perf/constants.ts), identifiable probes: ${shipped.count}, median x${x(shipped.medianAbsLn)}, worst x${x(shipped.worstAbsLn)}; with cliffs ${shippedWithCliffs.count}, worst x${x(shippedWithCliffs.worstAbsLn)}\nwrote the shipped figures into bench/results/perf-estimator.json\n`,
  );
}

function x(absLn: number): string {
  return Number.isFinite(absLn) ? Math.exp(absLn).toFixed(3) : String(absLn);
}

function round(fit: FittedConstants): FittedConstants {
  const r = (v: number) => Number(v.toPrecision(4));
  return {
    stack: Object.fromEntries(Object.entries(fit.stack).map(([k, v]) => [k, r(v)])) as FittedConstants['stack'],
    generations: Object.fromEntries(
      Object.entries(fit.generations).map(([g, v]) => [g, Object.fromEntries(Object.entries(v).map(([k, n]) => [k, r(n)]))]),
    ) as FittedConstants['generations'],
  };
}
