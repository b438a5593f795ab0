import { join } from 'node:path';
import { main } from '../../src/cli.js';
import type { CliIo } from '../../src/commands/io.js';

export const SCENARIOS = join(import.meta.dirname, '..', 'fixtures', 'scenarios');

/** Runs the CLI in-process with captured output, as a non-TTY (no colour, no progress). */
export async function planner(argv: readonly string[], cwd = process.cwd()): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    // Progress lines are wall-clock by nature: tests that compare stderr must not see them on a slow machine.
    env: { PLANNER_PROGRESS_INTERVAL_MS: '1e15' },
    stdoutIsTty: false,
    cwd,
  };
  const exitCode = await main(argv, io);
  return { exitCode, stdout, stderr };
}
