/**
 * Regenerates models/skus.csv and models/prices.csv from the SkyPilot Azure catalog snapshot in
 * ../shared/data/gpu-prices/azure_vms_gpu.csv (see models/README.md):
 *   npx tsx scripts/derive-catalog.ts
 * Deterministic: the same input gives byte-identical files. Fixes the snapshot's known anomalies and prints each fix.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { KNOWN_GPUS_PER_VM } from '../src/catalog/schema.js';
import { readCatalog } from '../src/index.js';
import { writeFileAtomic } from '../src/commands/io.js';
import { packageRoot, sharedDataDir } from '../src/paths.js';
import { compareStrings } from '../src/order.js';

const REGIONS = ['centralus', 'eastus', 'eastus2', 'southcentralus', 'westus2', 'westus3'];

/**
 * The VM sizes kept, with the GPU each really has (SkyPilot's AcceleratorName does not tell the PCIe H100 NVL in
 * NCads H100 v5 from the SXM H100 in ND H100 v5). Left out on purpose: sizes with the same single GPU and only
 * more host CPU/RAM (NC8as/NC16as_T4_v3, NV36adms_A10_v5) or InfiniBand (NC24rs_v3), which cost more and serve the same.
 */
const KEPT: Readonly<Record<string, string>> = {
  NC40ads_H100_v5: 'H100-NVL-94GB',
  NC80adis_H100_v5: 'H100-NVL-94GB',
  ND96isr_H100_v5: 'H100-80GB',
  NC24ads_A100_v4: 'A100-80GB',
  NC48ads_A100_v4: 'A100-80GB',
  NC96ads_A100_v4: 'A100-80GB',
  ND96amsr_A100_v4: 'A100-80GB',
  ND96asr_v4: 'A100-40GB',
  NV36ads_A10_v5: 'A10-24GB',
  NV72ads_A10_v5: 'A10-24GB',
  NC4as_T4_v3: 'T4-16GB',
  NC64as_T4_v3: 'T4-16GB',
  NC6s_v3: 'V100-16GB',
  NC12s_v3: 'V100-16GB',
  NC24s_v3: 'V100-16GB',
  ND40rs_v2: 'V100-32GB',
};

interface SourceRow {
  InstanceType: string;
  AcceleratorName: string;
  AcceleratorCount: string;
  vCPUs: string;
  MemoryGiB: string;
  Price: string;
  SpotPrice: string;
  Region: string;
}

const source = join(sharedDataDir(), 'gpu-prices', 'azure_vms_gpu.csv');
const target = join(packageRoot(), 'models');
if (!existsSync(source)) {
  process.stderr.write(`derive-catalog: ${source} not found; it holds the SkyPilot Azure GPU VM rows (see models/README.md)\n`);
  process.exit(2);
}

const rows = parse(await readFile(source, 'utf8'), { columns: true, skip_empty_lines: true }) as SourceRow[];
const notes = new Set<string>();
const dropped = new Map<string, Set<string>>();
const drop = (reason: string, sku: string) => dropped.set(reason, (dropped.get(reason) ?? new Set()).add(sku));

const skus = new Map<string, { gpu: string; gpus: number; vcpus: number; memoryGib: number }>();
const prices: Array<{ sku: string; region: string; purchase: 'on-demand' | 'spot'; usd: number }> = [];
for (const row of rows) {
  const sku = row.InstanceType.replace(/^Standard_/, '');
  const gpu = KEPT[sku];
  if (!gpu) {
    if (/K80|M60|Radeon/.test(row.AcceleratorName)) drop('legacy GPU (K80, M60, Radeon MI25)', sku);
    else if (sku.endsWith('_Promo')) drop('promo size', sku);
    else if (row.AcceleratorName === '')
      drop('no accelerator in the source (partitioned A10, confidential H100, AMD V620, unpriced ND40s_v3)', sku);
    else drop('same GPU as a kept size, only more host CPU/RAM or InfiniBand', sku);
    continue;
  }
  if (!REGIONS.includes(row.Region)) continue;
  const gpus = KNOWN_GPUS_PER_VM[sku];
  if (gpus === undefined) throw new Error(`${sku}: add its real GPU count to KNOWN_GPUS_PER_VM in src/catalog/schema.ts`);
  if (Number(row.AcceleratorCount) !== gpus)
    notes.add(`${sku}: source says ${row.AcceleratorCount} GPUs, the VM has ${gpus}; used ${gpus}`);
  const spec = { gpu, gpus, vcpus: Number(row.vCPUs), memoryGib: Number(row.MemoryGiB) };
  const known = skus.get(sku);
  if (known && JSON.stringify(known) !== JSON.stringify(spec)) throw new Error(`${sku}: rows disagree on vCPUs or memory`);
  skus.set(sku, spec);

  const onDemand = row.Price === '' ? NaN : Number(row.Price);
  const spot = row.SpotPrice === '' ? NaN : Number(row.SpotPrice);
  if (!(onDemand > 0)) {
    notes.add(`${sku} ${row.Region}: no on-demand price in the source; row left out`);
    continue;
  }
  prices.push({ sku, region: row.Region, purchase: 'on-demand', usd: onDemand });
  if (!(spot > 0)) notes.add(`${sku} ${row.Region}: no spot price in the source`);
  else if (spot >= onDemand)
    notes.add(`${sku} ${row.Region}: spot ${spot} is not below on-demand ${onDemand} (no real spot price captured); spot row left out`);
  else prices.push({ sku, region: row.Region, purchase: 'spot', usd: spot });
}

const skuLines = [...skus.entries()]
  .sort(([a], [b]) => compareStrings(a, b))
  .map(([id, s]) => `${id},${s.gpu},${s.gpus},${s.vcpus},${s.memoryGib},azure`);
const priceLines = prices
  .sort((a, b) => compareStrings(a.sku, b.sku) || compareStrings(a.region, b.region) || compareStrings(a.purchase, b.purchase))
  .map((p) => `${p.sku},${p.region},${p.purchase},${p.usd}`);
await writeFileAtomic(join(target, 'skus.csv'), ['id,gpu,gpus_per_vm,vcpus,memory_gib,cloud', ...skuLines, ''].join('\n'));
await writeFileAtomic(join(target, 'prices.csv'), ['sku,region,purchase,usd_per_hour', ...priceLines, ''].join('\n'));

for (const sku of Object.keys(KEPT))
  if (!skus.has(sku)) process.stderr.write(`derive-catalog: ${sku} has no row in ${REGIONS.join(', ')}\n`);
process.stdout.write(`${join(target, 'skus.csv')}: ${skus.size} SKUs\n`);
process.stdout.write(
  `${join(target, 'prices.csv')}: ${prices.filter((p) => p.purchase === 'on-demand').length} on-demand and ${prices.filter((p) => p.purchase === 'spot').length} spot prices in ${REGIONS.join(', ')}\n`,
);
process.stdout.write('Fixed or left out:\n');
for (const note of [...notes].sort()) process.stdout.write(`  ${note}\n`);
for (const [reason, names] of [...dropped.entries()].sort(([a], [b]) => compareStrings(a, b)))
  process.stdout.write(`  dropped, ${reason}: ${[...names].sort().join(', ')}\n`);

// The result must load: the same checks as planner itself.
const catalog = await readCatalog(target);
process.stdout.write(`loads: ${catalog.skus.size} SKUs, ${catalog.prices.length} prices, ${catalog.regions.size} regions\n`);
