import { InputError } from '../errors.js';
import type { Chunks } from './chunks.js';
import { RequestMixAccumulator, type MeasuredRequestMix, type RequestMixEdges } from './request-mix.js';
import { CountHistogram, type TokenStats } from './stats.js';
import { formatUtc } from './timestamp.js';
import { readTrace, type TraceBatch } from './trace.js';
import { WindowAccumulator, type WindowStats } from './window.js';

/** Whole-trace statistics (the numbers the dataset README publishes). */
export interface TraceTotals {
  requests: number;
  firstUtc: string;
  lastUtc: string;
  /** Last request's time minus the first's. */
  durationSec: number;
  /** requests / durationSec (durationSec taken as at least 1 s). */
  meanRequestsPerSec: number;
  meanContextTokens: number;
  meanGeneratedTokens: number;
  totalContextTokens: number;
  totalGeneratedTokens: number;
  contextTokens: TokenStats & { min: number };
  generatedTokens: TokenStats & { min: number };
  /** Only for traces with a NumImages column. */
  meanImages?: number;
}

export interface TraceAnalysis extends TraceTotals {
  windowSec: number;
  peakIntervalSec: number;
  requestMix: MeasuredRequestMix;
  windows: WindowStats[];
}

export class TraceTotalsAccumulator {
  private readonly context = new CountHistogram();
  private readonly generated = new CountHistogram();
  private minMs = Infinity;
  private maxMs = -Infinity;
  private images = 0;
  private withImages = false;

  add(batch: TraceBatch): void {
    this.context.addAll(batch.contextTokens);
    this.generated.addAll(batch.generatedTokens);
    const stamps = batch.timestampMs;
    for (let i = 0; i < batch.length; i++) {
      const ms = stamps[i]!;
      if (ms < this.minMs) this.minMs = ms;
      if (ms > this.maxMs) this.maxMs = ms;
    }
    if (batch.numImages) {
      this.withImages = true;
      for (let i = 0; i < batch.length; i++) this.images += batch.numImages[i]!;
    }
  }

  /** Undefined when no request was added. */
  finish(): TraceTotals | undefined {
    const requests = this.context.count;
    const context = this.context.stats();
    const generated = this.generated.stats();
    if (!context || !generated) return undefined;
    const durationSec = (this.maxMs - this.minMs) / 1000;
    return {
      requests,
      firstUtc: formatUtc(this.minMs),
      lastUtc: formatUtc(this.maxMs),
      durationSec,
      meanRequestsPerSec: requests / Math.max(durationSec, 1),
      meanContextTokens: context.mean,
      meanGeneratedTokens: generated.mean,
      totalContextTokens: this.context.sum,
      totalGeneratedTokens: this.generated.sum,
      contextTokens: { ...context, min: this.context.min },
      generatedTokens: { ...generated, min: this.generated.min },
      ...(this.withImages ? { meanImages: this.images / requests } : {}),
    };
  }
}

export interface AnalyzeTraceOptions {
  /** Planning window, seconds (default 3600). */
  windowSec?: number;
  /** Name for error messages. */
  file?: string;
  mixEdges?: RequestMixEdges;
}

/** One streaming pass over a trace: totals, windows and the request-size mix. */
export async function analyzeTrace(chunks: Chunks, options: AnalyzeTraceOptions = {}): Promise<TraceAnalysis> {
  const file = options.file ?? 'trace';
  const totals = new TraceTotalsAccumulator();
  const windows = new WindowAccumulator(options.windowSec ?? 3600, file);
  const mix = new RequestMixAccumulator(options.mixEdges);
  for await (const batch of readTrace(chunks, { file })) {
    totals.add(batch);
    windows.add(batch);
    mix.add(batch);
  }
  const finished = totals.finish();
  if (!finished) throw new InputError({ file, message: 'the trace has no requests', fix: 'add one row per request under the header' });
  return {
    ...finished,
    windowSec: windows.windowSec,
    peakIntervalSec: windows.peakIntervalSec,
    requestMix: mix.finish(),
    windows: windows.finish(),
  };
}
