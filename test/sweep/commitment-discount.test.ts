import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SweepDocument } from '../../src/sweep/document.js';
import { planner } from '../cli/run.js';

/**
 * Sensitivity of the commitment to its discount, on a small instance (12 hours of the code week on one sku,
 * one 3-year offer: test/fixtures/commitment-plan): `--vary commitments.discount` from 0 to 0.6.
 */
const SCENARIO = join(import.meta.dirname, '..', 'fixtures', 'commitment-plan', 'scenario.yaml');
const work = mkdtempSync(join(tmpdir(), 'planner-sweep-commit-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const DISCOUNTS = [0, 0.2, 0.4, 0.6];

async function sweep(path: string): Promise<SweepDocument> {
  const { exitCode, stdout, stderr } = await planner(
    [
      'sweep',
      SCENARIO,
      '--vary',
      `${path}=${DISCOUNTS.join(',')}`,
      '--jobs',
      '1',
      '--format',
      'json',
      '--quiet',
      '--html',
      join(work, `${path}.html`),
    ],
    work,
  );
  expect(exitCode, stderr).toBe(0);
  return JSON.parse(stdout) as SweepDocument;
}

describe('planner sweep --vary commitments.discount', () => {
  it('shows the committed share rising from 0 at 0% off as the discount grows, and charts it', async () => {
    const doc = await sweep('commitments.discount');
    const shares = doc.points.map((p) => p.committedShare);
    expect(doc.points.map((p) => p.values['commitments.discount'])).toEqual(DISCOUNTS);
    expect(doc.points.every((p) => p.status === 'optimal')).toBe(true);
    // 0% off is no offer: nothing committed, no saving.
    expect(shares[0]).toBe(0);
    expect(doc.points[0]!.commitmentSavingUsd).toBe(0);
    for (let i = 1; i < shares.length; i++) expect(shares[i]!, `at ${DISCOUNTS[i]}`).toBeGreaterThan(shares[i - 1]!);
    // A deeper discount is never dearer: the plan at D is still there at D' > D, only cheaper.
    for (let i = 1; i < doc.points.length; i++) expect(doc.points[i]!.costUsd!).toBeLessThan(doc.points[i - 1]!.costUsd!);

    // The HTML page plots the committed share against the discount: one point per discount, in percent.
    const html = readFileSync(join(work, 'commitments.discount.html'), 'utf8');
    const start = html.indexOf('<svg class="chart" data-chart="sweep-committed"');
    expect(start).toBeGreaterThanOrEqual(0);
    const svg = html.slice(start, html.indexOf('</svg>', start));
    expect(svg).toContain(`data-points="${DISCOUNTS.length}"`);
    const hovers = [...svg.matchAll(/<rect class="hover"[^>]*><title>([^<]*)<\/title>/g)].map((m) => m[1]!);
    expect(hovers).toHaveLength(DISCOUNTS.length);
    hovers.forEach((text, i) => {
      const percent = Number(/: ([\d.]+)%$/.exec(text)![1]);
      expect(percent).toBeCloseTo(shares[i]! * 100, 1);
    });
  });

  it('gives the same points as the offer path itself when the scenario has one offer', async () => {
    const alias = await sweep('commitments.discount');
    const path = await sweep('commitments.offers.0.discount');
    const strip = (doc: SweepDocument) => doc.points.map(({ seconds: _, values: __, ...rest }) => rest);
    expect(strip(path)).toEqual(strip(alias));
  });

  it('refuses the alias on an offer priced by usdPerHour, naming it and the path to vary instead', async () => {
    const { exitCode, stderr } = await planner([
      'sweep',
      SCENARIO,
      '--set',
      'commitments.offers=[{term: 3y, usdPerHour: 2}]',
      '--vary',
      'commitments.discount=0,0.3',
    ]);
    expect(exitCode).toBe(2);
    expect(stderr).toContain('commitments.offers.0 states usdPerHour');
    expect(stderr).toContain('vary commitments.offers.0.usdPerHour instead');
  });
});
