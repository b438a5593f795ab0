import { InputError, type InputIssue } from '../errors.js';
import { compareStrings } from '../order.js';
import { readCsvRecords } from '../csv-records.js';
import { GPUS_PER_VM, KNOWN_GPUS_PER_VM } from './schema.js';
import type { Gpu } from './types.js';

/**
 * A SkyPilot catalog `vms.csv` (AWS, GCP or Azure) -> the SKU and price rows of a planner catalog (pure; no
 * file system). The three clouds' files have different headers; each cloud's known anomalies are fixed or
 * left out here, and every fix is returned as a note, so the result passes the catalog's load checks.
 */

export const SKYPILOT_CLOUDS = ['aws', 'azure', 'gcp'] as const;
export type SkypilotCloud = (typeof SKYPILOT_CLOUDS)[number];

const HEADERS: Record<SkypilotCloud, readonly string[]> = {
  aws: [
    'InstanceType',
    'AcceleratorName',
    'AcceleratorCount',
    'vCPUs',
    'MemoryGiB',
    'GpuInfo',
    'Price',
    'SpotPrice',
    'Region',
    'AvailabilityZone',
  ],
  azure: [
    'InstanceType',
    'AcceleratorName',
    'AcceleratorCount',
    'vCPUs',
    'MemoryGiB',
    'GpuInfo',
    'Price',
    'SpotPrice',
    'Region',
    'Generation',
  ],
  gcp: [
    'InstanceType',
    'vCPUs',
    'MemoryGiB',
    'AcceleratorName',
    'AcceleratorCount',
    'GpuInfo',
    'Region',
    'AvailabilityZone',
    'Price',
    'SpotPrice',
  ],
};
/** Columns a newer catalog layout adds (v8 AWS: Arch); ignored. */
const EXTRA_COLUMNS = new Set(['Arch']);

/** SkyPilot's accelerator names -> planner gpu ids. Names not here (K80, P100, H200, Radeon, ...) are left out. */
export const SKYPILOT_GPUS: Readonly<Record<string, string>> = {
  A10: 'A10-24GB',
  A10G: 'A10G-24GB',
  A100: 'A100-40GB',
  'A100-80GB': 'A100-80GB',
  H100: 'H100-80GB',
  L4: 'L4-24GB',
  L40S: 'L40S-48GB',
  T4: 'T4-16GB',
  V100: 'V100-16GB',
  'V100-32GB': 'V100-32GB',
};

/**
 * VM types whose GPU SkyPilot's name does not tell apart: Azure's NCads H100 v5 has the PCIe H100 NVL, not
 * the SXM part, and NCads A100 v4 the PCIe A100 80GB (no NVLink).
 */
const GPU_BY_TYPE: Readonly<Record<string, string>> = {
  NC40ads_H100_v5: 'H100-NVL-94GB',
  NC80adis_H100_v5: 'H100-NVL-94GB',
  NC24ads_A100_v4: 'A100-80GB-PCIe',
  NC48ads_A100_v4: 'A100-80GB-PCIe',
  NC96ads_A100_v4: 'A100-80GB-PCIe',
};

/** Azure quota families (vCPUs per family and region) of the sizes whose family the generic rule gets wrong. */
const AZURE_FAMILIES: Readonly<Record<string, string>> = {
  NC24ads_A100_v4: 'NCADSA100v4',
  NC48ads_A100_v4: 'NCADSA100v4',
  NC96ads_A100_v4: 'NCADSA100v4',
  ND96amsr_A100_v4: 'NDAMSv4_A100',
  ND96asr_v4: 'NDASv4_A100',
  NC40ads_H100_v5: 'NCadsH100v5',
  NC80adis_H100_v5: 'NCadsH100v5',
  ND96isr_H100_v5: 'NDSH100v5',
  NV36ads_A10_v5: 'NVADSA10v5',
  NV72ads_A10_v5: 'NVADSA10v5',
  NC4as_T4_v3: 'NCASv3_T4',
  NC64as_T4_v3: 'NCASv3_T4',
  NC6s_v3: 'NCSv3',
  NC12s_v3: 'NCSv3',
  NC24s_v3: 'NCSv3',
  ND40rs_v2: 'NDSv2',
};

/**
 * The quota family a VM type counts against, as each cloud sets quotas: AWS vCPUs per instance-family group
 * ("Running On-Demand G and VT instances"), Azure vCPUs per VM family, GCP GPUs per GPU type and region.
 */
export function skypilotFamily(cloud: SkypilotCloud, instanceType: string, acceleratorName: string): string {
  if (cloud === 'gcp') return `NVIDIA_${acceleratorName.toUpperCase().replace(/-/g, '_')}_GPUS`;
  if (cloud === 'azure') {
    // Generic rule: the size without its vCPU count and underscores (NC24ads_A100_v4 -> NCadsA100v4).
    return AZURE_FAMILIES[instanceType] ?? instanceType.replace(/^([A-Z]+)\d+/, '$1').replace(/_/g, '');
  }
  const prefix = /^[a-z]+/.exec(instanceType)?.[0] ?? '';
  if (/^(g|vt)\d/.test(instanceType)) return 'G-and-VT';
  if (/^p\d/.test(instanceType)) return 'P';
  const named: Record<string, string> = { inf: 'Inf', trn: 'Trn', dl: 'DL', f: 'F', x: 'X' };
  return named[prefix] ?? 'Standard';
}

/** GCP hosts that come with their GPUs built in: machine type -> accelerator name and count. */
function gcpFixedHost(machine: string): { name: string; count: number } | undefined {
  const sized = /^(a2-highgpu|a2-megagpu|a2-ultragpu|a3-highgpu)-(\d+)g$/.exec(machine);
  if (sized) {
    const name = sized[1] === 'a2-ultragpu' ? 'A100-80GB' : sized[1] === 'a3-highgpu' ? 'H100' : 'A100';
    return { name, count: Number(sized[2]) };
  }
  const g2 = /^g2-standard-(\d+)$/.exec(machine);
  if (g2) {
    const count = ({ 24: 2, 48: 4, 96: 8 } as Record<string, number>)[g2[1]!] ?? 1;
    return { name: 'L4', count };
  }
  return undefined;
}

/** GPUs attached to an n1 VM: SkyPilot's default host is the cheapest n1 with this many vCPUs and 4 GiB per vCPU. */
const GCP_ATTACHED_VCPUS: Readonly<Record<string, Readonly<Record<number, number>>>> = {
  T4: { 1: 4, 2: 8, 4: 48 },
  V100: { 1: 8, 2: 16, 4: 32, 8: 64 },
};

export interface SkypilotSku {
  id: string;
  gpu: string;
  gpusPerVm: number;
  vcpus: number;
  memoryGib: number;
  family: string;
}

export interface SkypilotPrice {
  sku: string;
  region: string;
  purchase: 'on-demand' | 'spot';
  usdPerHour: number;
}

export interface SkypilotImport {
  cloud: SkypilotCloud;
  skus: SkypilotSku[];
  prices: SkypilotPrice[];
  /** Regions with at least one offer, sorted. */
  regions: string[];
  /** Every fix and every row left out, sorted, one line each. */
  notes: string[];
}

export interface SkypilotImportOptions {
  /** The file as the user named it (for errors). */
  file: string;
  /** Which cloud's file; told from the header when absent, and checked against it when given. */
  cloud?: SkypilotCloud;
  /** Keep only these regions (all when absent). */
  regions?: readonly string[];
  /** The GPUs the catalog knows (for the memory check and gpu references). */
  gpus: ReadonlyMap<string, Gpu>;
}

/** One VM offer in one zone (GCP: host and GPUs added) before zones are folded into a region. */
interface ZoneOffer {
  line: number;
  sku: SkypilotSku;
  region: string;
  zone: string;
  onDemand: number | undefined;
  spot: number | undefined;
}

type Cells = Record<string, string>;

export function importSkypilot(text: string, options: SkypilotImportOptions): SkypilotImport {
  const { file } = options;
  const read = readCsvRecords(text, file, { trim: true });
  if ('issue' in read) throw new InputError([read.issue], `cannot read ${file}`);
  const [head, ...rows] = read.records;
  const header = head?.record ?? [];
  const cloud = tellCloud(header, options.cloud, file);
  const issues: InputIssue[] = [];
  const notes = new Set<string>();
  const note = (message: string) => notes.add(message);

  const cells: { line: number; cells: Cells }[] = [];
  for (const { record, info } of rows) {
    if (record.length !== header.length) {
      issues.push({
        file,
        line: info.lines,
        field: 'row',
        message: `${record.length} values, the header has ${header.length}`,
        fix: 'one value per column; quote values that contain commas',
      });
      continue;
    }
    cells.push({ line: info.lines, cells: Object.fromEntries(header.map((name, i) => [name, record[i]!])) });
  }
  const number = (row: { line: number; cells: Cells }, field: string): number | undefined => {
    const raw = row.cells[field] ?? '';
    if (raw === '') return undefined;
    const value = Number(raw);
    if (!Number.isFinite(value)) {
      issues.push({
        file,
        line: row.line,
        field,
        message: `'${raw}' is not a number`,
        fix: `${field} is a number (or empty when not offered)`,
      });
      return undefined;
    }
    return value;
  };
  const wanted = (region: string) => !options.regions || options.regions.includes(region);

  const offers: ZoneOffer[] = [];
  const vm = (
    line: number,
    instanceType: string,
    accelerator: string,
    count: number,
    vcpus: number | undefined,
    memoryGib: number | undefined,
    gpuMiB: number | undefined,
  ) => {
    const id = cloud === 'azure' ? instanceType.replace(/^Standard_/, '') : instanceType;
    const gpu = GPU_BY_TYPE[id] ?? SKYPILOT_GPUS[accelerator];
    if (accelerator === '') return void note(`left out, no accelerator in the source: ${id}`);
    if (!gpu) return void note(`left out, GPU ${accelerator} has no planner gpu id: ${id}`);
    if (/_Promo$/.test(id)) return void note(`left out, promotional size: ${id}`);
    if (!options.gpus.has(gpu)) return void note(`left out, gpu ${gpu} is not in the catalog's gpus.csv: ${id}`);
    const real = KNOWN_GPUS_PER_VM[id];
    if (real !== undefined && real !== count) note(`fixed: ${id} is listed with ${count} GPUs, the VM has ${real}; used ${real}`);
    const gpus = real ?? count;
    if (!(GPUS_PER_VM as readonly number[]).includes(gpus))
      return void note(`left out, ${gpus} GPUs per VM (planner splits a replica over 1, 2, 4 or 8): ${id}`);
    if (vcpus === undefined || !(vcpus > 0) || memoryGib === undefined || !(memoryGib > 0)) {
      issues.push({
        file,
        line,
        field: 'vCPUs',
        message: `${id} has no vCPU count or memory`,
        fix: 'vCPUs and MemoryGiB are positive numbers on a VM row',
      });
      return undefined;
    }
    const known = options.gpus.get(gpu)!;
    if (gpuMiB !== undefined && Math.abs(gpuMiB / 1024 - known.memoryGib) > 0.1 * known.memoryGib)
      return void note(`left out, ${id} reports ${round(gpuMiB / 1024)} GiB per GPU, not the ${known.memoryGib} GiB of ${gpu}`);
    return { id, gpu, gpusPerVm: gpus, vcpus: Math.round(vcpus), memoryGib: memoryGib, family: skypilotFamily(cloud, id, accelerator) };
  };

  if (cloud === 'gcp') {
    // Host rows price the VM without GPUs; accelerator rows price N GPUs; a GPU VM is one of each in the same zone.
    const hosts = new Map<
      string,
      { line: number; machine: string; vcpus: number | undefined; memoryGib: number | undefined; onDemand?: number; spot?: number }[]
    >();
    const accelerators = new Map<string, { line: number; onDemand?: number; spot?: number; mib?: number }>();
    for (const row of cells) {
      const c = row.cells;
      if (!wanted(c.Region!)) continue;
      const onDemand = number(row, 'Price');
      const spot = number(row, 'SpotPrice');
      if (c.InstanceType !== '') {
        const list = hosts.get(c.AvailabilityZone!) ?? [];
        list.push({
          line: row.line,
          machine: c.InstanceType!,
          vcpus: number(row, 'vCPUs'),
          memoryGib: number(row, 'MemoryGiB'),
          onDemand,
          spot,
        });
        hosts.set(c.AvailabilityZone!, list);
      } else if (c.AcceleratorName !== '') {
        const mib = /'SizeInMiB':\s*(\d+)/.exec(c.GpuInfo ?? '')?.[1];
        accelerators.set(`${c.AcceleratorName}|${number(row, 'AcceleratorCount')}|${c.AvailabilityZone}`, {
          line: row.line,
          onDemand,
          spot,
          mib: mib ? Number(mib) : undefined,
        });
      }
    }
    const regionOf = new Map(cells.map((r) => [r.cells.AvailabilityZone!, r.cells.Region!]));
    const add = (
      line: number,
      sku: SkypilotSku | undefined,
      zone: string,
      host: { onDemand?: number; spot?: number },
      gpus: { onDemand?: number; spot?: number },
    ) => {
      if (!sku) return;
      const sum = (a?: number, b?: number) => (a === undefined || b === undefined ? undefined : a + b);
      offers.push({
        line,
        sku,
        region: regionOf.get(zone)!,
        zone,
        onDemand: sum(host.onDemand, gpus.onDemand),
        spot: sum(host.spot, gpus.spot),
      });
    };
    for (const [zone, list] of [...hosts].sort(([a], [b]) => compareStrings(a, b))) {
      for (const host of list) {
        const fixed = gcpFixedHost(host.machine);
        if (!fixed) continue;
        const gpus = accelerators.get(`${fixed.name}|${fixed.count}|${zone}`);
        if (!gpus) {
          note(`left out, no ${fixed.name} x${fixed.count} accelerator row in ${zone} for ${host.machine}`);
          continue;
        }
        add(host.line, vm(host.line, host.machine, fixed.name, fixed.count, host.vcpus, host.memoryGib, gpus.mib), zone, host, gpus);
      }
    }
    for (const [key, gpus] of [...accelerators].sort(([a], [b]) => compareStrings(a, b))) {
      const [name, countText, zone] = key.split('|') as [string, string, string];
      const count = Number(countText);
      const need = GCP_ATTACHED_VCPUS[name]?.[count];
      if (need === undefined) {
        if (!GCP_ATTACHED_VCPUS[name] && ![...(hosts.get(zone) ?? [])].some((h) => gcpFixedHost(h.machine)?.name === name))
          note(`left out, ${name} x${count} has no host VM this importer knows`);
        continue;
      }
      // The cheapest n1 host in the zone with enough vCPUs and memory (ties by name), as SkyPilot picks it.
      const host = (hosts.get(zone) ?? [])
        .filter((h) => h.machine.startsWith('n1-') && (h.vcpus ?? 0) >= need && (h.memoryGib ?? 0) >= 4 * need && h.onDemand !== undefined)
        .sort((a, b) => a.onDemand! - b.onDemand! || compareStrings(a.machine, b.machine))[0];
      if (!host) {
        note(`left out, no n1 host with ${need} vCPUs and ${4 * need} GiB in ${zone} for ${name} x${count}`);
        continue;
      }
      const sku = vm(gpus.line, host.machine, name, count, host.vcpus, host.memoryGib, gpus.mib);
      add(gpus.line, sku && { ...sku, id: `${host.machine}_${count}x${name}` }, zone, host, gpus);
    }
  } else {
    for (const row of cells) {
      const c = row.cells;
      if (!wanted(c.Region!)) continue;
      const count = number(row, 'AcceleratorCount') ?? 0;
      const info = c.GpuInfo ?? '';
      const listed = /'Count':\s*(\d+)/.exec(info)?.[1];
      const mib = /'SizeInMiB':\s*(\d+)/.exec(info)?.[1];
      const type = c.InstanceType!;
      if (cloud === 'aws' && listed !== undefined && Number(listed) !== count && KNOWN_GPUS_PER_VM[type] === undefined) {
        note(`left out, ${type} says ${count} GPUs but its GpuInfo says ${listed}`);
        continue;
      }
      const sku = vm(
        row.line,
        type,
        c.AcceleratorName!,
        count,
        number(row, 'vCPUs'),
        number(row, 'MemoryGiB'),
        mib ? Number(mib) : undefined,
      );
      if (!sku) continue;
      offers.push({
        line: row.line,
        sku,
        region: c.Region!,
        zone: cloud === 'aws' ? c.AvailabilityZone! : c.Region!,
        onDemand: number(row, 'Price'),
        spot: number(row, 'SpotPrice'),
      });
    }
  }
  if (issues.length)
    throw new InputError(issues, `invalid SkyPilot ${cloud} catalog ${file}: ${issues.length} problem${issues.length === 1 ? '' : 's'}`);

  const { skus, prices } = foldZones(offers, file, note);
  return {
    cloud,
    skus,
    prices,
    regions: [...new Set(prices.map((p) => p.region))].sort(compareStrings),
    notes: [...notes].sort(compareStrings),
  };
}

/**
 * Zone rows -> one on-demand and at most one spot price per (sku, region). On-demand is the highest of the zones
 * (they agree in the clouds' list prices); spot is the highest real spot price of the zones, so the plan's spot
 * cost holds whichever zone the VMs land in. A spot price not below on-demand, or at exactly 10 % of it (a floor
 * seen in the AWS data, not a market price), is no spot price.
 */
function foldZones(offers: ZoneOffer[], file: string, note: (message: string) => void): { skus: SkypilotSku[]; prices: SkypilotPrice[] } {
  const skus = new Map<string, SkypilotSku>();
  const byRegion = new Map<string, ZoneOffer[]>();
  for (const offer of offers) {
    const known = skus.get(offer.sku.id);
    if (known && JSON.stringify(known) !== JSON.stringify(offer.sku))
      throw new InputError({
        file,
        line: offer.line,
        field: 'InstanceType',
        message: `${offer.sku.id} rows disagree on vCPUs, memory or GPUs`,
        fix: 'keep one description per instance type',
      });
    skus.set(offer.sku.id, offer.sku);
    const key = `${offer.sku.id}|${offer.region}`;
    byRegion.set(key, [...(byRegion.get(key) ?? []), offer]);
  }
  const prices: SkypilotPrice[] = [];
  const priced = new Set<string>();
  for (const [key, zones] of byRegion) {
    const [sku, region] = key.split('|') as [string, string];
    const onDemands = zones.map((z) => z.onDemand).filter((v): v is number => v !== undefined && v > 0);
    if (zones.some((z) => z.onDemand !== undefined && !(z.onDemand > 0))) note(`left out, a price of 0 or less: ${sku} in ${region}`);
    if (!onDemands.length) {
      note(`left out, no on-demand price: ${sku} in ${region}`);
      continue;
    }
    const onDemand = Math.max(...onDemands);
    if (Math.min(...onDemands) !== onDemand)
      note(`fixed: ${sku} in ${region} has on-demand prices ${Math.min(...onDemands)} to ${onDemand} across zones; used ${onDemand}`);
    prices.push({ sku, region, purchase: 'on-demand', usdPerHour: round(onDemand) });
    priced.add(sku);
    const spots: number[] = [];
    for (const zone of zones) {
      if (zone.spot === undefined) continue;
      const at = zones.length > 1 ? `${sku} in ${zone.zone}` : `${sku} in ${region}`;
      if (zone.spot >= onDemand) note(`no spot: ${at} lists spot ${round(zone.spot)} not below on-demand ${round(onDemand)}`);
      else if (Math.abs(zone.spot - 0.1 * onDemand) <= 1e-9 * onDemand)
        note(`no spot: ${at} lists spot at exactly 10 % of on-demand (${round(zone.spot)}), a floor, not a market price`);
      else if (zone.spot > 0) spots.push(zone.spot);
    }
    if (spots.length) prices.push({ sku, region, purchase: 'spot', usdPerHour: round(Math.max(...spots)) });
  }
  return {
    skus: [...skus.values()].filter((s) => priced.has(s.id)).sort((a, b) => compareStrings(a.id, b.id)),
    prices: prices.sort(
      (a, b) => compareStrings(a.sku, b.sku) || compareStrings(a.region, b.region) || compareStrings(a.purchase, b.purchase),
    ),
  };
}

function tellCloud(header: readonly string[], given: SkypilotCloud | undefined, file: string): SkypilotCloud {
  const columns = header.filter((name) => !EXTRA_COLUMNS.has(name));
  const matches = SKYPILOT_CLOUDS.filter((cloud) => HEADERS[cloud].join(',') === columns.join(','));
  const told = matches[0];
  if (given !== undefined && told !== given) {
    throw new InputError({
      file,
      line: 1,
      field: 'header',
      message: told ? `this is a SkyPilot ${told} catalog, not ${given}` : `not a SkyPilot ${given} vms.csv header`,
      fix: told ? `use --cloud ${told}` : `a ${given} vms.csv starts with ${HEADERS[given].join(',')}`,
    });
  }
  if (!told) {
    throw new InputError({
      file,
      line: 1,
      field: 'header',
      message: `not a SkyPilot vms.csv header: ${header.join(',') || '(empty)'}`,
      fix: SKYPILOT_CLOUDS.map((cloud) => `${cloud}: ${HEADERS[cloud].join(',')}`).join('; '),
    });
  }
  return told;
}

/** Prices and memory as decimal text without binary noise from the GCP host + accelerator sum. */
function round(value: number): number {
  return Number(value.toFixed(6));
}
