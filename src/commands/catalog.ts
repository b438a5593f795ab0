import { join, resolve } from 'node:path';
import type { ChalkInstance } from 'chalk';
import type { Catalog } from '../catalog/types.js';
import { ExitCode, InputError, didYouMean } from '../errors.js';
import { packageRoot } from '../paths.js';
import { formatFixed, renderTable, type Align } from '../report/table.js';
import { readCatalog } from './inputs.js';
import { chalkFor, type CliIo } from './io.js';

export const CATALOG_VIEWS = ['gpus', 'skus', 'llms', 'prices', 'regions'] as const;
export type CatalogView = (typeof CATALOG_VIEWS)[number];

export interface CatalogOptions {
  format: 'table' | 'json';
  /** Catalog folder; "builtin:models" (the default) is the one shipped in the package. */
  catalog?: string;
}

const BUILTIN = 'builtin:';

/** One row of `planner catalog prices`: a SKU in a region with both purchase options. */
export interface PriceListing {
  sku: string;
  gpu: string;
  gpusPerVm: number;
  region: string;
  onDemandUsdPerHour: number | null;
  spotUsdPerHour: number | null;
  onDemandUsdPerGpuHour: number | null;
  spotUsdPerGpuHour: number | null;
}

/** `planner catalog [gpus|skus|llms|prices|regions]`: the catalog as tables or JSON; a summary without a view. */
export async function catalogCommand(view: string | undefined, options: CatalogOptions, io: CliIo): Promise<ExitCode> {
  if (view !== undefined && !(CATALOG_VIEWS as readonly string[]).includes(view)) {
    throw new InputError({
      field: 'view',
      message: `unknown catalog view '${view}'`,
      fix: didYouMean(view, CATALOG_VIEWS) || `one of ${CATALOG_VIEWS.join(', ')}`,
    });
  }
  const given = options.catalog ?? `${BUILTIN}models`;
  const dir = given.startsWith(BUILTIN) ? join(packageRoot(), given.slice(BUILTIN.length)) : resolve(io.cwd, given);
  const catalog = await readCatalog(dir, given.startsWith(BUILTIN) ? undefined : given);
  const chalk = chalkFor(io);
  const json = options.format === 'json';
  const write = (value: unknown) => io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);

  switch (view as CatalogView | undefined) {
    case undefined: {
      const summary = summarize(catalog);
      if (json) write({ catalog: given, ...summary, sources: catalog.sources });
      else io.stdout.write(renderSummary(given, catalog, summary, chalk));
      break;
    }
    case 'gpus':
      if (json) write([...catalog.gpus.values()]);
      else {
        io.stdout.write(
          renderTable(
            ['GPU', 'memory GiB', 'BF16 TFLOPS', 'bandwidth TB/s', 'interconnect GB/s', 'source'],
            [...catalog.gpus.values()].map((g) => [g.id, g.memoryGib, g.bf16Tflops, g.memoryBandwidthTBps, g.interconnectGBps, g.source]),
            chalk,
          ),
        );
      }
      break;
    case 'llms':
      if (json) write([...catalog.llms.values()]);
      else {
        io.stdout.write(
          renderTable(
            ['LLM', 'params B', 'active B', 'layers', 'hidden', 'heads', 'KV heads', 'head dim', 'bytes/weight', 'max context', 'MMLU'],
            [...catalog.llms.values()].map((l) => [
              l.id,
              l.parametersB,
              l.activeParametersB,
              l.layers,
              l.hiddenSize,
              l.attentionHeads,
              l.kvHeads,
              l.headDim,
              l.bytesPerWeight,
              l.maxContextTokens,
              l.qualityScore,
            ]),
            chalk,
          ),
        );
      }
      break;
    case 'skus': {
      const regionsOf = (sku: string) => [...new Set(catalog.prices.filter((p) => p.sku === sku).map((p) => p.region))];
      if (json) write([...catalog.skus.values()].map((s) => ({ ...s, regions: regionsOf(s.id) })));
      else {
        io.stdout.write(
          renderTable(
            ['SKU', 'GPU', 'GPUs', 'vCPUs', 'memory GiB', 'cloud', 'priced in'],
            [...catalog.skus.values()].map((s) => [
              s.id,
              s.gpu,
              s.gpusPerVm,
              s.vcpus,
              s.memoryGib,
              s.cloud,
              regionsOf(s.id).join(' ') || '-',
            ]),
            chalk,
            ['left', 'left', 'right', 'right', 'right', 'left', 'left'],
          ),
        );
      }
      break;
    }
    case 'prices': {
      const listings = priceListings(catalog);
      if (json) write(listings);
      else io.stdout.write(renderPrices(catalog, listings, chalk));
      break;
    }
    case 'regions': {
      const ids = [...catalog.regions.keys()];
      if (json)
        write(
          [...catalog.regions.values()].map((r) => ({
            ...r,
            rttMs: Object.fromEntries(ids.map((to) => [to, catalog.latencyMs(r.id, to)])),
          })),
        );
      else {
        io.stdout.write(`${chalk.bold('Regions')} and round-trip times in ms\n`);
        io.stdout.write(
          renderTable(
            ['region', 'name', ...ids],
            [...catalog.regions.values()].map((r) => [r.id, r.displayName, ...ids.map((to) => catalog.latencyMs(r.id, to))]),
            chalk,
            ['left', 'left', ...ids.map((): Align => 'right')],
          ),
        );
      }
      break;
    }
  }
  return ExitCode.ok;
}

/** One row per SKU x region, on-demand and spot side by side, sorted by GPU, GPUs per VM, SKU and region. */
export function priceListings(catalog: Catalog): PriceListing[] {
  const byKey = new Map<string, PriceListing>();
  for (const price of catalog.prices) {
    const sku = catalog.skus.get(price.sku)!;
    const key = `${price.sku}\u0000${price.region}`;
    const listing = byKey.get(key) ?? {
      sku: price.sku,
      gpu: sku.gpu,
      gpusPerVm: sku.gpusPerVm,
      region: price.region,
      onDemandUsdPerHour: null,
      spotUsdPerHour: null,
      onDemandUsdPerGpuHour: null,
      spotUsdPerGpuHour: null,
    };
    if (price.purchase === 'on-demand') {
      listing.onDemandUsdPerHour = price.usdPerHour;
      listing.onDemandUsdPerGpuHour = round(price.usdPerHour / sku.gpusPerVm);
    } else {
      listing.spotUsdPerHour = price.usdPerHour;
      listing.spotUsdPerGpuHour = round(price.usdPerHour / sku.gpusPerVm);
    }
    byKey.set(key, listing);
  }
  return [...byKey.values()].sort(
    (a, b) => compare(a.gpu, b.gpu) || a.gpusPerVm - b.gpusPerVm || compare(a.sku, b.sku) || compare(a.region, b.region),
  );
}

interface GpuSummary {
  gpu: string;
  skus: number;
  regions: number;
  minOnDemandUsdPerGpuHour: number | null;
  minSpotUsdPerGpuHour: number | null;
}

function summarize(catalog: Catalog) {
  const listings = priceListings(catalog);
  const min = (values: (number | null)[]) => {
    const present = values.filter((v): v is number => v !== null);
    return present.length ? Math.min(...present) : null;
  };
  const gpus: GpuSummary[] = [...catalog.gpus.keys()].map((gpu) => {
    const mine = listings.filter((l) => l.gpu === gpu);
    return {
      gpu,
      skus: [...catalog.skus.values()].filter((s) => s.gpu === gpu).length,
      regions: new Set(mine.map((l) => l.region)).size,
      minOnDemandUsdPerGpuHour: min(mine.map((l) => l.onDemandUsdPerGpuHour)),
      minSpotUsdPerGpuHour: min(mine.map((l) => l.spotUsdPerGpuHour)),
    };
  });
  return {
    counts: {
      gpus: catalog.gpus.size,
      llms: catalog.llms.size,
      skus: catalog.skus.size,
      regions: catalog.regions.size,
      onDemandPrices: catalog.prices.filter((p) => p.purchase === 'on-demand').length,
      spotPrices: catalog.prices.filter((p) => p.purchase === 'spot').length,
    },
    gpus,
  };
}

function renderSummary(given: string, catalog: Catalog, summary: ReturnType<typeof summarize>, chalk: ChalkInstance): string {
  const c = summary.counts;
  const out: string[] = [];
  out.push(
    `${chalk.bold(`Catalog ${given}`)}: ${c.gpus} GPUs, ${c.llms} LLMs, ${c.skus} SKUs, ${c.regions} regions, ` +
      `${c.onDemandPrices} on-demand and ${c.spotPrices} spot prices\n`,
  );
  out.push(`LLMs: ${[...catalog.llms.keys()].join(', ')}\n`);
  out.push(`Regions: ${[...catalog.regions.keys()].join(', ')}\n\n`);
  out.push(
    renderTable(
      ['GPU', 'SKUs', 'regions', 'cheapest on-demand $/GPU-h', 'cheapest spot $/GPU-h'],
      summary.gpus.map((g) => [g.gpu, g.skus, g.regions, money(g.minOnDemandUsdPerGpuHour), money(g.minSpotUsdPerGpuHour)]),
      chalk,
      ['left', 'right', 'right', 'right', 'right'],
    ),
  );
  out.push(`\n${chalk.bold('Sources')}\n`);
  out.push(
    renderTable(
      ['file', 'date', 'source'],
      catalog.sources.map((s) => [s.file, s.date, s.source]),
      chalk,
    ),
  );
  out.push(`\nMore: planner catalog ${CATALOG_VIEWS.join('|')}\n`);
  return out.join('');
}

function renderPrices(catalog: Catalog, listings: readonly PriceListing[], chalk: ChalkInstance): string {
  const skus = new Set(listings.map((l) => l.sku)).size;
  const regions = new Set(listings.map((l) => l.region)).size;
  const out: string[] = [
    `${chalk.bold('Prices')}: ${listings.length} SKU x region offers (${skus} SKUs in ${regions} regions), USD, Linux\n`,
  ];
  out.push(
    renderTable(
      ['SKU', 'GPU', 'GPUs', 'region', 'on-demand $/h', 'spot $/h', 'on-demand $/GPU-h', 'spot $/GPU-h'],
      listings.map((l) => [
        l.sku,
        l.gpu,
        l.gpusPerVm,
        l.region,
        money(l.onDemandUsdPerHour),
        money(l.spotUsdPerHour),
        money(l.onDemandUsdPerGpuHour),
        money(l.spotUsdPerGpuHour),
      ]),
      chalk,
      ['left', 'left', 'right', 'left', 'right', 'right', 'right', 'right'],
    ),
  );
  const source = catalog.sources.find((s) => s.file.endsWith('prices.csv'));
  if (source) out.push(`Source: ${source.source} (${source.date}). "-" = not offered.\n`);
  return out.join('');
}

function money(value: number | null): string {
  return value === null ? '-' : formatFixed(value, 3);
}

function round(value: number): number {
  return Number(value.toFixed(6));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
