/**
 * Child process of trace-ingest.bench.ts: reads one trace file and prints
 * {"rows", "seconds", "maxRssMb"} as JSON, so peak RSS is the reader's alone (not the generator's).
 *   node dist/bench/trace-ingest-reader.js FILE planner|csv-parse [MAX_ROWS]
 */
import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { analyzeTrace } from '../src/demand/summary.js';

const [file, mode, maxRowsText] = process.argv.slice(2);
if (!file || (mode !== 'planner' && mode !== 'csv-parse')) {
  process.stderr.write('usage: trace-ingest-reader FILE planner|csv-parse [MAX_ROWS]\n');
  process.exit(2);
}
const maxRows = Number(maxRowsText ?? Infinity);
const started = performance.now();
let rows = 0;
if (mode === 'planner') {
  // What `planner demand FILE` does: totals, hourly windows and the request-size mix in one pass.
  rows = (await analyzeTrace(createReadStream(file, { highWaterMark: 1 << 20 }), { windowSec: 3600, file })).requests;
} else {
  // The baseline: csv-parse records with no work per row at all.
  const stream = createReadStream(file, { highWaterMark: 1 << 20 });
  for await (const record of stream.pipe(parse({ from_line: 2 }))) {
    if ((record as string[]).length > 0) rows++;
    if (rows >= maxRows) break;
  }
  stream.destroy();
}
const seconds = (performance.now() - started) / 1000;
process.stdout.write(`${JSON.stringify({ rows, seconds, maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
