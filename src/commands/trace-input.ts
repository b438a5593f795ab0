import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { peekFirstLine, toBuffer, type Chunks } from '../demand/chunks.js';
import { isHourlyProfileHeader } from '../demand/profile.js';
import { analyzeTrace, type TraceAnalysis } from '../demand/summary.js';
import { TRACE_HEADER, TRACE_HEADER_WITH_IMAGES, isTraceHeader } from '../demand/trace.js';
import { InputError } from '../errors.js';

/**
 * Streams a request trace (any Azure LLM inference layout) once: its hourly analysis and the sha256 of its
 * bytes. `shown` and `field` name it in messages (the path as written, e.g. `workloads.0.demand.trace`).
 */
export async function readTraceFile(
  absolute: string,
  shown: string,
  options: { field?: string; windowSec?: number } = {},
): Promise<{ analysis: TraceAnalysis; sha256: string }> {
  const stream = createReadStream(absolute, { highWaterMark: 1 << 20 });
  const hash = createHash('sha256');
  async function* hashed(chunks: Chunks): AsyncGenerator<Buffer> {
    for await (const chunk of chunks) {
      const buffer = toBuffer(chunk);
      hash.update(buffer);
      yield buffer;
    }
  }
  try {
    const { firstLine, chunks } = await peekFirstLine(hashed(stream)).catch((error: unknown) => {
      throw unreadableFile(shown, error, options.field);
    });
    if (!isTraceHeader(firstLine)) {
      throw new InputError({
        file: shown,
        line: 1,
        ...(options.field ? { field: options.field } : {}),
        message: `'${firstLine.slice(0, 80)}' is not a request trace header`,
        fix: isHourlyProfileHeader(firstLine)
          ? 'this is an hourly profile: name it as demand.profile'
          : `a trace starts with ${TRACE_HEADER} (or ${TRACE_HEADER_WITH_IMAGES})`,
      });
    }
    const analysis = await analyzeTrace(chunks, { windowSec: options.windowSec ?? 3600, file: shown });
    return { analysis, sha256: hash.digest('hex') };
  } finally {
    stream.destroy();
  }
}

/** A read error as the input problem it is: missing file, a directory, no permission. */
export function unreadableFile(file: string, error: unknown, field?: string): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  const at = { file, ...(field ? { field } : {}) };
  if (code === 'ENOENT')
    return new InputError({
      ...at,
      message: 'file not found',
      fix: field ? "check the path (relative paths are resolved against the scenario file's folder)" : 'check the path',
    });
  if (code === 'EISDIR')
    return new InputError({
      ...at,
      message: 'is a directory',
      fix: field ? 'name a request trace CSV file' : 'give a trace CSV or an hourly profile CSV',
    });
  if (code === 'EACCES') return new InputError({ ...at, message: 'permission denied', fix: 'check permissions' });
  return error;
}
