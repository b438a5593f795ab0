import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCatalog } from '../../src/index.js';
import { replicaRate } from '../../src/commands/measured-profiles.js';
import { packageRoot } from '../../src/paths.js';
import { PlanDocumentSchema } from '../../src/plan-document/index.js';
import { planner } from './run.js';

const BENCH = join(import.meta.dirname, '..', 'fixtures', 'bench-results');
const work = mkdtempSync(join(tmpdir(), 'planner-profiles-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const SLO = { ttftMs: 200, tpotMs: 100 };

/** One region, one A100 SKU, TP 1, llama-3.1-8b at the vLLM fixtures' request size (512 in / 128 out). */
function scenario(profiles?: string, catalog?: string): string {
  return [
    'name: measured',
    ...(profiles !== undefined ? [`profiles: ${profiles}`] : []),
    ...(catalog !== undefined ? [`catalog: ${catalog}`] : []),
    'horizon: { start: 2024-05-10T00:00:00Z, windows: 2 }',
    'regions: [eastus]',
    'skus: [NC24ads_A100_v4]',
    'tp: [1]',
    'workloads:',
    '  - id: chat',
    '    llms: [llama-3.1-8b]',
    `    slo: { ttftMs: ${SLO.ttftMs}, tpotMs: ${SLO.tpotMs} }`,
    '    requestMix: { meanInputTokens: 512, meanOutputTokens: 128 }',
    '    demand: { constantRequestsPerSec: 20, origins: { eastus: 1 } }',
    'policies: { headroom: 0 }',
    'solver: { strategy: joint, gap: 0 }',
    '',
  ].join('\n');
}

async function vmsPerWindow(file: string): Promise<number[]> {
  const { exitCode, stdout, stderr } = await planner(['solve', file, '--format', 'json']);
  expect(stderr).not.toContain('error');
  expect(exitCode).toBe(0);
  return PlanDocumentSchema.parse(JSON.parse(stdout)).windows.map((w) => w.vms.reduce((sum, vm) => sum + vm.count, 0));
}

describe('measured profiles: import, show, plan with them', () => {
  const dir = join(work, 'own');
  mkdirSync(join(dir, 'profiles'), { recursive: true });

  it('imports vLLM and GuideLLM results, shows those configs as measured, and solve plans with the measured rate', async () => {
    const vllm = await planner([
      'profile',
      'import',
      ...['rate2', 'rate4', 'rate8'].map((r) => join(BENCH, `vllm-llama8b-${r}.json`)),
      '--gpu',
      'A100-80GB-PCIe',
      '--tp',
      '1',
      '--out',
      join(dir, 'profiles', 'vllm.csv'),
    ]);
    expect(vllm.stderr).toBe('');
    expect(vllm.exitCode).toBe(0);
    const guidellm = await planner([
      'profile',
      'import',
      join(BENCH, 'guidellm-sweep-v2.json'),
      '--gpu',
      'H100-NVL-94GB',
      '--tp',
      '1',
      '--out',
      join(dir, 'profiles', 'guidellm.csv'),
    ]);
    expect(guidellm.exitCode).toBe(0);

    const shown = await planner(['profile', '--llm', 'llama-3.1-8b', '--tp', '1', '--profiles', join(dir, 'profiles'), '--format', 'json']);
    expect(shown.exitCode).toBe(0);
    const configs = JSON.parse(shown.stdout).configs as { gpu: string; source: string; measuredIn: string[] }[];
    const source = (gpu: string) => configs.find((c) => c.gpu === gpu);
    expect(source('A100-80GB-PCIe')).toMatchObject({ source: 'measured-rates', measuredIn: [join(dir, 'profiles', 'vllm.csv')] });
    expect(source('H100-NVL-94GB')).toMatchObject({ source: 'measured-rates', measuredIn: [join(dir, 'profiles', 'guidellm.csv')] });
    expect(source('A10-24GB')?.source).toBe('estimate');

    // The curve (vllm-llama8b-rate*.json): served 2, 4, 7 req/s at mean TTFT 40, 60, 400 ms (TPOT within
    // 100 ms throughout). TTFT crosses 200 ms between 4 and 7 req/s: 4 + (200 - 60) / (400 - 60) x 3 req/s.
    const measured = 4 + ((200 - 60) / (400 - 60)) * 3;
    const catalog = await readCatalog(join(packageRoot(), 'models'));
    const estimate = replicaRate(catalog.llms.get('llama-3.1-8b')!, catalog.gpus.get('A100-80GB-PCIe')!, 1, SLO, {
      meanInputTokens: 512,
      meanOutputTokens: 128,
    });
    expect(Math.ceil(20 / estimate)).not.toBe(Math.ceil(20 / measured));

    writeFileSync(join(dir, 'estimate.yaml'), scenario());
    writeFileSync(join(dir, 'measured.yaml'), scenario('profiles'));
    expect(await vmsPerWindow(join(dir, 'estimate.yaml'))).toEqual([Math.ceil(20 / estimate), Math.ceil(20 / estimate)]);
    expect(await vmsPerWindow(join(dir, 'measured.yaml'))).toEqual([Math.ceil(20 / measured), Math.ceil(20 / measured)]);
  });

  it('a misspelt llm id in a scenario profile is exit 2 naming the file, the line and the closest id', async () => {
    const bad = join(work, 'bad');
    mkdirSync(join(bad, 'profiles'), { recursive: true });
    const text = readFileSync(join(BENCH, '..', '..', '..', 'models', 'profiles', 'splitwise-llama2-70b.csv'), 'utf8')
      .split('\n')
      .slice(0, 4)
      .join('\n')
      .replace(/^llama-2-70b,A100-80GB,2,256/m, 'llama-2-7b,A100-80GB,2,256');
    writeFileSync(join(bad, 'profiles', 'mine.csv'), `${text}\n`);
    writeFileSync(join(bad, 'scenario.yaml'), scenario('profiles'));
    const { exitCode, stderr } = await planner(['solve', join(bad, 'scenario.yaml')]);
    expect(exitCode).toBe(2);
    expect(stderr).toContain(`${join('profiles', 'mine.csv')}:3`);
    expect(stderr).toContain("unknown llm 'llama-2-7b'");
    expect(stderr).toContain("'llama-2-70b'");
  });

  it("a catalog folder's profiles/ is read, over the built-in ones", async () => {
    const dir = join(work, 'catalog-folder');
    cpSync(join(packageRoot(), 'models'), join(dir, 'cat'), { recursive: true });
    writeFileSync(
      join(dir, 'cat', 'profiles', 'own-rates.csv'),
      `llm,gpu,tp,input_tokens,output_tokens,ttft_ms,tpot_ms,max_rps,source\nllama-3.1-8b,A100-80GB-PCIe,1,512,128,${SLO.ttftMs},${SLO.tpotMs},5,our load test\n`,
    );
    writeFileSync(join(dir, 'scenario.yaml'), scenario(undefined, 'cat'));
    // 20 req/s at 5 req/s per replica (the stated rate at exactly the workload's size and SLO): 4 VMs.
    expect(await vmsPerWindow(join(dir, 'scenario.yaml'))).toEqual([4, 4]);
  });

  it('profile --compare: the estimate against every measurement, predicted / measured, with the median and worst', async () => {
    const table = join(packageRoot(), 'models', 'profiles', 'splitwise-llama2-70b.csv');
    const { exitCode, stdout } = await planner(['profile', '--compare', table, '--format', 'json']);
    expect(exitCode).toBe(0);
    const report = JSON.parse(stdout) as {
      rows: { measuredRps?: number; predictedRps: number; ratio?: number; cliff?: string; note: string }[];
      timingProbes: unknown[];
      summary: { compared: number; medianAbsLn: number; worstAbsLn: number };
      withCliffs: { compared: number; worstAbsLn: number };
      cliffs: number;
    };
    // Six configs (A100-80GB and H100-80GB at TP 2, 4, 8), one row per probe each.
    expect(report.rows).toHaveLength(6 * report.timingProbes.length);
    const served = report.rows.filter((r) => r.ratio !== undefined);
    for (const r of served) expect(r.ratio).toBeCloseTo(r.predictedRps / r.measuredRps!, 4);
    // Probes whose measured rate a 3% timing error moves by more than x1.3 are listed with the reason and
    // left out of the summary (llama-2-70b at TPOT 50 ms: the tables' batch-1 decode steps are 44-50 ms).
    const cliffs = report.rows.filter((r) => r.cliff);
    expect(cliffs.length).toBeGreaterThan(0);
    expect(report.cliffs).toBe(cliffs.length);
    for (const r of cliffs) expect(r.note).toContain('rate not identifiable: limits 3% looser or tighter');
    expect(report.withCliffs.compared).toBe(served.length);
    const both = served.filter((r) => !r.cliff);
    const logs = both.map((r) => Math.abs(Math.log(r.ratio!))).sort((a, b) => a - b);
    expect(report.summary.compared).toBe(logs.length);
    expect(report.summary.worstAbsLn).toBeCloseTo(logs.at(-1)!, 4);
    const mid = logs.length >> 1;
    expect(report.summary.medianAbsLn).toBeCloseTo(logs.length % 2 ? logs[mid]! : (logs[mid - 1]! + logs[mid]!) / 2, 4);
  });
});
