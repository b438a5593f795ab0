import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../src/commands/scenario-inputs.js';
import { InputError } from '../../src/errors.js';
import { planner, SCENARIOS } from '../cli/run.js';

/** An hourly profile whose mean rate in hour h is h req/s (low = high = mean), from `start`. */
function profile(hours: number, start = '2024-05-10T00:00:00Z'): string {
  const startMs = Date.parse(start);
  const rows = Array.from({ length: hours }, (_, h) => {
    const stamp = new Date(startMs + h * 3_600_000).toISOString().replace('.000Z', 'Z');
    return `${stamp},${h},${h},${h}`;
  });
  return `hour_start_utc,requests_per_sec_mean,requests_per_sec_low,requests_per_sec_high\n${rows.join('\n')}\n`;
}

const dir = mkdtempSync(join(tmpdir(), 'planner-align-'));
writeFileSync(join(dir, 'day.csv'), profile(24));
writeFileSync(join(dir, 'week.csv'), profile(168));

/** The workload's demand per window (one origin, scale 1, mean statistic): the profile row it read. */
async function rows(horizon: string, demand: string): Promise<number[]> {
  const file = join(dir, `s-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(
    file,
    `name: align
horizon: ${horizon}
regions: [eastus]
skus: [NC24ads_A100_v4]
tp: [1]
workloads:
  - id: chat
    llms: [llama-3.1-8b]
    slo: { ttftMs: 2000, tpotMs: 100 }
    requestMix: { meanInputTokens: 1000, meanOutputTokens: 200 }
    demand: { ${demand}, statistic: mean, origins: { eastus: 1 } }
`,
  );
  const loaded = await loadScenarioFile(file);
  return loaded.input.demand[0]![0]!.map((rate) => Number(rate.toFixed(9)));
}

async function refusal(horizon: string, demand: string): Promise<string> {
  try {
    await rows(horizon, demand);
  } catch (error) {
    if (error instanceof InputError) return error.message;
    throw error;
  }
  throw new Error('expected an InputError');
}

describe('profiles are aligned by timestamp', () => {
  it('reads the row of each window hour; a later start reads later rows', async () => {
    expect(await rows('{ start: 2024-05-10T05:00:00Z, windows: 3 }', 'profile: day.csv')).toEqual([5, 6, 7]);
    // Two-hour windows: the mean of their two hours.
    expect(await rows('{ start: 2024-05-10T20:00:00Z, windows: 2, windowHours: 2 }', 'profile: day.csv')).toEqual([20.5, 22.5]);
    // shiftHours 2: the window at 04:00 reads the row of 02:00.
    expect(await rows('{ start: 2024-05-10T04:00:00Z, windows: 2 }', 'profile: day.csv, shiftHours: 2')).toEqual([2, 3]);
  });

  it('refuses a horizon on another date, longer than the profile, or shifted out of it', async () => {
    const otherDate = await refusal('{ start: 2024-06-01T00:00:00Z, windows: 24 }', 'profile: day.csv');
    expect(otherDate).toContain(
      "workloads.0.demand.profile: the planned windows 2024-06-01T00:00:00Z .. 2024-06-02T00:00:00Z are not all within profile 'day.csv', which has 24 hours from 2024-05-10T00:00:00Z to 2024-05-11T00:00:00Z",
    );
    expect(otherDate).toContain('or set workloads.0.demand.repeat: daily to repeat it by time of day');
    expect(await refusal('{ start: 2024-05-10T00:00:00Z, windows: 48 }', 'profile: day.csv')).toContain("not all within profile 'day.csv'");
    expect(await refusal('{ start: 2024-05-10T12:00:00Z, windows: 12, windowHours: 2 }', 'profile: day.csv')).toContain(
      '2024-05-10T12:00:00Z .. 2024-05-11T12:00:00Z',
    );
    const shifted = await refusal('{ start: 2024-05-10T00:00:00Z, windows: 2 }', 'profile: day.csv, shiftHours: 1');
    expect(shifted).toContain('(read 1 h earlier: shiftHours 1)');
    expect(shifted).toContain('plan within 2024-05-10T01:00:00Z .. 2024-05-11T01:00:00Z');
    expect(await refusal('{ start: 2024-05-10T00:00:00Z, windows: 1 }', 'profile: week.csv, shiftHours: 1')).toContain(
      'repeat: weekly to repeat it by day of week and hour',
    );
  });

  it('repeat: daily matches the time of day, weekly the day of week and hour', async () => {
    // Sunday 06:00 on a Friday profile: rows 6..23, then 0..11 of the next day.
    const daily = await rows('{ start: 2024-05-12T06:00:00Z, windows: 30 }', 'profile: day.csv, repeat: daily');
    expect(daily).toEqual([...Array.from({ length: 18 }, (_, h) => 6 + h), ...Array.from({ length: 12 }, (_, h) => h)]);
    // The Thursday hour before the profile's Friday 00:00 is the week's last row; the Friday after is its first.
    expect(await rows('{ start: 2024-05-09T23:00:00Z, windows: 1 }', 'profile: week.csv, repeat: weekly')).toEqual([167]);
    expect(await rows('{ start: 2024-05-17T00:00:00Z, windows: 2 }', 'profile: week.csv, repeat: weekly')).toEqual([0, 1]);
    // With a shift, the repeat wraps it: Friday 00:00 shifted 2 h reads Thursday 22:00.
    expect(await rows('{ start: 2024-05-10T00:00:00Z, windows: 1 }', 'profile: week.csv, shiftHours: 2, repeat: weekly')).toEqual([166]);
    // A week profile repeated daily is still a whole number of days; a day cannot repeat weekly.
    expect(await rows('{ start: 2024-05-17T00:00:00Z, windows: 1 }', 'profile: week.csv, repeat: daily')).toEqual([0]);
    expect(await refusal('{ start: 2024-05-10T00:00:00Z, windows: 1 }', 'profile: day.csv, repeat: weekly')).toContain(
      "workloads.0.demand.repeat: repeat: weekly needs whole weeks (168 hours each); profile 'day.csv' has 24 hours (fix: use repeat: daily)",
    );
  });
});

describe('--windows beyond the horizon is refused', () => {
  it('solve and sweep exit 2 naming the horizon; inside it plans', async () => {
    const beyond = await planner(['solve', join(SCENARIOS, 'tiny.yaml'), '--windows', '0..3']);
    expect(beyond.exitCode).toBe(2);
    expect(beyond.stderr).toContain('--windows: 0..3 goes beyond the horizon: it has windows 0..2 (horizon.windows 3)');
    const sweep = await planner(['sweep', join(SCENARIOS, 'tiny.yaml'), '--windows', '1..5', '--vary', 'policies.headroom=0.1,0.2']);
    expect(sweep.exitCode).toBe(2);
    expect(sweep.stderr).toContain('--windows: 1..5 goes beyond the horizon');
    const inside = await planner(['solve', join(SCENARIOS, 'tiny.yaml'), '--windows', '1..2', '--format', 'json']);
    expect(inside.exitCode).toBe(0);
    expect((JSON.parse(inside.stdout) as { windows: unknown[] }).windows).toHaveLength(2);
  });

  it('simulate refuses --days beyond the horizon', async () => {
    // sim-small: 48 windows, 24 of them warm-up, so one day is left.
    const run = await planner(['simulate', join(SCENARIOS, 'sim-small.yaml'), '--days', '2']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(
      '--days: 2 days goes beyond the horizon: after the warm-up, 24 of its 48 windows (1 day) are left to simulate',
    );
  });
});
