import { createReadStream } from 'node:fs';
import { resolve } from 'node:path';
import { collectText, peekFirstLine } from '../demand/chunks.js';
import { parseDurationSec } from '../demand/duration.js';
import { isHourlyProfileHeader, parseHourlyProfileCsv, summarizeProfile, windowProfile } from '../demand/profile.js';
import { analyzeTrace } from '../demand/summary.js';
import { TRACE_HEADER, TRACE_HEADER_WITH_IMAGES, isTraceHeader } from '../demand/trace.js';
import { ExitCode, InputError } from '../errors.js';
import { renderProfile, renderTraceAnalysis } from '../report/demand-table.js';
import { chalkFor, writeFileAtomic, type CliIo } from './io.js';
import { unreadableFile } from './trace-input.js';
import { traceDemandFiles } from '../demand/trace-demand.js';

export interface DemandOptions {
  window: string;
  format: 'table' | 'json';
  /** Write the trace's hourly profile CSV here (what a scenario's demand.profile reads). */
  writeProfile?: string;
  /** Write the trace's request-mix CSV here (what a scenario's requestMix.file reads). */
  writeMix?: string;
}

/**
 * `planner demand FILE`: statistics of a trace (Azure LLM inference CSV, streamed) or of an hourly profile,
 * told apart by the header, per window and overall.
 */
export async function demandCommand(file: string, options: DemandOptions, io: CliIo): Promise<ExitCode> {
  const windowSec = parseDurationSec(options.window, '--window');
  const writes = [options.writeProfile && '--write-profile', options.writeMix && '--write-mix'].filter(Boolean).join(' and ');
  if (options.writeProfile && windowSec !== 3600) {
    throw new InputError({
      field: '--write-profile',
      message: `a profile is hourly, but --window is ${options.window}`,
      fix: 'drop --window (or give --window 1h) with --write-profile',
    });
  }
  const stream = createReadStream(resolve(io.cwd, file), { highWaterMark: 1 << 20 });
  try {
    const { firstLine, chunks } = await peekFirstLine(stream).catch((error: unknown) => {
      throw unreadableFile(file, error);
    });
    if (isHourlyProfileHeader(firstLine)) {
      if (writes)
        throw new InputError({
          file,
          field: writes.split(' ')[0],
          message: `${writes} need${writes.includes(' and ') ? '' : 's'} a request trace; this is an hourly profile`,
          fix: 'give a trace CSV (TIMESTAMP,ContextTokens,GeneratedTokens); a profile can be named in a scenario as it is',
        });
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
    if (writes) {
      const files = traceDemandFiles(analysis);
      if (options.writeProfile) await writeFileAtomic(resolve(io.cwd, options.writeProfile), files.profileCsv);
      if (options.writeMix) await writeFileAtomic(resolve(io.cwd, options.writeMix), files.mixCsv);
      const written = [options.writeProfile, options.writeMix].filter(Boolean).join(' and ');
      io.stderr.write(`wrote ${written}\n`);
    }
    if (options.format === 'json') io.stdout.write(toJson({ file, kind: 'trace', ...analysis }));
    else io.stdout.write(renderTraceAnalysis(file, analysis, chalkFor(io)));
    return ExitCode.ok;
  } finally {
    stream.destroy();
  }
}

/** Fractions rounded to 4 decimals: float noise from timestamp arithmetic is not information. */
function toJson(value: unknown): string {
  return `${JSON.stringify(value, (_key, v: unknown) => (typeof v === 'number' && !Number.isInteger(v) ? Number(v.toFixed(4)) : v), 2)}\n`;
}
