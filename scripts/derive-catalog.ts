/**
 * Regenerates models/skus.csv, prices.csv, regions.csv and latency.csv from the SkyPilot catalog snapshots in
 * ../shared/data/gpu-prices/ (azure_, aws_, gcp_vms_gpu.csv; see models/README.md), through the same importer as
 * `planner catalog import skypilot`:
 *   npx tsx scripts/derive-catalog.ts
 * Deterministic: the same input gives byte-identical files. Prints every fix the importer made and every row
 * this script leaves out, then loads the result with the same checks as planner.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { importSkypilot, type SkypilotCloud, type SkypilotImport } from '../src/catalog/skypilot.js';
import { csvLine, readLatencyEntries } from '../src/catalog/skypilot-files.js';
import { readCatalog } from '../src/index.js';
import { writeFileAtomic } from '../src/commands/io.js';
import { packageRoot, sharedDataDir } from '../src/paths.js';
import { compareStrings } from '../src/order.js';

/**
 * What the built-in catalog keeps per cloud: regions, and VM types (the cheapest host per GPU count; sizes with
 * the same GPUs and only more host CPU/RAM or InfiniBand cost more and serve the same).
 */
const KEEP: Record<SkypilotCloud, { regions: string[]; types: string[] }> = {
  azure: {
    regions: ['centralus', 'eastus', 'eastus2', 'southcentralus', 'westus2', 'westus3'],
    types: [
      'NC40ads_H100_v5',
      'NC80adis_H100_v5',
      'ND96isr_H100_v5',
      'NC24ads_A100_v4',
      'NC48ads_A100_v4',
      'NC96ads_A100_v4',
      'ND96amsr_A100_v4',
      'ND96asr_v4',
      'NV36ads_A10_v5',
      'NV72ads_A10_v5',
      'NC4as_T4_v3',
      'NC64as_T4_v3',
      'NC6s_v3',
      'NC12s_v3',
      'NC24s_v3',
      'ND40rs_v2',
    ],
  },
  aws: {
    regions: ['us-east-1', 'us-east-2', 'us-west-2'],
    types: [
      'g4dn.xlarge',
      'g4dn.12xlarge',
      'g5.xlarge',
      'g5.12xlarge',
      'g5.48xlarge',
      'g6.xlarge',
      'g6.12xlarge',
      'g6.48xlarge',
      'g6e.xlarge',
      'g6e.12xlarge',
      'g6e.48xlarge',
      'p4d.24xlarge',
      'p4de.24xlarge',
      'p5.48xlarge',
    ],
  },
  gcp: {
    regions: ['us-central1', 'us-east4', 'us-west1'],
    types: [
      'a2-highgpu-1g',
      'a2-highgpu-2g',
      'a2-highgpu-4g',
      'a2-highgpu-8g',
      'a3-highgpu-1g',
      'a3-highgpu-2g',
      'a3-highgpu-4g',
      'a3-highgpu-8g',
      'g2-standard-4',
      'g2-standard-24',
      'g2-standard-48',
      'g2-standard-96',
      'n1-highmem-4_1xT4',
      'n1-highmem-8_2xT4',
    ],
  },
};

/**
 * Offers the snapshot prices implausibly (models/README.md): GCP's H100 costs half as much in us-central1 and
 * us-west1 as in us-east4 with the same host price, and its A100 80GB less than the A100 40GB with spot at 85 % of
 * on-demand. Neither can be told right from the data, so the built-in catalog leaves them out.
 */
const SUSPECT: { cloud: SkypilotCloud; sku: RegExp; region?: string; why: string }[] = [
  { cloud: 'gcp', sku: /^a3-highgpu-/, region: 'us-central1', why: 'H100 half the us-east4 price' },
  { cloud: 'gcp', sku: /^a3-highgpu-/, region: 'us-west1', why: 'H100 half the us-east4 price' },
  { cloud: 'gcp', sku: /^a2-ultragpu-/, why: 'A100 80GB below A100 40GB, spot 85 % of on-demand' },
];

const DISPLAY_NAMES: Readonly<Record<string, string>> = {
  'us-east-1': 'US East (N. Virginia)',
  'us-east-2': 'US East (Ohio)',
  'us-west-2': 'US West (Oregon)',
  'us-central1': 'Iowa (us-central1)',
  'us-east4': 'N. Virginia (us-east4)',
  'us-west1': 'Oregon (us-west1)',
};

/**
 * Where each region is (latitude, longitude), for round trips no one has measured. Azure: `az account
 * list-locations` metadata; AWS: the city of the region's name (AWS does not publish sites); GCP: the town its
 * region docs name (Council Bluffs, Ashburn, The Dalles).
 */
const LOCATIONS: Readonly<Record<string, readonly [number, number]>> = {
  centralus: [41.5908, -93.6208],
  eastus: [37.3719, -79.8164],
  eastus2: [36.6681, -78.3889],
  southcentralus: [29.4167, -98.5],
  westus2: [47.233, -119.852],
  westus3: [33.448376, -112.074036],
  'us-east-1': [39.04, -77.49],
  'us-east-2': [39.96, -83.0],
  'us-west-2': [45.84, -119.7],
  'us-central1': [41.26, -95.86],
  'us-east4': [39.04, -77.49],
  'us-west1': [45.59, -121.18],
};

const sourceDir = join(sharedDataDir(), 'gpu-prices');
const target = join(packageRoot(), 'models');
const left: string[] = [];
const imports: SkypilotImport[] = [];
const gpus = (await readCatalog(target)).gpus;
for (const cloud of ['azure', 'aws', 'gcp'] as const) {
  const source = join(sourceDir, `${cloud}_vms_gpu.csv`);
  if (!existsSync(source)) {
    process.stderr.write(`derive-catalog: ${source} not found; it holds the SkyPilot ${cloud} GPU VM rows (see models/README.md)\n`);
    process.exit(2);
  }
  const imported = importSkypilot(await readFile(source, 'utf8'), { file: source, cloud, regions: KEEP[cloud].regions, gpus });
  const keep = (sku: string, region: string) => {
    const suspect = SUSPECT.find((s) => s.cloud === cloud && s.sku.test(sku) && (s.region === undefined || s.region === region));
    if (suspect) left.push(`${cloud} ${sku} in ${region}: suspect price (${suspect.why})`);
    return KEEP[cloud].types.includes(sku) && !suspect;
  };
  const prices = imported.prices.filter((p) => keep(p.sku, p.region));
  const priced = new Set(prices.map((p) => p.sku));
  for (const type of KEEP[cloud].types) if (!priced.has(type)) process.stderr.write(`derive-catalog: ${cloud} ${type} has no price kept\n`);
  imports.push({ ...imported, prices, skus: imported.skus.filter((s) => priced.has(s.id)) });
  process.stdout.write(`${cloud}: ${priced.size} VM types, ${prices.length} prices; importer notes:\n`);
  for (const note of imported.notes) process.stdout.write(`  ${note}\n`);
}

const skus = imports.flatMap((i) => i.skus.map((s) => ({ ...s, cloud: i.cloud }))).sort((a, b) => compareStrings(a.id, b.id));
const prices = imports
  .flatMap((i) => i.prices)
  .sort((a, b) => compareStrings(a.sku, b.sku) || compareStrings(a.region, b.region) || compareStrings(a.purchase, b.purchase));
const regions = imports
  .flatMap((i) => i.regions.filter((r) => prices.some((p) => p.region === r)).map((id) => ({ id, cloud: i.cloud })))
  .sort((a, b) => compareStrings(a.id, b.id));

// Region names: the Azure ones as models/regions.csv has them.
const known = new Map((await readCatalog(target)).regions);
const regionLines = regions.map(({ id, cloud }) => csvLine([id, DISPLAY_NAMES[id] ?? known.get(id)?.displayName ?? id, cloud]));

/**
 * Round trips: the measured rows of models/latency.csv stay; every other pair is estimated from great-circle
 * distance by the line fitted (least squares) to the measured pairs, so the fibre route factor and the switching
 * overhead come from the same data the measured rows do.
 */
const measured = readLatencyEntries(await readFile(join(target, 'latency.csv'), 'utf8'), 'models/latency.csv').filter(
  (e) => e.source.startsWith('measured') || e.source === 'models/latency.csv',
);
const km = (a: string, b: string) => {
  const [la1, lo1] = LOCATIONS[a]!.map((v) => (v * Math.PI) / 180) as [number, number];
  const [la2, lo2] = LOCATIONS[b]!.map((v) => (v * Math.PI) / 180) as [number, number];
  const h = Math.sin((la2 - la1) / 2) ** 2 + Math.cos(la1) * Math.cos(la2) * Math.sin((lo2 - lo1) / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.sqrt(h));
};
const xs = measured.map((e) => km(e.from, e.to));
const ys = measured.map((e) => e.rttMs);
const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
const slope = xs.reduce((s, x, i) => s + (x - mean(xs)) * (ys[i]! - mean(ys)), 0) / xs.reduce((s, x) => s + (x - mean(xs)) ** 2, 0);
const intercept = mean(ys) - slope * mean(xs);
const fit = `estimated: ${intercept.toFixed(1)} ms + ${(slope * 1000).toFixed(1)} ms per 1000 km great-circle (least squares on the ${measured.length} measured Azure pairs)`;
const measuredSource = 'measured: Microsoft Learn Azure network round-trip latency statistics, P50 30 days to 2026-07-30';
const byPair = new Map(measured.map((e) => [[e.from, e.to].sort(compareStrings).join('|'), e]));
const latencyLines: string[] = [];
const ids = regions.map((r) => r.id);
for (let i = 0; i < ids.length; i++) {
  for (let j = i + 1; j < ids.length; j++) {
    const [a, b] = [ids[i]!, ids[j]!];
    const m = byPair.get([a, b].sort(compareStrings).join('|'));
    if (m) latencyLines.push(csvLine([a, b, String(m.rttMs), m.source.startsWith('measured') ? m.source : measuredSource]));
    else latencyLines.push(csvLine([a, b, String(Math.round(intercept + slope * km(a, b))), fit]));
  }
}

const file = (header: string, lines: string[]) => [header, ...lines, ''].join('\n');
await writeFileAtomic(
  join(target, 'skus.csv'),
  file(
    'id,gpu,gpus_per_vm,vcpus,memory_gib,cloud,family',
    skus.map((s) => csvLine([s.id, s.gpu, String(s.gpusPerVm), String(s.vcpus), String(s.memoryGib), s.cloud, s.family])),
  ),
);
await writeFileAtomic(
  join(target, 'prices.csv'),
  file(
    'sku,region,purchase,usd_per_hour',
    prices.map((p) => csvLine([p.sku, p.region, p.purchase, String(p.usdPerHour)])),
  ),
);
await writeFileAtomic(join(target, 'regions.csv'), file('id,display_name,cloud', regionLines));
await writeFileAtomic(join(target, 'latency.csv'), file('from,to,rtt_ms,source', latencyLines));

process.stdout.write(`Left out here: ${left.length ? '' : 'nothing'}\n`);
for (const line of [...new Set(left)].sort(compareStrings)) process.stdout.write(`  ${line}\n`);
process.stdout.write(`latency: ${fit}\n`);
// The result must load: the same checks as planner itself.
const catalog = await readCatalog(target);
process.stdout.write(`loads: ${catalog.skus.size} SKUs, ${catalog.prices.length} prices, ${catalog.regions.size} regions\n`);
