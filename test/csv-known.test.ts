import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { knownCsvEntry, knownCsvRecords, rememberCsvRecords, type KnownCsv } from '../src/csv-known.js';
import { readCsvRecords, type CsvRecord } from '../src/csv-records.js';

const root = join(import.meta.dirname, '..');
const packageCsvs = ['models', 'traces', 'scenarios'].flatMap((folder) =>
  (readdirSync(join(root, folder), { recursive: true }) as string[])
    .filter((name) => name.endsWith('.csv'))
    .sort()
    .map((name) => join(folder, name)),
);
const plain = (records: readonly CsvRecord[]) => records.map(({ record, info }) => ({ record, lines: info.lines }));
const parsed = (text: string, trim: boolean) => {
  const read = readCsvRecords(text, 'x.csv', { trim });
  if (!('records' in read)) throw new Error(read.issue.message);
  return read.records;
};

describe('known CSV texts (the build parses the package CSVs once)', () => {
  it('gives the records csv-parse gives, for every package CSV and both trim modes', () => {
    expect(packageCsvs.length).toBeGreaterThan(5);
    for (const file of packageCsvs) {
      const text = readFileSync(join(root, file), 'utf8');
      for (const trim of [false, true]) {
        expect(knownCsvRecords(text, trim)).toBeUndefined();
        const fresh = parsed(text, trim);
        rememberCsvRecords([knownCsvEntry(text, trim, fresh)]);
        expect(plain(knownCsvRecords(text, trim)!)).toEqual(plain(fresh));
        expect(plain(parsed(text, trim))).toEqual(plain(fresh));
      }
    }
  });

  it('knows a text only by its exact bytes and trim mode, and hands out fresh arrays', () => {
    const text = 'a,b\n 1 ,2\n"x\ny",3\n';
    rememberCsvRecords([knownCsvEntry(text, false, [{ record: ['A', 'B'], info: { lines: 1 } }])]);
    // A hit is the table's records (here deliberately not csv-parse's, to see that the table answered).
    expect(plain(parsed(text, false))).toEqual([{ record: ['A', 'B'], lines: 1 }]);
    // The same length with one byte changed, or the other trim mode: parsed as usual.
    const changed = text.replace('2', '4');
    expect(changed.length).toBe(text.length);
    expect(plain(parsed(changed, false))).toEqual([
      { record: ['a', 'b'], lines: 1 },
      { record: [' 1 ', '4'], lines: 2 },
      { record: ['x\ny', '3'], lines: 4 },
    ]);
    expect(plain(parsed(text, true))[1]).toEqual({ record: ['1', '2'], lines: 2 });
    const first = knownCsvRecords(text, false)!;
    first[0]!.record[0] = 'mutated';
    expect(knownCsvRecords(text, false)![0]!.record[0]).toBe('A');
  });

  const table = join(root, 'dist', 'bundle', 'csv-records.json');
  it.skipIf(!existsSync(table))('the built table holds csv-parse records of package CSVs (skips before npm run build)', () => {
    const entries = JSON.parse(readFileSync(table, 'utf8')) as KnownCsv[];
    let matched = 0;
    for (const file of packageCsvs) {
      const text = readFileSync(join(root, file), 'utf8');
      for (const trim of [false, true]) {
        const entry = knownCsvEntry(text, trim, parsed(text, trim));
        const built = entries.find((e) => e.trim === trim && e.sha256 === entry.sha256);
        // A file edited since the build is simply not known (parsed as usual); a known one must be exact.
        if (built) {
          expect(built, `${file} (trim ${trim})`).toEqual(entry);
          matched++;
        }
      }
    }
    expect(matched).toBeGreaterThan(0);
  });
});
