import type { ChalkInstance } from 'chalk';
import { formatDurationSec } from '../demand/duration.js';
import type { ProfileSummary, ProfileWindow } from '../demand/profile.js';
import type { TokenStats } from '../demand/stats.js';
import type { TraceAnalysis } from '../demand/summary.js';
import { formatFixed, renderTable } from './table.js';

/** `planner demand` on a trace: totals, one row per window, the request-size mix. */
export function renderTraceAnalysis(file: string, analysis: TraceAnalysis, chalk: ChalkInstance): string {
  const out: string[] = [];
  out.push(
    `${chalk.bold(file)}: ${formatFixed(analysis.requests, 0)} requests from ${analysis.firstUtc} to ${analysis.lastUtc} ` +
      `(${formatFixed(analysis.durationSec / 3600, 2)} h), mean ${formatFixed(analysis.meanRequestsPerSec, 3)} req/s\n`,
  );
  out.push(`  context tokens:   ${tokenLine(analysis.contextTokens)}, min ${formatFixed(analysis.contextTokens.min, 0)}\n`);
  out.push(`  generated tokens: ${tokenLine(analysis.generatedTokens)}, min ${formatFixed(analysis.generatedTokens.min, 0)}\n`);
  if (analysis.meanImages !== undefined) out.push(`  images per request: mean ${formatFixed(analysis.meanImages, 2)}\n`);

  const peak = formatDurationSec(analysis.peakIntervalSec);
  out.push(
    `\n${chalk.bold(`Windows of ${formatDurationSec(analysis.windowSec)}`)} (UTC; peak and p95 over ${peak} rates; tokens mean / p50 / p99)\n`,
  );
  out.push(
    renderTable(
      ['start', 'requests', 'observed', 'mean req/s', `p95 req/s`, `peak req/s`, 'context tokens', 'generated tokens'],
      analysis.windows.map((w) => [
        shortUtc(w.startUtc),
        formatFixed(w.requests, 0),
        w.observedSec < w.windowSec ? `${formatFixed(w.observedSec / 60, 1)} min` : 'full',
        formatFixed(w.meanRequestsPerSec, 3),
        formatFixed(w.p95RequestsPerSec, 3),
        formatFixed(w.peakRequestsPerSec, 3),
        shortTokens(w.contextTokens),
        shortTokens(w.generatedTokens),
      ]),
      chalk,
      ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
    ),
  );

  const mix = analysis.requestMix;
  out.push(`\n${chalk.bold('Request-size mix')} (token ranges inclusive)\n`);
  out.push(
    renderTable(
      ['input tokens', 'output tokens', 'requests', 'share', 'mean input', 'mean output'],
      mix.buckets.map((b) => [
        range(b.inputTokensFrom, b.inputTokensBelow),
        range(b.outputTokensFrom, b.outputTokensBelow),
        formatFixed(b.requests, 0),
        `${formatFixed(b.share * 100, 2)}%`,
        formatFixed(b.inputTokens, 1),
        formatFixed(b.outputTokens, 1),
      ]),
      chalk,
      ['left', 'left', 'right', 'right', 'right', 'right'],
    ),
  );
  return out.join('');
}

/** `planner demand` on an hourly profile: totals and one row per window. */
export function renderProfile(file: string, summary: ProfileSummary, windows: readonly ProfileWindow[], chalk: ChalkInstance): string {
  const out: string[] = [];
  out.push(
    `${chalk.bold(file)}: hourly profile, ${summary.hours} hours from ${summary.startUtc} to ${summary.endUtc}, ` +
      `${formatFixed(summary.requests, 0)} requests, mean ${formatFixed(summary.meanRequestsPerSec, 3)} req/s ` +
      `(hourly means ${formatFixed(summary.minHourlyMeanRequestsPerSec, 3)} to ${formatFixed(summary.maxHourlyMeanRequestsPerSec, 3)}), ` +
      `peak ${formatFixed(summary.peakRequestsPerSec, 3)} req/s\n\n`,
  );
  out.push(
    renderTable(
      ['start', 'mean req/s', 'low req/s', 'peak req/s'],
      windows.map((w) => [
        shortUtc(w.startUtc),
        formatFixed(w.meanRequestsPerSec, 3),
        formatFixed(w.lowRequestsPerSec, 3),
        formatFixed(w.peakRequestsPerSec, 3),
      ]),
      chalk,
      ['left', 'right', 'right', 'right'],
    ),
  );
  return out.join('');
}

function tokenLine(stats: TokenStats): string {
  return `mean ${formatFixed(stats.mean, 1)}, p50 ${formatFixed(stats.p50, 0)}, p90 ${formatFixed(stats.p90, 0)}, p99 ${formatFixed(stats.p99, 0)}, max ${formatFixed(stats.max, 0)}`;
}

function shortTokens(stats: TokenStats | null): string {
  return stats ? `${formatFixed(stats.mean, 0)} / ${formatFixed(stats.p50, 0)} / ${formatFixed(stats.p99, 0)}` : '-';
}

function range(from: number, below: number | null): string {
  return below === null ? `>= ${from}` : `${from}-${below - 1}`;
}

/** `2023-11-16T18:05:00.000Z` -> `2023-11-16 18:05` (seconds only when not zero). */
function shortUtc(iso: string): string {
  return iso.replace('T', ' ').replace('.000Z', '').replace(/:00$/, '');
}
