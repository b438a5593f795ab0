import type { Catalog } from '../catalog/types.js';
import type { CommitmentOffer } from '../capacity/types.js';
import { compareStrings } from '../order.js';
import { didYouMean, type InputIssue } from '../errors.js';
import type { Scenario } from './schema.js';
import { COMMITMENT_DISCOUNTS_FILE, type PublishedDiscount } from './commitment-discounts.js';

/** The skus a scenario plans with: its list, or every sku priced in one of its regions. */
function scenarioSkus(scenario: Scenario, catalog: Catalog): string[] {
  return scenario.skus ?? [...new Set(catalog.prices.filter((p) => scenario.regions.includes(p.region)).map((p) => p.sku))].sort();
}

function onDemandPrice(catalog: Catalog, sku: string, region: string): number | undefined {
  return catalog.prices.find((p) => p.sku === sku && p.region === region && p.purchase === 'on-demand')?.usdPerHour;
}

/**
 * Offers naming a sku or region the scenario does not plan with, or one with no on-demand price to discount,
 * or one with no price of its own whose sku's cloud has no published level for the term (`published`: the
 * rows of models/commitment-discounts.csv, loaded when some offer has neither discount nor usdPerHour).
 */
export function commitmentIssues(
  scenario: Scenario,
  catalog: Catalog,
  file: string,
  published: readonly PublishedDiscount[] = [],
): InputIssue[] {
  const issues: InputIssue[] = [];
  const skus = scenarioSkus(scenario, catalog);
  (scenario.commitments?.offers ?? []).forEach((offer, i) => {
    const field = `commitments.offers.${i}`;
    if (offer.discount !== undefined && offer.usdPerHour !== undefined) {
      issues.push({
        file,
        field: `${field}.usdPerHour`,
        message: 'the offer gives both a discount and a usdPerHour',
        fix: 'keep one: discount (fraction off the on-demand price, e.g. 0.35) or usdPerHour (the contract price)',
      });
      return;
    }
    if (offer.discount === undefined && offer.usdPerHour === undefined) {
      // No price of its own: the published planning level of each covered sku's cloud for the term.
      const covered = offer.sku !== undefined ? [offer.sku] : skus;
      const clouds = [...new Set(covered.map((sku) => catalog.skus.get(sku)?.cloud ?? ''))].sort(compareStrings);
      const missing = clouds.filter((cloud) => !publishedLevel(published, cloud, offer.term));
      if (missing.length) {
        issues.push({
          file,
          field,
          message: `the offer gives no price (neither discount nor usdPerHour), and ${COMMITMENT_DISCOUNTS_FILE} has no ${offer.term} level for ${missing.map((c) => c || 'a sku without a cloud').join(', ')}`,
          fix: `add discount: 0.35 (fraction off the on-demand price) or usdPerHour (the contract price)`,
        });
        return;
      }
    }
    if (offer.sku !== undefined && !skus.includes(offer.sku)) {
      const known = catalog.skus.has(offer.sku);
      issues.push({
        file,
        field: `${field}.sku`,
        message: known ? `${offer.sku} is not one of the scenario's skus` : `unknown sku '${offer.sku}'`,
        fix: known ? 'add it to skus, or drop the offer' : didYouMean(offer.sku, skus) || 'see planner catalog skus',
      });
      return;
    }
    if (offer.region !== undefined && !scenario.regions.includes(offer.region)) {
      issues.push({
        file,
        field: `${field}.region`,
        message: `${offer.region} is not one of the scenario's regions`,
        fix: didYouMean(offer.region, scenario.regions) || 'add it to regions, or drop the offer',
      });
      return;
    }
    if (offer.sku !== undefined && offer.region !== undefined && onDemandPrice(catalog, offer.sku, offer.region) === undefined) {
      issues.push({
        file,
        field,
        message: `${offer.sku} has no on-demand price in ${offer.region}: nothing to commit to or compare with`,
        fix: `planner catalog prices lists where ${offer.sku} is sold; move the offer there or drop it`,
      });
      return;
    }
    const expanded = expand(scenario, catalog, offer, published);
    if (expanded.length === 0) {
      issues.push({
        file,
        field,
        message: 'the offer matches no scenario sku with an on-demand price in a scenario region',
        fix: 'name a sku and region the catalog prices on demand',
      });
    }
    for (const entry of expanded) {
      if (entry.usdPerHour > entry.onDemandUsdPerHour) {
        issues.push({
          file,
          field: `${field}.usdPerHour`,
          message: `the committed price ${entry.usdPerHour} USD/h for ${entry.sku} in ${entry.region} is above its on-demand price ${entry.onDemandUsdPerHour}: it can never pay off`,
          fix: 'state the contract price below on-demand, or drop the offer',
        });
        break;
      }
    }
  });
  return issues;
}

type OfferConfig = NonNullable<Scenario['commitments']>['offers'][number];

function publishedLevel(published: readonly PublishedDiscount[], cloud: string, term: string): PublishedDiscount | undefined {
  return published.find((row) => row.cloud === cloud && row.term === term);
}

/**
 * An offer for each (sku, region) it covers that has an on-demand price, with its committed price: its
 * usdPerHour, its discount off on demand, or else the published level of the sku's cloud for the term.
 */
function expand(scenario: Scenario, catalog: Catalog, offer: OfferConfig, published: readonly PublishedDiscount[]): CommitmentOffer[] {
  const skus = offer.sku !== undefined ? [offer.sku] : scenarioSkus(scenario, catalog);
  const regions = offer.region !== undefined ? [offer.region] : scenario.regions;
  const offers: CommitmentOffer[] = [];
  for (const sku of skus) {
    for (const region of regions) {
      const onDemand = onDemandPrice(catalog, sku, region);
      if (onDemand === undefined) continue;
      // Micro-dollars, as catalog prices: the plan's costs stay exact to the micro-dollar.
      const level = offer.discount === undefined ? publishedLevel(published, catalog.skus.get(sku)?.cloud ?? '', offer.term) : undefined;
      if (offer.usdPerHour === undefined && offer.discount === undefined && !level) continue;
      const discount = offer.discount ?? level?.discount ?? 0;
      const usdPerHour = offer.usdPerHour ?? Math.round(onDemand * (1 - discount) * 1e6) / 1e6;
      const priceSource =
        offer.usdPerHour !== undefined
          ? 'usdPerHour'
          : level
            ? `${COMMITMENT_DISCOUNTS_FILE}: ${level.cloud} ${level.term} ${level.discount}`
            : `discount ${discount}`;
      offers.push({ sku, region, term: offer.term, usdPerHour, onDemandUsdPerHour: onDemand, priceSource });
    }
  }
  return offers;
}

/**
 * The offers the plan may buy: per (sku, region), the cheapest committed price offered. With the week
 * repeating unchanged over the term, a commitment's worth depends on its hourly price alone, so a dearer
 * offer for the same VM is never bought (ties go to the shorter term: the same price, less lock-in).
 * Sorted by sku, then region.
 */
export function resolveCommitments(scenario: Scenario, catalog: Catalog, published: readonly PublishedDiscount[] = []): CommitmentOffer[] {
  const best = new Map<string, CommitmentOffer>();
  for (const offer of scenario.commitments?.offers ?? []) {
    for (const entry of expand(scenario, catalog, offer, published)) {
      // No cheaper than on demand (a 0% discount): never worth its lock-in, so not offered at all.
      if (entry.usdPerHour >= entry.onDemandUsdPerHour) continue;
      const key = `${entry.sku}|${entry.region}`;
      const held = best.get(key);
      if (!held || entry.usdPerHour < held.usdPerHour || (entry.usdPerHour === held.usdPerHour && entry.term < held.term))
        best.set(key, entry);
    }
  }
  return [...best.values()].sort((a, b) => compareStrings(a.sku, b.sku) || compareStrings(a.region, b.region));
}
