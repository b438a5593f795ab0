import { profileOptions } from '../../src/perf/profile-set.js';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../src/index.js';
import { replicaLoadCurve, replicaPerformance } from '../../src/perf/replica.js';
import { SIM_SMALL } from '../simulate/support.js';
import { planner } from './run.js';

const work = mkdtempSync(join(tmpdir(), 'planner-calibrate-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** sim-small's code workload on llama-3.1-8b, H100 NVL, TP 1: the model's rate for its mix and SLO. */
async function modelRate(): Promise<number> {
  const loaded = await loadScenarioFile(SIM_SMALL);
  const w = loaded.scenario.workloads.findIndex((x) => x.id === 'code');
  return replicaPerformance(
    loaded.catalog.llms.get('llama-3.1-8b')!,
    loaded.catalog.gpus.get('H100-NVL-94GB')!,
    1,
    loaded.scenario.workloads[w]!.slo,
    loaded.mixes[w]!,
    profileOptions(loaded.measuredProfiles),
  ).maxRequestsPerSec;
}

describe('planner calibrate', () => {
  it('writes the factor a fleet served at, and a scenario with calibration: plans with rate x factor', async () => {
    const rate = await modelRate();
    // Four windows at busy shares 0.5..0.8, serving 0.7 of the model's rate: factor 0.7.
    const rows = [0.5, 0.6, 0.7, 0.8].map(
      (u, h) => `2024-05-13T1${h}:00:00Z,llama-3.1-8b,H100-NVL-94GB,1,10,${(10 * u * rate * 0.7).toFixed(6)},${u}`,
    );
    const observed = join(work, 'observed.csv');
    writeFileSync(observed, `window_start,llm,gpu,tp,replicas,served_rps,utilisation\n${rows.join('\n')}\n`);
    const out = join(work, 'calibration.csv');
    const run = await planner(['calibrate', observed, '--scenario', SIM_SMALL, '--out', out]);
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/llama-3\.1-8b .* H100-NVL-94GB .* 0\.7000/);
    const csv = readFileSync(out, 'utf8');
    expect(csv.split('\n').slice(0, 2)).toEqual([
      'llm,gpu,tp,factor,observations,source',
      expect.stringMatching(/^llama-3\.1-8b,H100-NVL-94GB,1,0\.7000,4,/),
    ]);
    // Byte-stable: the same input writes the same file.
    expect((await planner(['calibrate', observed, '--scenario', SIM_SMALL, '--format', 'csv'])).stdout).toBe(csv);

    const scenario = join(work, 'calibrated.yaml');
    copyFileSync(out, join(work, 'cal.csv'));
    writeFileSync(
      scenario,
      readFileSync(SIM_SMALL, 'utf8').replace('catalog: builtin:models', 'catalog: builtin:models\ncalibration: cal.csv'),
    );
    const plain = await loadScenarioFile(SIM_SMALL);
    const calibrated = await loadScenarioFile(scenario);
    const rateOf = (input: typeof plain.input, sku: string) =>
      input.candidates
        .find((c) => c.llm === 'llama-3.1-8b' && c.sku === sku && c.tp === 1 && c.region === 'eastus')!
        .requestsPerSecByWorkload.get('code')!;
    expect(rateOf(plain.input, 'NC40ads_H100_v5')).toBeCloseTo(rate, 9);
    expect(rateOf(calibrated.input, 'NC40ads_H100_v5')).toBeCloseTo(rate * 0.7, 9);
    // Configs the file does not list keep the model's rate.
    expect(rateOf(calibrated.input, 'NC24ads_A100_v4')).toBe(rateOf(plain.input, 'NC24ads_A100_v4'));
    expect(calibrated.hash).not.toBe(plain.hash);
  });

  it('reads mean latencies at a rate against the model curve: rows made at 0.7 of the curve give 0.7', async () => {
    const loaded = await loadScenarioFile(SIM_SMALL);
    const w = loaded.scenario.workloads.findIndex((x) => x.id === 'chat');
    const curve = replicaLoadCurve(
      loaded.catalog.llms.get('qwen2.5-32b')!,
      loaded.catalog.gpus.get('A100-80GB-PCIe')!,
      1,
      loaded.mixes[w]!,
      profileOptions(loaded.measuredProfiles),
    );
    expect(curve.length).toBeGreaterThan(8);
    // At batch B the replicas serve 0.7 x the model's rate at the model's latencies for B (TPOT only, then both).
    const rows = [2, 4, 6, 8].map((b, h) => {
      const p = curve[b - 1]!;
      return `2024-05-13T1${h}:00:00Z,qwen2.5-32b,A100-80GB-PCIe,1,5,${(5 * 0.7 * p.requestsPerSec).toFixed(9)},,${h % 2 ? p.ttftMs.toFixed(9) : ''},${p.tpotMs.toFixed(9)}`;
    });
    const observed = join(work, 'latency.csv');
    writeFileSync(observed, `window_start,llm,gpu,tp,replicas,served_rps,utilisation,ttft_mean_ms,tpot_mean_ms\n${rows.join('\n')}\n`);
    const run = await planner(['calibrate', observed, '--scenario', SIM_SMALL, '--format', 'json']);
    expect(run.exitCode, run.stderr).toBe(0);
    const { factors } = JSON.parse(run.stdout) as { factors: { llm: string; factor: number; byForm: { latency: number } }[] };
    expect(factors).toHaveLength(1);
    expect(factors[0]!.byForm.latency).toBe(4);
    expect(factors[0]!.factor).toBeCloseTo(0.7, 6);
  });

  it('a row whose config is not in the catalog is exit 2 with file:line and did-you-mean', async () => {
    const observed = join(work, 'bad.csv');
    writeFileSync(
      observed,
      'window_start,llm,gpu,tp,replicas,served_rps,utilisation\n2024-05-13T10:00:00Z,llama-3.1-8b,H100-NVL-94GB,1,10,50,0.5\n2024-05-13T11:00:00Z,lama-3.1-8b,H100-NVL-94GB,1,10,50,0.5\n',
    );
    const run = await planner(['calibrate', observed, '--scenario', SIM_SMALL]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/bad\.csv:3 llm: unknown llm 'lama-3\.1-8b' \(fix: did you mean 'llama-3\.1-8b'/);
  });

  it('a scenario whose calibration file names an unknown gpu is exit 2 with file:line and did-you-mean', async () => {
    writeFileSync(join(work, 'typo.csv'), 'llm,gpu,tp,factor\nllama-3.1-8b,H100-NVL-94,1,0.8\n');
    const scenario = join(work, 'typo.yaml');
    writeFileSync(
      scenario,
      readFileSync(SIM_SMALL, 'utf8').replace('catalog: builtin:models', 'catalog: builtin:models\ncalibration: typo.csv'),
    );
    const run = await planner(['solve', scenario]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/typo\.csv:2 gpu: unknown gpu 'H100-NVL-94' \(fix: did you mean 'H100-NVL-94GB'\?\)/);
  });
});
