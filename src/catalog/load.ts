import { InputError, didYouMean, type InputIssue } from '../errors.js';
import {
  CATALOG_FILES,
  CATALOG_FILE_KINDS,
  GPUS_PER_VM,
  KNOWN_GPUS_PER_VM,
  SOURCES_FILE,
  type CatalogFileKind,
  type GpuRow,
  type LatencyRow,
  type LlmRow,
  type PriceRow,
  type RegionRow,
  type SkuRow,
  type SourceRow,
} from './schema.js';
import { NVLINK_MIN_GBPS, type Catalog, type Gpu, type Llm, type Price, type Purchase, type Region, type Sku } from './types.js';
import { compareStrings } from '../order.js';
import { readCsvRecords } from '../csv-records.js';

/** One catalog file's text and the name to show in errors (as the user would find it). */
export interface CatalogText {
  file: string;
  text: string;
}

/** The six catalog files, plus the optional sources.csv (file, date, source per catalog file). */
export type CatalogFiles = Record<CatalogFileKind, CatalogText> & { sources?: CatalogText };

/** Row problems reported per file before the rest are summarised, so a wrong file does not flood the terminal. */
const MAX_ROW_ISSUES_PER_FILE = 20;

interface FileSpec {
  name: string;
  schema: {
    safeParse(
      input: unknown,
    ):
      | { success: true; data: unknown }
      | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } };
  };
  columns: Readonly<Record<string, string>>;
  /** Columns a file may leave out (older catalogs); their rows get the schema's default. */
  optional?: readonly string[];
}

interface Row<T> {
  line: number;
  row: T;
}

interface Table<T> {
  file: string;
  rows: Row<T>[];
  /** Header and CSV syntax were fine: references into this file can be checked. */
  readable: boolean;
  /** Every id seen in an `id` column, also on rows with other problems (so references to them are not reported twice). */
  ids: Set<string>;
}

/**
 * Catalog CSV texts -> Catalog (pure; no file system). Every problem in every file is collected and thrown
 * as one InputError whose issues name file, line (header = line 1), field and fix.
 */
export function parseCatalog(files: CatalogFiles): Catalog {
  const issues: InputIssue[] = [];
  const gpus = readTable<GpuRow>(CATALOG_FILES.gpus, files.gpus, issues);
  const llms = readTable<LlmRow>(CATALOG_FILES.llms, files.llms, issues);
  const skus = readTable<SkuRow>(CATALOG_FILES.skus, files.skus, issues);
  const prices = readTable<PriceRow>(CATALOG_FILES.prices, files.prices, issues);
  const regions = readTable<RegionRow>(CATALOG_FILES.regions, files.regions, issues);
  const latency = readTable<LatencyRow>(CATALOG_FILES.latency, files.latency, issues);
  const sources = files.sources ? readTable<SourceRow>(SOURCES_FILE, files.sources, issues) : undefined;

  const at = (table: Table<unknown>, line: number, field: string, message: string, fix: string) =>
    issues.push({ file: table.file, line, field, message, fix });
  const unknownRef = (table: Table<unknown>, line: number, field: string, kind: string, value: string, known: Table<unknown>) =>
    at(
      table,
      line,
      field,
      `unknown ${kind} '${value}'`,
      didYouMean(value, known.ids) || `add it to ${known.file} or use one of ${[...known.ids].sort().join(', ') || '(none)'}`,
    );

  for (const table of [gpus, llms, skus, regions] as Table<{ id: string }>[]) checkUniqueIds(table, at);

  // gpus: memory agrees with the size in the id ("A100-40GB" has 40 GiB, not 80).
  for (const { line, row } of gpus.rows) {
    const named = /(\d+(?:\.\d+)?)GB$/i.exec(row.id);
    if (named && Math.abs(row.memory_gib - Number(named[1])) > 0.1 * Number(named[1])) {
      at(
        gpus,
        line,
        'memory_gib',
        `${row.memory_gib} GiB is not the ${named[1]} GB the id says`,
        `set memory_gib to about ${named[1]} or rename the GPU`,
      );
    }
  }

  // llms: MoE active parameters within the total; query heads grouped evenly over KV heads.
  for (const { line, row } of llms.rows) {
    if (row.active_parameters_b > row.parameters_b) {
      at(
        llms,
        line,
        'active_parameters_b',
        `${row.active_parameters_b} B active is more than the ${row.parameters_b} B total`,
        'active_parameters_b <= parameters_b (equal for dense llms)',
      );
    }
    if (row.attention_heads % row.kv_heads !== 0) {
      at(
        llms,
        line,
        'kv_heads',
        `${row.attention_heads} attention heads are not a multiple of ${row.kv_heads} KV heads`,
        'copy num_key_value_heads from the model config.json',
      );
    }
  }

  // skus: known GPU, real GPU count, ids without the Standard_ prefix.
  for (const { line, row } of skus.rows) {
    const bare = row.id.replace(/^Standard_/, '');
    if (bare !== row.id) at(skus, line, 'id', `'${row.id}' has the Standard_ prefix`, `write '${bare}'`);
    if (gpus.readable && !gpus.ids.has(row.gpu)) unknownRef(skus, line, 'gpu', 'gpu', row.gpu, gpus);
    const real = KNOWN_GPUS_PER_VM[bare];
    if (!(GPUS_PER_VM as readonly number[]).includes(row.gpus_per_vm)) {
      at(
        skus,
        line,
        'gpus_per_vm',
        `${row.gpus_per_vm} GPUs per VM: must be one of ${GPUS_PER_VM.join(', ')}`,
        real !== undefined ? `${bare} has ${real}; set gpus_per_vm to ${real}` : 'a replica is split evenly over 1, 2, 4 or 8 GPUs',
      );
    } else if (real !== undefined && real !== row.gpus_per_vm) {
      at(skus, line, 'gpus_per_vm', `${bare} has ${real} GPUs per VM, not ${row.gpus_per_vm}`, `set gpus_per_vm to ${real}`);
    }
  }

  // prices: known sku and region, one row per (sku, region, purchase), spot below on-demand.
  const offers = new Map<string, Partial<Record<Purchase, Row<PriceRow>>>>();
  for (const entry of prices.rows) {
    const { line, row } = entry;
    if (skus.readable && !skus.ids.has(row.sku)) unknownRef(prices, line, 'sku', 'sku', row.sku, skus);
    if (regions.readable && !regions.ids.has(row.region)) unknownRef(prices, line, 'region', 'region', row.region, regions);
    const key = `${row.sku}\u0000${row.region}`;
    const offer = offers.get(key) ?? {};
    const earlier = offer[row.purchase];
    if (earlier) {
      at(
        prices,
        line,
        'purchase',
        `second ${row.purchase} price for ${row.sku} in ${row.region} (first on line ${earlier.line})`,
        'keep one row per sku, region and purchase',
      );
      continue;
    }
    offer[row.purchase] = entry;
    offers.set(key, offer);
  }
  for (const offer of offers.values()) {
    const onDemand = offer['on-demand'];
    const spot = offer.spot;
    if (onDemand && spot && spot.row.usd_per_hour >= onDemand.row.usd_per_hour) {
      at(
        prices,
        spot.line,
        'usd_per_hour',
        `spot $${spot.row.usd_per_hour}/h for ${spot.row.sku} in ${spot.row.region} is not below on-demand $${onDemand.row.usd_per_hour}/h (line ${onDemand.line})`,
        'spot must be below on-demand; drop the spot row',
      );
    }
  }

  // regions with a cloud: every sku priced there is of that cloud (region ids of different clouds never mix).
  const regionCloud = new Map(regions.rows.filter(({ row }) => row.cloud !== '').map(({ row }) => [row.id, row.cloud]));
  const skuCloud = new Map(skus.rows.map(({ row }) => [row.id, row.cloud]));
  for (const { line, row } of prices.rows) {
    const cloud = regionCloud.get(row.region);
    const of = skuCloud.get(row.sku);
    if (cloud !== undefined && of !== undefined && of !== cloud)
      at(prices, line, 'region', `${row.sku} is a ${of} sku but ${row.region} is a ${cloud} region`, `price ${row.sku} in a ${of} region`);
  }

  // latency: known regions, 0 on the diagonal, one value per pair, every pair present.
  const rtt = new Map<string, Row<LatencyRow>>(); // both directions
  const given = new Map<string, Row<LatencyRow>>(); // as written
  const pair = (a: string, b: string) => `${a}\u0000${b}`;
  for (const entry of latency.rows) {
    const { line, row } = entry;
    let known = true;
    for (const field of ['from', 'to'] as const) {
      if (regions.readable && !regions.ids.has(row[field])) {
        unknownRef(latency, line, field, 'region', row[field], regions);
        known = false;
      }
    }
    if (row.from === row.to) {
      if (row.rtt_ms !== 0)
        at(latency, line, 'rtt_ms', `a region's round trip to itself is 0, not ${row.rtt_ms}`, 'drop the row (the diagonal is 0)');
      continue;
    }
    if (!known) continue;
    const same = given.get(pair(row.from, row.to));
    if (same) {
      at(latency, line, 'from', `second row for ${row.from} -> ${row.to} (first on line ${same.line})`, 'keep one row per pair');
      continue;
    }
    given.set(pair(row.from, row.to), entry);
    const reverse = given.get(pair(row.to, row.from));
    if (reverse && reverse.row.rtt_ms !== row.rtt_ms) {
      at(
        latency,
        line,
        'rtt_ms',
        `${row.from} -> ${row.to} is ${row.rtt_ms} ms but ${row.to} -> ${row.from} is ${reverse.row.rtt_ms} ms (line ${reverse.line})`,
        'round trips are symmetric: give each pair once',
      );
      continue;
    }
    rtt.set(pair(row.from, row.to), entry);
    rtt.set(pair(row.to, row.from), entry);
  }
  if (regions.readable && latency.readable) {
    const ids = [...regions.ids].sort();
    const missing: string[] = [];
    for (let i = 0; i < ids.length; i++) {
      for (let j = i + 1; j < ids.length; j++) if (!rtt.has(pair(ids[i]!, ids[j]!))) missing.push(`${ids[i]},${ids[j]}`);
    }
    for (const m of missing.slice(0, MAX_ROW_ISSUES_PER_FILE)) {
      issues.push({
        file: latency.file,
        field: 'from,to',
        message: `no round-trip time for ${m.replace(',', ' <-> ')}`,
        fix: `add a row ${m},<rtt_ms>`,
      });
    }
    if (missing.length > MAX_ROW_ISSUES_PER_FILE) {
      issues.push({
        file: latency.file,
        field: 'from,to',
        message: `and ${missing.length - MAX_ROW_ISSUES_PER_FILE} more region pairs without a round-trip time`,
        fix: 'every pair of regions in regions.csv needs a row',
      });
    }
  }

  // sources: one row per catalog file.
  const sourceByName = new Map<string, SourceRow>();
  if (sources) {
    const names = CATALOG_FILE_KINDS.map((kind) => CATALOG_FILES[kind].name);
    for (const { line, row } of sources.rows) {
      if (!names.includes(row.file as (typeof names)[number]))
        at(sources, line, 'file', `'${row.file}' is not a catalog file`, didYouMean(row.file, names) || `one of ${names.join(', ')}`);
      else if (sourceByName.has(row.file)) at(sources, line, 'file', `second row for ${row.file}`, 'keep one row per catalog file');
      else sourceByName.set(row.file, row);
    }
    if (sources.readable) {
      for (const name of names)
        if (!sourceByName.has(name))
          issues.push({
            file: sources.file,
            field: 'file',
            message: `no source for ${name}`,
            fix: `add a row ${name},<YYYY-MM-DD>,<where the data comes from>`,
          });
    }
  }

  if (issues.length) {
    // Report file by file in catalog order, lines ascending within a file.
    const order = [...CATALOG_FILE_KINDS.map((kind) => files[kind].file), files.sources?.file];
    const rank = (issue: InputIssue) => order.indexOf(issue.file);
    issues.sort((a, b) => rank(a) - rank(b) || (a.line ?? Infinity) - (b.line ?? Infinity));
    throw new InputError(issues, `invalid catalog: ${issues.length} problem${issues.length === 1 ? '' : 's'}`);
  }

  return buildCatalog(files, { gpus, llms, skus, prices, regions }, rtt, sourceByName);
}

function buildCatalog(
  files: CatalogFiles,
  tables: { gpus: Table<GpuRow>; llms: Table<LlmRow>; skus: Table<SkuRow>; prices: Table<PriceRow>; regions: Table<RegionRow> },
  rtt: ReadonlyMap<string, Row<LatencyRow>>,
  sources: ReadonlyMap<string, SourceRow>,
): Catalog {
  const byId = <R extends { id: string }, T>(table: Table<R>, to: (row: R) => T) =>
    new Map([...table.rows].sort((a, b) => compareStrings(a.row.id, b.row.id)).map(({ row }) => [row.id, to(row)] as const));

  const gpus = byId<GpuRow, Gpu>(tables.gpus, (r) => ({
    id: r.id,
    memoryGib: r.memory_gib,
    bf16Tflops: r.bf16_dense_tflops,
    memoryBandwidthTBps: r.memory_bandwidth_tbps,
    interconnectGBps: r.interconnect_gbps,
    interconnect: r.interconnect ?? (r.interconnect_gbps >= NVLINK_MIN_GBPS ? 'nvlink' : 'pcie'),
    source: r.source,
  }));
  const llms = byId<LlmRow, Llm>(tables.llms, (r) => ({
    id: r.id,
    parametersB: r.parameters_b,
    activeParametersB: r.active_parameters_b,
    layers: r.layers,
    hiddenSize: r.hidden_size,
    attentionHeads: r.attention_heads,
    kvHeads: r.kv_heads,
    headDim: r.head_dim,
    bytesPerWeight: r.bytes_per_weight,
    maxContextTokens: r.max_context_tokens,
    qualityScore: r.quality_score,
    source: r.source,
  }));
  const skus = byId<SkuRow, Sku>(tables.skus, (r) => ({
    id: r.id,
    gpu: r.gpu,
    gpusPerVm: r.gpus_per_vm,
    vcpus: r.vcpus,
    memoryGib: r.memory_gib,
    cloud: r.cloud,
    family: r.family,
  }));
  const regions = byId<RegionRow, Region>(tables.regions, (r) => ({ id: r.id, displayName: r.display_name, cloud: r.cloud }));
  const prices: Price[] = tables.prices.rows
    .map(({ row }) => ({ sku: row.sku, region: row.region, purchase: row.purchase, usdPerHour: row.usd_per_hour }))
    .sort((a, b) => compareStrings(a.sku, b.sku) || compareStrings(a.region, b.region) || compareStrings(a.purchase, b.purchase));

  const latencyMs = (from: string, to: string): number => {
    if (from === to && regions.has(from)) return 0;
    const entry = rtt.get(`${from}\u0000${to}`);
    if (entry) return entry.row.rtt_ms;
    const unknown = [from, to].find((r) => !regions.has(r)) ?? from;
    throw new InputError({
      field: 'region',
      message: `no round-trip time for unknown region '${unknown}'`,
      fix: didYouMean(unknown, regions.keys()) || 'see planner catalog regions',
    });
  };

  const sourceList = CATALOG_FILE_KINDS.map((kind) => {
    const row = sources.get(CATALOG_FILES[kind].name);
    return { file: files[kind].file, date: row?.date ?? 'unknown', source: row?.source ?? 'unknown (no sources.csv)' };
  });

  return { gpus, llms, skus, regions, prices, latencyMs, sources: sourceList };
}

function checkUniqueIds(
  table: Table<{ id: string }>,
  at: (table: Table<unknown>, line: number, field: string, message: string, fix: string) => void,
): void {
  const first = new Map<string, number>();
  for (const { line, row } of table.rows) {
    const earlier = first.get(row.id);
    if (earlier !== undefined)
      at(table, line, 'id', `duplicate id '${row.id}' (first on line ${earlier})`, 'ids are unique; merge or rename the rows');
    else first.set(row.id, line);
  }
}

/** CSV text -> validated rows with their line numbers; problems go to `issues`. */
function readTable<T>(spec: FileSpec, input: CatalogText, issues: InputIssue[]): Table<T> {
  const table: Table<T> = { file: input.file, rows: [], readable: false, ids: new Set() };
  const expected = Object.keys(spec.columns);
  const read = readCsvRecords(input.text, input.file);
  if ('issue' in read) {
    issues.push(read.issue);
    return table;
  }
  const { records } = read;

  const header = records[0]?.record.map((name) => name.trim());
  if (!header || (header.length === 1 && header[0] === '')) {
    issues.push({ file: input.file, line: 1, field: 'header', message: 'no header', fix: `start the file with ${expected.join(',')}` });
    return table;
  }
  const headerIssues: InputIssue[] = [];
  const seen = new Set<string>();
  const absent = expected.filter((name) => !header.includes(name) && !spec.optional?.includes(name));
  const unknown = header.filter((name) => !expected.includes(name));
  for (const name of header) {
    if (seen.has(name))
      headerIssues.push({ file: input.file, line: 1, field: 'header', message: `column '${name}' appears twice`, fix: 'keep one' });
    else if (!expected.includes(name)) {
      // Suggest only columns the header lacks: a present column is not what was meant.
      const fix =
        absent.length === 1 && unknown.length === 1
          ? `rename it to '${absent[0]}'`
          : didYouMean(name, absent) || (absent.length ? `missing are ${absent.join(', ')}; drop the others` : 'drop it');
      headerIssues.push({ file: input.file, line: 1, field: 'header', message: `unknown column '${name}'`, fix });
    }
    seen.add(name);
  }
  for (const name of absent) {
    headerIssues.push({
      file: input.file,
      line: 1,
      field: 'header',
      message: `missing column '${name}' (${spec.columns[name]})`,
      fix: `the header is ${expected.filter((column) => header.includes(column) || !spec.optional?.includes(column)).join(',')}`,
    });
  }
  if (headerIssues.length) {
    issues.push(...headerIssues);
    return table;
  }
  table.readable = true;

  let rowIssues = 0;
  const report = (issue: InputIssue) => {
    rowIssues++;
    if (rowIssues <= MAX_ROW_ISSUES_PER_FILE) issues.push(issue);
  };
  for (const { record, info } of records.slice(1)) {
    // info.lines is where the record ends; a quoted value may span lines.
    const line = info.lines - record.reduce((n, value) => n + (value.match(/\n/g)?.length ?? 0), 0);
    if (record.length !== header.length) {
      report({
        file: input.file,
        line,
        field: 'row',
        message: `${record.length} values, the header has ${header.length}`,
        fix: 'one value per column; quote values that contain commas',
      });
      continue;
    }
    const raw = Object.fromEntries(header.map((name, i) => [name, record[i]!]));
    if (typeof raw.id === 'string' && raw.id.trim() !== '') table.ids.add(raw.id.trim());
    const result = spec.schema.safeParse(raw);
    if (!result.success) {
      for (const issue of result.error.issues) {
        const field = String(issue.path[0] ?? 'row');
        const hint = spec.columns[field];
        report({ file: input.file, line, field, message: issue.message, fix: hint ? `${field} is ${hint}` : 'see models/README.md' });
      }
      continue;
    }
    table.rows.push({ line, row: result.data as T });
  }
  if (rowIssues > MAX_ROW_ISSUES_PER_FILE) {
    issues.push({
      file: input.file,
      message: `and ${rowIssues - MAX_ROW_ISSUES_PER_FILE} more problems in this file`,
      fix: 'fix the ones above first',
    });
  }
  return table;
}
