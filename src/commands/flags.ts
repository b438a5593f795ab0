import { InputError } from '../errors.js';

/** `--windows 24..47` -> overrides that move the horizon start and length (window indices, inclusive). */
export function windowOverrides(range: string): string[] {
  const match = /^(\d+)\.\.(\d+)$/.exec(range.trim());
  if (!match || Number(match[2]) < Number(match[1])) {
    throw new InputError({ field: '--windows', message: `'${range}' is not FROM..TO`, fix: 'e.g. --windows 0..23 for the first day' });
  }
  return [`horizon.skipWindows=${match[1]}`, `horizon.windows=${Number(match[2]) - Number(match[1]) + 1}`];
}

/** `--windows FROM..TO` must lie within the scenario's horizon (indices from horizon.start). */
export function checkWindowRange(range: string, horizon: { windows: number; skipWindows: number }, file: string): void {
  const [, , to] = /^(\d+)\.\.(\d+)$/.exec(range.trim())!;
  const end = horizon.skipWindows + horizon.windows;
  if (Number(to) >= end) {
    throw new InputError({
      file,
      field: '--windows',
      message: `${range.trim()} goes beyond the horizon: it has windows 0..${end - 1} (horizon.windows ${horizon.windows}${horizon.skipWindows ? ` from window ${horizon.skipWindows}` : ''})`,
      fix: `use --windows FROM..TO with TO <= ${end - 1}, or lengthen the horizon with --set horizon.windows=${Number(to) + 1 - horizon.skipWindows}`,
    });
  }
}

/** A parsed --max-unmet: its text, and whether an unmet total (of all requests) is above it. */
export interface MaxUnmet {
  text: string;
  exceeded: (unmet: number, total: number) => boolean;
}

/** `--max-unmet 0`, `--max-unmet 500` (requests) or `--max-unmet 0.1%` (of all requests). */
export function parseMaxUnmet(text: string): MaxUnmet {
  const percent = /^(\d+(?:\.\d+)?)%$/.exec(text.trim());
  if (percent) return { text, exceeded: (unmet, total) => unmet > (Number(percent[1]) / 100) * total };
  const count = Number(text);
  if (!Number.isFinite(count) || count < 0)
    throw new InputError({
      field: '--max-unmet',
      message: `'${text}' is not a request count or a percentage`,
      fix: 'e.g. --max-unmet 0 or --max-unmet 0.1%',
    });
  return { text, exceeded: (unmet) => unmet > count };
}
