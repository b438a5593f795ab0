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
