import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCatalog } from '../../src/commands/inputs.js';
import { loadScenarioFile } from '../../src/commands/scenario-inputs.js';
import { InputError } from '../../src/errors.js';
import { packageRoot } from '../../src/paths.js';
import { COMMITMENT_DISCOUNTS_FILE, parseCommitmentDiscountsCsv } from '../../src/scenario/commitment-discounts.js';
import { commitmentIssues } from '../../src/scenario/commitments.js';

// One Azure sku (NC24ads_A100_v4) in eastus, with a 3-year offer at 55% off.
const SCENARIO = join(import.meta.dirname, '..', 'fixtures', 'commitment-plan', 'scenario.yaml');
const levelsText = readFileSync(join(packageRoot(), COMMITMENT_DISCOUNTS_FILE), 'utf8');

describe('default commitment discounts (models/commitment-discounts.csv)', () => {
  it('lists a 1y and a 3y level for each cloud of the built-in catalog', async () => {
    const levels = parseCommitmentDiscountsCsv(levelsText, COMMITMENT_DISCOUNTS_FILE);
    const catalog = await readCatalog(join(packageRoot(), 'models'));
    const clouds = [...new Set([...catalog.skus.values()].map((sku) => sku.cloud))];
    for (const cloud of clouds)
      for (const term of ['1y', '3y'])
        expect(
          levels.some((l) => l.cloud === cloud && l.term === term),
          `${cloud} ${term}`,
        ).toBe(true);
  });

  it('prices an offer with neither discount nor usdPerHour at its cloud and term level, and says so', async () => {
    const stated = await loadScenarioFile(SCENARIO);
    const published = await loadScenarioFile(SCENARIO, { set: ['commitments.offers=[{term: 3y}]'] });
    const [offer] = published.input.policies.commitments!;
    const azure3y = parseCommitmentDiscountsCsv(levelsText, COMMITMENT_DISCOUNTS_FILE).find((l) => l.cloud === 'azure' && l.term === '3y')!;
    expect(offer!.usdPerHour).toBe(Math.round(offer!.onDemandUsdPerHour * (1 - azure3y.discount) * 1e6) / 1e6);
    expect(offer!.priceSource).toBe(`${COMMITMENT_DISCOUNTS_FILE}: azure 3y ${azure3y.discount}`);
    // The fixture states 55% for the same sku and term: the same price, another source.
    const [own] = stated.input.policies.commitments!;
    expect(azure3y.discount).toBe(0.55);
    expect(own!.usdPerHour).toBe(offer!.usdPerHour);
    expect(own!.priceSource).toBe('discount 0.55');
  });

  it('keeps the error with its fix when the file has no level for the cloud and term', async () => {
    const loaded = await loadScenarioFile(SCENARIO);
    const catalog = await readCatalog(join(packageRoot(), 'models'));
    const scenario = { ...loaded.scenario, commitments: { offers: [{ term: '3y' as const }] } };
    const without3y = parseCommitmentDiscountsCsv(levelsText, COMMITMENT_DISCOUNTS_FILE).filter((l) => l.term !== '3y');
    const issues = commitmentIssues(scenario, catalog, 'scenario.yaml', without3y);
    expect(issues).toHaveLength(1);
    expect(issues[0]!.field).toBe('commitments.offers.0');
    expect(issues[0]!.message).toContain('no 3y level for azure');
    expect(issues[0]!.fix).toMatch(/add discount: 0\.35 .* or usdPerHour/);
    expect(commitmentIssues(scenario, catalog, 'scenario.yaml', [])[0]!.message).toContain('neither discount nor usdPerHour');
  });

  it('refuses a malformed levels file naming the line', () => {
    const twice = `${levelsText.trimEnd()}\nazure,3y,0.5,somewhere,again\n`;
    expect(() => parseCommitmentDiscountsCsv(twice, COMMITMENT_DISCOUNTS_FILE)).toThrow(InputError);
    expect(() => parseCommitmentDiscountsCsv(twice, COMMITMENT_DISCOUNTS_FILE)).toThrow(/azure 3y is listed twice/);
    const percent = levelsText.replace('azure,1y,0.35', 'azure,1y,35');
    expect(() => parseCommitmentDiscountsCsv(percent, COMMITMENT_DISCOUNTS_FILE)).toThrow(InputError);
  });
});
