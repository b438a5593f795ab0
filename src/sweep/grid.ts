import { parse } from 'yaml';

// Values of --vary are plain YAML; no warnings on the console (a tag is then just a string the schema refuses).
const parseYaml = (text: string): unknown => parse(text, { logLevel: 'silent' });
import { InputError } from '../errors.js';

/**
 * `--vary path=v1,v2,...` and `--vary path=FROM..TO:N`: the axes of a what-if grid and their Cartesian
 * product. Pure: no scenario knowledge here (aliases such as `demand.scale` are resolved in overrides.ts).
 */

/** One value of an axis: the text handed to the `--set` machinery and the value shown in rows. */
export interface AxisValue {
  /** YAML text, as `--set path=<text>` reads it. */
  text: string;
  /** What the text reads as (a number for 0.5, a string for eastus), for tables, CSV, JSON and charts. */
  value: string | number | boolean | null;
}

export interface VaryAxis {
  path: string;
  values: AxisValue[];
}

/** Grids larger than this need --force: each point is a full solve (seconds to minutes). */
export const MAX_POINTS_WITHOUT_FORCE = 500;

/** Most points one range may expand to; a typo like 0..1:1e9 should fail fast, not allocate. */
const MAX_RANGE_POINTS = 100_000;

const VARY_EXAMPLE = 'e.g. --vary demand.scale=0.5,1,2 or --vary demand.scale=0.5..2:7';

/** Parses one `--vary` flag. Items are separated by commas outside brackets, so `[a, b]` is one YAML item. */
export function parseVary(flag: string): VaryAxis {
  const at = flag.indexOf('=');
  if (at <= 0) throw new InputError({ field: '--vary', message: `'${flag}' is not path=values`, fix: VARY_EXAMPLE });
  const path = flag.slice(0, at).trim();
  const field = `--vary ${path}`;
  if (!/^[^.\s]+(\.[^.\s]+)*$/.test(path))
    throw new InputError({ field, message: `'${path}' is not a dotted scenario path`, fix: VARY_EXAMPLE });
  const items = splitTopLevel(flag.slice(at + 1)).map((item) => item.trim());
  if (items.every((item) => item === '')) throw new InputError({ field, message: 'the list of values is empty', fix: VARY_EXAMPLE });
  const values: AxisValue[] = [];
  for (const item of items) {
    if (item === '') throw new InputError({ field, message: `empty value in '${flag.slice(at + 1)}'`, fix: 'remove the extra comma' });
    if (item.includes('..')) values.push(...parseRange(item, field).map(numberValue));
    else values.push({ text: item, value: readScalar(item) });
  }
  // A repeated value would solve the same point twice and put two rows on one spot of the chart.
  const seen = new Set<string>();
  for (const value of values) {
    const key = JSON.stringify(value.value);
    if (seen.has(key))
      throw new InputError({ field, message: `${value.text} is listed twice`, fix: 'list each value once; ranges include both ends' });
    seen.add(key);
  }
  return { path, values };
}

/**
 * `FROM..TO:N`: N evenly spaced numbers from FROM to TO inclusive (N >= 2; TO < FROM counts down).
 * Values are rounded to 12 significant digits so 0.5..2:7 gives 0.75, not 0.7500000000000001.
 */
export function parseRange(text: string, field = '--vary'): number[] {
  const match = /^\s*([^:]+?)\s*\.\.\s*([^:]+?)\s*(?::\s*(.*?)\s*)?$/.exec(text);
  const fix = 'write FROM..TO:N, e.g. 0.5..2:7 for 7 evenly spaced values from 0.5 to 2';
  if (!match) throw new InputError({ field, message: `'${text}' is not a range`, fix });
  const [, fromText, toText, countText] = match as unknown as [string, string, string, string | undefined];
  const from = Number(fromText);
  const to = Number(toText);
  for (const [name, raw, value] of [
    ['FROM', fromText, from],
    ['TO', toText, to],
  ] as const) {
    if (raw === '' || !Number.isFinite(value))
      throw new InputError({ field, message: `range '${text}': ${name} '${raw}' is not a number`, fix });
  }
  if (countText === undefined) throw new InputError({ field, message: `range '${text}' has no point count`, fix });
  const count = Number(countText);
  if (!Number.isInteger(count) || count < 2 || count > MAX_RANGE_POINTS) {
    throw new InputError({ field, message: `range '${text}': N '${countText}' is not a whole number from 2 to ${MAX_RANGE_POINTS}`, fix });
  }
  if (from === to)
    throw new InputError({ field, message: `range '${text}' starts and ends at ${from}`, fix: `list the value once instead: ${from}` });
  return Array.from({ length: count }, (_, i) => Number((from + ((to - from) * i) / (count - 1)).toPrecision(12)));
}

/** Points in the product of the axes' lengths (no expansion, so a huge grid is reported, not built). */
export function gridSize(axes: readonly VaryAxis[]): number {
  return axes.reduce((product, axis) => product * axis.values.length, 1);
}

/** Refuses grids above the limit unless forced: a typo should not start hours of solving. */
export function checkGridSize(axes: readonly VaryAxis[], force: boolean, limit = MAX_POINTS_WITHOUT_FORCE): void {
  const size = gridSize(axes);
  if (size > limit && !force) {
    throw new InputError({
      field: '--vary',
      message: `the grid has ${size} points (${axes.map((a) => a.values.length).join(' x ')}), more than ${limit}`,
      fix: 'use fewer values or shorter ranges, or pass --force to run it anyway',
    });
  }
}

/** Each path once: two axes on one path would overwrite each other. */
export function checkDistinctPaths(axes: readonly VaryAxis[]): void {
  const seen = new Set<string>();
  for (const axis of axes) {
    if (seen.has(axis.path))
      throw new InputError({ field: `--vary ${axis.path}`, message: 'the path is varied twice', fix: 'merge the values into one --vary' });
    seen.add(axis.path);
  }
}

/**
 * The Cartesian product as value indices, in grid order: the first axis changes slowest, the last fastest
 * (like nested loops in flag order). This order is the row order of every output.
 */
export function expandGrid(axes: readonly VaryAxis[]): number[][] {
  let points: number[][] = [[]];
  for (const axis of axes) points = points.flatMap((point) => axis.values.map((_, i) => [...point, i]));
  return points;
}

function numberValue(value: number): AxisValue {
  return { text: String(value), value };
}

/** Reads an item as `--set` will (YAML); anything that is not a scalar stays the text it was. */
function readScalar(text: string): AxisValue['value'] {
  try {
    const value: unknown = parseYaml(text);
    return value === null || ['string', 'number', 'boolean'].includes(typeof value) ? (value as AxisValue['value']) : text;
  } catch {
    return text;
  }
}

/** Splits on commas that are not inside [], {} or quotes. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') depth = Math.max(0, depth - 1);
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}
