// The CLI as a few files instead of 200+ modules: Node 20 resolves, reads and compiles every ES module on
// each start, which is most of a short command's time. dist/src (tsc's output) stays the library; the bin
// runs dist/bundle. Entries sit flat beside their shared chunks because the code finds its worker threads as
// siblings of itself (src/threads.ts) and the package root two levels up (src/paths.ts). The wasm solvers stay
// external: they load their .wasm files from their own package folders.
import { spawnSync } from 'node:child_process';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'bundle');
await rm(outdir, { recursive: true, force: true });
// zod re-exports every locale's messages (most of its size); planner's messages are its own, in English.
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(plugin) {
    plugin.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      args.importer.includes(`${join('node_modules', 'zod')}`)
        ? { path: join(dirname(args.importer), '..', 'locales', 'en.js'), namespace: 'zod-en' }
        : undefined,
    );
    plugin.onLoad({ filter: /.*/, namespace: 'zod-en' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)};`,
      resolveDir: dirname(args.path),
    }));
  },
};

const shared = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node20',
  external: ['glpk.js', 'highs'],
  legalComments: 'none',
  plugins: [zodEnglishOnly],
  logLevel: 'warning',
};
// The worker threads and the bin's loader (src/commands/boot.ts): ES modules, sharing chunks.
await build({
  ...shared,
  entryPoints: ['dist/src/commands/boot.js', 'dist/src/solvers/solve-worker.js', 'dist/src/commands/sweep-worker.js'],
  entryNames: '[name]',
  outdir,
  splitting: true,
  format: 'esm',
  // Bundled CommonJS dependencies call require(): give ES modules one.
  banner: { js: "import { createRequire as __plannerRequire } from 'node:module'; const require = __plannerRequire(import.meta.url);" },
});
// The CLI: one CommonJS file, so that V8 compiles it as one script with a code cache (src/commands/boot.ts);
// import.meta is what the loader passes in.
await build({
  ...shared,
  entryPoints: ['dist/src/cli.js'],
  outfile: join(outdir, 'cli.cjs'),
  format: 'cjs',
  define: { 'import.meta': '__plannerImportMeta' },
});
// The package's own CSV files as records (src/csv-known.ts), parsed here by readCsvRecords itself, both trim modes.
const { readCsvRecords } = await import('../dist/src/csv-records.js');
const { knownCsvEntry } = await import('../dist/src/csv-known.js');
const known = [];
for (const folder of ['models', 'traces', 'scenarios']) {
  for (const name of (await readdir(join(root, folder), { recursive: true })).filter((file) => file.endsWith('.csv')).sort()) {
    const text = await readFile(join(root, folder, name), 'utf8');
    for (const trim of [false, true]) {
      const read = readCsvRecords(text, name, { trim });
      if ('records' in read) known.push(knownCsvEntry(text, trim, read.records));
    }
  }
}
await writeFile(join(outdir, 'csv-records.json'), JSON.stringify(known));
// The code cache: V8 keeps the bytecode of every function a run compiled, so one short solve on the
// built-in default trains it for the paths every command shares.
const training = spawnSync(
  process.execPath,
  [join(root, 'bin', 'planner.js'), 'solve', '--windows', '40..40', '--format', 'json', '--quiet'],
  {
    cwd: root,
    env: { ...process.env, PLANNER_WRITE_CODE_CACHE: '1' },
    stdio: ['ignore', 'ignore', 'inherit'],
  },
);
if (training.status !== 0) throw new Error(`bundle: the code cache's training run exited ${training.status}`);
