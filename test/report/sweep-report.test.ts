import { parse } from 'csv-parse/sync';
import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { sweepCsv } from '../../src/report/sweep-csv.js';
import { renderSweepHtml } from '../../src/report/sweep-html.js';
import { renderSweepTable } from '../../src/report/sweep-table.js';
import { SweepDocumentSchema, type SweepDocument, type SweepPoint } from '../../src/sweep/document.js';

/** A 2 x 2 sweep by hand, with one point that has no plan, to pin how each renderer shows "no value". */
function point(index: number, scale: number, region: string, cost: number | null): SweepPoint {
  const solved = cost !== null;
  return {
    index,
    values: { 'demand.scale': scale, region },
    overrides: [`workloads.0.demand.scale=${scale}`, `region=${region}`],
    status: solved ? 'optimal' : 'no_solution',
    strategy: 'joint',
    costUsd: cost,
    startupCostUsd: solved ? 1.5 : null,
    gpuHours: solved ? 12 : null,
    servedRequests: solved ? 1000 : null,
    unmetRequests: solved ? 0 : null,
    objectiveUsd: solved ? cost + 1.5 : null,
    boundUsd: null,
    gap: solved ? 0 : null,
    seconds: 0.25,
  };
}

const doc: SweepDocument = SweepDocumentSchema.parse({
  schemaVersion: 1,
  scenario: { name: 'hand', file: 'hand.yaml', overrides: [] },
  solver: { name: 'highs', strategy: 'joint', timeLimitSec: 50, gap: 0 },
  parameters: [
    { path: 'demand.scale', values: [1, 2] },
    { path: 'region', values: ['=east', 'west'] },
  ],
  points: [point(0, 1, '=east', 100), point(1, 1, 'west', 120), point(2, 2, '=east', null), point(3, 2, 'west', 230)],
  seconds: 1,
});

describe('sweep renderers', () => {
  it('CSV: empty cells for missing figures, formula-like text escaped, numbers as written', () => {
    const rows = parse(sweepCsv(doc), { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => [r['demand.scale'], r.region, r.status, r.cost_usd, r.bound_usd, r.gap])).toEqual([
      ['1', "'=east", 'optimal', '100', '', '0'],
      ['1', 'west', 'optimal', '120', '', '0'],
      ['2', "'=east", 'no_solution', '', '', ''],
      ['2', 'west', 'optimal', '230', '', '0'],
    ]);
  });

  it('table: n/a for missing figures, and a cost bar relative to the most expensive point', () => {
    const table = renderSweepTable(doc, new Chalk({ level: 0 }));
    const lines = table.split('\n').filter((l) => l.startsWith('│') && !l.includes('status'));
    expect(lines).toHaveLength(4);
    expect(lines[2]).toMatch(/no_solution\s+│\s+n\/a\s+│\s+n\/a\s+│\s+n\/a/);
    expect(lines[3]).toContain('█'.repeat(24));
    expect(lines[0]).toContain('█'.repeat(10));
    expect(lines[0]).not.toContain('█'.repeat(11));
  });

  it('HTML: a line per value of the second path, a gap where a point has no plan, escaped text, same bytes twice', () => {
    const html = renderSweepHtml(doc);
    expect(renderSweepHtml(doc)).toBe(html);
    const paths = [...html.matchAll(/<path class="series" data-series="([^"]+)"[^>]* d="([^"]*)"/g)].map((m) => [
      m[1],
      (m[2]!.match(/M/g) ?? []).length,
    ]);
    // '=east' has its second point missing: one isolated point drawn as a dot, no line through the gap.
    expect(paths).toEqual([
      ['region==east', 1],
      ['region=west', 1],
    ]);
    expect(html).toMatch(/<circle data-series="region==east"/);
    expect(html).not.toContain('Unmet demand');
    expect(html).toContain('<td>no_solution</td>');
  });

  it('HTML: numeric values are placed in proportion on the x axis, other values evenly', () => {
    const xs = (values: (number | string)[]): number[] => {
      const oneD = SweepDocumentSchema.parse({
        ...doc,
        parameters: [{ path: 'p', values }],
        points: values.map((v, i) => ({ ...point(i, 1, 'west', 100 + i), values: { p: v } })),
      });
      const d = /<path class="series" data-series="[^"]+"[^>]* d="([^"]*)"/.exec(renderSweepHtml(oneD))![1]!;
      return [...d.matchAll(/[ML]([\d.]+),/g)].map((m) => Number(m[1]));
    };
    const [a, b, c] = xs([0.5, 1, 2]);
    expect((c! - b!) / (b! - a!)).toBeCloseTo(2, 2);
    const [e, f, g] = xs(['small', 'medium', 'large']);
    expect(g! - f!).toBeCloseTo(f! - e!, 1);
  });
});
