import { extname, resolve } from 'node:path';
import { InputError } from '../errors.js';
import { renderSweepHtml } from '../report/sweep-html.js';
import { sweepCsv } from '../report/sweep-csv.js';
import type { SweepDocument } from '../sweep/document.js';
import { assertWritable } from './io.js';

/** The sweep's file formats (--out picks one by extension; --html is the chart). */
export type SweepFileFormat = 'json' | 'csv' | 'html';

export function renderSweep(doc: SweepDocument, format: SweepFileFormat): string {
  if (format === 'json') return `${JSON.stringify(doc, null, 2)}\n`;
  if (format === 'csv') return sweepCsv(doc);
  return renderSweepHtml(doc);
}

/** --out FILE (format from its extension) and --html FILE, checked before any solving. */
export function outputFiles(
  options: { out?: string | undefined; html?: string | undefined },
  cwd: string,
): { path: string; format: SweepFileFormat }[] {
  const files: { path: string; format: SweepFileFormat }[] = [];
  if (options.out) {
    const format = extname(options.out).toLowerCase().slice(1);
    if (format !== 'json' && format !== 'csv' && format !== 'html') {
      throw new InputError({
        field: '--out',
        message: `cannot tell the format of '${options.out}' from its extension`,
        fix: 'name the file *.json, *.csv or *.html',
      });
    }
    files.push({ path: resolve(cwd, options.out), format });
  }
  if (options.html) files.push({ path: resolve(cwd, options.html), format: 'html' });
  for (const file of files) assertWritable(file.path, 'file');
  return files;
}
