import { spawn } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/paths.js';
import { SweepDocumentSchema, type SweepDocument } from '../../src/sweep/document.js';
import { SweepJobSchema, SweepManifestSchema, SweepResultSchema } from '../../src/sweep/jobs.js';
import { SCENARIOS, planner } from './run.js';

// The CLI as users run it, one process per point (bin/planner.js reads dist/: run `npm run build` first).
const root = packageRoot();
const bin = join(root, 'bin', 'planner.js');
const work = mkdtempSync(join(tmpdir(), 'planner-sweep-jobs-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
// Relative to the repository, as a CI job names it: the jobs record it so, and points run from the root.
const tiny = relative(root, join(SCENARIOS, 'tiny.yaml'));
const GRID = ['--vary', 'demand.scale=0.5,1,1.5,2', '--vary', 'policies.headroom=0.1,0.3'];

function spawnPlanner(args: string[], cwd = root): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

/** Runs the job files two processes at a time (the 2-core CI machine), each `planner sweep --point FILE`. */
async function runPoints(files: readonly string[]): Promise<void> {
  const queue = [...files];
  const lane = async () => {
    for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
      const { code, stderr } = await spawnPlanner(['sweep', '--point', file]);
      expect(code, stderr).toBe(0);
      expect(stderr).toMatch(/^sweep: point \d of 8: optimal, cost \$[\d.]+ in [\d.]+ s -> /);
    }
  };
  await Promise.all([lane(), lane()]);
}

function withoutSeconds(json: string): unknown {
  const doc = JSON.parse(json) as SweepDocument;
  return { ...doc, seconds: 0, points: doc.points.map((p) => ({ ...p, seconds: 0 })) };
}

/** The table with the seconds column blanked (cells trimmed, so its width does not matter either). */
function tableWithoutSeconds(table: string): string[][] {
  const rows = table.split('\n').map((line) => line.split('│').map((cell) => cell.trim()));
  const column = rows.find((row) => row.includes('seconds'))!.indexOf('seconds');
  return rows.map((row) => (row.length > column ? row.map((cell, i) => (i === column ? '' : cell)) : row));
}

function csvWithoutSeconds(csv: string): string[][] {
  const rows = csv
    .trim()
    .split('\r\n')
    .map((line) => line.split(','));
  const column = rows[0]!.indexOf('seconds');
  return rows.map((row) => row.filter((_, i) => i !== column));
}

describe('planner sweep --emit-jobs, --point in separate processes, --collect', () => {
  const jobs = join(work, 'jobs');
  let emitted: string[] = [];

  beforeAll(async () => {
    expect(existsSync(join(root, 'dist', 'src', 'commands', 'sweep-jobs.js')), 'run npm run build first').toBe(true);
    const { exitCode, stdout, stderr } = await planner(['sweep', tiny, ...GRID, '--emit-jobs', jobs], root);
    expect(exitCode, stderr).toBe(0);
    emitted = stdout.trim().split('\n');
  });

  it('emits 8 job files and a manifest, in grid order, and solves nothing', () => {
    expect(emitted).toEqual(Array.from({ length: 8 }, (_, i) => join(jobs, `point-000${i}.json`)));
    expect(readdirSync(jobs).sort()).toEqual(['manifest.json', ...emitted.map((f) => f.slice(jobs.length + 1))]);
    const manifest = SweepManifestSchema.parse(JSON.parse(readFileSync(join(jobs, 'manifest.json'), 'utf8')));
    expect(manifest.count).toBe(8);
    expect(manifest.points.map((p) => [p.values['demand.scale'], p.values['policies.headroom']])).toEqual([
      [0.5, 0.1],
      [0.5, 0.3],
      [1, 0.1],
      [1, 0.3],
      [1.5, 0.1],
      [1.5, 0.3],
      [2, 0.1],
      [2, 0.3],
    ]);
    const job = SweepJobSchema.parse(JSON.parse(readFileSync(emitted[5]!, 'utf8')));
    expect(job).toMatchObject({ index: 5, count: 8, gridHash: manifest.gridHash, solver: 'auto' });
    expect(job.scenario).toEqual({ file: tiny, path: tiny, text: readFileSync(join(SCENARIOS, 'tiny.yaml'), 'utf8') });
    expect(job.overrides).toEqual(['workloads.0.demand.scale=1.5', 'policies.headroom=0.3']);
  });

  it('collected, the 8 points give the same JSON, table and CSV as the in-process sweep (seconds aside)', async () => {
    await runPoints(emitted);
    expect(readdirSync(jobs).filter((name) => name.endsWith('.result.json'))).toHaveLength(8);
    for (const [i, file] of emitted.entries())
      expect(SweepResultSchema.parse(JSON.parse(readFileSync(file.replace(/\.json$/, '.result.json'), 'utf8'))).index).toBe(i);

    const inProcess = await planner(['sweep', tiny, ...GRID, '--jobs', '1', '--format', 'json'], root);
    const collected = await planner(['sweep', '--collect', jobs, '--format', 'json'], root);
    expect(collected.exitCode, collected.stderr).toBe(0);
    expect(collected.stderr).toBe(`sweep: collected 8 of 8 points from ${jobs}\n`);
    const doc = SweepDocumentSchema.parse(JSON.parse(collected.stdout));
    expect(doc.points).toHaveLength(8);
    expect(doc.points.every((p) => p.status === 'optimal')).toBe(true);
    expect(withoutSeconds(collected.stdout)).toEqual(withoutSeconds(inProcess.stdout));
    // Byte for byte once the seconds are zeroed (key order included).
    expect(JSON.stringify(withoutSeconds(collected.stdout))).toBe(JSON.stringify(withoutSeconds(inProcess.stdout)));
    // A collected sweep's seconds is the sum of its points'.
    expect(doc.seconds).toBeCloseTo(
      doc.points.reduce((sum, p) => sum + p.seconds, 0),
      3,
    );

    const table = await planner(['sweep', '--collect', jobs], root);
    const tableInProcess = await planner(['sweep', tiny, ...GRID, '--jobs', '1'], root);
    expect(table.stdout).toMatch(/Sweep of tiny: 8 points over demand\.scale x policies\.headroom/);
    expect(tableWithoutSeconds(table.stdout)).toEqual(tableWithoutSeconds(tableInProcess.stdout));

    const csvFile = join(work, 'collected.csv');
    const html = join(work, 'collected.html');
    const csv = await planner(['sweep', '--collect', jobs, '--format', 'csv', '--out', csvFile, '--html', html], root);
    expect(csv.exitCode, csv.stderr).toBe(0);
    expect(readFileSync(csvFile, 'utf8')).toBe(csv.stdout);
    const csvInProcess = await planner(['sweep', tiny, ...GRID, '--jobs', '1', '--format', 'csv'], root);
    expect(csvWithoutSeconds(csv.stdout)).toEqual(csvWithoutSeconds(csvInProcess.stdout));
    expect(readFileSync(html, 'utf8')).toMatch(/<svg class="chart" data-chart="sweep-cost" data-points="8"/);
  });

  it('a missing point is exit 2 naming its job and values; --partial collects the others and lists it', async () => {
    const dir = join(work, 'missing');
    cpSync(jobs, dir, { recursive: true });
    rmSync(join(dir, 'point-0005.result.json'));
    const out = join(work, 'missing.json');
    const failed = await planner(['sweep', '--collect', dir, '--out', out], root);
    expect(failed.exitCode).toBe(2);
    expect(failed.stderr).toBe(
      'planner: --collect: 1 of 8 points have no result: point-0005.json (demand.scale=1.5 policies.headroom=0.3) (fix: run planner sweep --point on their job files and collect again, or pass --partial to collect the points that ran)\n',
    );
    expect(failed.stdout).toBe('');
    expect(existsSync(out)).toBe(false);

    const partial = await planner(['sweep', '--collect', dir, '--partial', '--format', 'json'], root);
    expect(partial.exitCode, partial.stderr).toBe(0);
    const doc = SweepDocumentSchema.parse(JSON.parse(partial.stdout));
    expect(doc.missing).toEqual([5]);
    expect(doc.points.map((p) => p.index)).toEqual([0, 1, 2, 3, 4, 6, 7]);
    const table = await planner(['sweep', '--collect', dir, '--partial'], root);
    expect(table.stdout).toContain('partial: 1 point of the grid had no result (index 5)');
  });

  it('a result from another grid, or two results for one point, is exit 2 naming the file', async () => {
    const other = join(work, 'other');
    expect((await planner(['sweep', tiny, '--vary', 'demand.scale=0.5,3', '--emit-jobs', other], root)).exitCode).toBe(0);
    const { code, stderr } = await spawnPlanner([
      'sweep',
      '--point',
      join(other, 'point-0001.json'),
      '--out',
      join(other, 'x.result.json'),
    ]);
    expect(code, stderr).toBe(0);

    const mixed = join(work, 'mixed');
    cpSync(jobs, mixed, { recursive: true });
    copyFileSync(join(other, 'x.result.json'), join(mixed, 'point-0001.result.json'));
    const refused = await planner(['sweep', '--collect', mixed], root);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toMatch(
      /^planner: \S*mixed\/point-0001\.result\.json gridHash: is sha256:\w{12}\.\.\., from another grid than the manifest's sha256:\w{12}\.\.\. \(fix: collect only the results of the jobs this manifest was emitted with/,
    );

    const twice = join(work, 'twice');
    cpSync(jobs, twice, { recursive: true });
    mkdirSync(join(twice, 'result-3'));
    copyFileSync(join(twice, 'point-0003.result.json'), join(twice, 'result-3', 'point-0003.result.json'));
    const duplicate = await planner(['sweep', '--collect', twice], root);
    expect(duplicate.exitCode).toBe(2);
    expect(duplicate.stderr).toMatch(
      /result-3\/point-0003\.result\.json index: point 3 also has the result \S*twice\/point-0003\.result\.json/,
    );
  });

  it('results nested in folders (one artifact per point) are found', async () => {
    const nested = join(work, 'nested');
    mkdirSync(nested);
    copyFileSync(join(jobs, 'manifest.json'), join(nested, 'manifest.json'));
    for (let i = 0; i < 8; i++) {
      mkdirSync(join(nested, `result-${i}`));
      copyFileSync(join(jobs, `point-000${i}.result.json`), join(nested, `result-${i}`, `point-000${i}.result.json`));
    }
    const collected = await planner(['sweep', '--collect', nested, '--format', 'json'], root);
    expect(collected.exitCode, collected.stderr).toBe(0);
    expect(SweepDocumentSchema.parse(JSON.parse(collected.stdout)).points).toHaveLength(8);
  });
});

describe('planner sweep jobs: the scenario is read as in the folder it was emitted from', () => {
  const repo = join(work, 'checkout');

  beforeAll(() => {
    // A checkout with its own catalog beside the scenario (catalog: ../models, relative to the scenario's folder).
    mkdirSync(join(repo, 'capacity'), { recursive: true });
    cpSync(join(root, 'models'), join(repo, 'models'), { recursive: true });
    const text = readFileSync(join(SCENARIOS, 'tiny.yaml'), 'utf8').replace('catalog: builtin:models', 'catalog: ../models');
    writeFileSync(join(repo, 'capacity', 'tiny.yaml'), text);
  });

  it('a point run from the same folder uses the files the scenario names; run elsewhere it is exit 2 with the fix', async () => {
    const jobs = join(repo, 'jobs');
    const emit = await planner(['sweep', 'capacity/tiny.yaml', '--vary', 'demand.scale=1,2', '--emit-jobs', 'jobs'], repo);
    expect(emit.exitCode, emit.stderr).toBe(0);
    expect(emit.stdout).toBe('jobs/point-0000.json\njobs/point-0001.json\n');
    const job = SweepJobSchema.parse(JSON.parse(readFileSync(join(jobs, 'point-0001.json'), 'utf8')));
    expect(job.scenario.path).toBe('capacity/tiny.yaml');

    const ok = await planner(['sweep', '--point', 'jobs/point-0001.json', '--out', 'r1.json'], repo);
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(ok.stderr).toMatch(/^sweep: point 1 of 2: optimal, cost \$[\d.]+ in [\d.]+ s -> r1\.json\n$/);
    // The same point as solve --set on the scenario file.
    const solved = await planner(['solve', 'capacity/tiny.yaml', '--set', 'workloads.0.demand.scale=2', '--format', 'json'], repo);
    const result = SweepResultSchema.parse(JSON.parse(readFileSync(join(repo, 'r1.json'), 'utf8')));
    expect(result.outcome.costUsd).toBeCloseTo((JSON.parse(solved.stdout) as { totals: { costUsd: number } }).totals.costUsd, 4);

    // From another folder the scenario's catalog is not where the job says.
    const elsewhere = await planner(['sweep', '--point', join(jobs, 'point-0001.json'), '--out', join(work, 'r.json')], work);
    expect(elsewhere.exitCode).toBe(2);
    expect(elsewhere.stderr).toMatch(
      /^planner: \S*point-0001\.json \(point 1 of 2: workloads\.0\.demand\.scale=2\) cannot be loaded here \(fix: run planner sweep --point in the folder --emit-jobs ran in, where capacity\/tiny\.yaml is the scenario, on the same checkout/,
    );
    expect(existsSync(join(work, 'r.json'))).toBe(false);
  });

  it('a checkout whose catalog changed since the emit is refused (exit 2), as its answer could differ', async () => {
    const jobs = join(repo, 'jobs-stale');
    expect((await planner(['sweep', 'capacity/tiny.yaml', '--vary', 'demand.scale=1,2', '--emit-jobs', 'jobs-stale'], repo)).exitCode).toBe(
      0,
    );
    const prices = join(repo, 'models', 'prices.csv');
    const before = readFileSync(prices, 'utf8');
    // A price rise on the A100 in eastus: the plan's cost would change.
    const raised = before.replace(
      /^(NC24ads_A100_v4,eastus,on-demand,)([\d.]+)$/m,
      (_, row: string, usd: string) => `${row}${Number(usd) + 1}`,
    );
    expect(raised).not.toBe(before);
    writeFileSync(prices, raised);
    try {
      const stale = await planner(['sweep', '--point', join(jobs, 'point-0000.json')], repo);
      expect(stale.exitCode).toBe(2);
      expect(stale.stderr).toMatch(
        /^planner: \S*point-0000\.json inputs\.catalog: the catalog that capacity\/tiny\.yaml names here differ[^\n]*\(fix: run the point on the checkout \(commit\) the jobs were emitted from, or emit the jobs again on this one\)\n$/,
      );
      expect(existsSync(join(jobs, 'point-0000.result.json'))).toBe(false);
    } finally {
      writeFileSync(prices, before);
    }
  });

  it('emitting again replaces the folder: an older grid leaves no job or result behind', async () => {
    const dir = join(repo, 'again');
    expect((await planner(['sweep', 'capacity/tiny.yaml', '--vary', 'demand.scale=1,2,3', '--emit-jobs', 'again'], repo)).exitCode).toBe(0);
    writeFileSync(join(dir, 'point-0002.result.json'), '{}');
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    expect((await planner(['sweep', 'capacity/tiny.yaml', '--vary', 'demand.scale=1,2', '--emit-jobs', 'again'], repo)).exitCode).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['manifest.json', 'notes.txt', 'point-0000.json', 'point-0001.json']);
  });
});

describe('planner sweep jobs: bad input is exit 2 with the flag or file and the fix', () => {
  const dir = join(work, 'bad');
  beforeAll(async () => {
    expect((await planner(['sweep', tiny, '--vary', 'demand.scale=1,2', '--emit-jobs', dir], root)).exitCode).toBe(0);
  });

  const cases: [string, () => string[], RegExp][] = [
    [
      'an invalid value: nothing is emitted',
      () => ['sweep', tiny, '--vary', 'demand.scale=1,x', '--emit-jobs', join(work, 'none')],
      /^planner: --vary demand\.scale: 'x' is not a positive number/,
    ],
    [
      '--point with --vary',
      () => ['sweep', '--point', join(dir, 'point-0000.json'), '--vary', 'demand.scale=1'],
      /^planner: --vary: cannot be used with --point: the job file fixes the grid and the solver settings \(fix: pass --vary to the run with --emit-jobs\)/,
    ],
    [
      '--point with a scenario argument',
      () => ['sweep', tiny, '--point', join(dir, 'point-0000.json')],
      /^planner: --point: takes the scenario from the job file, not from the argument/,
    ],
    [
      '--collect with --solver',
      () => ['sweep', '--collect', dir, '--solver', 'highs'],
      /^planner: --solver: cannot be used with --collect: the manifest fixes/,
    ],
    [
      '--emit-jobs with --out',
      () => ['sweep', tiny, '--vary', 'demand.scale=1', '--emit-jobs', dir, '--out', 'x.json'],
      /^planner: --out: does not apply to --emit-jobs \(nothing is solved\)/,
    ],
    [
      '--point and --collect together',
      () => ['sweep', '--point', join(dir, 'point-0000.json'), '--collect', dir],
      /^planner: --collect: cannot be combined with --point/,
    ],
    [
      '--partial without --collect',
      () => ['sweep', tiny, '--vary', 'demand.scale=1', '--partial'],
      /^planner: --partial: applies only to --collect/,
    ],
    [
      'no scenario and no mode',
      () => ['sweep', '--vary', 'demand.scale=1'],
      /^planner: scenario: no scenario file given \(fix: planner sweep SCENARIO --vary/,
    ],
    [
      '--point on the manifest',
      () => ['sweep', '--point', join(dir, 'manifest.json'), '--out', join(work, 'm.result.json')],
      /manifest\.json kind: is 'planner-sweep-manifest', so this is not a sweep job \(fix: pass a point-NNNN\.json written by planner sweep --emit-jobs\)/,
    ],
    [
      '--point on a missing file',
      () => ['sweep', '--point', join(dir, 'point-0009.json')],
      /point-0009\.json: file not found \(in \S+\) \(fix: pass a point-NNNN\.json/,
    ],
    [
      '--point --out that is not JSON',
      () => ['sweep', '--point', join(dir, 'point-0000.json'), '--out', 'r.csv'],
      /^planner: --out: 'r\.csv' is not a \.json file/,
    ],
    [
      '--collect a folder without a manifest',
      () => ['sweep', '--collect', work],
      /manifest\.json: file not found \(in \S+\) \(fix: collect the folder planner sweep --emit-jobs wrote/,
    ],
  ];
  for (const [what, argv, expected] of cases) {
    it(what, async () => {
      const before = readdirSync(dir).sort();
      const { exitCode, stdout, stderr } = await planner(argv(), root);
      expect(exitCode).toBe(2);
      expect(stderr).toMatch(expected);
      expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
      expect(stdout).toBe('');
      expect(readdirSync(dir).sort()).toEqual(before);
      expect(existsSync(join(work, 'none'))).toBe(false);
    });
  }

  it('a job emitted by another planner version is refused, naming both versions', async () => {
    const job = JSON.parse(readFileSync(join(dir, 'point-0000.json'), 'utf8')) as Record<string, unknown>;
    const file = join(work, 'older.json');
    writeFileSync(file, JSON.stringify({ ...job, planner: '0.0.1' }));
    const { exitCode, stderr } = await planner(['sweep', '--point', file], root);
    expect(exitCode).toBe(2);
    expect(stderr).toMatch(
      new RegExp(
        `older\\.json planner: the job was emitted by planner 0\\.0\\.1, this is ${job.planner as string}[^\\n]*\\(fix: run the point with planner 0\\.0\\.1`,
      ),
    );
    expect(existsSync(join(work, 'older.result.json'))).toBe(false);
  });

  it('a job file edited by hand (a field of the wrong type) names the field', async () => {
    const job = JSON.parse(readFileSync(join(dir, 'point-0000.json'), 'utf8')) as Record<string, unknown>;
    const file = join(work, 'edited.json');
    writeFileSync(file, JSON.stringify({ ...job, index: -1 }));
    const { exitCode, stderr } = await planner(['sweep', '--point', file], root);
    expect(exitCode).toBe(2);
    expect(stderr).toMatch(/^planner: \S*edited\.json: not a sweep job of this planner \(schema version 1\)\n {2}\S*edited\.json index: /);
  });
});

describe('planner schema sweep-job', () => {
  it('prints the JSON Schema that schemas/sweep-job.schema.json publishes', async () => {
    const { exitCode, stdout } = await planner(['schema', 'sweep-job']);
    expect(exitCode).toBe(0);
    // A failure here means the zod schema changed: run `node bin/planner.js schema sweep-job > schemas/sweep-job.schema.json`.
    expect(stdout).toBe(readFileSync(join(root, 'schemas', 'sweep-job.schema.json'), 'utf8'));
  });
});
