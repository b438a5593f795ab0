import { readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { parseCatalog, type CatalogFiles } from '../catalog/load.js';
import { CATALOG_FILES, CATALOG_FILE_KINDS } from '../catalog/schema.js';
import { importSkypilot, SKYPILOT_CLOUDS, type SkypilotCloud } from '../catalog/skypilot.js';
import { importedCatalogFiles, readLatencyEntries, type ImportBase } from '../catalog/skypilot-files.js';
import { ExitCode, InputError, didYouMean } from '../errors.js';
import { packageRoot } from '../paths.js';
import { readCatalog, sha256 } from './inputs.js';
import { writeFileAtomic, type CliIo } from './io.js';

export interface CatalogImportOptions {
  out?: string;
  cloud?: string;
  /** Comma-separated region ids to keep. */
  regions?: string;
  latency?: string;
  asOf?: string;
}

export const IMPORT_FORMATS = ['skypilot'] as const;

/**
 * `planner catalog import skypilot FILE`: a SkyPilot vms.csv -> a catalog folder (skus, prices, regions, latency,
 * sources, README; gpus and llms from the built-in catalog). The folder is checked with the catalog's own load
 * checks before any file is written, and each file is written atomically.
 */
export async function catalogImportCommand(format: string, file: string, options: CatalogImportOptions, io: CliIo): Promise<ExitCode> {
  if (!(IMPORT_FORMATS as readonly string[]).includes(format))
    throw new InputError({
      field: 'format',
      message: `unknown import format '${format}'`,
      fix: didYouMean(format, IMPORT_FORMATS) || `one of ${IMPORT_FORMATS.join(', ')}`,
    });
  if (options.cloud !== undefined && !(SKYPILOT_CLOUDS as readonly string[]).includes(options.cloud))
    throw new InputError({
      field: '--cloud',
      message: `unknown cloud '${options.cloud}'`,
      fix: didYouMean(options.cloud, SKYPILOT_CLOUDS) || `one of ${SKYPILOT_CLOUDS.join(', ')}`,
    });
  if (options.asOf !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(options.asOf))
    throw new InputError({
      field: '--as-of',
      message: `'${options.asOf}' is not a date`,
      fix: 'the date the file was fetched, YYYY-MM-DD',
    });

  const path = resolve(io.cwd, file);
  const text = await readText(path, file);
  const builtinDir = join(packageRoot(), 'models');
  const builtin = await readCatalog(builtinDir, 'models');
  const regions = options.regions
    ?.split(',')
    .map((r) => r.trim())
    .filter((r) => r !== '');
  const imported = importSkypilot(text, {
    file,
    gpus: builtin.gpus,
    ...(options.cloud ? { cloud: options.cloud as SkypilotCloud } : {}),
    ...(regions ? { regions } : {}),
  });
  if (!imported.skus.length)
    throw new InputError({
      file,
      message: `no GPU VM with a price${regions ? ` in ${regions.join(', ')}` : ''}`,
      fix: regions ? 'check --regions against the Region column' : 'see the notes with --regions left out',
    });

  const base: ImportBase = {
    gpusCsv: await readFile(join(builtinDir, CATALOG_FILES.gpus.name), 'utf8'),
    llmsCsv: await readFile(join(builtinDir, CATALOG_FILES.llms.name), 'utf8'),
    regions: new Map([...builtin.regions.values()].map((r) => [r.id, { displayName: r.displayName, cloud: r.cloud }])),
    latency: readLatencyEntries(await readFile(join(builtinDir, CATALOG_FILES.latency.name), 'utf8'), 'models/latency.csv'),
    sources: new Map(builtin.sources.map((s) => [basename(s.file), { date: s.date, source: s.source }])),
  };
  const extraLatency = options.latency
    ? readLatencyEntries(await readText(resolve(io.cwd, options.latency), options.latency), options.latency)
    : [];
  const { files } = importedCatalogFiles(imported, base, {
    sourceName: basename(file),
    sha256: sha256(text).slice('sha256:'.length),
    asOf: options.asOf ?? 'unknown',
    extraLatency,
    ...(options.latency ? { latencyFile: options.latency } : {}),
  });

  const outGiven = options.out ?? `catalog-${imported.cloud}`;
  const out = resolve(io.cwd, outGiven);
  // The same checks as any catalog folder, before anything is written.
  const texts = new Map(files);
  const shown = (name: string) => join(outGiven, name);
  const catalogFiles = Object.fromEntries(
    CATALOG_FILE_KINDS.map((kind) => [kind, { file: shown(CATALOG_FILES[kind].name), text: texts.get(CATALOG_FILES[kind].name)! }]),
  ) as CatalogFiles;
  catalogFiles.sources = { file: shown('sources.csv'), text: texts.get('sources.csv')! };
  const catalog = parseCatalog(catalogFiles);

  for (const [name, content] of files) await writeFileAtomic(join(out, name), content);
  const onDemand = catalog.prices.filter((p) => p.purchase === 'on-demand').length;
  // One write: the summary and the notes.
  const notes = imported.notes.length ? `Fixed or left out (also in README.md):\n${imported.notes.map((n) => `  ${n}\n`).join('')}` : '';
  io.stdout.write(
    `${outGiven}: ${catalog.skus.size} ${imported.cloud} VM types, ${onDemand} on-demand and ${catalog.prices.length - onDemand} spot prices in ${plural(catalog.regions.size, 'region')} (${[...catalog.regions.keys()].join(', ')})\n${notes}`,
  );
  return ExitCode.ok;
}

async function readText(path: string, shown: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError({
      file: shown,
      message: code === 'ENOENT' ? 'file not found' : `cannot read: ${(error as Error).message}`,
      fix: 'check the path',
    });
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
