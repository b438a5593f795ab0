import type { CliIo } from './io.js';

export interface Progress {
  update(done: number, total: number): void;
  /** Clears the line if anything was shown. */
  finish(): void;
}

/**
 * "solving: 12/168 windows" (or another unit) on stderr, rewritten in place; only on a terminal and only once
 * the work has taken longer than `delayMs`, so quick solves and pipes stay silent.
 */
export function windowProgress(io: CliIo, options: { delayMs?: number; now?: () => number; unit?: string } = {}): Progress {
  const now = options.now ?? (() => performance.now());
  const delayMs = options.delayMs ?? 1000;
  const started = now();
  let shown = false;
  return {
    update(done, total) {
      if (io.stderrIsTty !== true || now() - started <= delayMs) return;
      io.stderr.write(`\rsolving: ${done}/${total} ${options.unit ?? 'windows'}`);
      shown = true;
    },
    finish() {
      if (shown) io.stderr.write('\r\x1b[K');
    },
  };
}
