/** What demand readers accept: a Readable, an async generator, or simply `[text]`. */
export type Chunks = AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>;

export function toBuffer(chunk: Uint8Array | string): Buffer {
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/**
 * The first line of a stream (without its line ending and a UTF-8 BOM), and chunks that replay the whole
 * stream from its start, so a command can pick a reader by header without opening the file twice.
 */
export async function peekFirstLine(chunks: Chunks): Promise<{ firstLine: string; chunks: AsyncIterable<Buffer> }> {
  const iterator = (Symbol.asyncIterator in chunks ? chunks[Symbol.asyncIterator]() : chunks[Symbol.iterator]()) as
    | AsyncIterator<Uint8Array | string>
    | Iterator<Uint8Array | string>;
  const seen: Buffer[] = [];
  let seenBytes = 0;
  let done = false;
  // Stop at the first newline, or after 64 KiB: no header is that long, and the reader will say so.
  while (seenBytes < 65_536) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    const buffer = toBuffer(next.value);
    seen.push(buffer);
    seenBytes += buffer.length;
    if (buffer.includes(10)) break;
  }
  const head = Buffer.concat(seen);
  const newline = head.indexOf(10);
  let firstLine = head.toString('utf8', 0, newline < 0 ? head.length : newline);
  if (firstLine.endsWith('\r')) firstLine = firstLine.slice(0, -1);
  if (firstLine.startsWith('\uFEFF')) firstLine = firstLine.slice(1);
  async function* replay(): AsyncGenerator<Buffer> {
    try {
      yield* seen;
      if (done) return;
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        yield toBuffer(next.value);
      }
    } finally {
      // A reader that stops early (bad rows) closes the source too.
      if (!done) await iterator.return?.();
    }
  }
  return { firstLine, chunks: replay() };
}

/** Whole text of a small file given as chunks (hourly profiles, request mixes). */
export async function collectText(chunks: Chunks): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of chunks) parts.push(toBuffer(chunk));
  return Buffer.concat(parts).toString('utf8');
}

/** Lines of a small text, 1-based, CRLF or LF, BOM removed; a final newline adds no empty line. */
export function splitLines(text: string): string[] {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const lines = body.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}
