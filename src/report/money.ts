/**
 * The one cents rule of every report (JSON, CSV, HTML, tables, diff): an amount in USD is rounded to whole
 * cents half up, after snapping it to micro-dollars (plan.json's precision), so float noise such as
 * 5354.944999999999 rounds as 5354.945 does. Sums of rounded amounts are taken in integer cents.
 */
export function toCents(usd: number): number {
  const micro = Math.round(usd * 1e6);
  return Math.round(micro / 1e4);
}

/** Whole cents as USD with at most 2 decimals and no float noise (12345 -> 123.45). */
export function centsToUsd(cents: number): number {
  return Number((cents / 100).toFixed(2));
}

/** An amount in USD rounded to the cent by toCents. */
export function roundUsd(usd: number): number {
  return centsToUsd(toCents(usd));
}

/**
 * Rounds amounts in USD to whole cents so that the cents add up to their exact total rounded by toCents
 * (largest remainder; ties go to the earlier row, so the result is deterministic). Each amount moves by < 1 cent.
 */
export function apportionCents(amountsUsd: readonly number[]): number[] {
  const exact = amountsUsd.map((usd) => Math.round(usd * 1e6) / 1e4);
  const floors = exact.map((cents) => Math.floor(cents));
  const target = toCents(amountsUsd.reduce((total, usd) => total + usd, 0));
  let extra = target - floors.reduce((total, cents) => total + cents, 0);
  const order = exact.map((cents, i) => ({ i, remainder: cents - floors[i]! })).sort((a, b) => b.remainder - a.remainder || a.i - b.i);
  const result = [...floors];
  for (const { i } of order) {
    if (extra <= 0) break;
    result[i]! += 1;
    extra -= 1;
  }
  return result;
}
