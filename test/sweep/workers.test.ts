import { describe, expect, it } from 'vitest';
import { ExitCode, PlannerError } from '../../src/errors.js';
import { runInWorkers } from '../../src/sweep/workers.js';
import { siblingModule } from '../../src/threads.js';
import type { SleepyTask } from './fixtures/sleepy-worker.js';

const worker = new URL('./fixtures/sleepy-worker.ts', import.meta.url);
type Result = { id: number; thread: number; finishedAt: number };

describe('the sweep workers', () => {
  it('returns results in task order although later tasks finish first, and spreads tasks over the workers', async () => {
    // Task 0 is slow; the second worker finishes tasks 1..4 meanwhile.
    const tasks: SleepyTask[] = [{ id: 0, ms: 2000 }, ...[1, 2, 3, 4].map((id) => ({ id, ms: 20 }))];
    const progress: number[] = [];
    const results = await runInWorkers<SleepyTask, Result>(worker, tasks, { jobs: 2, progress: (done) => progress.push(done) });
    expect(results.map((r) => r.id)).toEqual([0, 1, 2, 3, 4]);
    expect(results[0]!.finishedAt).toBeGreaterThan(results[4]!.finishedAt);
    expect(new Set(results.map((r) => r.thread)).size).toBe(2);
    expect(progress).toEqual([1, 2, 3, 4, 5]);
  });

  it("keeps a planner error's message and exit code across the thread boundary", async () => {
    const failing = runInWorkers<SleepyTask, Result>(
      worker,
      [
        { id: 0, ms: 5 },
        { id: 1, ms: 5, fail: 'input' },
        { id: 2, ms: 5 },
      ],
      { jobs: 2 },
    );
    await expect(failing).rejects.toThrow(/^--vary x: task 1 is bad \(fix: drop it\)$/);
    await expect(failing).rejects.toMatchObject({ exitCode: ExitCode.badInput });
  });

  it('turns any other error in a worker into an internal error (a bug) with its stack', async () => {
    const error = await runInWorkers<SleepyTask, Result>(worker, [{ id: 0, ms: 5, fail: 'bug' }], { jobs: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlannerError);
    expect((error as PlannerError).exitCode).toBe(ExitCode.internal);
    expect((error as Error).message).toMatch(/in a sweep worker: TypeError: task 0 broke\n\s+at /);
  });

  it('finds the worker beside the caller: sweep-worker.js when built (bin/planner.js), sweep-worker.ts from source', () => {
    expect(siblingModule('file:///pkg/dist/src/commands/sweep.js', 'sweep-worker').href).toBe(
      'file:///pkg/dist/src/commands/sweep-worker.js',
    );
    expect(siblingModule('file:///pkg/src/commands/sweep.ts', 'sweep-worker').href).toBe('file:///pkg/src/commands/sweep-worker.ts');
  });

  it("starts a compiled JavaScript worker directly (the built CLI's path)", async () => {
    const plain = new URL('./fixtures/plain-worker.mjs', import.meta.url);
    const results = await runInWorkers<number, { square: number; thread: number }>(plain, [1, 2, 3, 4], { jobs: 2 });
    expect(results.map((r) => r.square)).toEqual([1, 4, 9, 16]);
  });
});
