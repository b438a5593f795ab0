import { isolatedSolver, type IsolatedSolver } from './isolated.js';
import type { Solver } from './types.js';

/**
 * Backends by name, loaded on first use so commands that never solve never load wasm.
 * To add one: a module exporting `createSolver(): Promise<Solver>`, one line here, and the conformance
 * suite (test/solvers/conformance.test.ts) runs against it unchanged.
 */
const loaders: Record<string, () => Promise<Solver>> = {
  highs: async () => (await import('./highs.js')).createSolver(),
  glpk: async () => (await import('./glpk.js')).createSolver(),
  // Per program, the backend measured fastest for its kind (auto.ts).
  auto: async () => (await import('./auto.js')).createAutoSolver(() => getSolver('highs'), await getSolver('glpk')),
};

export function listSolverNames(): string[] {
  return Object.keys(loaders);
}

const loaded = new Map<string, Promise<Solver>>();

export function getSolver(name: string): Promise<Solver> {
  const load = loaders[name];
  if (!load) {
    throw new RangeError(`unknown solver '${name}'; available: ${listSolverNames().join(', ')}`);
  }
  let solver = loaded.get(name);
  if (!solver) {
    solver = load();
    loaded.set(name, solver);
    solver.catch(() => loaded.delete(name));
  }
  return solver;
}

const isolated = new Map<string, IsolatedSolver>();

/**
 * The backend in its own worker thread (solvers/isolated.ts): the same answers, and a wall-clock safety net
 * that holds even when the backend does not stop itself. Commands solve through this.
 */
export function getIsolatedSolver(name: string): IsolatedSolver {
  if (!loaders[name]) throw new RangeError(`unknown solver '${name}'; available: ${listSolverNames().join(', ')}`);
  let solver = isolated.get(name);
  if (!solver) {
    solver = isolatedSolver({ name });
    isolated.set(name, solver);
  }
  return solver;
}

/**
 * Starts the isolated thread of a backend ahead of its first program (IsolatedSolver.warm); names that are
 * no backend (the heuristics, a typo the caller reports later) are left alone.
 */
export function warmIsolatedSolver(name: string): void {
  if (loaders[name]) getIsolatedSolver(name).warm();
}

/** Another thread of the backend, not shared: for callers that solve side by side (simulate's lanes). */
export function newIsolatedSolver(name: string): Solver {
  if (!loaders[name]) throw new RangeError(`unknown solver '${name}'; available: ${listSolverNames().join(', ')}`);
  return isolatedSolver({ name });
}
