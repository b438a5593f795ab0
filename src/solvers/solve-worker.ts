import { parentPort } from 'node:worker_threads';
import type { SolveReply, SolveRequest, WarmRequest } from './isolated.js';
import { getSolver } from './registry.js';
import type { Solver } from './types.js';

/** Entry of an isolated solver's thread (see solvers/isolated.ts): solves the programs it is sent, one at a time. */
const port = parentPort!;
const solvers = new Map<string, Promise<Solver>>();

function solverFor(backend: SolveRequest['backend']): Promise<Solver> {
  const key = backend.module ?? backend.name;
  let solver = solvers.get(key);
  if (!solver) {
    const module = backend.module;
    solver = module
      ? (import(module) as Promise<{ createSolver(): Promise<Solver> }>).then((m) => m.createSolver())
      : getSolver(backend.name);
    solvers.set(key, solver);
  }
  return solver;
}

port.on('message', async (request: SolveRequest | WarmRequest) => {
  if ('warm' in request) {
    // A failure to load is reported by the first solve that needs the backend, not here.
    solverFor(request.warm).catch(() => solvers.delete(request.warm.module ?? request.warm.name));
    return;
  }
  let reply: SolveReply;
  try {
    const solver = await solverFor(request.backend);
    const log = request.logs ? (line: string) => port.postMessage({ id: request.id, log: line } satisfies SolveReply) : undefined;
    reply = { id: request.id, solution: await solver.solve(request.program, { ...request.options, ...(log ? { log } : {}) }) };
  } catch (error) {
    reply = { id: request.id, failure: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  port.postMessage(reply);
});
