import type { ChalkInstance } from 'chalk';
import { CATALOG_VIEWS, type CatalogSummary, type CatalogView, type PriceListing } from '../catalog/listings.js';
import type { Catalog } from '../catalog/types.js';
import { formatFixed, renderTable, type Align } from './table.js';

/** The terminal view of `planner catalog [VIEW]` (`given` names the catalog folder as the user wrote it). */
export function renderCatalogView(
  catalog: Catalog,
  view: CatalogView | undefined,
  given: string,
  data: { summary: CatalogSummary; listings: readonly PriceListing[]; regionsOf: (sku: string) => string[] },
  chalk: ChalkInstance,
): string {
  switch (view) {
    case undefined:
      return renderSummary(given, catalog, data.summary, chalk);
    case 'gpus':
      return renderTable(
        ['GPU', 'memory GiB', 'BF16 TFLOPS', 'bandwidth TB/s', 'interconnect GB/s', 'link', 'source'],
        [...catalog.gpus.values()].map((g) => [
          g.id,
          g.memoryGib,
          g.bf16Tflops,
          g.memoryBandwidthTBps,
          g.interconnectGBps,
          g.interconnect,
          g.source,
        ]),
        chalk,
      );
    case 'llms':
      return renderTable(
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
      );
    case 'skus':
      return renderTable(
        ['SKU', 'GPU', 'GPUs', 'vCPUs', 'memory GiB', 'cloud', 'quota family', 'priced in'],
        [...catalog.skus.values()].map((s) => [
          s.id,
          s.gpu,
          s.gpusPerVm,
          s.vcpus,
          s.memoryGib,
          s.cloud,
          s.family || '-',
          data.regionsOf(s.id).join(' ') || '-',
        ]),
        chalk,
        ['left', 'left', 'right', 'right', 'right', 'left', 'left', 'left'],
      );
    case 'prices':
      return renderPrices(catalog, data.listings, chalk);
    case 'regions': {
      const ids = [...catalog.regions.keys()];
      return (
        `${chalk.bold('Regions')} and round-trip times in ms\n` +
        renderTable(
          ['region', 'name', 'cloud', ...ids],
          [...catalog.regions.values()].map((r) => [r.id, r.displayName, r.cloud || '-', ...ids.map((to) => catalog.latencyMs(r.id, to))]),
          chalk,
          ['left', 'left', 'left', ...ids.map((): Align => 'right')],
        )
      );
    }
  }
}

function renderSummary(given: string, catalog: Catalog, summary: CatalogSummary, chalk: ChalkInstance): string {
  const c = summary.counts;
  const out: string[] = [];
  out.push(
    `${chalk.bold(`Catalog ${given}`)}: ${c.gpus} GPUs, ${c.llms} LLMs, ${c.skus} SKUs, ${c.regions} regions, ` +
      `${c.onDemandPrices} on-demand and ${c.spotPrices} spot prices\n`,
  );
  out.push(`Clouds: ${summary.clouds.map((c) => `${c.cloud} (${c.skus} SKUs in ${c.regions} regions)`).join(', ')}\n`);
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
