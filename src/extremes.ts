/**
 * The largest and smallest of many numbers. `Math.max(...values)` passes every value as an argument and
 * overflows the stack past about 100,000 of them (a long hourly profile); these loop. Same results as
 * Math.max/min: NaN if any value is NaN, and -Infinity/Infinity (or `start`) for no values.
 */
export function maxOf(values: Iterable<number>, start = Number.NEGATIVE_INFINITY): number {
  let best = start;
  for (const value of values) if (value > best || Number.isNaN(value)) best = value;
  return best;
}

export function minOf(values: Iterable<number>, start = Number.POSITIVE_INFINITY): number {
  let best = start;
  for (const value of values) if (value < best || Number.isNaN(value)) best = value;
  return best;
}
