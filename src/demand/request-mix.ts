import { InputError, type InputIssue } from '../errors.js';
import { readCsvRecords } from '../csv-records.js';
import { isTraceHeader } from './trace.js';
import type { TraceBatch } from './trace.js';
import type { RequestMix, RequestSizeBucket } from './types.js';

/**
 * Request-size histogram (Mélange-style buckets over input and output tokens): each bucket's share of the
 * requests and its mean sizes, which the perf model turns into a sustainable rate per replica.
 */

/** Ascending lower bounds of the buckets, starting at 0; the last bucket is open-ended. */
export interface RequestMixEdges {
  inputTokens: readonly number[];
  outputTokens: readonly number[];
}

/** Powers of two around the 2023 traces' quantiles: code prompts reach 7.4k, conv outputs 1k. */
export const DEFAULT_REQUEST_MIX_EDGES: RequestMixEdges = {
  inputTokens: [0, 256, 1024, 2048, 4096, 8192],
  outputTokens: [0, 32, 128, 256, 512],
};

export interface MeasuredRequestSizeBucket extends RequestSizeBucket {
  inputTokensFrom: number;
  /** Exclusive upper bound; null for the open-ended last bucket. */
  inputTokensBelow: number | null;
  outputTokensFrom: number;
  outputTokensBelow: number | null;
  requests: number;
}

export interface MeasuredRequestMix extends RequestMix {
  requests: number;
  /** Non-empty buckets only, by input then output bound. */
  buckets: readonly MeasuredRequestSizeBucket[];
}

export class RequestMixAccumulator {
  private readonly edges: RequestMixEdges;
  private readonly requests: Float64Array;
  private readonly inputSums: Float64Array;
  private readonly outputSums: Float64Array;

  constructor(edges: RequestMixEdges = DEFAULT_REQUEST_MIX_EDGES) {
    for (const bounds of [edges.inputTokens, edges.outputTokens]) {
      if (bounds[0] !== 0 || bounds.some((b, i) => i > 0 && b <= bounds[i - 1]!))
        throw new RangeError(`bucket bounds must start at 0 and increase: ${bounds.join(',')}`);
    }
    this.edges = edges;
    const cells = edges.inputTokens.length * edges.outputTokens.length;
    this.requests = new Float64Array(cells);
    this.inputSums = new Float64Array(cells);
    this.outputSums = new Float64Array(cells);
  }

  add(batch: TraceBatch): void {
    const inputs = this.edges.inputTokens;
    const outputs = this.edges.outputTokens;
    for (let i = 0; i < batch.length; i++) {
      const input = batch.contextTokens[i]!;
      const output = batch.generatedTokens[i]!;
      let row = inputs.length - 1;
      while (input < inputs[row]!) row--;
      let column = outputs.length - 1;
      while (output < outputs[column]!) column--;
      const cell = row * outputs.length + column;
      this.requests[cell]!++;
      this.inputSums[cell]! += input;
      this.outputSums[cell]! += output;
    }
  }

  finish(): MeasuredRequestMix {
    const { inputTokens, outputTokens } = this.edges;
    const total = this.requests.reduce((a, b) => a + b, 0);
    const buckets: MeasuredRequestSizeBucket[] = [];
    let inputSum = 0;
    let outputSum = 0;
    for (let row = 0; row < inputTokens.length; row++) {
      for (let column = 0; column < outputTokens.length; column++) {
        const cell = row * outputTokens.length + column;
        const requests = this.requests[cell]!;
        inputSum += this.inputSums[cell]!;
        outputSum += this.outputSums[cell]!;
        if (requests === 0) continue;
        buckets.push({
          inputTokensFrom: inputTokens[row]!,
          inputTokensBelow: inputTokens[row + 1] ?? null,
          outputTokensFrom: outputTokens[column]!,
          outputTokensBelow: outputTokens[column + 1] ?? null,
          requests,
          share: requests / total,
          inputTokens: this.inputSums[cell]! / requests,
          outputTokens: this.outputSums[cell]! / requests,
        });
      }
    }
    return {
      requests: total,
      meanInputTokens: total > 0 ? inputSum / total : 0,
      meanOutputTokens: total > 0 ? outputSum / total : 0,
      buckets,
    };
  }
}

const MIX_COLUMNS = [
  'input_tokens_from',
  'input_tokens_below',
  'output_tokens_from',
  'output_tokens_below',
  'requests',
  'share',
  'mean_input_tokens',
  'mean_output_tokens',
] as const;

/** The committed traces/*-request-mix.csv form: bounds ("" = open-ended), requests, share, mean sizes. */
export function requestMixToCsv(mix: MeasuredRequestMix): string {
  const rows = mix.buckets.map((b) =>
    [
      b.inputTokensFrom,
      b.inputTokensBelow ?? '',
      b.outputTokensFrom,
      b.outputTokensBelow ?? '',
      b.requests,
      b.share.toFixed(6),
      b.inputTokens.toFixed(2),
      b.outputTokens.toFixed(2),
    ].join(','),
  );
  return `${[MIX_COLUMNS.join(','), ...rows].join('\n')}\n`;
}

/**
 * A request-mix CSV as the perf model needs it. Required columns: share, mean_input_tokens,
 * mean_output_tokens (any order; a hand-written mix may have only those); bounds and requests are kept
 * when present. Shares must sum to 1 within 0.001 and are then normalised exactly.
 */
export function parseRequestMixCsv(text: string, file = 'request mix'): RequestMix {
  const read = readCsvRecords(text, file, { trim: true });
  if ('issue' in read) throw new InputError(read.issue, `${file}: invalid request mix`);
  const records = read.records;
  const header = (records[0]?.record ?? []).map((name) => name.toLowerCase());
  const at = (name: string) => header.indexOf(name);
  const missing = ['share', 'mean_input_tokens', 'mean_output_tokens'].filter((name) => at(name) < 0);
  if (missing.length > 0) {
    throw new InputError({
      file,
      line: 1,
      field: 'header',
      message: `missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`,
      fix: isTraceHeader(header.join(','))
        ? 'this is a request trace: name it as demand.trace and leave requestMix out (the mix is derived from the trace), or write a mix with planner demand FILE --write-mix M'
        : `use the header ${MIX_COLUMNS.join(',')}`,
    });
  }
  const issues: InputIssue[] = [];
  const buckets: RequestSizeBucket[] = [];
  for (const { record: cells, info } of records.slice(1)) {
    if (cells.every((cell) => cell === '')) continue;
    const number = (name: string): number => {
      const cell = cells[at(name)] ?? '';
      const value = Number(cell);
      if (cell === '' || !Number.isFinite(value) || value < 0)
        issues.push({ file, line: info.lines, field: name, message: `'${cell}' is not a number >= 0` });
      return value;
    };
    buckets.push({ inputTokens: number('mean_input_tokens'), outputTokens: number('mean_output_tokens'), share: number('share') });
  }
  const totalShare = buckets.reduce((sum, b) => sum + b.share, 0);
  if (issues.length === 0 && (buckets.length === 0 || Math.abs(totalShare - 1) > 1e-3)) {
    issues.push({
      file,
      field: 'share',
      message: buckets.length === 0 ? 'no buckets' : `shares sum to ${totalShare.toFixed(6)}`,
      fix: 'shares are fractions of all requests and sum to 1',
    });
  }
  if (issues.length > 0) throw new InputError(issues, `${file}: invalid request mix`);
  const normalized = buckets.filter((b) => b.share > 0).map((b) => ({ ...b, share: b.share / totalShare }));
  return {
    meanInputTokens: normalized.reduce((sum, b) => sum + b.share * b.inputTokens, 0),
    meanOutputTokens: normalized.reduce((sum, b) => sum + b.share * b.outputTokens, 0),
    buckets: normalized,
  };
}
