import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Script, constants } from 'node:vm';

/**
 * How the bin starts the CLI: dist/bundle/cli.cjs (the whole CLI as one CommonJS file) compiled with V8's
 * code cache, cli.code-cache beside it, which the build writes from a training run. Node 20 has no compile
 * cache for its own loaders, and compiling the bundle's functions is a large share of a short command's time.
 * V8 refuses a cache made by another V8 version, other flags or another source; the CLI then compiles as
 * usual: the cache changes how fast it starts, never what it does. The bundle builds this module as
 * dist/bundle/boot.js, beside the files it reads.
 */
const here = dirname(fileURLToPath(import.meta.url));
const CLI_FILE = join(here, 'cli.cjs');
export const CODE_CACHE_FILE = join(here, 'cli.code-cache');
/** The package's own CSV files as records (src/csv-known.ts), written by the build. */
export const KNOWN_CSV_FILE = join(here, 'csv-records.json');

type CliMain = (argv: readonly string[]) => Promise<number>;
interface CliExports {
  main?: CliMain;
  rememberCsvRecords?: (entries: readonly unknown[]) => void;
}

export interface BootedCli {
  main: CliMain;
  /** 'accepted', 'rejected' (made by another V8 or flags, or stale) or 'absent'. */
  codeCache: 'accepted' | 'rejected' | 'absent';
  /** V8's code cache of the bundle as compiled so far (after a run: with the functions it ran). */
  createCodeCache(): Buffer;
}

/** Compiles and evaluates the bundled CLI (once per process); `codeCacheFile` is for tests. */
export function bootCli(codeCacheFile = CODE_CACHE_FILE): BootedCli {
  const source = readFileSync(CLI_FILE, 'utf8');
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(codeCacheFile);
  } catch {
    cachedData = undefined;
  }
  // The CommonJS wrapper plus the bundle's import.meta (esbuild's define points import.meta there).
  const script = new Script(`(function (exports, require, module, __filename, __dirname, __plannerImportMeta) {${source}\n})`, {
    filename: CLI_FILE,
    ...(cachedData ? { cachedData } : {}),
    importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const module = { exports: {} as CliExports };
  const importMeta = { url: pathToFileURL(CLI_FILE).href, resolve: (specifier: string) => import.meta.resolve(specifier) };
  script.runInThisContext()(module.exports, createRequire(CLI_FILE), module, CLI_FILE, here, importMeta);
  const main = module.exports.main;
  if (typeof main !== 'function') throw new Error(`${CLI_FILE} does not export main: rebuild with npm run build`);
  const knownCsv = readKnownCsv();
  if (knownCsv) module.exports.rememberCsvRecords?.(knownCsv);
  return {
    main,
    codeCache: cachedData === undefined ? 'absent' : script.cachedDataRejected ? 'rejected' : 'accepted',
    createCodeCache: () => script.createCachedData(),
  };
}

function readKnownCsv(): unknown[] | undefined {
  try {
    return JSON.parse(readFileSync(KNOWN_CSV_FILE, 'utf8')) as unknown[];
  } catch {
    return undefined; // absent (a build without it): every CSV is parsed
  }
}

/** Runs the CLI; PLANNER_WRITE_CODE_CACHE=1 (the build's training run) then writes cli.code-cache. */
export async function runCli(argv: readonly string[]): Promise<number> {
  const cli = bootCli();
  const exitCode = await cli.main(argv);
  if (process.env.PLANNER_WRITE_CODE_CACHE === '1') {
    const temp = `${CODE_CACHE_FILE}.${process.pid}.tmp`;
    writeFileSync(temp, cli.createCodeCache());
    renameSync(temp, CODE_CACHE_FILE);
  }
  return exitCode;
}
