import { InputError, type InputIssue } from '../errors.js';
import { compareStrings } from '../order.js';
import { readCsvRecords } from '../csv-records.js';
import type { SkypilotImport } from './skypilot.js';

/** What an imported catalog takes from a base catalog (the built-in models/): GPUs, llms, region names, round trips. */
export interface ImportBase {
  gpusCsv: string;
  llmsCsv: string;
  /** Display name and cloud per known region id. */
  regions: ReadonlyMap<string, { displayName: string; cloud: string }>;
  /** Round trips: from, to, rtt_ms and source, as rows of latency.csv. */
  latency: readonly LatencyEntry[];
  /** sources.csv rows of the base for gpus.csv and llms.csv. */
  sources: ReadonlyMap<string, { date: string; source: string }>;
}

export interface LatencyEntry {
  from: string;
  to: string;
  rttMs: number;
  source: string;
}

export interface ImportedFiles {
  /** File name in the catalog folder -> content, in write order. */
  files: [string, string][];
}

/**
 * An import and its base -> the texts of a catalog folder (deterministic bytes: sorted rows, no time). Round trips
 * come from `extraLatency` first, then the base; a region pair with neither is an error naming the pairs.
 */
export function importedCatalogFiles(
  imported: SkypilotImport,
  base: ImportBase,
  meta: { sourceName: string; sha256: string; asOf: string; extraLatency: readonly LatencyEntry[]; latencyFile?: string },
): ImportedFiles {
  const key = (a: string, b: string) => (compareStrings(a, b) <= 0 ? `${a}|${b}` : `${b}|${a}`);
  const rtt = new Map<string, LatencyEntry>();
  for (const entry of base.latency) rtt.set(key(entry.from, entry.to), entry);
  for (const entry of meta.extraLatency) rtt.set(key(entry.from, entry.to), entry);
  const regions = imported.regions;
  const latencyLines: string[] = [];
  const missing: string[] = [];
  for (let i = 0; i < regions.length; i++) {
    for (let j = i + 1; j < regions.length; j++) {
      const entry = rtt.get(key(regions[i]!, regions[j]!));
      if (entry) latencyLines.push(csvLine([regions[i]!, regions[j]!, String(entry.rttMs), entry.source]));
      else missing.push(`${regions[i]},${regions[j]}`);
    }
  }
  if (missing.length) {
    const issues: InputIssue[] = missing.map((pair) => ({
      ...(meta.latencyFile ? { file: meta.latencyFile } : {}),
      field: 'from,to',
      message: `no round-trip time for ${pair.replace(',', ' <-> ')} (not in the built-in latency.csv${meta.latencyFile ? ' nor in this file' : ''})`,
      fix: `pass --latency FILE with a row ${pair},<rtt_ms>,<source>, or keep fewer regions with --regions`,
    }));
    throw new InputError(issues, `${missing.length} region pair${missing.length === 1 ? '' : 's'} without a round-trip time`);
  }

  const cloudName = { aws: 'AWS', azure: 'Azure', gcp: 'GCP' }[imported.cloud];
  const origin = `SkyPilot catalog ${cloudName} ${meta.sourceName} (sha256 ${meta.sha256.slice(0, 12)}); imported by planner catalog import skypilot`;
  const skuLines = imported.skus.map((s) =>
    csvLine([s.id, s.gpu, String(s.gpusPerVm), String(s.vcpus), String(s.memoryGib), imported.cloud, s.family]),
  );
  const priceLines = imported.prices.map((p) => csvLine([p.sku, p.region, p.purchase, String(p.usdPerHour)]));
  const regionLines = regions.map((id) => csvLine([id, base.regions.get(id)?.displayName ?? id, imported.cloud]));
  const sourceRow = (file: string, date: string, source: string) => csvLine([file, date, source]);
  const baseSource = (file: string) => base.sources.get(file) ?? { date: 'unknown', source: 'planner built-in catalog' };
  const sources = [
    sourceRow('gpus.csv', baseSource('gpus.csv').date, `planner built-in gpus.csv: ${baseSource('gpus.csv').source}`),
    sourceRow('latency.csv', meta.asOf, 'per row (source column): the built-in latency.csv or --latency'),
    sourceRow('llms.csv', baseSource('llms.csv').date, `planner built-in llms.csv: ${baseSource('llms.csv').source}`),
    sourceRow('prices.csv', meta.asOf, origin),
    sourceRow('regions.csv', meta.asOf, `${cloudName} region names (display names from the built-in regions.csv where known)`),
    sourceRow('skus.csv', meta.asOf, origin),
  ];
  const onDemand = imported.prices.filter((p) => p.purchase === 'on-demand').length;
  const readme = [
    `# ${cloudName} catalog imported from SkyPilot`,
    '',
    `Made by \`planner catalog import skypilot ${meta.sourceName} --cloud ${imported.cloud}\` from \`${meta.sourceName}\``,
    `(sha256 \`${meta.sha256}\`), as of ${meta.asOf}. Use it with \`--catalog <this folder>\` or a scenario's \`catalog:\`.`,
    '',
    `${imported.skus.length} VM types, ${onDemand} on-demand and ${imported.prices.length - onDemand} spot prices in ${regions.length} regions (${regions.join(', ')}).`,
    'gpus.csv and llms.csv are copies of the built-in ones; round trips come from the built-in latency.csv or --latency.',
    '',
    'Method: one row per VM type and region; on-demand is the highest of the zones, spot the highest real spot price',
    'of the zones (a spot price not below on-demand, or at exactly 10 % of it, is no spot price); GCP VMs are host + GPUs',
    "of the same zone. `family` is the cloud's quota family (AWS vCPUs per family, Azure vCPUs per family, GCP GPUs per type).",
    '',
    '## Fixed or left out',
    '',
    ...(imported.notes.length ? imported.notes.map((n) => `- ${n}`) : ['- nothing']),
    '',
  ].join('\n');

  const file = (header: string, lines: string[]) => [header, ...lines, ''].join('\n');
  return {
    files: [
      ['gpus.csv', base.gpusCsv],
      ['llms.csv', base.llmsCsv],
      ['skus.csv', file('id,gpu,gpus_per_vm,vcpus,memory_gib,cloud,family', skuLines)],
      ['prices.csv', file('sku,region,purchase,usd_per_hour', priceLines)],
      ['regions.csv', file('id,display_name,cloud', regionLines)],
      ['latency.csv', file('from,to,rtt_ms,source', latencyLines)],
      ['sources.csv', file('file,date,source', sources)],
      ['README.md', readme],
    ],
  };
}

/** A latency CSV (from,to,rtt_ms[,source]) -> entries; bad rows are issues naming file and line. */
export function readLatencyEntries(text: string, file: string): LatencyEntry[] {
  const read = readCsvRecords(text, file, { trim: true });
  if ('issue' in read) throw new InputError([read.issue], `cannot read ${file}`);
  const [head, ...rows] = read.records;
  const header = head?.record ?? [];
  const at = (name: string) => header.indexOf(name);
  const issues: InputIssue[] = [];
  for (const name of ['from', 'to', 'rtt_ms'])
    if (at(name) < 0)
      issues.push({ file, line: 1, field: 'header', message: `missing column '${name}'`, fix: 'the header is from,to,rtt_ms[,source]' });
  if (issues.length) throw new InputError(issues, `invalid latency file ${file}`);
  const entries: LatencyEntry[] = [];
  for (const { record, info } of rows) {
    const rtt = Number(record[at('rtt_ms')]);
    if (record[at('rtt_ms')] === '' || !Number.isFinite(rtt) || rtt < 0) {
      issues.push({
        file,
        line: info.lines,
        field: 'rtt_ms',
        message: `'${record[at('rtt_ms')] ?? ''}' is not a round-trip time`,
        fix: 'rtt_ms is milliseconds, >= 0',
      });
      continue;
    }
    const source = at('source') >= 0 ? (record[at('source')] ?? '') : '';
    entries.push({ from: record[at('from')] ?? '', to: record[at('to')] ?? '', rttMs: rtt, source: source || file });
  }
  if (issues.length) throw new InputError(issues, `invalid latency file ${file}`);
  return entries;
}

/** One CSV line, quoting values that need it (RFC 4180). */
export function csvLine(values: readonly string[]): string {
  return values.map((v) => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)).join(',');
}
