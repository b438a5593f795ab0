import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../src/commands/scenario-inputs.js';
import { parseHourlyProfileCsv } from '../../src/demand/profile.js';
import { parseRequestMixCsv } from '../../src/demand/request-mix.js';
import { parseCapacityEvents } from '../../src/simulate/events.js';
import { SCENARIOS } from '../cli/run.js';
import { inputError } from '../support/errors.js';

/** RFC 4180 output as spreadsheets and csv writers give it: BOM, CRLF, every value quoted. */
function spreadsheet(rows: readonly (readonly string[])[]): string {
  return `\uFEFF${rows.map((row) => row.map((cell) => `"${cell.replaceAll('"', '""')}"`).join(',')).join('\r\n')}\r\n`;
}

describe('profile, mix and event CSVs are read with csv-parse: quotes, BOM, CRLF', () => {
  it('an hourly profile', () => {
    const text = spreadsheet([
      ['hour_start_utc', 'requests_per_minute_mean', 'requests_per_minute_low', 'requests_per_minute_high'],
      ['2024-05-10T00:00:00Z', '60', '30', '90'],
      ['2024-05-10T01:00:00Z', '120', '60', '180'],
    ]);
    // Per minute / 60 = per second.
    expect(parseHourlyProfileCsv(text)).toEqual({
      startUtc: '2024-05-10T00:00:00.000Z',
      meanRequestsPerSec: [1, 2],
      lowRequestsPerSec: [0.5, 1],
      peakRequestsPerSec: [1.5, 3],
    });
    // Bad rows still name their line (3 = the second data row, CRLF counted once).
    const bad = spreadsheet([
      ['hour_start_utc', 'requests_per_sec_mean'],
      ['2024-05-10T00:00:00Z', '1'],
      ['2024-05-10T01:00:00Z', 'x'],
    ]);
    expect(inputError(() => parseHourlyProfileCsv(bad, 'p.csv')).issues).toEqual([
      { file: 'p.csv', line: 3, field: 'mean', message: "'x' is not a rate >= 0" },
    ]);
    // An unclosed quote is a CSV error with its line, not a crash.
    expect(
      inputError(() => parseHourlyProfileCsv('hour_start_utc,requests_per_sec_mean\n"2024-05-10T00:00:00Z,1\n', 'p.csv')).issues[0],
    ).toMatchObject({
      file: 'p.csv',
      field: 'csv',
    });
  });

  it('a request mix', () => {
    const text = spreadsheet([
      ['share', 'mean_input_tokens', 'mean_output_tokens', 'note'],
      ['0.25', '100', '10', 'short, "quick" ones'],
      ['0.75', '1000', '100', 'long'],
    ]);
    // The quoted note holds a comma: split on commas, it would shift the columns.
    expect(parseRequestMixCsv(text)).toEqual({
      meanInputTokens: 0.25 * 100 + 0.75 * 1000,
      meanOutputTokens: 0.25 * 10 + 0.75 * 100,
      buckets: [
        { inputTokens: 100, outputTokens: 10, share: 0.25 },
        { inputTokens: 1000, outputTokens: 100, share: 0.75 },
      ],
    });
  });

  it('capacity events', async () => {
    const { input } = await loadScenarioFile(join(SCENARIOS, 'tiny.yaml'));
    const text = spreadsheet([
      ['gpu', 'region', 'from_utc', 'to_utc', 'available_gpus'],
      ['A100-80GB-PCIe', 'eastus', '2024-05-10T01:00:00Z', '2024-05-10T02:00:00Z', '0'],
    ]);
    expect(parseCapacityEvents(text, 'events.csv', input)).toEqual([
      {
        gpu: 'A100-80GB-PCIe',
        region: 'eastus',
        from: '2024-05-10T01:00:00.000Z',
        to: '2024-05-10T02:00:00.000Z',
        availableGpus: 0,
        fromWindow: 1,
        toWindow: 1,
      },
    ]);
    const short = spreadsheet([
      ['gpu', 'region', 'from_utc', 'to_utc', 'available_gpus'],
      ['A100-80GB-PCIe', 'eastus', '2024-05-10T01:00:00Z', '2024-05-10T02:00:00Z', '0'],
      ['A100-80GB-PCIe', 'eastus', '2024-05-10T01:00:00Z'],
    ]);
    expect(inputError(() => parseCapacityEvents(short, 'events.csv', input)).issues).toMatchObject([{ line: 3, field: 'row' }]);
  });
});
