import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { printMarkdown } from './solvers.bench.js';

/**
 * Trace ingest (issue 3: >= 1 M rows/s with peak RSS < 200 MB on 10 M rows): writes a 10-million-row trace in
 * the 2024 format (a week at ~16.5 req/s) to the temp folder, then reads it in a fresh node process per
 * reader so the generator's memory does not count. The file is deleted afterwards.
 */
const ROWS = Number(process.env.BENCH_TRACE_ROWS ?? 10_000_000);
const CSV_PARSE_ROWS = 1_000_000;
const here = dirname(fileURLToPath(import.meta.url));
const run$ = promisify(execFile);

export async function run(): Promise<void> {
  const file = join(tmpdir(), `planner-trace-ingest-${process.pid}.csv`);
  try {
    const generated = performance.now();
    const bytes = await writeTrace(file, ROWS);
    process.stderr.write(
      `  wrote ${ROWS} rows (${(bytes / 1e6).toFixed(0)} MB) in ${((performance.now() - generated) / 1000).toFixed(1)} s\n`,
    );
    const rows: string[][] = [];
    for (const [mode, maxRows, what] of [
      ['planner', ROWS, 'planner readTrace + 1 h windows + totals + size mix'],
      ['csv-parse', CSV_PARSE_ROWS, 'csv-parse 7, records only (first 1 M rows)'],
    ] as const) {
      const { stdout } = await run$(process.execPath, [join(here, 'trace-ingest-reader.js'), file, mode, String(maxRows)], {
        maxBuffer: 1 << 20,
      });
      const result = JSON.parse(stdout) as { rows: number; seconds: number; maxRssMb: number };
      rows.push([
        what,
        result.rows.toLocaleString('en-US'),
        result.seconds.toFixed(2),
        `${(result.rows / result.seconds / 1e6).toFixed(2)} M`,
        result.maxRssMb.toFixed(0),
      ]);
    }
    printMarkdown(['reader', 'rows', 'seconds', 'rows/s', 'peak RSS MB'], rows);
    process.stdout.write(
      `\n${(bytes / 1e6).toFixed(0)} MB file in ${tmpdir()}, 2024 timestamp format, node ${process.version}; RSS of a fresh node child\n`,
    );
  } finally {
    await rm(file, { force: true });
  }
}

/** A 2024-format trace (`2024-05-10 00:00:00.009930+00:00,ctx,gen`), deterministic, written with backpressure. */
async function writeTrace(file: string, rows: number): Promise<number> {
  const out = createWriteStream(file);
  out.write('TIMESTAMP,ContextTokens,GeneratedTokens\n');
  let bytes = 40;
  let seed = 42;
  const random = () => (seed = (Math.imul(seed, 1_664_525) + 1_013_904_223) >>> 0) / 4_294_967_296;
  const weekMs = 7 * 86_400_000;
  let ms = Date.parse('2024-05-10T00:00:00Z');
  let secondPrefix = '';
  let prefixSecond = -1;
  let lines: string[] = [];
  for (let i = 0; i < rows; i++) {
    ms += random() * 2 * (weekMs / rows);
    const second = Math.floor(ms / 1000);
    if (second !== prefixSecond) {
      prefixSecond = second;
      secondPrefix = new Date(second * 1000).toISOString().slice(0, 19).replace('T', ' ');
    }
    const micros = Math.floor((ms - second * 1000) * 1000);
    // Like the 2024 files, a few rows have no fraction.
    const stamp = i % 997 === 0 ? `${secondPrefix}+00:00` : `${secondPrefix}.${String(micros).padStart(6, '0')}+00:00`;
    lines.push(`${stamp},${1 + Math.floor(Math.exp(random() * 9))},${1 + Math.floor(Math.exp(random() * 6))}`);
    if (lines.length === 20_000 || i === rows - 1) {
      const text = `${lines.join('\n')}\n`;
      bytes += text.length;
      lines = [];
      if (!out.write(text)) await once(out, 'drain');
    }
  }
  out.end();
  await once(out, 'finish');
  return bytes;
}
