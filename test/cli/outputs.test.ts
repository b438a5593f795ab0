import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileAtomic, writeFolderAtomic } from '../../src/commands/io.js';
import { writePlan } from '../../src/commands/solve.js';
import { InputError } from '../../src/errors.js';
import { SCENARIOS, planner } from './run.js';

const work = mkdtempSync(join(tmpdir(), 'planner-outputs-'));
const tiny = join(SCENARIOS, 'tiny.yaml');
const aFile = join(work, 'a-file');
const planFolder = join(work, 'has-plan-folder');
const isRoot = process.getuid?.() === 0;

beforeAll(async () => {
  writeFileSync(aFile, 'not a folder\n');
  mkdirSync(join(planFolder, 'plan.json'), { recursive: true });
  expect((await planner(['solve', tiny, '--out', join(work, 'solved'), '--quiet'])).exitCode).toBe(0);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Exit 2 with one line that names the path and a fix, and no stack trace. */
function expectPathError(run: { exitCode: number; stderr: string }, path: string): void {
  expect(run.exitCode).toBe(2);
  const lines = run.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain(path);
  expect(lines[0]).toContain('(fix: ');
  expect(run.stderr).not.toMatch(/\n\s+at /);
  expect(run.stderr).not.toContain('internal error');
}

const plan = () => join(work, 'solved', 'plan.json');

describe('unwritable outputs are exit 2 naming the path', () => {
  it.each([
    ['solve --out a file', ['solve', tiny, '--out', aFile], aFile, 'is a file, not a folder'],
    ['solve --out under a file', ['solve', tiny, '--out', join(aFile, 'sub')], aFile, 'which is a file'],
    ['solve --out whose plan.json is a folder', ['solve', tiny, '--out', planFolder], join(planFolder, 'plan.json'), 'is a folder'],
    ['solve --emit-lp a folder', ['solve', tiny, '--emit-lp', planFolder], planFolder, 'is a folder, not a file'],
    [
      'sweep --out a folder',
      ['sweep', tiny, '--vary', 'demand.scale=1,2', '--out', join(planFolder, 'plan.json')],
      'plan.json',
      'is a folder',
    ],
    ['sweep --html under a file', ['sweep', tiny, '--vary', 'demand.scale=1,2', '--html', join(aFile, 'x.html')], aFile, 'which is a file'],
    ['simulate --out a file', ['simulate', tiny, '--out', aFile], aFile, 'is a file, not a folder'],
  ])('%s', async (_name, argv, path, reason) => {
    const run = await planner([...argv, '--quiet'], work);
    expectPathError(run, path);
    expect(run.stderr).toContain(reason);
  });

  it('report --out a file, or under a file', async () => {
    expectPathError(await planner(['report', plan(), '--format', 'csv', '--out', aFile]), aFile);
    expectPathError(await planner(['report', plan(), '--format', 'html', '--out', join(aFile, 'rep')]), aFile);
  });

  it.skipIf(isRoot)('a read-only folder (skipped as root, which ignores permissions)', async () => {
    const readOnly = join(work, 'read-only');
    mkdirSync(readOnly);
    chmodSync(readOnly, 0o500);
    try {
      const run = await planner(['solve', tiny, '--out', readOnly, '--quiet']);
      expectPathError(run, readOnly);
      expect(run.stderr).toContain('permission denied');
      expectPathError(await planner(['report', plan(), '--format', 'csv', '--out', readOnly]), readOnly);
    } finally {
      chmodSync(readOnly, 0o700);
    }
  });

  it('a plan whose folder fails after the solve is kept in the temp folder, named in the error', async () => {
    const json = '{"kept": true}\n';
    const error = await writePlan(join(aFile, 'plan.json'), json);
    expect(error).toBeInstanceOf(InputError);
    const kept = /the plan is kept at (\S+?)\)?$/.exec(error!.message)?.[1];
    expect(kept).toBeDefined();
    expect(readFileSync(kept!, 'utf8')).toBe(json);
    rmSync(kept!);
    expect(await writePlan(join(work, 'fine', 'plan.json'), json)).toBeUndefined();
  });
});

describe('atomic writes', () => {
  const names = ['cost-by-window.csv', 'cost-by-month.csv', 'warnings.csv', 'report.json'];
  const tempsIn = (dir: string) => readdirSync(dir).filter((name) => name.endsWith('.tmp'));

  it('a new folder or one of owned files only is replaced whole; another format’s files go', async () => {
    const dir = join(work, 'rep-a');
    await writeFolderAtomic(
      dir,
      [
        ['cost-by-window.csv', 'run 1\n'],
        ['cost-by-month.csv', 'run 1\n'],
      ],
      names,
    );
    await writeFolderAtomic(dir, [['report.json', 'run 2\n']], names);
    expect(readdirSync(dir)).toEqual(['report.json']);
    expect(tempsIn(work)).toEqual([]);
  });

  it('a folder with other files keeps them; the owned ones are all of one run', async () => {
    const dir = join(work, 'rep-b');
    mkdirSync(dir);
    writeFileSync(join(dir, 'plan.json'), 'mine\n');
    await writeFolderAtomic(
      dir,
      [
        ['cost-by-window.csv', 'run 1\n'],
        ['cost-by-month.csv', 'run 1\n'],
      ],
      names,
    );
    await writeFolderAtomic(dir, [['report.json', 'run 2\n']], names);
    expect(readdirSync(dir).sort()).toEqual(['plan.json', 'report.json']);
    expect(readFileSync(join(dir, 'plan.json'), 'utf8')).toBe('mine\n');
  });

  it('a write that fails half-way leaves the old folder as it was and no temp file', async () => {
    for (const withOther of [false, true]) {
      const dir = join(work, `rep-fail-${withOther}`);
      await writeFolderAtomic(
        dir,
        [
          ['cost-by-window.csv', 'old\n'],
          ['cost-by-month.csv', 'old\n'],
        ],
        names,
      );
      if (withOther) writeFileSync(join(dir, 'plan.json'), 'mine\n');
      const before = readdirSync(dir).sort();
      // A name with a folder in it cannot be created: the second file fails after the first was written.
      await expect(
        writeFolderAtomic(
          dir,
          [
            ['cost-by-window.csv', 'new\n'],
            ['no-such-folder/x.csv', 'new\n'],
          ],
          names,
        ),
      ).rejects.toBeInstanceOf(InputError);
      expect(readdirSync(dir).sort()).toEqual(before);
      expect(readFileSync(join(dir, 'cost-by-window.csv'), 'utf8')).toBe('old\n');
      expect(tempsIn(dir)).toEqual([]);
      expect(tempsIn(work)).toEqual([]);
    }
  });

  it('writeFileAtomic onto a folder fails naming it and leaves no temp file', async () => {
    await expect(writeFileAtomic(join(planFolder, 'plan.json'), 'x')).rejects.toThrow(/plan\.json: cannot write: is a folder/);
    expect(tempsIn(planFolder)).toEqual([]);
    expect(existsSync(join(planFolder, 'plan.json', 'x'))).toBe(false);
  });
});
