import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ChalkInstance } from 'chalk';
import type { Catalog } from '../catalog/types.js';
import { parseRequestMixCsv } from '../demand/request-mix.js';
import type { RequestMix } from '../demand/types.js';
import { ExitCode, InputError, didYouMean, type InputIssue } from '../errors.js';
import { packageRoot } from '../paths.js';
import { builtinProfiles } from '../perf/load-profiles.js';
import { replicaPerformance, type ReplicaPerformance, type Slo } from '../perf/replica.js';
import { formatFixed, renderTable } from '../report/table.js';
import { readCatalog } from './inputs.js';
import { chalkFor, type CliIo } from './io.js';

export interface ProfileOptions {
  llm?: string;
  gpu?: string;
  tp?: number;
  ttftMs: number;
  tpotMs: number;
  inputTokens?: number;
  outputTokens?: number;
  /** A request-mix CSV (traces/*-request-mix.csv form) instead of --input-tokens/--output-tokens. */
  mix?: string;
  /** Catalog folder; "builtin:models" (the default) is the one shipped in the package. */
  catalog?: string;
  format: 'table' | 'json';
}

export const PROFILE_TP_DEGREES = [1, 2, 4, 8] as const;
/** A chat-like request when no size is given. */
export const DEFAULT_INPUT_TOKENS = 1024;
export const DEFAULT_OUTPUT_TOKENS = 256;

/** Printed with every table: tools disagree on these words (DESIGN.md section 4). */
export const DEFINITIONS = {
  ttft: "mean time from arrival to the first token at the replica's max sustainable load (own prefill + decode step in flight + wait behind other prefills)",
  tpot: "mean time between output tokens of one request after the first (excludes TTFT), at that load: decode step + other requests' prefills interleaved",
  requestsPerSec: 'max requests/s one replica sustains meeting both SLOs (calibration 1)',
  tokensPerSec: 'output (generated) tokens/s at that rate',
  source: 'measured = interpolated from models/profiles (Splitwise), estimate = roofline model (src/perf/constants.ts)',
} as const;

const BUILTIN = 'builtin:';

/**
 * `planner profile`: what one replica of every (llm, gpu, tp) sustains under a TTFT/TPOT SLO for a request
 * size: batch, TTFT, TPOT, max requests/s and tokens/s, and whether the numbers are measured or estimated.
 * Configs that do not fit are listed with the reason when --llm or --gpu narrows the table.
 */
export async function profileCommand(options: ProfileOptions, io: CliIo): Promise<ExitCode> {
  const given = options.catalog ?? `${BUILTIN}models`;
  const dir = given.startsWith(BUILTIN) ? join(packageRoot(), given.slice(BUILTIN.length)) : resolve(io.cwd, given);
  const catalog = await readCatalog(dir, given.startsWith(BUILTIN) ? undefined : given);
  const { llms, gpus, tps } = selection(catalog, options);
  const mix = await requestMix(options, io);
  const slo: Slo = { ttftMs: options.ttftMs, tpotMs: options.tpotMs };
  const profiles = builtinProfiles();

  const results: ReplicaPerformance[] = [];
  for (const llm of llms)
    for (const gpu of gpus) for (const tp of tps) results.push(replicaPerformance(llm, gpu, tp, slo, mix, { profiles }));
  const fitting = results.filter((r) => r.fits);
  const listMisfits = options.llm !== undefined || options.gpu !== undefined;
  const misfits = listMisfits ? results.filter((r) => !r.fits) : [];

  if (options.format === 'json') {
    const round = (_key: string, v: unknown) => (typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(6)) : v);
    const document = {
      slo,
      requestMix: mix,
      definitions: DEFINITIONS,
      configs: fitting,
      ...(listMisfits ? { doesNotFit: misfits.map((r) => ({ llm: r.llm, gpu: r.gpu, tp: r.tp, reason: r.reason })) } : {}),
    };
    io.stdout.write(`${JSON.stringify(document, round, 2)}\n`);
    return ExitCode.ok;
  }
  io.stdout.write(render(fitting, misfits, listMisfits, slo, mix, options, chalkFor(io)));
  return ExitCode.ok;
}

function selection(catalog: Catalog, options: ProfileOptions) {
  const issues: InputIssue[] = [];
  if (options.llm !== undefined && !catalog.llms.has(options.llm)) {
    issues.push({
      field: '--llm',
      message: `unknown llm '${options.llm}'`,
      fix: didYouMean(options.llm, catalog.llms.keys()) || `one of ${[...catalog.llms.keys()].join(', ')}`,
    });
  }
  if (options.gpu !== undefined && !catalog.gpus.has(options.gpu)) {
    issues.push({
      field: '--gpu',
      message: `unknown gpu '${options.gpu}'`,
      fix: didYouMean(options.gpu, catalog.gpus.keys()) || `one of ${[...catalog.gpus.keys()].join(', ')}`,
    });
  }
  if (options.tp !== undefined && !Number.isInteger(options.tp))
    issues.push({ field: '--tp', message: `TP ${options.tp} is not a whole number`, fix: 'e.g. --tp 4' });
  if (issues.length) throw new InputError(issues);
  return {
    llms: options.llm !== undefined ? [catalog.llms.get(options.llm)!] : [...catalog.llms.values()],
    gpus: options.gpu !== undefined ? [catalog.gpus.get(options.gpu)!] : [...catalog.gpus.values()],
    tps: options.tp !== undefined ? [options.tp] : [...PROFILE_TP_DEGREES],
  };
}

async function requestMix(options: ProfileOptions, io: CliIo): Promise<RequestMix> {
  if (options.mix !== undefined) {
    if (options.inputTokens !== undefined || options.outputTokens !== undefined) {
      throw new InputError({
        field: '--mix',
        message: '--mix and --input-tokens/--output-tokens both given',
        fix: 'give a request-mix file or the token counts, not both',
      });
    }
    let text: string;
    try {
      text = await readFile(resolve(io.cwd, options.mix), 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new InputError({
        file: options.mix,
        message: code === 'ENOENT' ? 'file not found' : `cannot read: ${(error as Error).message}`,
        fix: 'check the path',
      });
    }
    return parseRequestMixCsv(text, options.mix);
  }
  const inputTokens = options.inputTokens ?? DEFAULT_INPUT_TOKENS;
  const outputTokens = options.outputTokens ?? DEFAULT_OUTPUT_TOKENS;
  const issues: InputIssue[] = [];
  for (const [flag, value] of [
    ['--input-tokens', inputTokens],
    ['--output-tokens', outputTokens],
  ] as const) {
    if (!Number.isInteger(value)) issues.push({ field: flag, message: `${value} is not a whole number of tokens` });
  }
  if (issues.length) throw new InputError(issues);
  return { meanInputTokens: inputTokens, meanOutputTokens: outputTokens };
}

function render(
  fitting: readonly ReplicaPerformance[],
  misfits: readonly ReplicaPerformance[],
  listMisfits: boolean,
  slo: Slo,
  mix: RequestMix,
  options: ProfileOptions,
  chalk: ChalkInstance,
): string {
  const out: string[] = [];
  const size =
    options.mix !== undefined
      ? `mix ${options.mix} (${mix.buckets?.length ?? 1} buckets, mean ${formatFixed(mix.meanInputTokens, 0)} in / ${formatFixed(mix.meanOutputTokens, 0)} out tokens)`
      : `${mix.meanInputTokens} input / ${mix.meanOutputTokens} output tokens per request`;
  out.push(`${chalk.bold('Per-replica capacity')} at TTFT <= ${slo.ttftMs} ms and TPOT <= ${slo.tpotMs} ms, ${size}\n`);
  const ms = (v: number | null) => (v === null ? '-' : v >= 100 ? formatFixed(v, 0) : formatFixed(v, 1));
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
          r.extrapolated ? `${r.source}*` : r.source,
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
