import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../src/commands/scenario-inputs.js';
import { DEFAULT_SCENARIO } from '../../src/commands/scenario-inputs.js';
import { parseHourlyProfileCsv } from '../../src/demand/profile.js';
import { packageRoot } from '../../src/paths.js';
import { analyzeTrace, traceDemandFiles } from '../../src/index.js';
import { planner } from '../cli/run.js';
import { fixture } from './fixtures.js';

/**
 * A 3-hour trace in the Azure 2024 layout, written by the test (420 requests):
 *   hour 0 (00:00): 120 requests, one every 30 s from 00:00:00; 200 in / 20 out tokens
 *   hour 1 (01:00): 180 in the first 30 minutes (every 10 s), 60 in the last 30 (every 30 s); 1500 / 100 tokens
 *   hour 2 (02:00): 60 requests, one a minute from 02:00:00 (the last at 02:59:00); 3000 / 300 tokens
 */
function traceText(): string {
  const rows: string[] = ['TIMESTAMP,ContextTokens,GeneratedTokens'];
  const at = (sec: number, input: number, output: number) => {
    const stamp = new Date(Date.UTC(2024, 4, 10) + sec * 1000).toISOString().replace('T', ' ').replace('.000Z', '.000000+00:00');
    rows.push(`${stamp},${input},${output}`);
  };
  for (let i = 0; i < 120; i++) at(30 * i, 200, 20);
  for (let i = 0; i < 180; i++) at(3600 + 10 * i, 1500, 100);
  for (let i = 0; i < 60; i++) at(5400 + 30 * i, 1500, 100);
  for (let i = 0; i < 60; i++) at(7200 + 60 * i, 3000, 300);
  return `${rows.join('\n')}\n`;
}

/**
 * By hand. Hour 0: 120 requests over the full hour = 2/min; every minute holds 2. Hour 1: 240/60 = 4/min;
 * minutes hold 6 (first half) or 2 (second half). Hour 2: the trace ends at 02:59:00, so the hour is observed
 * for 3540 s: 60 / 3540 s x 60 = 1.016949.../min; the 59 whole minutes hold 1 each (the last minute lies
 * outside the trace's span), and the busiest minute is never below the mean.
 */
const EXPECTED_PROFILE = [
  'hour_start_utc,requests_per_minute_mean,requests_per_minute_low,requests_per_minute_high',
  '2024-05-10T00:00:00Z,2.000,2.000,2.000',
  '2024-05-10T01:00:00Z,4.000,2.000,6.000',
  '2024-05-10T02:00:00Z,1.017,1.000,1.017',
  '',
].join('\n');

/** Three buckets, shares 120/420, 240/420, 60/420; one size each, so the bucket means are the sizes. */
const EXPECTED_MIX = [
  'input_tokens_from,input_tokens_below,output_tokens_from,output_tokens_below,requests,share,mean_input_tokens,mean_output_tokens',
  '0,256,0,32,120,0.285714,200.00,20.00',
  '1024,2048,32,128,240,0.571429,1500.00,100.00',
  '2048,4096,256,512,60,0.142857,3000.00,300.00',
  '',
].join('\n');

function scenario(demand: string, extra = ''): string {
  return `name: own-trace
horizon: { start: 2024-05-10T00:00:00Z, windows: 3 }
regions: [eastus, westus2]
skus: [NC24ads_A100_v4, NV36ads_A10_v5]
tp: [1]
workloads:
  - id: chat
    llms: [llama-3.1-8b]
    slo: { ttftMs: 2000, tpotMs: 100, maxNetworkRttMs: 80 }
${extra}    demand: { ${demand}, scale: 600, origins: { eastus: 0.6, westus2: 0.4 } }
solver: { strategy: joint, gap: 0 }
`;
}

/** The plan with what may differ between equal plans blanked: elapsed seconds and the scenario hash. */
function comparable(planJson: string): string {
  return planJson
    .replace(/"(seconds|solverSeconds|elapsedSeconds|wallSeconds|boundSeconds)":\s*[0-9.eE+-]+/g, '"$1":0')
    .replace(/"hash":\s*"sha256:[0-9a-f]+"/, '"hash":""')
    .replace(/"(scenario|data)":\s*"sha256:[0-9a-f]+"/g, '"$1":""');
}

describe('a trace as a scenario demand', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'planner-trace-'));
    writeFileSync(join(dir, 'trace.csv'), traceText());
    writeFileSync(join(dir, 'from-trace.yaml'), scenario('trace: trace.csv'));
    writeFileSync(join(dir, 'from-files.yaml'), scenario('profile: profile.csv', '    requestMix: { file: mix.csv }\n'));
  });

  it('planner demand --write-profile/--write-mix writes the hourly profile and the mix computed by hand', async () => {
    const run = await planner(['demand', 'trace.csv', '--write-profile', 'profile.csv', '--write-mix', 'mix.csv'], dir);
    expect(run.stderr).toBe('wrote profile.csv and mix.csv\n');
    expect(run.exitCode).toBe(0);
    expect(readFileSync(join(dir, 'profile.csv'), 'utf8')).toBe(EXPECTED_PROFILE);
    expect(readFileSync(join(dir, 'mix.csv'), 'utf8')).toBe(EXPECTED_MIX);
    // Deterministic bytes: a second run writes the same.
    await planner(['demand', 'trace.csv', '--write-profile', 'again.csv'], dir);
    expect(readFileSync(join(dir, 'again.csv'), 'utf8')).toBe(EXPECTED_PROFILE);
  });

  it('the library gives the same files from the trace text', async () => {
    const files = traceDemandFiles(await analyzeTrace([traceText()]));
    expect(files).toEqual({ profileCsv: EXPECTED_PROFILE, mixCsv: EXPECTED_MIX });
  });

  it('planner solve plans a scenario naming the trace, and the same plan from the written files', async () => {
    const fromTrace = await planner(['solve', 'from-trace.yaml', '--format', 'json'], dir);
    expect(fromTrace.stderr).toBe('');
    expect(fromTrace.exitCode).toBe(0);
    await planner(['demand', 'trace.csv', '--write-profile', 'profile.csv', '--write-mix', 'mix.csv'], dir);
    const fromFiles = await planner(['solve', 'from-files.yaml', '--format', 'json'], dir);
    expect(fromFiles.exitCode).toBe(0);
    const plan = JSON.parse(fromTrace.stdout) as { status: string; totals: { servedRequests?: number; unmetRequests?: number } };
    expect(plan.status).toBe('optimal');
    expect(comparable(fromTrace.stdout)).toBe(comparable(fromFiles.stdout));
    // Different inputs, so different hashes (the trace's bytes are in the scenario hash).
    expect(JSON.parse(fromTrace.stdout).scenario.hash).not.toBe(JSON.parse(fromFiles.stdout).scenario.hash);
  });

  it("takes the trace's mix without requestMix; an explicit requestMix wins", async () => {
    const traced = await loadScenarioFile(join(dir, 'from-trace.yaml'));
    expect(traced.mixes[0]!.meanInputTokens).toBeCloseTo((120 * 200 + 240 * 1500 + 60 * 3000) / 420, 3);
    expect(traced.mixes[0]!.buckets).toHaveLength(3);
    // Peak statistic, x600: the busiest minute of each hour in requests/s.
    expect(traced.input.demand[0]!.map((perWindow) => perWindow.map((rate) => Number(rate.toFixed(6))))).toEqual([
      [(2 / 60) * 600 * 0.6, (6 / 60) * 600 * 0.6, (1.017 / 60) * 600 * 0.6].map((r) => Number(r.toFixed(6))),
      [(2 / 60) * 600 * 0.4, (6 / 60) * 600 * 0.4, (1.017 / 60) * 600 * 0.4].map((r) => Number(r.toFixed(6))),
    ]);
    writeFileSync(
      join(dir, 'explicit.yaml'),
      scenario('trace: trace.csv', '    requestMix: { meanInputTokens: 1000, meanOutputTokens: 200 }\n'),
    );
    const explicit = await loadScenarioFile(join(dir, 'explicit.yaml'));
    expect(explicit.mixes[0]).toEqual({ meanInputTokens: 1000, meanOutputTokens: 200 });
  });

  it("puts the trace's bytes into the scenario hash", async () => {
    const before = (await loadScenarioFile(join(dir, 'from-trace.yaml'))).hash;
    const other = mkdtempSync(join(tmpdir(), 'planner-trace-'));
    writeFileSync(join(other, 'trace.csv'), traceText().replace(',3000,300\n', ',3000,301\n'));
    writeFileSync(join(other, 'from-trace.yaml'), scenario('trace: trace.csv'));
    expect((await loadScenarioFile(join(other, 'from-trace.yaml'))).hash).not.toBe(before);
  });

  it('refuses a horizon longer than the trace (exit 2: file, field, fix) unless it repeats', async () => {
    writeFileSync(join(dir, 'long.yaml'), scenario('trace: trace.csv').replace('windows: 3', 'windows: 4'));
    const long = await planner(['solve', 'long.yaml'], dir);
    expect(long.exitCode).toBe(2);
    expect(long.stderr).toContain(
      "workloads.0.demand.trace: the planned windows 2024-05-10T00:00:00Z .. 2024-05-10T04:00:00Z are not all within trace 'trace.csv', which has 3 hours",
    );
    expect(long.stderr).toMatch(/long\.yaml:\d+:\d+ workloads\.0\.demand\.trace:/);
    expect(long.stderr).toContain('fix: plan within 2024-05-10T00:00:00Z .. 2024-05-10T03:00:00Z');
    // Three hours are not a whole day: repeat daily says so.
    writeFileSync(join(dir, 'daily.yaml'), scenario('trace: trace.csv, repeat: daily').replace('windows: 3', 'windows: 4'));
    const daily = await planner(['solve', 'daily.yaml'], dir);
    expect(daily.exitCode).toBe(2);
    expect(daily.stderr).toContain(
      "workloads.0.demand.repeat: repeat: daily needs whole days (24 hours each); trace 'trace.csv' has 3 hours",
    );
  });

  it('names a profile given as a trace, and a trace given as a profile or a mix, with the fix', async () => {
    writeFileSync(join(dir, 'swapped.yaml'), scenario('trace: profile.csv'));
    await planner(['demand', 'trace.csv', '--write-profile', 'profile.csv'], dir);
    const swapped = await planner(['solve', 'swapped.yaml'], dir);
    expect(swapped.exitCode).toBe(2);
    expect(swapped.stderr).toContain('profile.csv:1 workloads.0.demand.trace:');
    expect(swapped.stderr).toContain('this is an hourly profile: name it as demand.profile');
    writeFileSync(join(dir, 'as-profile.yaml'), scenario('profile: trace.csv', '    requestMix: { file: trace.csv }\n'));
    const asProfile = await planner(['solve', 'as-profile.yaml'], dir);
    expect(asProfile.exitCode).toBe(2);
    expect(asProfile.stderr).toContain('this is a request trace: name it as demand.trace');
    writeFileSync(join(dir, 'no-mix.yaml'), scenario('constantRequestsPerSec: 5'));
    const noMix = await planner(['solve', 'no-mix.yaml'], dir);
    expect(noMix.exitCode).toBe(2);
    expect(noMix.stderr).toContain('workloads.0.requestMix: no request mix given');
  });

  it('--write-profile and --write-mix need a trace and hourly windows', async () => {
    await planner(['demand', 'trace.csv', '--write-profile', 'profile.csv'], dir);
    const profile = await planner(['demand', 'profile.csv', '--write-mix', 'x.csv'], dir);
    expect(profile.exitCode).toBe(2);
    expect(profile.stderr).toContain('--write-mix needs a request trace; this is an hourly profile');
    const window = await planner(['demand', 'trace.csv', '--window', '5m', '--write-profile', 'x.csv'], dir);
    expect(window.exitCode).toBe(2);
    expect(window.stderr).toContain('--write-profile: a profile is hourly, but --window is 5m');
  });
});

describe('every Azure trace layout as a scenario demand', () => {
  it('the 2023 (CRLF), 2024 and 2025 (NumImages) fixtures, the same rows, give the same demand and mix', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'planner-layouts-'));
    const loaded = await Promise.all(
      ['trace-2023-crlf.csv', 'trace-2024-lf.csv', 'trace-2025-images.csv'].map(async (name) => {
        const file = join(dir, `${name}.yaml`);
        writeFileSync(
          file,
          scenario(`trace: ${JSON.stringify(fixture(name))}, statistic: mean`).replace('2024-05-10T00:00:00Z', '2023-11-16T18:00:00Z'),
        );
        return loadScenarioFile(file);
      }),
    );
    // Hour 18 holds 3 requests from 18:59:00.100: observed 59.9 s, taken as one minute, so 3/min; x600/60, 60% eastus.
    expect(loaded[0]!.input.demand[0]![0]![0]).toBeCloseTo((3 / 60) * 600 * 0.6, 9);
    for (const other of loaded.slice(1)) {
      expect(other.input.demand).toEqual(loaded[0]!.input.demand);
      expect(other.mixes).toEqual(loaded[0]!.mixes);
    }
  });
});

describe('the built-in default week', () => {
  it("chat's shiftHours 8 reads the week's last hours first, as repeat: weekly says", async () => {
    const loaded = await loadScenarioFile(DEFAULT_SCENARIO);
    const profile = parseHourlyProfileCsv(readFileSync(join(packageRoot(), 'traces', 'code-week-2024-hourly.csv'), 'utf8'));
    const chat = loaded.scenario.workloads.findIndex((w) => w.id === 'chat');
    const eastus = loaded.input.workloads[chat]!.origins.indexOf('eastus');
    // Window 0 (Friday 00:00) reads Thursday 16:00, the profile's row 160; window 8 reads row 0. Peak x24 x0.4.
    expect(loaded.input.demand[chat]![eastus]![0]).toBeCloseTo(profile.peakRequestsPerSec[160]! * 24 * 0.4, 9);
    expect(loaded.input.demand[chat]![eastus]![8]).toBeCloseTo(profile.peakRequestsPerSec[0]! * 24 * 0.4, 9);
  });
});
