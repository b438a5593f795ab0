import { Worker } from 'node:worker_threads';

/** `./name.js` beside the caller when built, `./name.ts` when run from source (vitest, tsx). */
export function siblingModule(callerUrl: string, name: string): URL {
  return new URL(`./${name}${callerUrl.endsWith('.ts') ? '.ts' : '.js'}`, callerUrl);
}

/** A worker thread running `module`; its stdout is piped to the parent (never the parent's stdout). */
export function spawnWorker(module: URL): Worker {
  if (!module.pathname.endsWith('.ts')) return new Worker(module, { stdout: true });
  // From source, the thread needs tsx's loader before it imports TypeScript (execArgv --import does not
  // reach worker threads on Node 20). tsx is a dev dependency, resolved from here; only tests run from source.
  const tsx = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(module.href)}); });`;
  return new Worker(code, { eval: true, stdout: true });
}
