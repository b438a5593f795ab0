import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WINDOW_CSV_COLUMNS, type ComparisonRow } from '../../src/report/simulation.js';
import { SCENARIOS, planner } from './run.js';

const SIM = join(SCENARIOS, 'sim-small.yaml');
let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'planner-simulate-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

interface Summary {
  comparison: ComparisonRow[];
  windows: { first: number; count: number };
  redirect: { workload: string; region: string; gpu: string; duringRps: number; referenceRps: number }[];
}

async function simulateJson(...args: string[]): Promise<Summary> {
  const { exitCode, stdout, stderr } = await planner(['simulate', SIM, '--solver', 'glpk', '--format', 'json', ...args]);
  expect(exitCode, stderr).toBe(0);
  return JSON.parse(stdout) as Summary;
}

describe('planner simulate', () => {
  it('prints the comparison and writes simulation.json, windows.csv and report.html', async () => {
    const out = join(work, 'run');
    const { exitCode, stdout } = await planner([
      'simulate',
      SIM,
      '--solver',
      'glpk',
      '--strategies',
      'planner,siloed,oracle',
      '--out',
      out,
    ]);
    expect(exitCode).toBe(0);
    expect(stdout).toMatch(/GPU-h saved vs siloed/);
    for (const name of ['planner', 'siloed', 'oracle']) expect(stdout).toContain(`│ ${name}`);
    const json = JSON.parse(await readFile(join(out, 'simulation.json'), 'utf8')) as Summary & {
      strategies: { name: string; windows: unknown[] }[];
    };
    expect(json.comparison.map((r) => r.strategy)).toEqual(['planner', 'siloed', 'oracle']);
    expect(json.strategies.every((s) => s.windows.length === 24)).toBe(true);
    const csv = (await readFile(join(out, 'windows.csv'), 'utf8')).trimEnd().split('\r\n');
    expect(csv[0]).toBe(WINDOW_CSV_COLUMNS.join(','));
    expect(csv).toHaveLength(1 + 3 * 24);
    // The queueing estimate per replica group: a positive wait and a TTFT within SLO in every window with traffic.
    const column = (name: string) => WINDOW_CSV_COLUMNS.indexOf(name as (typeof WINDOW_CSV_COLUMNS)[number]);
    for (const row of csv.slice(1).map((line) => line.split(','))) {
      if (Number(row[column('served_rps')]) === 0) continue;
      expect(Number(row[column('queue_wait_ms')])).toBeGreaterThan(0);
      expect(Number(row[column('worst_ttft_to_slo')])).toBeLessThanOrEqual(1);
      expect(Number(row[column('worst_tpot_to_slo')])).toBeGreaterThan(0);
      expect(Number(row[column('worst_tpot_to_slo')])).toBeLessThanOrEqual(1);
    }
    expect(stdout).toMatch(/planner: .*mean prefill wait \d+\.\d ms, worst replica group TTFT \d+% and TPOT \d+% of SLO/);
    expect(json.comparison.every((r) => r.lateRequests === 0 && r.queueing !== null)).toBe(true);
    const html = await readFile(join(out, 'report.html'), 'utf8');
    for (const chart of ['gpus', 'attainment', 'cost', 'served-planner', 'served-siloed', 'served-oracle'])
      expect(html).toContain(`data-chart="${chart}"`);
    const siloed = json.comparison.find((r) => r.strategy === 'siloed')!;
    expect(siloed.gpuHoursSavedVsSiloed).toBe(0);
    expect(json.comparison.find((r) => r.strategy === 'oracle')!.costOverOracle).toBe(0);
  });

  it('is deterministic: the same inputs give the same comparison (planning time aside)', async () => {
    const strip = (s: Summary) => s.comparison.map(({ planningSeconds: _p, ...rest }) => rest);
    const a = await simulateJson('--strategies', 'planner,reactive');
    const b = await simulateJson('--strategies', 'planner,reactive');
    expect(strip(b)).toEqual(strip(a));
  });

  it('stress: demand x1.5 after planning breaks the siloed fleet sized on the nominal peak; optimistic throughput hurts a planner that does not learn', async () => {
    const nominal = await simulateJson('--strategies', 'planner,siloed');
    const demand = await simulateJson('--strategies', 'planner,siloed', '--stress', 'demand=1.5');
    const throughput = await simulateJson('--strategies', 'planner', '--stress', 'throughput=1.5', '--no-learn');
    const attainment = (s: Summary, name: string) => s.comparison.find((r) => r.strategy === name)!.attainment;
    expect(attainment(nominal, 'siloed')).toBeCloseTo(1, 9);
    expect(attainment(demand, 'siloed')).toBeLessThan(0.99);
    expect(attainment(throughput, 'planner')).toBeLessThan(attainment(nominal, 'planner') - 0.05);
    expect(throughput).not.toHaveProperty('learning');
  });

  it('the planner learns an optimistic throughput: factors near 1/1.5 and what the over-estimate cost, in JSON and text', async () => {
    const nominal = await simulateJson('--strategies', 'planner');
    expect(nominal).not.toHaveProperty('learning');
    const learned = (await simulateJson('--strategies', 'planner', '--stress', 'throughput=1.5')) as Summary & {
      learning: {
        factors: { factor: number }[];
        settledFrom: number;
        overestimate: { optimism: number; whole: { stressed: { attainment: number }; trueRates: { attainment: number; costUsd: number } } };
      };
    };
    const attainment = learned.comparison.find((r) => r.strategy === 'planner')!.attainment;
    expect(attainment).toBeGreaterThan(0.995);
    expect(learned.learning.factors.length).toBeGreaterThan(0);
    for (const f of learned.learning.factors) expect(f.factor).toBeCloseTo(1 / 1.5, 4);
    expect(learned.learning.overestimate.optimism).toBe(1.5);
    expect(learned.learning.overestimate.whole.stressed.attainment).toBeCloseTo(attainment, 9);
    // The reference run with the true rates is the unstressed planner.
    const reference = nominal.comparison[0]!;
    expect(learned.learning.overestimate.whole.trueRates.costUsd).toBeCloseTo(reference.totalCostUsd, 6);
    expect(learned.learning.overestimate.whole.trueRates.attainment).toBeCloseTo(reference.attainment, 9);
    const out = join(work, 'learned');
    const text = await planner([
      'simulate',
      SIM,
      '--solver',
      'glpk',
      '--strategies',
      'planner',
      '--stress',
      'throughput=1.5',
      '--out',
      out,
    ]);
    expect(await readFile(join(out, 'report.html'), 'utf8')).toMatch(/Rate factors the planner learned/);
    expect(text.stdout).toMatch(/Rate factors the planner learned/);
    expect(text.stdout).toMatch(/0\.6667/);
    expect(text.stdout).toMatch(/the over-estimate cost/);
  });

  it('shows where the planner sent the traffic during a capacity event', async () => {
    const events = join(work, 'events.csv');
    await writeFile(
      events,
      'gpu,region,from_utc,to_utc,available_gpus\nA100-80GB-PCIe,eastus,2024-05-14T10:00:00Z,2024-05-14T14:00:00Z,0\nH100-NVL-94GB,eastus,2024-05-14T10:00:00Z,2024-05-14T14:00:00Z,0\n',
    );
    const summary = await simulateJson('--strategies', 'planner,siloed', '--events', events);
    const planner = summary.comparison.find((r) => r.strategy === 'planner')!;
    expect(planner.eventAttainment!).toBeGreaterThan(0.99);
    const east = summary.redirect.filter((r) => r.region === 'eastus');
    const west = summary.redirect.filter((r) => r.region === 'westus2');
    expect(east.reduce((sum, r) => sum + r.duringRps, 0)).toBe(0);
    expect(east.reduce((sum, r) => sum + r.referenceRps, 0)).toBeGreaterThan(0);
    expect(west.reduce((sum, r) => sum + r.duringRps - r.referenceRps, 0)).toBeGreaterThan(0);
  });
});

describe('planner simulate --request-sim', () => {
  it('replays the most heterogeneous window of the planner fleet request by request', async () => {
    const summary = (await simulateJson('--strategies', 'planner', '--request-sim', 'auto')) as Summary & {
      requestSim: { window: number; dispatch: { workload: string; proportionalRps: number; roundRobinRps: number; capacityRps: number }[] };
    };
    expect(summary.requestSim.window).toBeGreaterThanOrEqual(24);
    expect(summary.requestSim.dispatch.map((d) => d.workload).sort()).toEqual(['chat', 'code']);
    for (const d of summary.requestSim.dispatch) {
      expect(d.proportionalRps).toBeGreaterThanOrEqual(d.roundRobinRps * 0.99);
      expect(d.proportionalRps).toBeLessThanOrEqual(d.capacityRps * 1.01);
    }
  });

  it('rejects a window that is not simulated', async () => {
    const { exitCode, stderr } = await planner(['simulate', SIM, '--request-sim', '3']);
    expect(exitCode).toBe(2);
    expect(stderr).toMatch(/--request-sim: '3' is not a simulated window \(24\.\.47\)/);
  });
});

describe('planner simulate: bad input', () => {
  it('names the event file line and field, and exits 2', async () => {
    const events = join(work, 'bad-events.csv');
    await writeFile(
      events,
      'gpu,region,from_utc,to_utc,available_gpus\nB200,eastus,2024-05-14T10:00:00Z,2024-05-14T14:00:00Z,0\nA100-80GB-PCIe,eastus,yesterday,2024-05-14T14:00:00Z,-1\nA100-80GB-PCIe,eastus,2025-01-01T00:00:00Z,2025-01-01T01:00:00Z,0\n',
    );
    const { exitCode, stderr } = await planner(['simulate', SIM, '--events', events]);
    expect(exitCode).toBe(2);
    expect(stderr).toMatch(/bad-events\.csv:2 gpu: unknown gpu 'B200'/);
    expect(stderr).toMatch(/bad-events\.csv:3 from_utc: 'yesterday' is not a UTC time/);
    expect(stderr).toMatch(/bad-events\.csv:3 available_gpus: '-1' is not a whole number/);
    expect(stderr).toMatch(/bad-events\.csv:4 from_utc: .* outside the scenario's horizon/);
  });

  it('simulates a deferrable (batch) workload with its backlog: conserved, and pending work reported', async () => {
    const out = join(work, 'batch');
    const { exitCode, stdout, stderr } = await planner([
      'simulate',
      join(SCENARIOS, 'sim-small-batch.yaml'),
      '--solver',
      'glpk',
      '--strategies',
      'planner,oracle',
      '--out',
      out,
    ]);
    expect(exitCode, stderr).toBe(0);
    expect(stdout).toMatch(
      /oracle: .*attainment code 100\.000%, chat 100\.000%, batch 100\.000%; [\d,]+ deferrable requests still waiting \(not yet due\) at the end/,
    );
    const json = JSON.parse(await readFile(join(out, 'simulation.json'), 'utf8')) as {
      strategies: { name: string; totals: { requests: number; servedRequests: number; unmetRequests: number; pendingRequests: number } }[];
    };
    for (const { name, totals } of json.strategies) {
      expect(totals.servedRequests + totals.unmetRequests + totals.pendingRequests, name).toBeCloseTo(totals.requests, 0);
    }
    expect(await readFile(join(out, 'report.html'), 'utf8')).toContain('data-chart="backlog"');
    // sim-small (no deferrable workload, written by the first test) has no backlog chart.
    expect(await readFile(join(work, 'run', 'report.html'), 'utf8')).not.toContain('data-chart="backlog"');
  });

  it('refuses a commitment that is not a whole number of windows up to a day', async () => {
    for (const hours of ['1.5', '48']) {
      const { exitCode, stderr } = await planner(['simulate', SIM, '--strategies', 'planner', '--commit-hours', hours]);
      expect(exitCode).toBe(2);
      expect(stderr).toMatch(new RegExp(`--commit-hours: ${hours} h is not a whole number of 1 h windows between 1 and 24`));
    }
  });

  it('rejects a missing event column, an unknown strategy and unreadable stress', async () => {
    const events = join(work, 'no-column.csv');
    await writeFile(events, 'gpu,region,from_utc,to_utc\nA100-80GB-PCIe,eastus,2024-05-14T10:00:00Z,2024-05-14T14:00:00Z\n');
    const missing = await planner(['simulate', SIM, '--events', events]);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toMatch(/missing column available_gpus/);
    const strategy = await planner(['simulate', SIM, '--strategies', 'planner,magic']);
    expect(strategy.exitCode).toBe(2);
    expect(strategy.stderr).toMatch(/--strategies: unknown strategy magic.*choose from planner, siloed, reactive, oracle, single-gpu/);
    const days = await planner(['simulate', SIM, '--days', '0.01']);
    expect(days.exitCode).toBe(2);
    expect(days.stderr).toMatch(/--days: 0\.01 days is less than one 1 h window/);
    const stress = await planner(['simulate', SIM, '--stress', 'demand=lots']);
    expect(stress.exitCode).toBe(2);
    expect(stress.stderr).toMatch(/--stress: cannot read 'demand=lots'/);
  });
});
