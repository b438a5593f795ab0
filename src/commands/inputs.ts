import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';
import { parseCatalog, type CatalogFiles, type CatalogText } from '../catalog/load.js';
import { CATALOG_FILES, CATALOG_FILE_KINDS, SOURCES_FILE } from '../catalog/schema.js';
import type { Catalog } from '../catalog/types.js';
import { InputError, type InputIssue } from '../errors.js';

/**
 * Reads a catalog folder (gpus, llms, skus, prices, regions, latency and the optional sources.csv) and
 * validates it. Errors name the files as `shownDir/<file>` when given, else relative to the current directory
 * (absolute when the folder is outside it). Every missing file is reported at once.
 */
export async function readCatalog(dir: string, shownDir?: string): Promise<Catalog> {
  const shown = (name: string) => {
    if (shownDir !== undefined) return join(shownDir, name);
    const path = relative(process.cwd(), join(dir, name));
    return path.startsWith('..') || isAbsolute(path) ? join(dir, name) : path;
  };
  const issues: InputIssue[] = [];
  const read = async (name: string, optional = false): Promise<CatalogText | undefined> => {
    try {
      return { file: shown(name), text: await readFile(join(dir, name), 'utf8') };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (optional && code === 'ENOENT') return undefined;
      issues.push({
        file: shown(name),
        message:
          code === 'ENOENT' ? 'catalog file not found' : code === 'EISDIR' ? 'is a directory' : `cannot read: ${(error as Error).message}`,
        fix:
          code === 'ENOENT'
            ? `a catalog folder holds ${CATALOG_FILE_KINDS.map((kind) => CATALOG_FILES[kind].name).join(', ')}; copy the missing one from the built-in models/`
            : 'check the path and permissions',
      });
      return undefined;
    }
  };
  const texts = await Promise.all(CATALOG_FILE_KINDS.map((kind) => read(CATALOG_FILES[kind].name)));
  const sources = await read(SOURCES_FILE.name, true);
  if (issues.length)
    throw new InputError(
      issues,
      `catalog ${shownDir ?? dir}: ${issues.length} file${issues.length === 1 ? '' : 's'} missing or unreadable`,
    );
  const files = Object.fromEntries(CATALOG_FILE_KINDS.map((kind, i) => [kind, texts[i]!])) as CatalogFiles;
  if (sources) files.sources = sources;
  return parseCatalog(files);
}

/** "sha256:<hex>" of a text. */
export function sha256(text: string): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

/**
 * sha256 over a catalog folder's files (each as name and text, in a fixed order; sources.csv when present):
 * the catalog hash plan.json records, so a plan made before a price or a row changed is known stale.
 */
export async function catalogHash(dir: string): Promise<string> {
  const hash = createHash('sha256');
  for (const name of [...CATALOG_FILE_KINDS.map((kind) => CATALOG_FILES[kind].name), SOURCES_FILE.name]) {
    const text = await readFile(join(dir, name), 'utf8').catch(() => undefined);
    if (text !== undefined) hash.update(`${name}\n${text.length}\n`).update(text);
  }
  return `sha256:${hash.digest('hex')}`;
}
