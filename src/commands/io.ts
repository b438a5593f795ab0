import { randomBytes } from 'node:crypto';
import { accessSync, constants, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Chalk, type ChalkInstance } from 'chalk';
import { InputError } from '../errors.js';

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

/*
 * Every write below is synchronous on purpose: the CLI's SIGINT/SIGTERM handler (bin/planner.js) runs
 * between event-loop turns, so it never sees a temp file half-way, and an interrupted run leaves none.
 */

/** Write a file so that readers see either the old or the complete new content, never a part. */
export async function writeFileAtomic(path: string, content: string | Uint8Array): Promise<void> {
  assertWritable(path, 'file');
  const temp = tempName(path);
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(temp, content);
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw outputError(path, error);
  }
}

/**
 * Write a folder of files from one run (a report, a simulation) so that a reader never sees files of two
 * runs side by side. A new folder, or one holding only files this command writes (`owned`), is built beside
 * it and renamed into place (a reader sees the old folder, for an instant none, or the new one). A folder
 * holding other files too (say plan.json) is kept: the new files are written as temp files in it and renamed
 * together in one synchronous step, which no signal interrupts. Owned files this run does not write (another
 * format's) are removed, so the folder never mixes runs.
 */
export async function writeFolderAtomic(
  dir: string,
  files: ReadonlyArray<readonly [string, string]>,
  owned: readonly string[],
): Promise<void> {
  assertWritable(dir, 'folder');
  const existing = existingEntries(dir);
  if (existing === undefined || existing.every((name) => owned.includes(name))) {
    replaceFolder(dir, files, existing !== undefined);
    return;
  }
  const written = new Set(files.map(([name]) => name));
  const temps = files.map(([name, content]) => ({ path: join(dir, name), temp: tempName(join(dir, name)), content }));
  try {
    for (const file of temps) writeFileSync(file.temp, file.content);
    for (const file of temps) renameSync(file.temp, file.path);
    for (const name of existing) if (owned.includes(name) && !written.has(name)) rmSync(join(dir, name), { force: true });
  } catch (error) {
    for (const file of temps) rmSync(file.temp, { force: true });
    throw outputError(dir, error);
  }
}

function replaceFolder(dir: string, files: ReadonlyArray<readonly [string, string]>, exists: boolean): void {
  const temp = tempName(dir);
  const old = tempName(dir, 'old');
  let moved = false;
  try {
    mkdirSync(dirname(dir), { recursive: true });
    mkdirSync(temp);
    for (const [name, content] of files) writeFileSync(join(temp, name), content);
    if (exists) {
      renameSync(dir, old);
      moved = true;
    }
    renameSync(temp, dir);
  } catch (error) {
    rmSync(temp, { recursive: true, force: true });
    if (moved) renameSync(old, dir);
    throw outputError(dir, error);
  }
  if (moved) rmSync(old, { recursive: true, force: true });
}

function existingEntries(dir: string): string[] | undefined {
  try {
    return readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw outputError(dir, error);
  }
}

function tempName(path: string, tag = 'tmp'): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.${tag === 'tmp' ? 'tmp' : `${tag}.tmp`}`);
}

/**
 * Refuse, before any work, an output path that cannot be written: a file where a folder is needed or the
 * reverse, a path under a file, a folder without write permission. The same errors are caught at write
 * time too (the file system can change in between).
 */
export function assertWritable(path: string, kind: 'file' | 'folder'): void {
  const stat = statOrUndefined(path);
  if (stat) {
    if (kind === 'file' && stat.isDirectory()) throw outputError(path, { code: 'EISDIR' });
    if (kind === 'folder' && !stat.isDirectory()) throw outputError(path, { code: 'ENOTDIR_SELF' });
    try {
      accessSync(kind === 'folder' ? path : dirname(path), constants.W_OK);
    } catch (error) {
      throw outputError(path, error);
    }
    return;
  }
  // The nearest existing ancestor must be a folder we may write into.
  let ancestor = dirname(path);
  for (;;) {
    const found = statOrUndefined(ancestor);
    if (found) {
      if (!found.isDirectory()) throw outputError(path, { code: 'ENOTDIR', under: ancestor });
      try {
        accessSync(ancestor, constants.W_OK);
      } catch (error) {
        throw outputError(path, error);
      }
      return;
    }
    const parent = dirname(ancestor);
    if (parent === ancestor) return;
    ancestor = parent;
  }
}

function statOrUndefined(path: string): ReturnType<typeof statSync> | undefined {
  try {
    return statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // ENOTDIR: a parent is a file; the ancestor walk names it.
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw outputError(path, error);
  }
}

/** A file-system error on an output as an InputError (exit 2): the path, what is wrong, the fix. */
export function outputError(path: string, error: unknown): InputError {
  if (error instanceof InputError) return error;
  const { code, under } = error as { code?: string; under?: string };
  const reasons: Record<string, [string, string]> = {
    EISDIR: ['is a folder, not a file', 'name a file, or move the folder away'],
    ENOTDIR_SELF: ['is a file, not a folder', 'name a folder (new or existing), or move the file away'],
    ENOTDIR: [
      under ? `lies under ${under}, which is a file, not a folder` : 'lies under a file, not a folder',
      'choose a path whose parents are folders',
    ],
    EEXIST: ['lies under a file, not a folder', 'choose a path whose parents are folders'],
    EACCES: ['permission denied', 'choose a folder you may write to, or change its permissions'],
    EPERM: ['operation not permitted', 'choose a folder you may write to, or change its permissions'],
    EROFS: ['is on a read-only file system', 'choose a writable folder'],
    ENOSPC: ['no space left on the device', 'free space or choose another device'],
    EDQUOT: ['disk quota exceeded', 'free space or choose another folder'],
    ENAMETOOLONG: ['the name is too long', 'choose a shorter path'],
  };
  const [reason, fix] = reasons[code ?? ''] ?? [
    `${code ?? 'error'}: ${error instanceof Error ? error.message : String(error)}`,
    'check the path and its permissions',
  ];
  return new InputError({ file: path, message: `cannot write: ${reason}`, fix });
}
