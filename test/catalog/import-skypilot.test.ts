import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCatalog } from '../../src/commands/inputs.js';
import { importSkypilot } from '../../src/catalog/skypilot.js';
import { packageRoot, sharedDataDir } from '../../src/paths.js';
import { planner } from '../cli/run.js';

/** Hand-written SkyPilot vms.csv files in the three layouts, with made-up prices (see the folder's README). */
const FIXTURES = join(packageRoot(), 'test', 'fixtures', 'skypilot');

let scratch = '';
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'planner-import-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

async function imported(cloud: string, extra: string[] = []) {
  const out = join(scratch, `${cloud}-${extra.join('').replace(/\W/g, '')}`);
  const run = await planner(['catalog', 'import', 'skypilot', join(FIXTURES, `${cloud}-vms.csv`), '--out', out, ...extra], scratch);
  const read = (name: string) => readFile(join(out, name), 'utf8');
  return { ...run, out, read };
}

describe('planner catalog import skypilot', () => {
  it('AWS: one price per region from the zone rows; spot at or above on-demand, or at exactly 10 %, is no spot', async () => {
    const { exitCode, stdout, stderr, read, out } = await imported('aws');
    expect(stderr).toBe('');
    expect(exitCode).toBe(0);
    expect(await read('skus.csv')).toBe(
      [
        'id,gpu,gpus_per_vm,vcpus,memory_gib,cloud,family',
        'g5.xlarge,A10G-24GB,1,4,16,aws,G-and-VT',
        'g6.xlarge,L4-24GB,1,4,16,aws,G-and-VT',
        'p5.48xlarge,H100-80GB,8,192,2048,aws,P',
        '',
      ].join('\n'),
    );
    // g6.xlarge us-east-1: the higher of the two zones' spot prices (0.31, 0.35); us-west-2: one zone has none,
    // the other 0.08 = 10 % of 0.8, so no spot. p5 use1-az2 lists spot 98.5 >= 98: only az1's 30 counts.
    expect(await read('prices.csv')).toBe(
      [
        'sku,region,purchase,usd_per_hour',
        'g5.xlarge,us-east-1,on-demand,1',
        'g5.xlarge,us-east-1,spot,0.4',
        'g6.xlarge,us-east-1,on-demand,0.8',
        'g6.xlarge,us-east-1,spot,0.35',
        'g6.xlarge,us-west-2,on-demand,0.8',
        'p5.48xlarge,us-east-1,on-demand,98',
        'p5.48xlarge,us-east-1,spot,30',
        '',
      ].join('\n'),
    );
    expect(await read('regions.csv')).toBe('id,display_name,cloud\nus-east-1,US East (N. Virginia),aws\nus-west-2,US West (Oregon),aws\n');
    expect(stdout).toContain('left out, GPU Inferentia2 has no planner gpu id: inf2.xlarge');
    expect(stdout).toContain('left out, no accelerator in the source: m5.xlarge');
    expect(await read('README.md')).toContain('no spot: p5.48xlarge in use1-az2 lists spot 98.5 not below on-demand 98');
    // The folder is a catalog: the same load checks as models/.
    const catalog = await readCatalog(out);
    expect(catalog.latencyMs('us-east-1', 'us-west-2')).toBeGreaterThan(0);
    expect(catalog.skus.get('p5.48xlarge')).toMatchObject({ cloud: 'aws', family: 'P', vcpus: 192 });
  });

  it('GCP: a VM is its host row plus its accelerator row in the same zone; attachable T4s get the cheapest n1 host', async () => {
    const { exitCode, stdout, read } = await imported('gcp');
    expect(exitCode).toBe(0);
    // g2-standard-4 = host 0.2 + L4 0.5; spot: zone a 0.08 + 0.2, zone b 0.09 + 0.2, the higher counts.
    // T4 x1 on n1-highmem-4 (4 vCPUs, 26 GiB >= 16): 0.25 + 0.35 and 0.06 + 0.14.
    expect(await read('prices.csv')).toBe(
      [
        'sku,region,purchase,usd_per_hour',
        'g2-standard-4,us-central1,on-demand,0.7',
        'g2-standard-4,us-central1,spot,0.29',
        'n1-highmem-4_1xT4,us-central1,on-demand,0.6',
        'n1-highmem-4_1xT4,us-central1,spot,0.2',
        '',
      ].join('\n'),
    );
    expect(await read('skus.csv')).toContain('n1-highmem-4_1xT4,T4-16GB,1,4,26,gcp,NVIDIA_T4_GPUS\n');
    expect(stdout).toContain('left out, 16 GPUs per VM (planner splits a replica over 1, 2, 4 or 8): a2-megagpu-16g');
    expect(stdout).toContain('left out, no H100 x1 accelerator row in us-east4-a for a3-highgpu-1g');
    expect(stdout).toContain('left out, no n1 host with 48 vCPUs and 192 GiB in us-central1-a for T4 x4');
  });

  it("Azure: ND96isr_H100_v5's 12 GPUs become 8, H100 spot == on-demand is no spot, NCads H100 is the NVL part", async () => {
    const { exitCode, stdout, read } = await imported('azure');
    expect(exitCode).toBe(0);
    expect(await read('skus.csv')).toBe(
      [
        'id,gpu,gpus_per_vm,vcpus,memory_gib,cloud,family',
        'NC24ads_A100_v4,A100-80GB-PCIe,1,24,220,azure,NCADSA100v4',
        'NC40ads_H100_v5,H100-NVL-94GB,1,40,320,azure,NCadsH100v5',
        'ND96isr_H100_v5,H100-80GB,8,96,1900,azure,NDSH100v5',
        '',
      ].join('\n'),
    );
    const prices = await read('prices.csv');
    expect(prices).not.toMatch(/H100_v5,eastus,spot/);
    expect(prices).toContain('NC24ads_A100_v4,westus2,spot,0.45\n');
    expect(stdout).toContain('fixed: ND96isr_H100_v5 is listed with 12 GPUs, the VM has 8; used 8');
    expect(stdout).toContain('left out, no accelerator in the source: NC8ads_A10_v4');
    // Round trips between Azure regions come from the built-in (measured) latency.csv.
    expect(await read('latency.csv')).toMatch(/^eastus,westus2,73,"measured: /m);
  });

  it('writes the same bytes every time', async () => {
    const first = await imported('gcp', ['--as-of', '2026-01-02']);
    const second = await imported('gcp', ['--as-of=2026-01-02']);
    const names = (await readdir(first.out)).sort();
    expect(names).toEqual(['README.md', 'gpus.csv', 'latency.csv', 'llms.csv', 'prices.csv', 'regions.csv', 'skus.csv', 'sources.csv']);
    for (const name of names) expect(await second.read(name), name).toBe(await first.read(name));
    expect(await first.read('sources.csv')).toMatch(/^prices\.csv,2026-01-02,SkyPilot catalog GCP gcp-vms\.csv \(sha256 [0-9a-f]{12}\)/m);
  });

  it('--regions keeps only those regions; a region without round trips is an error naming the pair and the fix', async () => {
    const east = await imported('aws', ['--regions', 'us-east-1']);
    expect(east.exitCode).toBe(0);
    expect(await east.read('regions.csv')).toBe('id,display_name,cloud\nus-east-1,US East (N. Virginia),aws\n');

    const text = (await readFile(join(FIXTURES, 'aws-vms.csv'), 'utf8')).replace(/us-west-2,usw2-/g, 'eu-west-9,euw9-');
    await writeFile(join(scratch, 'eu.csv'), text);
    const out = join(scratch, 'eu');
    const failed = await planner(['catalog', 'import', 'skypilot', 'eu.csv', '--out', out], scratch);
    expect(failed.exitCode).toBe(2);
    expect(failed.stderr).toContain('no round-trip time for eu-west-9 <-> us-east-1');
    expect(failed.stderr).toContain(
      '(fix: pass --latency FILE with a row eu-west-9,us-east-1,<rtt_ms>,<source>, or keep fewer regions with --regions)',
    );
    expect(existsSync(out)).toBe(false);

    await writeFile(join(scratch, 'rtt.csv'), 'from,to,rtt_ms,source\nus-east-1,eu-west-9,75,my measurement\n');
    const fixed = await planner(['catalog', 'import', 'skypilot', 'eu.csv', '--out', out, '--latency', 'rtt.csv'], scratch);
    expect(fixed.exitCode, fixed.stderr).toBe(0);
    expect(await readFile(join(out, 'latency.csv'), 'utf8')).toBe('from,to,rtt_ms,source\neu-west-9,us-east-1,75,my measurement\n');
  });

  it('bad input exits 2 naming file, line and field', async () => {
    const wrongCloud = await planner([
      'catalog',
      'import',
      'skypilot',
      join(FIXTURES, 'gcp-vms.csv'),
      '--cloud',
      'aws',
      '--out',
      join(scratch, 'x'),
    ]);
    expect(wrongCloud.exitCode).toBe(2);
    expect(wrongCloud.stderr).toMatch(/gcp-vms\.csv:1 header: this is a SkyPilot gcp catalog, not aws \(fix: use --cloud gcp\)/);

    await writeFile(join(scratch, 'plain.csv'), 'sku,price\na,1\n');
    const header = await planner(['catalog', 'import', 'skypilot', 'plain.csv'], scratch);
    expect(header.exitCode).toBe(2);
    expect(header.stderr).toContain('plain.csv:1 header: not a SkyPilot vms.csv header: sku,price');

    const text = (await readFile(join(FIXTURES, 'aws-vms.csv'), 'utf8')).replace(',0.8,0.35,', ',0.8O,0.35,');
    await writeFile(join(scratch, 'typo.csv'), text);
    const typo = await planner(['catalog', 'import', 'skypilot', 'typo.csv'], scratch);
    expect(typo.exitCode).toBe(2);
    expect(typo.stderr).toContain("typo.csv:4 Price: '0.8O' is not a number (fix: Price is a number (or empty when not offered))");

    const format = await planner(['catalog', 'import', 'skypilt', 'typo.csv'], scratch);
    expect(format.exitCode).toBe(2);
    expect(format.stderr).toContain("unknown import format 'skypilt' (fix: did you mean 'skypilot'?)");
  });

  const shared = join(sharedDataDir(), 'gpu-prices');
  it.skipIf(!existsSync(shared))(
    'imports the SkyPilot snapshots in ../shared/data/gpu-prices, and models/ holds what they give (skipped without that folder)',
    async () => {
      const builtin = await readCatalog(join(packageRoot(), 'models'));
      for (const cloud of ['aws', 'gcp', 'azure'] as const) {
        const result = importSkypilot(await readFile(join(shared, `${cloud}_vms_gpu.csv`), 'utf8'), { file: cloud, gpus: builtin.gpus });
        expect(result.cloud).toBe(cloud);
        // The file's regions the built-in catalog has round trips for (Azure's file has two more).
        const regions = [...builtin.regions.values()].filter((r) => r.cloud === cloud).map((r) => r.id);
        const out = join(scratch, `shared-${cloud}`);
        const run = await planner([
          'catalog',
          'import',
          'skypilot',
          join(shared, `${cloud}_vms_gpu.csv`),
          '--out',
          out,
          '--regions',
          regions.join(','),
        ]);
        expect(run.exitCode, run.stderr).toBe(0);
        // Every built-in price of this cloud is the importer's figure for that sku and region.
        const byKey = new Map(result.prices.map((p) => [`${p.sku}|${p.region}|${p.purchase}`, p.usdPerHour]));
        const mine = builtin.prices.filter((p) => builtin.skus.get(p.sku)!.cloud === cloud);
        expect(mine.length).toBeGreaterThan(0);
        for (const price of mine)
          expect(byKey.get(`${price.sku}|${price.region}|${price.purchase}`), `${price.sku} ${price.region}`).toBe(price.usdPerHour);
      }
    },
  );
});
