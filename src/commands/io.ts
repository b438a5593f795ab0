import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';
import { Chalk, type ChalkInstance } from 'chalk';

/** Where a command writes. Tests pass buffers; the CLI passes the process streams. */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env: Record<string, string | undefined>;
  /** Whether stdout is a terminal (colour only then). */
  stdoutIsTty: boolean;
  /** Whether stderr is a terminal (progress lines only then). */
  stderrIsTty?: boolean;
  /** Directory relative paths are resolved against. */
  cwd: string;
}

export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    stdoutIsTty: Boolean(process.stdout.isTTY),
    stderrIsTty: Boolean(process.stderr.isTTY),
    cwd: process.cwd(),
  };
}

/** Colour only on a TTY, and never when NO_COLOR is set (chalk's own detector ignores NO_COLOR). */
export function chalkFor(io: CliIo, forceOff = false): ChalkInstance {
  const noColor = forceOff || (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') || !io.stdoutIsTty;
  return new Chalk({ level: noColor ? 0 : 1 });
}

/** Write a file so that readers see either the old or the complete new content, never a part. */
export async function writeFileAtomic(path: string, content: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(temp, content);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
