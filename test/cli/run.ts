import { join } from 'node:path';
import { main } from '../../src/cli.js';
import type { CliIo } from '../../src/commands/io.js';

export const SCENARIOS = join(import.meta.dirname, '..', 'fixtures', 'scenarios');

export interface CliRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with captured output, with the given environment, on a terminal or not. */
export async function runCli(
  argv: readonly string[],
  options: { env: Record<string, string>; tty: boolean; cwd?: string },
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: options.env,
    stdoutIsTty: options.tty,
    stderrIsTty: options.tty,
    cwd: options.cwd ?? process.cwd(),
  };
  const exitCode = await main(argv, io);
  return { exitCode, stdout, stderr };
}

/** Runs the CLI in-process with captured output, as a non-TTY (no colour, no progress). */
export function planner(argv: readonly string[], cwd = process.cwd()): Promise<CliRun> {
  // Progress lines are wall-clock by nature: tests that compare stderr must not see them on a slow machine.
  return runCli(argv, { env: { PLANNER_PROGRESS_INTERVAL_MS: '1e15' }, tty: false, cwd });
}
