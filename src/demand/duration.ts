import { InputError } from '../errors.js';

const UNIT_SEC: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** `30s`, `5m`, `1h`, `1d`, `1.5h` -> whole seconds (at least 1). `field` names the flag in the error. */
export function parseDurationSec(text: string, field = '--window'): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([smhd])\s*$/i.exec(text);
  const seconds = match ? Number(match[1]) * UNIT_SEC[match[2]!.toLowerCase()]! : NaN;
  if (!Number.isInteger(seconds) || seconds < 1) {
    throw new InputError({
      field,
      message: `'${text}' is not a duration of whole seconds`,
      fix: 'use a number and a unit s, m, h or d, e.g. 30s, 5m, 1h',
    });
  }
  return seconds;
}

/** 3600 -> `1h`, 300 -> `5m`, 90 -> `90s`: the largest unit that divides. */
export function formatDurationSec(seconds: number): string {
  for (const unit of ['d', 'h', 'm'] as const) {
    if (seconds % UNIT_SEC[unit]! === 0) return `${seconds / UNIT_SEC[unit]!}${unit}`;
  }
  return `${seconds}s`;
}
