import { InputError, type InputIssue, quoteExcerpt } from '../errors.js';
import { toBuffer, type Chunks } from './chunks.js';
import { parseTimestamp } from './timestamp.js';

/**
 * Streaming reader for Azure LLM inference trace CSVs (`TIMESTAMP,ContextTokens,GeneratedTokens`, or
 * `TIMESTAMP,NumImages,ContextTokens,GeneratedTokens`), CRLF or LF, with or without a final newline.
 * It holds one chunk at a time and yields columnar batches, so a 1 GB week-long trace never sits in memory.
 *
 * Why not csv-parse (DESIGN section 5 names it): on this format it read well below the >= 1 M rows/s the
 * 16.8 M-row 2024 trace needs (figures: bench/results/README.md; `npm run bench -- trace-ingest`).
 * The format is fixed and unquoted, so a byte-level parser does the common row; any row it does not
 * recognise goes to a tolerant string parser (spaces, quotes) that either accepts it or says what is wrong.
 */

export const TRACE_HEADER = 'TIMESTAMP,ContextTokens,GeneratedTokens';
export const TRACE_HEADER_WITH_IMAGES = 'TIMESTAMP,NumImages,ContextTokens,GeneratedTokens';

/** One batch of consecutive rows (all rows of one chunk), as columns. */
export interface TraceBatch {
  readonly length: number;
  readonly timestampMs: Float64Array;
  readonly contextTokens: Uint32Array;
  readonly generatedTokens: Uint32Array;
  /** Present when the trace has a NumImages column (2025 multimodal). */
  readonly numImages: Uint32Array | undefined;
  /** 1-based line of each row in the file, for messages about a row found wrong later (e.g. out of order). */
  readonly lineNumbers: Float64Array;
}

export interface ReadTraceOptions {
  /** Name shown in error messages. */
  file?: string;
  /** Stop and report after this many bad rows (default 20). */
  maxIssues?: number;
}

const MAX_TOKENS = 999_999_999;
const MAX_LINE_BYTES = 1 << 20;
/** The shortest valid row: 19-character timestamp, ",0,0" and a newline. */
const MIN_ROW_BYTES = 24;
const NEWLINE = 10;
const RETURN = 13;
const COMMA = 44;
const ZERO = 48;

/** True when a header line is a trace header (either layout). */
export function isTraceHeader(line: string): boolean {
  return traceLayout(line) !== undefined;
}

function traceLayout(line: string): { withImages: boolean } | undefined {
  const normalized = line
    .replace(/^\uFEFF/, '')
    .replace(/["\s]/g, '')
    .toLowerCase();
  if (normalized === TRACE_HEADER.toLowerCase()) return { withImages: false };
  if (normalized === TRACE_HEADER_WITH_IMAGES.toLowerCase()) return { withImages: true };
  return undefined;
}

/**
 * Rows of a trace, one batch per input chunk. Bad rows (wrong column count, bad timestamp, token counts that
 * are not whole non-negative numbers) are skipped and collected; after the last batch, or at `maxIssues`, an
 * InputError lists them with 1-based line numbers. Blank lines are ignored.
 */
export async function* readTrace(chunks: Chunks, options: ReadTraceOptions = {}): AsyncGenerator<TraceBatch> {
  const parser = new TraceParser(options.file ?? 'trace', options.maxIssues ?? 20);
  let carry: Buffer | undefined;
  for await (const chunk of chunks) {
    const bytes = toBuffer(chunk);
    let from = 0;
    let joined: Buffer | undefined;
    if (carry) {
      // The line split across chunks is parsed by itself; the rest of this chunk is parsed in place.
      const newline = bytes.indexOf(NEWLINE);
      if (newline < 0) {
        carry = Buffer.concat([carry, bytes]);
        parser.checkLineLength(carry.length);
        continue;
      }
      joined = Buffer.concat([carry, bytes.subarray(0, newline + 1)]);
      from = newline + 1;
    }
    const batch = parser.newBatch(bytes.length + (carry?.length ?? 0));
    carry = undefined;
    if (joined) parser.parse(joined, 0, joined.length, batch);
    const lastNewline = bytes.lastIndexOf(NEWLINE);
    if (lastNewline >= from) {
      parser.parse(bytes, from, lastNewline + 1, batch);
      from = lastNewline + 1;
    }
    if (from < bytes.length) {
      carry = Buffer.from(bytes.subarray(from));
      parser.checkLineLength(carry.length);
    }
    if (batch.length > 0) yield parser.finishBatch(batch);
  }
  const last = parser.newBatch(carry?.length ?? 0);
  if (carry) parser.parse(carry, 0, carry.length, last);
  if (last.length > 0) yield parser.finishBatch(last);
  parser.finish();
}

interface MutableBatch {
  length: number;
  timestampMs: Float64Array;
  contextTokens: Uint32Array;
  generatedTokens: Uint32Array;
  numImages: Uint32Array | undefined;
  lineNumbers: Float64Array;
}

class TraceParser {
  private line = 0;
  /** Where the last parseCount stopped: a comma, the line end, or an unexpected byte. */
  private cursor = 0;
  private withImages: boolean | undefined;
  private readonly issues: InputIssue[] = [];
  private badRows = 0;

  private readonly file: string;
  private readonly maxIssues: number;

  constructor(file: string, maxIssues: number) {
    this.file = file;
    this.maxIssues = maxIssues;
  }

  newBatch(bytes: number): MutableBatch {
    const capacity = Math.floor(bytes / MIN_ROW_BYTES) + 2;
    return {
      length: 0,
      timestampMs: new Float64Array(capacity),
      contextTokens: new Uint32Array(capacity),
      generatedTokens: new Uint32Array(capacity),
      numImages: this.withImages === false ? undefined : new Uint32Array(capacity),
      lineNumbers: new Float64Array(capacity),
    };
  }

  finishBatch(batch: MutableBatch): TraceBatch {
    const n = batch.length;
    return {
      length: n,
      timestampMs: batch.timestampMs.subarray(0, n),
      contextTokens: batch.contextTokens.subarray(0, n),
      generatedTokens: batch.generatedTokens.subarray(0, n),
      numImages: this.withImages ? batch.numImages?.subarray(0, n) : undefined,
      lineNumbers: batch.lineNumbers.subarray(0, n),
    };
  }

  checkLineLength(bytes: number): void {
    if (bytes > MAX_LINE_BYTES) {
      this.fail([
        {
          file: this.file,
          line: this.line + 1,
          message: 'line longer than 1 MiB: this is not a trace CSV',
          fix: `expected the header ${TRACE_HEADER}`,
        },
      ]);
    }
  }

  /** Parses the lines in bytes[from, to); the last one may lack its newline (end of file). */
  parse(bytes: Buffer, from: number, to: number, batch: MutableBatch): void {
    let pos = from;
    while (pos < to) {
      let eol = bytes.indexOf(NEWLINE, pos);
      if (eol < 0 || eol >= to) eol = to;
      let end = eol;
      if (end > pos && bytes[end - 1] === RETURN) end--;
      this.line++;
      if (this.withImages === undefined) this.readHeader(bytes, pos, end, batch);
      else if (end > pos && !this.parseRowFast(bytes, pos, end, batch)) this.parseRowSlow(bytes.toString('utf8', pos, end), batch);
      pos = eol + 1;
    }
  }

  finish(): void {
    if (this.withImages === undefined) {
      this.fail([{ file: this.file, line: 1, message: 'empty file: no header', fix: `start the file with ${TRACE_HEADER}` }]);
    }
    if (this.issues.length > 0) {
      this.fail(this.issues, `${this.file}: ${this.badRows} bad row${this.badRows === 1 ? '' : 's'}`);
    }
  }

  private readHeader(bytes: Buffer, pos: number, end: number, batch: MutableBatch): void {
    const text = bytes.toString('utf8', pos, end);
    const layout = traceLayout(text);
    if (!layout) {
      this.fail([
        {
          file: this.file,
          line: this.line,
          field: 'header',
          message: `'${quoteExcerpt(text, 40)}' is not an Azure LLM trace header`,
          fix: `the first line must be ${TRACE_HEADER} or ${TRACE_HEADER_WITH_IMAGES}`,
        },
      ]);
    }
    this.withImages = layout.withImages;
    if (!layout.withImages) batch.numImages = undefined;
  }

  /** The common row, byte by byte; false sends the row to the explanatory parser. */
  private parseRowFast(bytes: Buffer, pos: number, end: number, batch: MutableBatch): boolean {
    let comma = pos;
    while (comma < end && bytes[comma] !== COMMA) comma++;
    const timestampMs = parseTimestamp(bytes, pos, comma);
    if (Number.isNaN(timestampMs)) return false;
    let images = 0;
    if (this.withImages) {
      images = this.parseCount(bytes, comma + 1, end);
      if (images < 0) return false;
      comma = this.cursor;
    }
    const context = this.parseCount(bytes, comma + 1, end);
    if (context < 0 || this.cursor >= end) return false;
    const generated = this.parseCount(bytes, this.cursor + 1, end);
    if (generated < 0 || this.cursor !== end) return false;
    const i = batch.length++;
    batch.timestampMs[i] = timestampMs;
    batch.contextTokens[i] = context;
    batch.generatedTokens[i] = generated;
    if (batch.numImages) batch.numImages[i] = images;
    batch.lineNumbers[i] = this.line;
    return true;
  }

  /** A whole number of at most 9 digits at bytes[from..) ending at a comma or `end`; -1 otherwise. */
  private parseCount(bytes: Buffer, from: number, end: number): number {
    let value = 0;
    let pos = from;
    while (pos < end) {
      const digit = bytes[pos]! - ZERO;
      if (digit < 0 || digit > 9) break;
      value = value * 10 + digit;
      pos++;
    }
    this.cursor = pos;
    if (pos === from || pos - from > 9 || (pos < end && bytes[pos] !== COMMA)) return -1;
    return value;
  }

  private parseRowSlow(text: string, batch: MutableBatch): void {
    const fields = text.split(',').map((field) =>
      field
        .trim()
        .replace(/^"(.*)"$/, '$1')
        .trim(),
    );
    const names = this.withImages
      ? ['TIMESTAMP', 'NumImages', 'ContextTokens', 'GeneratedTokens']
      : ['TIMESTAMP', 'ContextTokens', 'GeneratedTokens'];
    if (fields.every((field) => field === '')) return;
    if (fields.length !== names.length) {
      this.bad({
        message: `expected ${names.length} columns (${names.join(',')}), found ${fields.length}`,
        fix: 'one request per line, fields separated by commas',
      });
      return;
    }
    const stamp = fields[0]!;
    const timestampMs = parseTimestamp(Buffer.from(stamp, 'latin1'), 0, stamp.length);
    if (Number.isNaN(timestampMs)) {
      this.bad({
        field: 'TIMESTAMP',
        message: `'${stamp}' is not a timestamp`,
        fix: 'use YYYY-MM-DD HH:MM:SS[.fraction][Z|+HH:MM], e.g. 2024-05-10 00:00:00.009930+00:00',
      });
      return;
    }
    const counts: number[] = [];
    for (let f = 1; f < names.length; f++) {
      const field = fields[f]!;
      if (!/^\d+$/.test(field)) {
        const negative = /^-\d+(\.\d*)?$/.test(field);
        const fractional = /^\d+\.\d*$/.test(field);
        const message = negative ? `${field} is negative` : fractional ? `${field} is not a whole number` : `'${field}' is not a number`;
        this.bad({ field: names[f]!, message, fix: `${names[f]} is a count: a whole number >= 0` });
        return;
      }
      const count = Number(field);
      if (count > MAX_TOKENS) {
        this.bad({ field: names[f]!, message: `${field} is too large (limit ${MAX_TOKENS})`, fix: 'check the column order' });
        return;
      }
      counts.push(count);
    }
    const i = batch.length++;
    batch.timestampMs[i] = timestampMs;
    if (batch.numImages) batch.numImages[i] = counts[0]!;
    batch.contextTokens[i] = counts[counts.length - 2]!;
    batch.generatedTokens[i] = counts[counts.length - 1]!;
    batch.lineNumbers[i] = this.line;
  }

  private bad(issue: Omit<InputIssue, 'file' | 'line'>): void {
    this.badRows++;
    this.issues.push({ file: this.file, line: this.line, ...issue });
    if (this.issues.length >= this.maxIssues) {
      this.fail(this.issues, `${this.file}: stopped reading after ${this.maxIssues} bad rows`);
    }
  }

  private fail(issues: readonly InputIssue[], summary?: string): never {
    throw new InputError(issues, summary);
  }
}
