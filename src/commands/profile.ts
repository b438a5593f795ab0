import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Catalog } from '../catalog/types.js';
import { parseRequestMixCsv } from '../demand/request-mix.js';
import type { RequestMix } from '../demand/types.js';
import { ExitCode, InputError, type InputIssue } from '../errors.js';
import { packageRoot } from '../paths.js';
import { profileComparison, type ProfileComparison } from '../perf/compare-files.js';
import { profileConfigs, selectConfigs } from '../perf/configs.js';
import { profileCatalogIssues, type ProfileSet } from '../perf/profile-set.js';
import type { Slo } from '../perf/replica.js';
import { renderProfileComparison } from '../report/profile-compare.js';
import { DEFINITIONS, renderProfileTable } from '../report/profile-table.js';
import { readCatalog } from './inputs.js';
import { chalkFor, type CliIo } from './io.js';
import { readProfilePath, readProfileSet } from './measured-profiles.js';

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
  /** Measured profile files or folders, layered over the built-in and catalog ones (as a scenario's `profiles:`). */
  profiles?: string[];
  /** A measured profile file to compare with the perf model instead of tabulating. */
  compare?: string;
  format: 'table' | 'json';
}

/** A chat-like request when no size is given. */
export const DEFAULT_INPUT_TOKENS = 1024;
export const DEFAULT_OUTPUT_TOKENS = 256;

const BUILTIN = 'builtin:';

/**
 * `planner profile`: what one replica of every (llm, gpu, tp) sustains under a TTFT/TPOT SLO for a request
 * size: batch, TTFT, TPOT, max requests/s and tokens/s, and whether the numbers are measured (and in which
 * file) or estimated. Configs that do not fit are listed with the reason when --llm or --gpu narrows the
 * table. With --compare FILE: the perf model's prediction against each measurement of FILE.
 */
export async function profileCommand(options: ProfileOptions, io: CliIo): Promise<ExitCode> {
  const { catalog, set } = await catalogAndProfiles(options, io);
  const slo: Slo = { ttftMs: options.ttftMs, tpotMs: options.tpotMs };
  const round = (_key: string, v: unknown) => (typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(6)) : v);

  if (options.compare !== undefined) {
    const comparison = compareFile(options, catalog, slo, io);
    if (options.format === 'json') io.stdout.write(`${JSON.stringify(comparison, round, 2)}\n`);
    else io.stdout.write(renderProfileComparison(comparison, chalkFor(io)));
    return ExitCode.ok;
  }

  const selection = selectConfigs(catalog, options);
  const mix = await requestMix(options, io);
  const { fitting, misfits, listMisfits } = profileConfigs(selection, slo, mix, set);
  if (options.format === 'json') {
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

/** The catalog folder --catalog names ("builtin:models", the default, is the package's). */
export async function readCatalogOption(given: string | undefined, io: CliIo): Promise<{ catalog: Catalog; dir: string; shown: string }> {
  const shown = given ?? `${BUILTIN}models`;
  const dir = shown.startsWith(BUILTIN) ? join(packageRoot(), shown.slice(BUILTIN.length)) : resolve(io.cwd, shown);
  return { catalog: await readCatalog(dir, shown.startsWith(BUILTIN) ? undefined : shown), dir, shown };
}

/** The catalog named by --catalog and the profiles layered on it (built-in, its profiles/, --profiles). */
async function catalogAndProfiles(options: ProfileOptions, io: CliIo): Promise<{ catalog: Catalog; set: ProfileSet }> {
  const { catalog, dir, shown } = await readCatalogOption(options.catalog, io);
  const { set } = readProfileSet(catalog, {
    catalogDir: dir,
    catalogShown: shown,
    paths: (options.profiles ?? []).map((path) => ({ absolute: resolve(io.cwd, path), shown: path, field: '--profiles' })),
  });
  return { catalog, set };
}

function compareFile(options: ProfileOptions, catalog: Catalog, slo: Slo, io: CliIo): ProfileComparison {
  const files = readProfilePath({ absolute: resolve(io.cwd, options.compare!), shown: options.compare!, field: '--compare' });
  const issues = files.flatMap((f) => profileCatalogIssues(f, catalog));
  if (issues.length)
    throw new InputError(issues, `${options.compare}: ${issues.length} row${issues.length === 1 ? '' : 's'} the catalog does not know`);
  // Timing tables: the bench's probes, or the one SLO and size the flags give.
  const probes =
    options.inputTokens !== undefined || options.outputTokens !== undefined
      ? [{ slo, inputTokens: options.inputTokens ?? DEFAULT_INPUT_TOKENS, outputTokens: options.outputTokens ?? DEFAULT_OUTPUT_TOKENS }]
      : undefined;
  return profileComparison(catalog, files, slo, probes);
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
