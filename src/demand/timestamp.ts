/**
 * Timestamps of the Azure LLM inference traces, parsed from bytes without `new Date()` (the trace reader calls
 * this once per row, so it must not allocate). Accepted: `YYYY-MM-DD[ T]HH:MM:SS[.f{1,9}][Z | ±HH:MM | ±HHMM]`;
 * no suffix means UTC (the 2023 traces are naive and documented as UTC-less; we read them as UTC).
 * Covers 2023 `2023-11-16 18:17:03.9799600`, 2024 `2024-05-10 00:00:00.009930+00:00` and 2025
 * `2024-10-15T12:00:00.269Z`.
 */

const ZERO = 48;
const MS_PER_DAY = 86_400_000;

/** Epoch milliseconds of the timestamp in bytes[start, end), or NaN when it is not one. */
export function parseTimestamp(bytes: Uint8Array, start: number, end: number): number {
  if (end - start < 19) return NaN;
  const year = digits4(bytes, start);
  const month = digits2(bytes, start + 5);
  const day = digits2(bytes, start + 8);
  const hour = digits2(bytes, start + 11);
  const minute = digits2(bytes, start + 14);
  const second = digits2(bytes, start + 17);
  const separator = bytes[start + 10];
  if (
    year < 0 ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > daysInMonth(year, month) ||
    hour > 23 ||
    minute > 59 ||
    second > 59 ||
    hour < 0 ||
    minute < 0 ||
    second < 0 ||
    bytes[start + 4] !== 45 ||
    bytes[start + 7] !== 45 ||
    (separator !== 32 && separator !== 84) ||
    bytes[start + 13] !== 58 ||
    bytes[start + 16] !== 58
  ) {
    return NaN;
  }
  let pos = start + 19;
  let fractionMs = 0;
  if (pos < end && bytes[pos] === 46) {
    pos++;
    const first = pos;
    let fraction = 0;
    while (pos < end) {
      const digit = bytes[pos]! - ZERO;
      if (digit < 0 || digit > 9) break;
      fraction = fraction * 10 + digit;
      pos++;
    }
    const count = pos - first;
    if (count === 0 || count > 9) return NaN;
    // Divide by an exact power of ten so 7-digit fractions round once, not twice.
    fractionMs = count <= 3 ? fraction * TO_MS_MULTIPLIER[count]! : fraction / TO_MS_DIVISOR[count]!;
  }
  let offsetMinutes = 0;
  if (pos < end) {
    const suffix = bytes[pos];
    if ((suffix === 90 || suffix === 122) && pos + 1 === end) {
      // 'Z' or 'z': UTC
    } else if (suffix === 43 || suffix === 45) {
      const offsetHour = digits2(bytes, pos + 1);
      const colon = bytes[pos + 3] === 58 ? 1 : 0;
      const offsetMinute = digits2(bytes, pos + 3 + colon);
      if (offsetHour < 0 || offsetHour > 23 || offsetMinute < 0 || offsetMinute > 59 || pos + 5 + colon !== end) return NaN;
      offsetMinutes = (suffix === 45 ? -1 : 1) * (offsetHour * 60 + offsetMinute);
    } else {
      return NaN;
    }
  }
  return daysFromCivil(year, month, day) * MS_PER_DAY + ((hour * 60 + minute - offsetMinutes) * 60 + second) * 1000 + fractionMs;
}

/** The same for a string (hourly profile files, tests, flags). */
export function parseTimestampText(text: string): number {
  const trimmed = text.trim();
  return parseTimestamp(Buffer.from(trimmed, 'latin1'), 0, trimmed.length);
}

/** `2023-11-16T18:17:03.980Z`: ISO-8601 UTC with milliseconds, for reports. */
export function formatUtc(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

const TO_MS_MULTIPLIER = [1, 100, 10, 1];
const TO_MS_DIVISOR = [1, 1, 1, 1, 10, 100, 1e3, 1e4, 1e5, 1e6];

function digits2(bytes: Uint8Array, at: number): number {
  const high = bytes[at]! - ZERO;
  const low = bytes[at + 1]! - ZERO;
  // Out-of-range reads give NaN, which fails both comparisons.
  return high >= 0 && high <= 9 && low >= 0 && low <= 9 ? high * 10 + low : -1;
}

function digits4(bytes: Uint8Array, at: number): number {
  const high = digits2(bytes, at);
  const low = digits2(bytes, at + 2);
  return high < 0 || low < 0 ? -1 : high * 100 + low;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}
