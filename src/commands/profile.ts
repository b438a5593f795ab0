import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Catalog } from '../catalog/types.js';
import { parseRequestMixCsv } from '../demand/request-mix.js';
import type { RequestMix } from '../demand/types.js';
import { ExitCode, InputError, didYouMean, type InputIssue } from '../errors.js';
import { packageRoot } from '../paths.js';
import { replicaPerformance, type ReplicaPerformance, type Slo } from '../perf/replica.js';
import { DEFINITIONS, renderProfileTable } from '../report/profile-table.js';
import { readCatalog } from './inputs.js';
import { chalkFor, type CliIo } from './io.js';
import { builtinProfiles } from './measured-profiles.js';

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
  io.stdout.write(renderProfileTable(fitting, misfits, listMisfits, slo, mix, options.mix, chalkFor(io)));
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
