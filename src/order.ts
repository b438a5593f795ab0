/**
 * Code-unit order of two strings (-1, 0, 1), the sort order of every listing planner prints: unlike
 * localeCompare it is the same on every machine, so outputs are byte-identical everywhere.
 */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
