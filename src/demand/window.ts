import { InputError, type InputIssue } from '../errors.js';
import { CountList, percentileOfSorted, tokenStatsOf, type TokenStats } from './stats.js';
import { formatUtc } from './timestamp.js';
import type { TraceBatch } from './trace.js';

/**
 * Windowing of a trace into planning windows (default one hour), aligned to multiples of the window since
 * the Unix epoch, so hourly windows are clock hours in UTC. Windows between the first and the last request
 * are all present (zero-filled). Rows may come in any order within a window, but never back into a window
 * already closed: the reader holds one window at a time.
 */
export interface WindowStats {
  startUtc: string;
  windowSec: number;
  /** Seconds of the window inside the trace's span (first to last request); less than windowSec at the edges. */
  observedSec: number;
  requests: number;
  /** requests / observedSec (observedSec taken as at least one peak interval). */
  meanRequestsPerSec: number;
  /**
   * Highest rate over one peak interval (see peakIntervalSecFor) at least half inside the trace's span, and
   * at least the window's mean.
   */
  peakRequestsPerSec: number;
  /**
   * Lowest rate over one peak interval at least half inside the trace's span, and at most the window's mean
   * (an hourly profile's "low" column).
   */
  lowRequestsPerSec: number;
  /** 95th percentile (nearest rank) of those per-interval rates: a peak less sensitive to one burst; the mean when there are none. */
  p95RequestsPerSec: number;
  contextTokens: TokenStats | null;
  generatedTokens: TokenStats | null;
}

/** Peak rates are measured per minute in windows of 2 minutes and longer, else per second. */
export function peakIntervalSecFor(windowSec: number): number {
  return windowSec >= 120 && windowSec % 60 === 0 ? 60 : 1;
}

/** No trace needs more windows than this; more means a stray timestamp (year 2099) or a tiny --window. */
const MAX_WINDOWS = 1_000_000;

export class WindowAccumulator {
  readonly windowSec: number;
  readonly peakIntervalSec: number;
  private readonly windowMs: number;
  private readonly intervalMs: number;
  private readonly file: string;
  private readonly closed: WindowStats[] = [];
  private readonly issues: InputIssue[] = [];
  private firstIndex = NaN;
  private openIndex = NaN;
  private openRequests = 0;
  private readonly intervalCounts: Float64Array;
  private readonly context = new CountList();
  private readonly generated = new CountList();
  private minMs = Infinity;
  private maxMs = -Infinity;

  constructor(windowSec: number, file = 'trace') {
    if (!Number.isInteger(windowSec) || windowSec < 1) throw new RangeError(`windowSec must be a whole number >= 1, got ${windowSec}`);
    this.windowSec = windowSec;
    this.peakIntervalSec = peakIntervalSecFor(windowSec);
    this.windowMs = windowSec * 1000;
    this.intervalMs = this.peakIntervalSec * 1000;
    this.intervalCounts = new Float64Array(windowSec / this.peakIntervalSec);
    this.file = file;
  }

  add(batch: TraceBatch): void {
    const { timestampMs, contextTokens, generatedTokens } = batch;
    for (let i = 0; i < batch.length; i++) {
      const ms = timestampMs[i]!;
      const index = Math.floor(ms / this.windowMs);
      if (index !== this.openIndex && !this.moveTo(index, batch.lineNumbers[i]!)) continue;
      this.openRequests++;
      // Clamped: ms / windowMs can round across a boundary for a timestamp within a nanosecond of it.
      const interval = Math.min(this.intervalCounts.length - 1, Math.max(0, Math.floor((ms - index * this.windowMs) / this.intervalMs)));
      this.intervalCounts[interval]!++;
      this.context.push(contextTokens[i]!);
      this.generated.push(generatedTokens[i]!);
      if (ms < this.minMs) this.minMs = ms;
      if (ms > this.maxMs) this.maxMs = ms;
    }
  }

  /** All windows from the first request's to the last request's. */
  finish(): WindowStats[] {
    if (this.issues.length > 0) this.fail();
    if (Number.isNaN(this.openIndex)) return [];
    return [...this.closed, this.windowStats(this.openIndex, this.maxMs)];
  }

  /** Opens the row's window (closing the open one and any empty ones between); false for an earlier window. */
  private moveTo(index: number, line: number): boolean {
    if (Number.isNaN(this.openIndex)) {
      this.firstIndex = index;
      this.openIndex = index;
      return true;
    }
    if (index < this.openIndex) {
      return this.reject(
        line,
        `request at ${formatUtc(index * this.windowMs)} is in a window already closed (rows must be in time order)`,
        'sort the trace by TIMESTAMP',
      );
    }
    if (index - this.firstIndex >= MAX_WINDOWS) {
      return this.reject(
        line,
        `timestamp is ${(((index - this.firstIndex) * this.windowSec) / 86_400).toFixed(0)} days after the first request: more than ${MAX_WINDOWS} windows`,
        'check the timestamp, or use a longer --window',
      );
    }
    this.closed.push(this.windowStats(this.openIndex, Infinity));
    for (let empty = this.openIndex + 1; empty < index; empty++) this.closed.push(this.emptyWindow(empty));
    this.openIndex = index;
    this.openRequests = 0;
    this.intervalCounts.fill(0);
    this.context.clear();
    this.generated.clear();
    return true;
  }

  private reject(line: number, message: string, fix: string): false {
    this.issues.push({ file: this.file, line, field: 'TIMESTAMP', message, fix });
    if (this.issues.length >= 20) this.fail();
    return false;
  }

  private fail(): never {
    throw new InputError(
      this.issues,
      `${this.file}: ${this.issues.length} row${this.issues.length === 1 ? '' : 's'} that cannot be placed in a window`,
    );
  }

  /** Statistics of the open window; `spanEndMs` is the last request's time for the final window. */
  private windowStats(index: number, spanEndMs: number): WindowStats {
    const startMs = index * this.windowMs;
    const observedStartMs = Math.max(startMs, this.minMs);
    const observedEndMs = Math.min(startMs + this.windowMs, spanEndMs);
    const observedSec = Math.max(0, observedEndMs - observedStartMs) / 1000;
    // At least one peak interval: a trace that ends a millisecond into a window would otherwise give that
    // window a rate of a thousand requests per second.
    const meanRequestsPerSec = this.openRequests / Math.max(observedSec, this.peakIntervalSec);
    // Per-interval rates over the part of each interval inside the span; intervals less than half inside
    // (the trace's ragged first and last minute) would give rates from a few seconds, so they are left out.
    const rates: number[] = [];
    for (let i = 0; i < this.intervalCounts.length; i++) {
      const intervalStartMs = startMs + i * this.intervalMs;
      const coveredMs = Math.min(intervalStartMs + this.intervalMs, spanEndMs) - Math.max(intervalStartMs, this.minMs);
      if (coveredMs >= this.intervalMs / 2) rates.push(this.intervalCounts[i]! / (coveredMs / 1000));
    }
    rates.sort((a, b) => a - b);
    return {
      startUtc: formatUtc(startMs),
      windowSec: this.windowSec,
      observedSec,
      requests: this.openRequests,
      meanRequestsPerSec,
      // The busiest interval is never below the window's mean, even when the busy part was a ragged edge.
      peakRequestsPerSec: Math.max(meanRequestsPerSec, rates[rates.length - 1] ?? 0),
      lowRequestsPerSec: Math.min(meanRequestsPerSec, rates[0] ?? meanRequestsPerSec),
      p95RequestsPerSec: rates.length > 0 ? percentileOfSorted(rates, 0.95) : meanRequestsPerSec,
      contextTokens: tokenStatsOf(this.context.view()),
      generatedTokens: tokenStatsOf(this.generated.view()),
    };
  }

  private emptyWindow(index: number): WindowStats {
    return {
      startUtc: formatUtc(index * this.windowMs),
      windowSec: this.windowSec,
      observedSec: this.windowSec,
      requests: 0,
      meanRequestsPerSec: 0,
      peakRequestsPerSec: 0,
      lowRequestsPerSec: 0,
      p95RequestsPerSec: 0,
      contextTokens: null,
      generatedTokens: null,
    };
  }
}
