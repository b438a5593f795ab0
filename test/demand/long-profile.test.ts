import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Chalk } from 'chalk';
import { afterAll, describe, expect, it } from 'vitest';
import { LONG_TABLE_ROWS, renderLongTable, renderTable } from '../../src/report/table.js';
import { planner } from '../cli/run.js';

const work = mkdtempSync(join(tmpdir(), 'planner-long-profile-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('long tables', () => {
  it('renderLongTable draws what cli-table3 draws (header in bold, both alignments, uneven widths)', () => {
    const chalk = new Chalk({ level: 1 });
    const rows = Array.from({ length: LONG_TABLE_ROWS }, (_, i) => [`r${(i * 7919) % 1000}`, (i * 31) % 977, `${'x'.repeat(i % 13)}`]);
    const align = ['left', 'right', 'left'] as const;
    // At LONG_TABLE_ROWS rows renderTable still uses cli-table3.
    const viaCliTable = renderTable(['name', 'count', 'note'], rows, chalk, align);
    const direct = renderLongTable(
      ['name', 'count', 'note'].map((h) => chalk.bold(h)),
      rows.map((row) => row.map(String)),
      align,
    );
    expect(direct).toBe(viaCliTable);
    expect(viaCliTable).toContain('\u001b[1mname\u001b[22m');
  });

  it('planner demand on a 200,000-hour profile: every hour in the table, no stack overflow', async () => {
    // The table took minutes in cli-table3's quadratic layout (and overflowed the stack before that).
    const hours = 200_000;
    const start = Date.UTC(2000, 0, 1);
    const lines = ['hour_start_utc,requests_per_sec_mean,requests_per_sec_low,requests_per_sec_high'];
    for (let h = 0; h < hours; h++) {
      const mean = 10 + (h % 24);
      lines.push(`${new Date(start + h * 3_600_000).toISOString().replace('.000Z', 'Z')},${mean},${mean - 1},${mean + 2}`);
    }
    const file = join(work, 'long.csv');
    writeFileSync(file, `${lines.join('\n')}\n`);

    const table = await planner(['demand', file], work);
    expect(table.exitCode).toBe(0);
    const rows = table.stdout.split('\n').filter((line) => line.startsWith('│ 2'));
    expect(rows).toHaveLength(hours);
    // Hour 199,999 is 2022-10-25 07:00, mean 10 + 199,999 mod 24 = 17.
    expect(rows.at(-1)).toBe('│ 2022-10-25 07:00 │     17.000 │    16.000 │     19.000 │');
    expect(table.stdout).toContain('200000 hours');

    const json = await planner(['demand', file, '--format', 'json'], work);
    expect(json.exitCode).toBe(0);
    const parsed = JSON.parse(json.stdout) as { windows: unknown[]; maxHourlyMeanRequestsPerSec: number };
    expect(parsed.windows).toHaveLength(hours);
    expect(parsed.maxHourlyMeanRequestsPerSec).toBe(33);
  });
});
