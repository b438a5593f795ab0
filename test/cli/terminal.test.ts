import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/commands/io.js';
import { createProgress } from '../../src/commands/progress.js';
import { runCli, SCENARIOS } from './run.js';

/** Runs the CLI as if on a terminal, with the given environment. */
function onTerminal(argv: string[], env: Record<string, string>) {
  return runCli(argv, { env, tty: true });
}

const ANSI = new RegExp(`${'\u001b'}\\[[0-9;]*m`);

describe('terminal output', () => {
  it('colours tables on a terminal and not when NO_COLOR is set', async () => {
    const coloured = await onTerminal(['solve', join(SCENARIOS, 'tiny.yaml')], { FORCE_COLOR: '1' });
    expect(coloured.exitCode).toBe(0);
    expect(coloured.stdout).toMatch(ANSI);
    const plain = await onTerminal(['solve', join(SCENARIOS, 'tiny.yaml')], { NO_COLOR: '1' });
    expect(plain.stdout).not.toMatch(ANSI);
  });

  it('keeps --format json on stdout pure on a terminal (progress may only go to stderr)', async () => {
    const { exitCode, stdout, stderr } = await onTerminal(['solve', '--windows', '0..23', '--format', 'json'], {});
    expect(exitCode).toBe(0);
    expect(() => JSON.parse(stdout)).not.toThrow();
    expect(stdout).not.toMatch(ANSI);
    expect(stderr.replace(/\rsolving: \d+\/24 windows/g, '').replaceAll('\r\u001b[K', '')).toBe('');
  });
});

describe('window progress', () => {
  function fake(tty: boolean) {
    let stderr = '';
    let clock = 0;
    const io: CliIo = {
      stdout: { write: () => true },
      stderr: { write: (t: string) => (stderr += t) },
      env: {},
      stdoutIsTty: tty,
      stderrIsTty: tty,
      cwd: '.',
    };
    const progress = createProgress(io, { now: () => clock });
    return { progress, tick: (ms: number) => (clock += ms), stderr: () => stderr };
  }

  it('stays silent for the first second, then rewrites one line, then clears it', () => {
    const { progress, tick, stderr } = fake(true);
    progress.update(1, 3);
    tick(999);
    progress.update(2, 3);
    expect(stderr()).toBe('');
    tick(2);
    progress.update(3, 3);
    progress.finish();
    expect(stderr()).toBe('\rsolving: 3/3 windows\r\u001b[K');
  });
});
