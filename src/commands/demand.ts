import { createReadStream } from 'node:fs';
import { resolve } from 'node:path';
import { collectText, peekFirstLine } from '../demand/chunks.js';
import { parseDurationSec } from '../demand/duration.js';
import { isHourlyProfileHeader, parseHourlyProfileCsv, summarizeProfile, windowProfile } from '../demand/profile.js';
import { analyzeTrace } from '../demand/summary.js';
import { TRACE_HEADER, TRACE_HEADER_WITH_IMAGES, isTraceHeader } from '../demand/trace.js';
import { ExitCode, InputError } from '../errors.js';
import { renderProfile, renderTraceAnalysis } from '../report/demand-table.js';
import { chalkFor, type CliIo } from './io.js';

export interface DemandOptions {
  window: string;
  format: 'table' | 'json';
}

/**
 * `planner demand FILE`: statistics of a trace (Azure LLM inference CSV, streamed) or of an hourly profile,
 * told apart by the header, per window and overall.
 */
export async function demandCommand(file: string, options: DemandOptions, io: CliIo): Promise<ExitCode> {
  const windowSec = parseDurationSec(options.window, '--window');
  const stream = createReadStream(resolve(io.cwd, file), { highWaterMark: 1 << 20 });
  try {
    const { firstLine, chunks } = await peekFirstLine(stream).catch((error: unknown) => {
      throw unreadable(file, error);
    });
    if (isHourlyProfileHeader(firstLine)) {
      const profile = parseHourlyProfileCsv(await collectText(chunks), file);
      const summary = summarizeProfile(profile);
      const windows = windowProfile(profile, windowSec);
      if (options.format === 'json') io.stdout.write(toJson({ file, kind: 'hourly-profile', windowSec, ...summary, windows }));
      else io.stdout.write(renderProfile(file, summary, windows, chalkFor(io)));
      return ExitCode.ok;
    }
    if (!isTraceHeader(firstLine)) {
      throw new InputError({
        file,
        line: 1,
        field: 'header',
        message:
          firstLine.trim() === ''
            ? 'no header (empty first line)'
            : `'${firstLine.slice(0, 80)}' is neither a trace nor an hourly profile header`,
        fix: `a trace starts with ${TRACE_HEADER} (or ${TRACE_HEADER_WITH_IMAGES}); a profile with hour_start_utc,requests_per_minute_mean,...`,
      });
    }
    const analysis = await analyzeTrace(chunks, { windowSec, file });
    if (options.format === 'json') io.stdout.write(toJson({ file, kind: 'trace', ...analysis }));
    else io.stdout.write(renderTraceAnalysis(file, analysis, chalkFor(io)));
    return ExitCode.ok;
  } finally {
    stream.destroy();
  }
}

function unreadable(file: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new InputError({ file, message: 'file not found', fix: 'check the path' });
  if (code === 'EISDIR') return new InputError({ file, message: 'is a directory', fix: 'give a trace CSV or an hourly profile CSV' });
  if (code === 'EACCES') return new InputError({ file, message: 'permission denied', fix: 'check permissions' });
  return error;
}

/** Fractions rounded to 4 decimals: float noise from timestamp arithmetic is not information. */
function toJson(value: unknown): string {
  return `${JSON.stringify(value, (_key, v: unknown) => (typeof v === 'number' && !Number.isInteger(v) ? Number(v.toFixed(4)) : v), 2)}\n`;
}
