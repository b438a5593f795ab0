import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { parseCatalog } from '../../src/catalog/load.js';
import { sharedDataDir } from '../../src/paths.js';
import { edited, inputErrorOf, issueAt, replaceLine, shippedFiles } from './fixtures.js';

describe('the shipped catalog (models/)', () => {
  const catalog = parseCatalog(shippedFiles());

  it('has the GPUs, llms and regions the planner names', () => {
    expect([...catalog.gpus.keys()]).toEqual(
      expect.arrayContaining(['H100-80GB', 'A100-80GB', 'A100-40GB', 'A10-24GB', 'T4-16GB', 'V100-16GB', 'V100-32GB']),
    );
    expect([...catalog.llms.keys()]).toEqual(
      expect.arrayContaining(['llama-3.2-3b', 'llama-3.1-8b', 'mistral-7b', 'qwen2.5-32b', 'mixtral-8x7b', 'llama-3.1-70b', 'llama-2-70b']),
    );
    expect([...catalog.regions.keys()]).toEqual(
      expect.arrayContaining(['eastus', 'eastus2', 'westus2', 'westus3', 'southcentralus', 'centralus']),
    );
    expect(catalog.gpus.get('H100-80GB')).toMatchObject({
      memoryGib: 80,
      bf16Tflops: 989,
      memoryBandwidthTBps: 3.35,
      interconnectGBps: 450,
    });
    expect(catalog.llms.get('mixtral-8x7b')).toMatchObject({ parametersB: 46.7, activeParametersB: 12.9, kvHeads: 8 });
    expect(catalog.llms.get('llama-3.1-70b')).toMatchObject({
      layers: 80,
      hiddenSize: 8192,
      attentionHeads: 64,
      kvHeads: 8,
      headDim: 128,
      bytesPerWeight: 2,
    });
  });

  it('has >= 6 SKUs with on-demand and spot prices in >= 3 regions each, spot always below on-demand', () => {
    const both = new Map<string, number>();
    for (const sku of catalog.skus.keys()) {
      for (const region of catalog.regions.keys()) {
        const price = (purchase: string) =>
          catalog.prices.find((p) => p.sku === sku && p.region === region && p.purchase === purchase)?.usdPerHour;
        const onDemand = price('on-demand');
        const spot = price('spot');
        if (spot !== undefined) expect(onDemand, `${sku} ${region}`).toBeGreaterThan(spot);
        if (onDemand !== undefined && spot !== undefined) both.set(sku, (both.get(sku) ?? 0) + 1);
      }
    }
    expect([...both.values()].filter((regions) => regions >= 3).length).toBeGreaterThanOrEqual(6);
    expect(catalog.prices.every((p) => p.usdPerHour > 0)).toBe(true);
  });

  it('carries the anomaly fixes: 8 GPUs in ND96isr_H100_v5, no H100 spot rows, ids without Standard_', () => {
    expect(catalog.skus.get('ND96isr_H100_v5')).toMatchObject({ gpu: 'H100-80GB', gpusPerVm: 8 });
    expect(catalog.skus.get('NC40ads_H100_v5')).toMatchObject({ gpu: 'H100-NVL-94GB', gpusPerVm: 1 });
    // Azure's H100 rows list spot == on-demand (no spot captured); AWS and GCP have real H100 spot prices.
    const h100 = new Set([...catalog.skus.values()].filter((s) => s.gpu.startsWith('H100') && s.cloud === 'azure').map((s) => s.id));
    expect(catalog.prices.filter((p) => h100.has(p.sku) && p.purchase === 'spot')).toEqual([]);
    expect(catalog.prices.filter((p) => h100.has(p.sku)).length).toBeGreaterThan(0);
    expect([...catalog.skus.keys()].some((id) => id.startsWith('Standard_'))).toBe(false);
    expect([...catalog.skus.values()].every((s) => [1, 2, 4, 8].includes(s.gpusPerVm))).toBe(true);
  });

  it('sorts prices by sku, region and purchase', () => {
    const keys = catalog.prices.map((p) => `${p.sku} ${p.region} ${p.purchase}`);
    expect(keys).toEqual([...keys].sort());
  });

  it('fills the latency matrix: symmetric, 0 on the diagonal, published values', () => {
    const ids = [...catalog.regions.keys()];
    for (const a of ids) {
      expect(catalog.latencyMs(a, a)).toBe(0);
      for (const b of ids) {
        expect(catalog.latencyMs(a, b)).toBe(catalog.latencyMs(b, a));
        if (a !== b) expect(catalog.latencyMs(a, b)).toBeGreaterThan(0);
      }
    }
    expect(catalog.latencyMs('eastus', 'eastus2')).toBe(9);
    expect(catalog.latencyMs('westus2', 'eastus')).toBe(73);
    expect(() => catalog.latencyMs('eastus', 'westus9')).toThrow(/westus9/);
  });

  it('names a source and a date for every file', () => {
    expect(catalog.sources.map((s) => s.file)).toEqual([
      'models/gpus.csv',
      'models/llms.csv',
      'models/skus.csv',
      'models/prices.csv',
      'models/regions.csv',
      'models/latency.csv',
    ]);
    for (const source of catalog.sources) {
      expect(source.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(source.source.length).toBeGreaterThan(10);
    }
  });

  const raw = join(sharedDataDir(), 'gpu-prices', 'azure_vms_gpu.csv');
  it.skipIf(!existsSync(raw))('matches the SkyPilot rows it was derived from (skipped without ../shared/data)', () => {
    const rows = parse(readFileSync(raw, 'utf8'), { columns: true }) as Record<string, string>[];
    for (const price of catalog.prices.filter((p) => catalog.skus.get(p.sku)!.cloud === 'azure')) {
      const row = rows.find((r) => r.InstanceType === `Standard_${price.sku}` && r.Region === price.region);
      expect(row, `${price.sku} ${price.region}`).toBeDefined();
      expect(Number(price.purchase === 'spot' ? row!.SpotPrice : row!.Price)).toBe(price.usdPerHour);
    }
  });
});

describe('catalog load errors name file:line, field and fix', () => {
  it('price 0 or missing', () => {
    let line = 0;
    const files = edited('prices', (text) => {
      const changed = replaceLine(text, 'NC4as_T4_v3,eastus,on-demand,', 'NC4as_T4_v3,eastus,on-demand,0');
      line = changed.line;
      return changed.text;
    });
    const error = inputErrorOf(() => parseCatalog(files));
    expect(issueAt(error, { file: 'models/prices.csv', line, field: 'usd_per_hour' }).message).toBe('must be > 0');
    expect(error.message).toContain(`models/prices.csv:${line} usd_per_hour: must be > 0`);

    const missing = edited('prices', (text) => replaceLine(text, 'NC4as_T4_v3,eastus,on-demand,', 'NC4as_T4_v3,eastus,on-demand,').text);
    expect(
      issueAt(
        inputErrorOf(() => parseCatalog(missing)),
        { file: 'models/prices.csv', line, field: 'usd_per_hour' },
      ).message,
    ).toBe('missing value');
  });

  it('spot at or above on-demand', () => {
    let line = 0;
    const files = edited('prices', (text) => {
      const changed = replaceLine(text, 'NC6s_v3,eastus,spot,', 'NC6s_v3,eastus,spot,3.5');
      line = changed.line;
      return changed.text;
    });
    const issue = issueAt(
      inputErrorOf(() => parseCatalog(files)),
      { file: 'models/prices.csv', line, field: 'usd_per_hour' },
    );
    expect(issue.message).toMatch(/spot \$3\.5\/h for NC6s_v3 in eastus is not below on-demand \$3\.06\/h/);
    expect(issue.fix).toBe('spot must be below on-demand; drop the spot row');

    const equal = edited('prices', (text) => replaceLine(text, 'NC6s_v3,eastus,spot,', 'NC6s_v3,eastus,spot,3.06').text);
    issueAt(
      inputErrorOf(() => parseCatalog(equal)),
      { file: 'models/prices.csv', line, field: 'usd_per_hour' },
    );
  });

  it('a sku on an unknown GPU, with did-you-mean', () => {
    let line = 0;
    const files = edited('skus', (text) => {
      const changed = replaceLine(text, 'ND96isr_H100_v5,', 'ND96isr_H100_v5,H100-80G,8,96,1900,azure,NDSH100v5');
      line = changed.line;
      return changed.text;
    });
    const issue = issueAt(
      inputErrorOf(() => parseCatalog(files)),
      { file: 'models/skus.csv', line, field: 'gpu' },
    );
    expect(issue.message).toBe("unknown gpu 'H100-80G'");
    expect(issue.fix).toMatch(/^did you mean 'H100-80GB'/);
  });

  it('a GPU count outside 1/2/4/8 or different from the real VM', () => {
    let line = 0;
    const twelve = edited('skus', (text) => {
      const changed = replaceLine(text, 'ND96isr_H100_v5,', 'ND96isr_H100_v5,H100-80GB,12,96,1900,azure,NDSH100v5');
      line = changed.line;
      return changed.text;
    });
    const issue = issueAt(
      inputErrorOf(() => parseCatalog(twelve)),
      { file: 'models/skus.csv', line, field: 'gpus_per_vm' },
    );
    expect(issue.message).toMatch(/must be one of 1, 2, 4, 8/);
    expect(issue.fix).toMatch(/set gpus_per_vm to 8/);

    const two = edited('skus', (text) => {
      const changed = replaceLine(text, 'NC24ads_A100_v4,', 'NC24ads_A100_v4,A100-80GB,2,24,220,azure,NCADSA100v4');
      line = changed.line;
      return changed.text;
    });
    const wrong = issueAt(
      inputErrorOf(() => parseCatalog(two)),
      { file: 'models/skus.csv', line, field: 'gpus_per_vm' },
    );
    expect(wrong.message).toBe('NC24ads_A100_v4 has 1 GPUs per VM, not 2');
  });

  it('a missing or asymmetric latency pair', () => {
    const missing = edited('latency', (text) => replaceLine(text, 'eastus,westus2,', '').text);
    const issue = issueAt(
      inputErrorOf(() => parseCatalog(missing)),
      { file: 'models/latency.csv', field: 'from,to' },
    );
    expect(issue.message).toBe('no round-trip time for eastus <-> westus2');
    expect(issue.fix).toBe('add a row eastus,westus2,<rtt_ms>');

    const asymmetric = edited('latency', (text) => `${text}westus2,eastus,80,test\n`);
    const lines = asymmetric.latency.text.trimEnd().split('\n').length;
    const other = issueAt(
      inputErrorOf(() => parseCatalog(asymmetric)),
      { file: 'models/latency.csv', line: lines, field: 'rtt_ms' },
    );
    expect(other.message).toMatch(/westus2 -> eastus is 80 ms but eastus -> westus2 is 73 ms/);
  });

  it('a malformed CSV line: bad quoting, wrong number of values', () => {
    let line = 0;
    const quoting = edited('gpus', (text) => {
      const changed = replaceLine(text, 'T4-16GB,', 'T4-16GB,16,65,0.32,16,"NVIDIA "T4" datasheet"');
      line = changed.line;
      return changed.text;
    });
    const issue = issueAt(
      inputErrorOf(() => parseCatalog(quoting)),
      { file: 'models/gpus.csv', line, field: 'csv' },
    );
    expect(issue.message).toMatch(/^malformed CSV: Invalid Closing Quote/);

    const short = edited('llms', (text) => {
      const changed = replaceLine(text, 'mistral-7b,', 'mistral-7b,7.24,7.24,32');
      line = changed.line;
      return changed.text;
    });
    expect(
      issueAt(
        inputErrorOf(() => parseCatalog(short)),
        { file: 'models/llms.csv', line, field: 'row' },
      ).message,
    ).toBe('4 values, the header has 13');
  });

  it('unknown and missing columns name the header', () => {
    const renamed = edited('skus', (text) => text.replace('gpus_per_vm', 'gpu_count'));
    const error = inputErrorOf(() => parseCatalog(renamed));
    expect(issueAt(error, { file: 'models/skus.csv', line: 1, field: 'header', message: "unknown column 'gpu_count'" }).fix).toBe(
      "rename it to 'gpus_per_vm'",
    );
    expect(error.issues.some((i) => i.message.startsWith("missing column 'gpus_per_vm'"))).toBe(true);
    // An unreadable skus.csv does not make every price an "unknown sku".
    expect(error.issues.filter((i) => i.file === 'models/prices.csv')).toEqual([]);
  });

  it('duplicate ids and rows, unknown skus and regions in prices', () => {
    const dupGpu = edited('gpus', (text) => `${text}T4-16GB,16,65,0.32,16,pcie,copy\n`);
    const lines = dupGpu.gpus.text.trimEnd().split('\n').length;
    expect(
      issueAt(
        inputErrorOf(() => parseCatalog(dupGpu)),
        { file: 'models/gpus.csv', line: lines, field: 'id' },
      ).message,
    ).toMatch(/duplicate id 'T4-16GB' \(first on line \d+\)/);

    const prices = edited(
      'prices',
      (text) => `${text}NC24ads_A100_v4,eastus,on-demand,3.7\nNC24ads_A100,eastus,on-demand,3.7\nNC4as_T4_v3,eastus3,spot,0.05\n`,
    );
    const end = prices.prices.text.trimEnd().split('\n').length;
    const error = inputErrorOf(() => parseCatalog(prices));
    expect(issueAt(error, { file: 'models/prices.csv', line: end - 2, field: 'purchase' }).message).toMatch(
      /second on-demand price for NC24ads_A100_v4 in eastus/,
    );
    expect(issueAt(error, { file: 'models/prices.csv', line: end - 1, field: 'sku' }).fix).toMatch(/did you mean 'NC24ads_A100_v4'/);
    expect(issueAt(error, { file: 'models/prices.csv', line: end, field: 'region' }).fix).toMatch(/did you mean 'eastus'/);
  });

  it('reports every problem of every file in one error, in file order', () => {
    const files = edited('prices', (text) => replaceLine(text, 'NC4as_T4_v3,eastus,on-demand,', 'NC4as_T4_v3,eastus,on-demand,-1').text);
    files.gpus = { ...files.gpus, text: files.gpus.text.replace('A10-24GB,24,', 'A10-24GB,48,') };
    files.llms = { ...files.llms, text: files.llms.text.replace('mixtral-8x7b,46.7,12.9', 'mixtral-8x7b,12.9,46.7') };
    const error = inputErrorOf(() => parseCatalog(files));
    expect(error.message).toMatch(/^invalid catalog: 3 problems/);
    expect(error.issues.map((i) => `${i.file} ${i.field}`)).toEqual([
      'models/gpus.csv memory_gib',
      'models/llms.csv active_parameters_b',
      'models/prices.csv usd_per_hour',
    ]);
    expect(error.issues.every((i) => i.fix && i.fix.length > 0)).toBe(true);
  });
});

describe('gpus.csv interconnect column', () => {
  it('marks the PCIe cards pcie and the NVLink parts nvlink', () => {
    const gpus = parseCatalog(shippedFiles()).gpus;
    const pcie = [...gpus.values()].filter((g) => g.interconnect === 'pcie').map((g) => g.id);
    expect(pcie.sort()).toEqual(['A10-24GB', 'A100-80GB-PCIe', 'A10G-24GB', 'L4-24GB', 'L40S-48GB', 'T4-16GB', 'V100-16GB']);
    expect(gpus.get('A100-80GB-PCIe')).toMatchObject({ memoryGib: 80, bf16Tflops: 312, memoryBandwidthTBps: 1.935, interconnectGBps: 32 });
    expect(gpus.get('H100-NVL-94GB')?.interconnect).toBe('nvlink');
  });

  it('defaults by bandwidth when the column or the value is absent', () => {
    const withoutColumn = edited('gpus', (text) =>
      text
        .split('\n')
        .map((line) =>
          line
            .split(',')
            .filter((_, i) => i !== 5)
            .join(','),
        )
        .join('\n'),
    );
    const gpus = parseCatalog(withoutColumn).gpus;
    expect(gpus.get('H100-80GB')?.interconnect).toBe('nvlink'); // 450 GB/s
    expect(gpus.get('V100-32GB')?.interconnect).toBe('nvlink'); // 150 GB/s, the slowest NVLink
    expect(gpus.get('A100-80GB-PCIe')?.interconnect).toBe('pcie'); // 32 GB/s
    const empty = edited('gpus', (text) => replaceLine(text, 'L4-24GB,', 'L4-24GB,24,121,0.3,32,,PCIe card').text);
    expect(parseCatalog(empty).gpus.get('L4-24GB')?.interconnect).toBe('pcie');
  });

  it('a bad value names file, line, column and the values it may take', () => {
    let line = 0;
    const bad = edited('gpus', (text) => {
      const changed = replaceLine(text, 'L4-24GB,', 'L4-24GB,24,121,0.3,32,nvswitch,PCIe card');
      line = changed.line;
      return changed.text;
    });
    const issue = issueAt(
      inputErrorOf(() => parseCatalog(bad)),
      { file: 'models/gpus.csv', line, field: 'interconnect' },
    );
    expect(issue.message).toBe('must be nvlink or pcie (or empty)');
    expect(issue.fix).toMatch(/^interconnect is nvlink or pcie/);
  });
});
