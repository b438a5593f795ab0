import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { CatalogFiles } from '../../src/catalog/load.js';
import { CATALOG_FILES, CATALOG_FILE_KINDS, type CatalogFileKind } from '../../src/catalog/schema.js';
import { InputError, type InputIssue } from '../../src/errors.js';
import { packageRoot } from '../../src/paths.js';

export const MODELS = join(packageRoot(), 'models');

/** The shipped catalog texts, named models/<file> as errors would show them from the repo root. */
export function shippedFiles(): CatalogFiles {
  const files = Object.fromEntries(
    CATALOG_FILE_KINDS.map((kind) => {
      const name = CATALOG_FILES[kind].name;
      return [kind, { file: `models/${name}`, text: readFileSync(join(MODELS, name), 'utf8') }];
    }),
  ) as CatalogFiles;
  files.sources = { file: 'models/sources.csv', text: readFileSync(join(MODELS, 'sources.csv'), 'utf8') };
  return files;
}

/** The shipped files with one file's text changed. */
export function edited(kind: CatalogFileKind, edit: (text: string) => string): CatalogFiles {
  const files = shippedFiles();
  files[kind] = { ...files[kind], text: edit(files[kind].text) };
  return files;
}

/** Replace the line starting with `prefix` (must exist once); returns the new text and that 1-based line. */
export function replaceLine(text: string, prefix: string, replacement: string): { text: string; line: number } {
  const lines = text.split('\n');
  const index = lines.findIndex((l) => l.startsWith(prefix));
  expect(index, `a line starting with ${prefix}`).toBeGreaterThan(0);
  expect(lines.filter((l) => l.startsWith(prefix))).toHaveLength(1);
  lines[index] = replacement;
  return { text: lines.join('\n'), line: index + 1 };
}

/** The InputError `run` throws (fails the test when it does not throw one). */
export function inputErrorOf(run: () => unknown): InputError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error('expected an InputError, nothing was thrown');
}

export function issueAt(error: InputError, where: Partial<InputIssue>): InputIssue {
  const found = error.issues.find((issue) => Object.entries(where).every(([key, value]) => issue[key as keyof InputIssue] === value));
  expect(found, `issue ${JSON.stringify(where)} among\n${error.message}`).toBeDefined();
  return found!;
}
