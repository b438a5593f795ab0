import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { printMarkdown } from './solvers.bench.js';

/**
 * Cold start: wall time of short commands from a fresh process, as a shell or a CI step runs them (each
 * command COLD_RUNS times, default 20, one after another; min, median and max). Node itself is the floor.
 * The plans of the repeated one-window solves must be identical, or the bench fails. The bin compiles the CLI
 * with the code cache the build trains (src/commands/boot.ts); the last line says whether V8 accepted it.
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = join(root, 'bin', 'planner.js');

const COMMANDS: { name: string; args: string[] }[] = [
  { name: 'node -e 0 (the floor)', args: ['-e', '0'] },
  { name: 'planner --version', args: [bin, '--version'] },
  { name: 'planner catalog skus', args: [bin, 'catalog', 'skus'] },
  { name: 'planner solve --windows 40..40', args: [bin, 'solve', '--windows', '40..40', '--format', 'json', '--quiet'] },
];

function withoutSeconds(json: string): string {
  return JSON.stringify(JSON.parse(json), (key, value) => (key.includes('econds') ? undefined : value));
}

/** Whether a fresh node accepts the bundle's code cache (src/commands/boot.ts): a rejected one costs the compile. */
function codeCacheState(): string {
  const boot = JSON.stringify(join(root, 'dist', 'bundle', 'boot.js'));
  const code = `const { bootCli } = await import(${boot}); process.stdout.write(bootCli().codeCache);`;
  return spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8' }).stdout;
}

export async function run(): Promise<void> {
  const runs = Number(process.env.COLD_RUNS ?? 20);
  const rows: string[][] = [];
  for (const command of COMMANDS) {
    const ms: number[] = [];
    const outputs = new Set<string>();
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      const child = spawnSync(process.execPath, command.args, { cwd: root, encoding: 'utf8' });
      ms.push(performance.now() - started);
      if (child.status !== 0) throw new Error(`${command.name} exited ${child.status}: ${child.stderr}`);
      outputs.add(command.args.includes('json') ? withoutSeconds(child.stdout) : child.stdout);
    }
    if (outputs.size !== 1) throw new Error(`${command.name}: ${outputs.size} different outputs over ${runs} runs`);
    ms.sort((a, b) => a - b);
    const at = (q: number) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))]!.toFixed(0);
    rows.push([command.name, at(0), at(0.5), at(1)]);
  }
  printMarkdown(['command', 'min ms', 'median ms', 'max ms'], rows);
  process.stdout.write(`\n${runs} runs each, node ${process.version}; outputs identical across runs; code cache ${codeCacheState()}\n`);
}
