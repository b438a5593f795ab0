import type { Worker } from 'node:worker_threads';
import type { Program } from '../lp/types.js';
import { siblingModule, spawnWorker } from '../threads.js';
import type { Solution, SolveOptions, Solver } from './types.js';

/**
 * A backend run in a worker thread, so that the wall-clock safety net is enforced from outside: a backend
 * that does not stop at its own time limit (wasm gives no way to interrupt a call) is terminated
 * `hardKillGraceSec(limit)` after it, and the solution says `limit: 'time'`. A crash of the backend (a wasm
 * abort) becomes a solution with status `error` instead of taking the process down. The answer is the same
 * as in-thread: the worker runs the same backend on the same program.
 */
export interface IsolatedBackend {
  /** A name in the registry (solvers/registry.ts). */
  name: string;
  /** A module exporting `createSolver(): Promise<Solver>` to run instead of the registry's (tests). */
  module?: URL;
}

/** Seconds past the time limit before the thread is terminated: the backends stop themselves well inside it. */
export function hardKillGraceSec(timeLimitSec: number): number {
  return Math.min(1 + 0.1 * timeLimitSec, 30);
}

export type SolveRequest = {
  id: number;
  backend: { name: string; module?: string };
  program: Program;
  options: Omit<SolveOptions, 'log'>;
  logs: boolean;
};
export type SolveReply = { id: number; log: string } | { id: number; solution: Solution } | { id: number; failure: string };
/** Load the backend now, before any program arrives (no reply). */
export type WarmRequest = { warm: { name: string; module?: string } };

/** An isolated solver whose thread can be started ahead of its first program. */
export interface IsolatedSolver extends Solver {
  /**
   * Starts the thread and loads the backend in it now, on another core while the caller still reads its
   * inputs: a short command then does not wait for the thread's start-up after them. Changes no answer.
   */
  warm(): void;
}

export function isolatedSolver(backend: IsolatedBackend): IsolatedSolver {
  let worker: Worker | undefined;
  let nextId = 0;
  const pending = new Map<number, { resolve: (reply: SolveReply) => void; log?: (line: string) => void }>();
  const start = (): Worker => {
    const thread = spawnWorker(siblingModule(import.meta.url, 'solve-worker'));
    // Its stdout is left unread: the backends print nothing (their logs come as messages), and a read stream
    // would keep the process alive after the thread is unref'd.
    thread.on('message', (reply: SolveReply) => {
      const call = pending.get(reply.id);
      if (!call) return;
      if ('log' in reply) call.log?.(reply.log);
      else call.resolve(reply);
    });
    const fail = (why: string): void => {
      if (worker === thread) worker = undefined;
      for (const [id, call] of pending) call.resolve({ id, failure: why });
      pending.clear();
    };
    thread.on('error', (error) => fail(`the ${backend.name} thread crashed: ${error.message}`));
    thread.on('exit', (code) => fail(`the ${backend.name} thread exited (code ${code})`));
    return thread;
  };
  const wire = (): { name: string; module?: string } =>
    backend.module ? { name: backend.name, module: backend.module.href } : { name: backend.name };
  return {
    name: backend.name,
    warm(): void {
      if (worker) return;
      const thread = (worker = start());
      // Unref'd: a warmed thread that is never sent a program does not keep the process alive.
      thread.unref();
      thread.postMessage({ warm: wire() } satisfies WarmRequest);
    },
    async solve(program: Program, options: SolveOptions = {}): Promise<Solution> {
      const started = performance.now();
      const thread = (worker ??= start());
      thread.ref();
      const id = nextId++;
      const { log, ...rest } = options;
      const request: SolveRequest = {
        id,
        backend: wire(),
        program,
        options: rest,
        logs: log !== undefined,
      };
      let timer: NodeJS.Timeout | undefined;
      let killed = false;
      const reply = await new Promise<SolveReply>((resolve) => {
        pending.set(id, { resolve, ...(log ? { log } : {}) });
        if (options.timeLimitSec !== undefined) {
          timer = setTimeout(
            () => {
              killed = true;
              void thread.terminate();
            },
            (options.timeLimitSec + hardKillGraceSec(options.timeLimitSec)) * 1000,
          );
        }
        thread.postMessage(request);
      });
      clearTimeout(timer);
      pending.delete(id);
      if (worker === thread && pending.size === 0) thread.unref();
      const seconds = (performance.now() - started) / 1000;
      if ('solution' in reply) return reply.solution;
      const failure = 'failure' in reply ? reply.failure : 'no reply';
      if (killed) {
        return {
          status: 'no_solution',
          limit: 'time',
          solver: backend.name,
          seconds,
          rawStatus: `terminated ${seconds.toFixed(1)} s in: ${backend.name} did not stop at its ${options.timeLimitSec} s time limit`,
        };
      }
      return { status: 'error', solver: backend.name, seconds, rawStatus: failure };
    },
  };
}
