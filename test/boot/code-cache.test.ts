import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// The built loader (dist/bundle/boot.js), each case in a fresh node: V8 checks a code cache against the
// process's own version and flags, so the question is what a shell's `planner` gets.
const boot = join(import.meta.dirname, '..', '..', 'dist', 'bundle', 'boot.js');
const dir = mkdtempSync(join(tmpdir(), 'planner-boot-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function bootWith(cacheArg: string): { status: number | null; stdout: string; stderr: string } {
  const code = `const { bootCli } = await import(${JSON.stringify(boot)});
const cli = bootCli(${cacheArg});
const exit = await cli.main(['--version']);
process.stdout.write(JSON.stringify({ codeCache: cli.codeCache, exit }) + '\\n');`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8' });
  return { status: child.status, stdout: child.stdout, stderr: child.stderr };
}

describe('the bin loader and its code cache', () => {
  it('accepts the cache the build trained', () => {
    const run = bootWith('');
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout.trim().split('\n').at(-1)!)).toEqual({ codeCache: 'accepted', exit: 0 });
  });

  it('runs the same CLI when the cache is garbage (V8 rejects it) or absent', () => {
    const garbage = join(dir, 'garbage.code-cache');
    writeFileSync(garbage, Buffer.alloc(4096, 7));
    const rejected = bootWith(JSON.stringify(garbage));
    const absent = bootWith(JSON.stringify(join(dir, 'none.code-cache')));
    const accepted = bootWith('');
    const last = (out: string) => out.trim().split('\n');
    expect(JSON.parse(last(rejected.stdout).at(-1)!)).toEqual({ codeCache: 'rejected', exit: 0 });
    expect(JSON.parse(last(absent.stdout).at(-1)!)).toEqual({ codeCache: 'absent', exit: 0 });
    // --version's own line is the same whichever way the bundle was compiled.
    expect(last(rejected.stdout)[0]).toMatch(/^\d+\.\d+\.\d+/);
    expect(last(rejected.stdout)[0]).toBe(last(accepted.stdout)[0]);
    expect(last(absent.stdout)[0]).toBe(last(accepted.stdout)[0]);
  });
});
