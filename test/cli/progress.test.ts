import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/commands/io.js';
import { createProgress, type ProgressOptions } from '../../src/commands/progress.js';
import { runCli, SCENARIOS } from './run.js';

/** A reporter on a pipe (stderr not a TTY) with a fake clock and a heartbeat the test fires by hand. */
function onPipe(options: ProgressOptions = {}) {
  const lines: Array<{ at: number; text: string }> = [];
  let raw = '';
  let clock = 0;
  let beat: (() => void) | undefined;
  let stopped = false;
  const io: CliIo = {
    stdout: { write: () => true },
    stderr: {
      write: (t: string) => {
        raw += t;
        for (const text of t.split('\n').filter(Boolean)) lines.push({ at: clock, text });
      },
    },
    env: {},
    stdoutIsTty: false,
    stderrIsTty: false,
    cwd: '.',
  };
  const progress = createProgress(io, {
    now: () => clock,
    heartbeat: (tick) => {
      beat = tick;
      return () => {
        stopped = true;
      };
    },
    ...options,
  });
  return {
    progress,
    lines,
    raw: () => raw,
    stopped: () => stopped,
    /** Advance the clock by `ms`, firing the heartbeat every second as a timer would. */
    advance(ms: number) {
      for (let t = 0; t < ms; t += 1000) {
        clock += Math.min(1000, ms - t);
        beat?.();
      }
    },
  };
}

describe('progress on a pipe (stderr not a terminal)', () => {
  it('writes a plain line at least every 10 s (every 5 s) of a long run, with done/total and elapsed', () => {
    const pipe = onPipe({ label: 'simulating' });
    for (let window = 1; window <= 120; window++) {
      pipe.advance(700); // a window every 0.7 s: 84 s in all
      pipe.progress.update(window, 120, `simulating planner`);
    }
    pipe.progress.finish();
    expect(pipe.raw()).not.toContain('\r');
    expect(pipe.raw()).not.toContain('\u001b');
    const progress = pipe.lines.filter((l) => !l.text.includes(' done'));
    expect(progress.length).toBeGreaterThanOrEqual(84 / 10);
    for (const { text } of progress) expect(text).toMatch(/^planner: simulating planner \d+\/120 windows, \d+ s elapsed$/);
    const times = [0, ...progress.map((l) => l.at), 84_000];
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeLessThanOrEqual(10_000);
    for (let i = 2; i < times.length - 1; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(5_000);
    expect(pipe.lines.at(-1)!.text).toBe('planner: simulating done: 120/120 windows in 84 s');
    expect(pipe.stopped()).toBe(true);
  });

  it('keeps writing from the heartbeat when no update comes (one long window)', () => {
    const pipe = onPipe();
    pipe.progress.update(3, 24);
    pipe.advance(31_000);
    expect(pipe.lines.map((l) => l.at)).toEqual([5000, 10_000, 15_000, 20_000, 25_000, 30_000]);
    expect(pipe.lines[0]!.text).toBe('planner: solving 3/24 windows, 5 s elapsed');
    expect(pipe.lines[5]!.text).toBe('planner: solving 3/24 windows, 30 s elapsed');
  });

  it('writes nothing for a run shorter than the interval', () => {
    const pipe = onPipe();
    for (let window = 1; window <= 4; window++) {
      pipe.advance(1000);
      pipe.progress.update(window, 4);
    }
    pipe.progress.finish();
    expect(pipe.raw()).toBe('');
  });

  it('--quiet (quiet: true) writes nothing however long it runs', () => {
    const pipe = onPipe({ quiet: true });
    for (let window = 1; window <= 100; window++) {
      pipe.advance(1000);
      pipe.progress.update(window, 100);
    }
    pipe.progress.finish();
    expect(pipe.raw()).toBe('');
  });
});

describe('progress never changes stdout', () => {
  const run = (argv: string[], env: Record<string, string>) => runCli(argv, { env, tty: false });

  it('planner solve: the same plan on stdout with a progress line per window as with --quiet', async () => {
    const argv = ['solve', join(SCENARIOS, 'tiny.yaml'), '--format', 'json', '--strategy', 'per-window'];
    const loud = await run(argv, { PLANNER_PROGRESS_INTERVAL_MS: '0' });
    const quiet = await run([...argv, '--quiet'], { PLANNER_PROGRESS_INTERVAL_MS: '0' });
    expect(loud.exitCode).toBe(0);
    expect(loud.stderr).toMatch(/^planner: solving \d+\/3 windows, \d+ s elapsed$/m);
    expect(quiet.stderr).toBe('');
    const strip = (json: string) => {
      const plan = JSON.parse(json);
      delete plan.solver.seconds;
      delete plan.createdAt;
      return plan;
    };
    expect(strip(loud.stdout)).toEqual(strip(quiet.stdout));
  });
});
