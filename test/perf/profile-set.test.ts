import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCatalog } from '../../src/index.js';
import { packageRoot } from '../../src/paths.js';
import { buildProfileSet, parseProfileFile } from '../../src/perf/profile-set.js';
import { PROFILE_COLUMNS } from '../../src/perf/profiles.js';
import { RATE_TABLE_HEADER } from '../../src/perf/rate-table.js';
import { inputError } from '../support/errors.js';

const catalog = await readCatalog(join(packageRoot(), 'models'));
const TIMING = Object.keys(PROFILE_COLUMNS).join(',');
const timing = (file: string, llm = 'llama-3.1-8b', decodeMs = 10) =>
  parseProfileFile(`${TIMING}\n${llm},A10-24GB,1,512,1,50,${decodeMs},3\n${llm},A10-24GB,1,512,8,300,${decodeMs + 2},3\n`, file);
const rates = (file: string, maxRps = 4, llm = 'llama-3.1-8b', tp = 1) =>
  parseProfileFile(`${RATE_TABLE_HEADER}\n${llm},A10-24GB,${tp},512,128,2000,100,${maxRps},test\n`, file);
const KEY = 'llama-3.1-8b|A10-24GB|1';

describe('profile files and layers', () => {
  it('tells the three forms apart by their header, and names the file when it is none of them', () => {
    expect(timing('t.csv').form).toBe('timing');
    expect(rates('r.csv').form).toBe('rate-table');
    expect(inputError(() => parseProfileFile('llm,gpu,tp,speed\n', 'odd.csv')).issues[0]).toMatchObject({
      file: 'odd.csv',
      line: 1,
      field: 'header',
    });
  });

  it('a later layer replaces an earlier one per config and form; the earlier timing table stays under later rates', () => {
    const set = buildProfileSet(
      [
        { name: 'built-in', files: [timing('builtin.csv'), rates('builtin-rates.csv', 4)], strict: true },
        { name: 'scenario', files: [rates('mine.csv', 9)], strict: true },
      ],
      catalog,
    );
    expect(set.timings.get(KEY)?.file).toBe('builtin.csv');
    expect(set.rates.get(KEY)?.stated.map((r) => [r.file, r.maxRps])).toEqual([['mine.csv', 9]]);
    const replaced = buildProfileSet(
      [
        { name: 'built-in', files: [timing('builtin.csv')], strict: true },
        { name: 'scenario', files: [timing('mine.csv', 'llama-3.1-8b', 20)], strict: true },
      ],
      catalog,
    );
    expect(replaced.timings.get(KEY)?.file).toBe('mine.csv');
  });

  it('within a layer a config is in one timing file only', () => {
    const error = inputError(() => buildProfileSet([{ name: 'x', files: [timing('a.csv'), timing('b.csv')], strict: true }], catalog));
    expect(error.issues[0]).toMatchObject({ file: 'b.csv', line: 2, message: expect.stringContaining('also profiled in a.csv') });
  });

  it('strict layers name each unknown llm, gpu and TP with file:line and the closest ids; other layers drop what the catalog lacks', () => {
    const bad = rates('mine.csv', 4, 'llama-3.1-8', 3);
    const issues = inputError(() => buildProfileSet([{ name: 'scenario', files: [bad], strict: true }], catalog)).issues;
    expect(issues).toEqual([
      expect.objectContaining({
        file: 'mine.csv',
        line: 2,
        field: 'llm',
        message: "unknown llm 'llama-3.1-8'",
        fix: expect.stringContaining("'llama-3.1-8b'"),
      }),
      expect.objectContaining({ file: 'mine.csv', line: 2, field: 'tp', message: 'unknown TP 3' }),
    ]);
    const lenient = buildProfileSet([{ name: 'built-in', files: [bad, timing('ok.csv')], strict: false }], catalog);
    expect([...lenient.rates.keys()]).toEqual([]);
    expect([...lenient.timings.keys()]).toEqual([KEY]);
  });

  it('a TP that does not split the heads is an error', () => {
    // A 12-head llm: TP 8 does not divide its attention heads.
    const odd = { ...catalog.llms.get('llama-3.1-8b')!, id: 'odd-12', attentionHeads: 12 };
    const lookups = { llms: new Map([...catalog.llms, ['odd-12', odd]]), gpus: catalog.gpus };
    const issues = inputError(() =>
      buildProfileSet([{ name: 's', files: [rates('m.csv', 4, 'odd-12', 8)], strict: true }], lookups),
    ).issues;
    expect(issues).toEqual([
      expect.objectContaining({ file: 'm.csv', line: 2, field: 'tp', message: 'odd-12: TP 8 does not divide the 12 attention heads' }),
    ]);
  });
});
