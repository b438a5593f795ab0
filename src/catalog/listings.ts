import { compareStrings } from '../order.js';
import type { Catalog } from './types.js';
import { minOf } from '../extremes.js';

export const CATALOG_VIEWS = ['gpus', 'skus', 'llms', 'prices', 'regions'] as const;
export type CatalogView = (typeof CATALOG_VIEWS)[number];

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

export interface CatalogSummary {
  counts: { gpus: number; llms: number; skus: number; regions: number; onDemandPrices: number; spotPrices: number };
  /** Per cloud (of the skus): SKUs, and regions where they are priced. */
  clouds: { cloud: string; skus: number; regions: number }[];
  gpus: GpuSummary[];
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
    (a, b) =>
      compareStrings(a.gpu, b.gpu) || a.gpusPerVm - b.gpusPerVm || compareStrings(a.sku, b.sku) || compareStrings(a.region, b.region),
  );
}

export interface GpuSummary {
  gpu: string;
  skus: number;
  regions: number;
  minOnDemandUsdPerGpuHour: number | null;
  minSpotUsdPerGpuHour: number | null;
}

/** Counts and the cheapest offers per GPU: `planner catalog` without a view. */
export function summarizeCatalog(catalog: Catalog): CatalogSummary {
  const listings = priceListings(catalog);
  const min = (values: (number | null)[]) => {
    const present = values.filter((v): v is number => v !== null);
    return present.length ? minOf(present) : null;
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
  const clouds = [...new Set([...catalog.skus.values()].map((s) => s.cloud))].sort(compareStrings).map((cloud) => {
    const skus = [...catalog.skus.values()].filter((s) => s.cloud === cloud).map((s) => s.id);
    const regions = new Set(catalog.prices.filter((p) => skus.includes(p.sku)).map((p) => p.region));
    return { cloud, skus: skus.length, regions: regions.size };
  });
  return {
    clouds,
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

/** What `planner catalog [VIEW]` shows, as data: `json` is the --format json document, the rest feeds the tables. */
export function catalogViewData(catalog: Catalog, view: CatalogView | undefined, given: string) {
  const summary = summarizeCatalog(catalog);
  const listings = priceListings(catalog);
  const regionsOf = (sku: string) => [...new Set(catalog.prices.filter((p) => p.sku === sku).map((p) => p.region))];
  const ids = [...catalog.regions.keys()];
  const json: unknown =
    view === undefined
      ? { catalog: given, ...summary, sources: catalog.sources }
      : view === 'gpus'
        ? [...catalog.gpus.values()]
        : view === 'llms'
          ? [...catalog.llms.values()]
          : view === 'skus'
            ? [...catalog.skus.values()].map((s) => ({ ...s, regions: regionsOf(s.id) }))
            : view === 'prices'
              ? listings
              : [...catalog.regions.values()].map((r) => ({
                  ...r,
                  rttMs: Object.fromEntries(ids.map((to) => [to, catalog.latencyMs(r.id, to)])),
                }));
  return { json, summary, listings, regionsOf };
}

function round(value: number): number {
  return Number(value.toFixed(6));
}
