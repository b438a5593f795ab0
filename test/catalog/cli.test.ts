import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import type { PriceListing } from '../../src/catalog/listings.js';
import type { CliIo } from '../../src/commands/io.js';
import { MODELS, replaceLine } from './fixtures.js';

let scratch = '';
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'planner-catalog-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

async function planner(argv: string[], cwd = scratch) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    // Progress lines are wall-clock by nature: tests that compare stderr must not see them on a slow machine.
    env: { PLANNER_PROGRESS_INTERVAL_MS: '1e15' },
    stdoutIsTty: false,
    cwd,
  };
  const exitCode = await main(['catalog', ...argv], io);
  return { exitCode, stdout, stderr };
}

/** A copy of the shipped catalog under the scratch folder, with `edit` applied to one file. */
async function catalogCopy(name: string, file: string, edit: (text: string) => string): Promise<string> {
  const dir = join(scratch, name);
  await cp(MODELS, dir, { recursive: true });
  await writeFile(join(dir, file), edit(await readFile(join(dir, file), 'utf8')));
  return dir;
}

describe('planner catalog', () => {
  it('lists prices per SKU x region with on-demand, spot and per-GPU-hour prices', async () => {
    const { exitCode, stdout, stderr } = await planner(['prices', '--format', 'json']);
    expect(stderr).toBe('');
    expect(exitCode).toBe(0);
    const listings = JSON.parse(stdout) as PriceListing[];
    expect(listings.find((l) => l.sku === 'NC24ads_A100_v4' && l.region === 'eastus')).toEqual({
      sku: 'NC24ads_A100_v4',
      gpu: 'A100-80GB-PCIe',
      gpusPerVm: 1,
      region: 'eastus',
      onDemandUsdPerHour: 3.673,
      spotUsdPerHour: 0.444433,
      onDemandUsdPerGpuHour: 3.673,
      spotUsdPerGpuHour: 0.444433,
    });
    expect(listings.find((l) => l.sku === 'ND96isr_H100_v5' && l.region === 'eastus')).toMatchObject({
      gpusPerVm: 8,
      onDemandUsdPerHour: 98.32,
      onDemandUsdPerGpuHour: 12.29,
      spotUsdPerHour: null,
    });
    const withBoth = listings.filter((l) => l.onDemandUsdPerHour !== null && l.spotUsdPerHour !== null);
    const regionsPerSku = new Map<string, number>();
    for (const l of withBoth) regionsPerSku.set(l.sku, (regionsPerSku.get(l.sku) ?? 0) + 1);
    expect([...regionsPerSku.values()].filter((n) => n >= 3).length).toBeGreaterThanOrEqual(6);
    expect(new Set(listings.map((l) => `${l.sku} ${l.region}`)).size).toBe(listings.length);
  });

  it('prints the prices table without colour when stdout is not a terminal', async () => {
    const { exitCode, stdout } = await planner(['prices']);
    expect(exitCode).toBe(0);
    expect(stdout).toMatch(/ND96amsr_A100_v4 +│ A100-80GB +│ +8 │ eastus +│ +32\.770 │ +3\.605 │ +4\.096 │ +0\.451 │/);
    expect(stdout).toMatch(/ND96isr_H100_v5 +│ H100-80GB +│ +8 │ eastus +│ +98\.320 │ +- │ +12\.290 │ +- │/);
    expect(stdout).toContain('on-demand $/GPU-h');
    expect(stdout).not.toContain('\u001b[');
  });

  it('summarises the catalog by default and shows each view', async () => {
    const summary = await planner([]);
    expect(summary.exitCode).toBe(0);
    expect(summary.stdout).toMatch(/Catalog builtin:models: 12 GPUs, 7 LLMs, 44 SKUs, 12 regions/);
    expect(summary.stdout).toContain('latency.csv');
    const json = JSON.parse((await planner(['--format', 'json'])).stdout) as { counts: { skus: number; spotPrices: number } };
    expect(json.counts.skus).toBe(44);
    expect(json.counts.spotPrices).toBeGreaterThan(0);

    expect((await planner(['gpus'])).stdout).toMatch(/H100-NVL-94GB +│ +94 │ +835 │/);
    expect((await planner(['llms'])).stdout).toMatch(/mixtral-8x7b +│ +46\.7 │ +12\.9 │/);
    expect((await planner(['skus'])).stdout).toMatch(/ND96isr_H100_v5 +│ H100-80GB +│ +8 │/);
    const regions = JSON.parse((await planner(['regions', '--format', 'json'])).stdout) as Array<{
      id: string;
      rttMs: Record<string, number>;
    }>;
    expect(regions.find((r) => r.id === 'westus2')?.rttMs).toMatchObject({ eastus: 73, westus2: 0, westus3: 40 });
  });

  it('exits 2 naming file:line and field for a bad row in a --catalog folder', async () => {
    let line = 0;
    await catalogCopy('bad-price', 'prices.csv', (text) => {
      const changed = replaceLine(text, 'NC6s_v3,westus2,spot,', 'NC6s_v3,westus2,spot,0');
      line = changed.line;
      return changed.text;
    });
    const { exitCode, stdout, stderr } = await planner(['prices', '--catalog', 'bad-price']);
    expect(exitCode).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('planner: invalid catalog: 1 problem');
    expect(stderr).toContain(`${join('bad-price', 'prices.csv')}:${line} usd_per_hour: must be > 0`);
  });

  it('exits 2 for a missing catalog file and an unknown view', async () => {
    const dir = await catalogCopy('no-latency', 'latency.csv', (text) => text);
    await rm(join(dir, 'latency.csv'));
    const missing = await planner(['--catalog', dir]);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain(`${join(dir, 'latency.csv')}: catalog file not found`);

    const view = await planner(['price']);
    expect(view.exitCode).toBe(2);
    expect(view.stderr).toContain("unknown catalog view 'price'");
    expect(view.stderr).toContain("did you mean 'prices'");
  });
});
