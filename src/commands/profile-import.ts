import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ExitCode, InputError } from '../errors.js';
import { benchFormatOf, importBenchmarks, type BenchFormat } from '../perf/import/detect.js';
import { parseProfileFile } from '../perf/profile-set.js';
import { maxRateUnderSlo, rateCurveKey, writeRateCurvesCsv, type RateCurve } from '../perf/rate-curves.js';
import { readCatalogOption } from './profile.js';
import { writeFileAtomic, type CliIo } from './io.js';

export interface ProfileImportOptions {
  /** vllm | guidellm; default: told from the first file's content. */
  from?: BenchFormat;
  llm?: string;
  gpu: string;
  tp?: number;
  /** Write (or merge into) this rate-curve CSV instead of printing it. */
  out?: string;
  sizeTolerance?: number;
  catalog?: string;
  ttftMs: number;
  tpotMs: number;
}

/**
 * `planner profile import FILE...`: benchmark results (vLLM `bench serve --save-result`, GuideLLM reports)
 * of one config and request size as one rate curve, checked against the catalog. With --out the curve is
 * merged into that rate-curve file (a curve of the same config and size is replaced), written atomically.
 */
export async function profileImportCommand(files: string[], options: ProfileImportOptions, io: CliIo): Promise<ExitCode> {
  const { catalog } = await readCatalogOption(options.catalog, io);
  const texts = await Promise.all(files.map(async (file) => ({ file, text: await readInput(resolve(io.cwd, file), file) })));
  const curve = importBenchmarks(texts, options.from ?? benchFormatOf(texts[0]!), catalog, {
    gpu: options.gpu,
    ...(options.tp !== undefined ? { tp: options.tp } : {}),
    ...(options.llm !== undefined ? { llm: options.llm } : {}),
    ...(options.sizeTolerance !== undefined ? { sizeTolerance: options.sizeTolerance } : {}),
  });

  if (options.out === undefined) {
    io.stdout.write(writeRateCurvesCsv([curve]));
    return ExitCode.ok;
  }
  const outPath = resolve(io.cwd, options.out);
  const existing = await readExisting(outPath, options.out);
  const replaced = existing.some((c) => rateCurveKey(c) === rateCurveKey(curve));
  const merged = [...existing.filter((c) => rateCurveKey(c) !== rateCurveKey(curve)), { ...curve, file: options.out }];
  await writeFileAtomic(outPath, writeRateCurvesCsv(merged));
  const at = maxRateUnderSlo(curve, { ttftMs: options.ttftMs, tpotMs: options.tpotMs }, 'mean');
  io.stdout.write(
    `${replaced ? 'replaced' : 'added'} the rate curve of ${curve.llm} on ${curve.gpu} TP ${curve.tp} at ${curve.inputTokens}/${curve.outputTokens} tokens (${curve.points.length} run${curve.points.length === 1 ? '' : 's'}) in ${options.out}\n` +
      `max rate at mean TTFT <= ${options.ttftMs} ms, TPOT <= ${options.tpotMs} ms: ${at.reason}\n` +
      `use it: profiles: [${options.out}] in a scenario, or planner profile --profiles ${options.out}\n`,
  );
  return ExitCode.ok;
}

async function readInput(absolute: string, shown: string): Promise<string> {
  try {
    return await readFile(absolute, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError({
      file: shown,
      message: code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory' : `cannot read: ${(error as Error).message}`,
      fix: 'give the JSON files the benchmark wrote',
    });
  }
}

/** The curves already in --out, or none when it does not exist yet. */
async function readExisting(absolute: string, shown: string): Promise<RateCurve[]> {
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new InputError({
      file: shown,
      field: '--out',
      message: `cannot read: ${(error as Error).message}`,
      fix: 'name a rate-curve CSV file',
    });
  }
  const parsed = parseProfileFile(text, shown);
  if (parsed.form !== 'rate-curves')
    throw new InputError({
      file: shown,
      field: '--out',
      message: `holds a ${parsed.form === 'timing' ? 'timing table' : 'rate table'}, not rate curves`,
      fix: 'name a new file or a rate-curve CSV written by planner profile import',
    });
  return parsed.curves;
}
