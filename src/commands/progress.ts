import type { CliIo } from './io.js';

export interface Progress {
  /** `label` replaces the reporter's own for this and later lines (simulate: the contender). */
  update(done: number, total: number, label?: string): void;
  /** Clears the terminal line, or on a pipe writes a last line, if anything was shown; stops the timer. */
  finish(): void;
}

/** Calls `tick` every `ms` until the returned function is called. The default never keeps the process alive. */
export type Heartbeat = (tick: () => void, ms: number) => () => void;

export interface ProgressOptions {
  /** What is counted: windows (default), points. */
  unit?: string;
  /** What is being done: solving (default), simulating planner, sweeping. */
  label?: string;
  /** --quiet: never write. */
  quiet?: boolean;
  /** Milliseconds; injectable for tests. */
  now?: () => number;
  /** On a terminal: the line appears only once the work has taken longer than this (default 1 s). */
  delayMs?: number;
  /** On a pipe: at most one line per this many ms, the first after it (default 5 s). */
  intervalMs?: number;
  /** On a pipe: a timer (ticking every second) so a line still comes when no update does (default: an unref'd setInterval). */
  heartbeat?: Heartbeat;
}

export const PIPE_INTERVAL_MS = 5000;

const defaultHeartbeat: Heartbeat = (tick, ms) => {
  const timer = setInterval(tick, ms);
  timer.unref();
  return () => clearInterval(timer);
};

/**
 * Progress on stderr, never on stdout and never changing a result: only when and how often it writes depends
 * on the clock.
 * - On a terminal: "solving: 12/168 windows", rewritten in place, once the work has taken over `delayMs`,
 *   cleared at the end; quick work stays silent.
 * - On a pipe (CI logs): a plain line (no ANSI, no carriage return) such as
 *   "planner: solving 12/168 windows, 35 s elapsed" at most every `intervalMs`, the first after `intervalMs`,
 *   and a last "done" line if any was written; a run shorter than `intervalMs` writes nothing. Updates write
 *   when due; the heartbeat covers stretches without updates (whenever the event loop is free).
 */
export function createProgress(io: CliIo, options: ProgressOptions = {}): Progress {
  if (options.quiet) return { update() {}, finish() {} };
  const now = options.now ?? (() => performance.now());
  const unit = options.unit ?? 'windows';
  const started = now();
  let label = options.label ?? 'solving';
  let state: { done: number; total: number } | undefined;

  if (io.stderrIsTty === true) {
    const delayMs = options.delayMs ?? 1000;
    let shown = false;
    return {
      update(done, total, next) {
        if (next !== undefined) label = next;
        if (now() - started <= delayMs) return;
        io.stderr.write(`\r${label}: ${done}/${total} ${unit}${next !== undefined ? '\x1b[K' : ''}`);
        shown = true;
      },
      finish() {
        if (shown) io.stderr.write('\r\x1b[K');
      },
    };
  }

  // PLANNER_PROGRESS_INTERVAL_MS shortens the interval (tests of the whole CLI; a CI log that wants more).
  const fromEnv = Number(io.env.PLANNER_PROGRESS_INTERVAL_MS);
  const intervalMs = options.intervalMs ?? (io.env.PLANNER_PROGRESS_INTERVAL_MS && fromEnv >= 0 ? fromEnv : PIPE_INTERVAL_MS);
  let last = started;
  let lines = 0;
  const elapsed = () => `${Math.round((now() - started) / 1000)} s`;
  const line = () => {
    const counted = state ? ` ${state.done}/${state.total} ${unit}` : '';
    io.stderr.write(`planner: ${label}${counted}, ${elapsed()} elapsed\n`);
    last = now();
    lines++;
  };
  const due = () => now() - last >= intervalMs;
  const stop = (options.heartbeat ?? defaultHeartbeat)(
    () => {
      if (due()) line();
    },
    // Ticks finer than the interval, so a line is at most about a second late whatever the phase.
    Math.max(Math.min(intervalMs, 1000), 100),
  );
  return {
    update(done, total, next) {
      if (next !== undefined) label = next;
      state = { done, total };
      if (due()) line();
    },
    finish() {
      stop();
      if (lines > 0) {
        const counted = state ? ` ${state.done}/${state.total} ${unit}` : '';
        io.stderr.write(`planner: ${options.label ?? 'solving'} done${counted ? `:${counted}` : ''} in ${elapsed()}\n`);
      }
    },
  };
}
