import { readdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * `npm run bench [-- NAME...]`: runs every bench/*.bench.ts (compiled to dist/bench/*.bench.js) in name
 * order, or only those whose name contains one of the arguments. Each bench module exports
 * `run(): Promise<void>` and prints its own table. Benchmarks are measurements, never tests.
 */
const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const files = (await readdir(here)).filter((f) => f.endsWith('.bench.js')).sort();
const selected = filters.length ? files.filter((f) => filters.some((name) => f.includes(name))) : files;
if (selected.length === 0) {
  process.stderr.write(`no bench matches ${filters.join(', ')}; available: ${files.map((f) => f.replace('.bench.js', '')).join(', ')}\n`);
  process.exitCode = 2;
}
for (const file of selected) {
  process.stdout.write(`\n## ${file.replace('.bench.js', '')}\n\n`);
  const module = (await import(pathToFileURL(`${here}/${file}`).href)) as { run: () => Promise<void> };
  await module.run();
}
