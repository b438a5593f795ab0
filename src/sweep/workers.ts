import { parentPort, type Worker } from 'node:worker_threads';
import { InternalError, PlannerError, type ExitCode } from '../errors.js';
import { spawnWorker } from '../threads.js';

/**
 * A fixed set of worker threads that run tasks and return results in task order, whatever order they finish
 * in. Each worker takes the next task when it finishes one, so a slow point never holds up the others; the
 * first error stops every worker and rejects (the caller writes nothing then).
 */
export interface WorkerOptions {
  jobs: number;
  /** After each finished task: (done, total). */
  progress?: (done: number, total: number) => void;
  /** Where the workers' stdout goes (never the parent's stdout, which carries the result). */
  log?: (text: string) => void;
}

interface Request<T> {
  id: number;
  task: T;
}
type Reply<R> = { id: number; ok: true; result: R } | { id: number; ok: false; error: WireError };
interface WireError {
  name: string;
  message: string;
  stack?: string;
  exitCode?: ExitCode;
}

export function runInWorkers<T, R>(workerModule: URL, tasks: readonly T[], options: WorkerOptions): Promise<R[]> {
  if (tasks.length === 0) return Promise.resolve([]);
  const results = new Array<R>(tasks.length);
  const workers: Worker[] = [];
  let next = 0;
  let done = 0;
  let settled = false;
  return new Promise<R[]>((resolve, reject) => {
    const finish = (error?: unknown): void => {
      if (settled) return;
      settled = true;
      for (const worker of workers) void worker.terminate();
      if (error === undefined) resolve(results);
      else reject(error);
    };
    const feed = (worker: Worker): void => {
      if (next < tasks.length) {
        const request: Request<T> = { id: next, task: tasks[next]! };
        next++;
        worker.postMessage(request);
      }
    };
    for (let i = 0; i < Math.max(1, Math.min(options.jobs, tasks.length)); i++) {
      const worker = spawnWorker(workerModule);
      workers.push(worker);
      worker.stdout.on('data', (chunk: Buffer) => options.log?.(chunk.toString()));
      worker.on('message', (reply: Reply<R>) => {
        if (settled) return;
        if (!reply.ok) return finish(revive(reply.error));
        results[reply.id] = reply.result;
        done++;
        options.progress?.(done, tasks.length);
        if (done === tasks.length) finish();
        else feed(worker);
      });
      worker.on('error', (error) => finish(new InternalError(`a sweep worker crashed: ${error.stack ?? error.message}`)));
      worker.on('exit', (code) => finish(new InternalError(`a sweep worker exited (code ${code}) before the sweep finished`)));
      feed(worker);
    }
  });
}

/** The worker side: answer each task with the handler's result or its error. */
export function serveTasks<T, R>(handler: (task: T) => Promise<R>): void {
  const port = parentPort;
  if (!port) throw new InternalError('serveTasks runs only in a worker thread');
  port.on('message', async ({ id, task }: Request<T>) => {
    let reply: Reply<R>;
    try {
      reply = { id, ok: true, result: await handler(task) };
    } catch (error) {
      reply = { id, ok: false, error: toWire(error) };
    }
    port.postMessage(reply);
  });
}

function toWire(error: unknown): WireError {
  if (error instanceof Error) {
    return {
      name: error.name,
      message: error.message,
      ...(error.stack ? { stack: error.stack } : {}),
      ...(error instanceof PlannerError ? { exitCode: error.exitCode } : {}),
    };
  }
  return { name: 'Error', message: String(error) };
}

/** Planner errors keep their message and exit code across the thread boundary; anything else is a bug. */
function revive(error: WireError): PlannerError {
  if (error.exitCode !== undefined) return new PlannerError(error.message, error.exitCode);
  return new InternalError(`in a sweep worker: ${error.stack ?? `${error.name}: ${error.message}`}`);
}
