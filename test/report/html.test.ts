import { describe, expect, it } from 'vitest';
import { renderHtmlReport } from '../../src/report/html.js';
import { EVIL_LLM, ODD_WORKLOAD, fixture } from './html-fixture.js';

const CHARTS = ['demand', 'fleet', 'cost', 'utilisation'] as const;

/** data-points of the `<svg data-chart=name>` (exactly one such chart). */
function chartPoints(html: string, name: string): number {
  const svgs = [...html.matchAll(/<svg\b[^>]*>/g)].map((m) => m[0]).filter((tag) => tag.includes(`data-chart="${name}"`));
  expect(svgs, `one ${name} chart`).toHaveLength(1);
  const points = /data-points="(\d+)"/.exec(svgs[0]!);
  expect(points, `${name} has data-points`).not.toBeNull();
  return Number(points![1]);
}

/** The markup of one chart. */
function chartSvg(html: string, name: string): string {
  const start = html.indexOf(`<svg class="chart" data-chart="${name}"`);
  expect(start).toBeGreaterThanOrEqual(0);
  return html.slice(start, html.indexOf('</svg>', start) + '</svg>'.length);
}

function seriesKeys(svg: string): Set<string> {
  return new Set([...svg.matchAll(/<(?:path|rect|g|circle)\b[^>]*\bdata-series="([^"]*)"/g)].map((m) => m[1]!));
}

const escapedEvil = '&lt;script&gt;alert(1)&lt;/script&gt;';
const escapedWorkload = 'code&lt;&amp;&gt;&quot;&#39;';

describe('renderHtmlReport', () => {
  it('charts deferrable work by hour of day (arrived vs served) only when the plan has some', () => {
    const { plan, report } = fixture(48);
    expect(renderHtmlReport(plan, report)).not.toContain('data-chart="deferrable"');
    const arrived = Array.from({ length: 24 }, (_, h) => (h >= 12 ? 100 : 10));
    const served = Array.from({ length: 24 }, (_, h) => (h < 12 ? 100 : 10));
    const withBatch = {
      ...plan,
      policies: { llmMix: [], deferrable: [{ workload: 'batch', deadlineHours: 24, arrivedByHourUtc: arrived, servedByHourUtc: served }] },
    };
    const html = renderHtmlReport(withBatch, report);
    expect(chartPoints(html, 'deferrable')).toBe(2 * 24);
    expect(seriesKeys(chartSvg(html, 'deferrable'))).toEqual(new Set(['arrived', 'served']));
    expect(html.indexOf('Deferrable work by hour of day')).toBeLessThan(html.indexOf('Fleet by SKU'));
  });

  it('draws the four charts with data-points and data-series for every series', () => {
    const { plan, report } = fixture(48);
    const html = renderHtmlReport(plan, report);
    for (const chart of CHARTS) expect(chartPoints(html, chart), chart).toBeGreaterThan(0);
    // demand: 2 workloads x (demand, served) x 48 windows; fleet: 2 skus x 48; cost: 2 regions x 3 llms (incl. idle); utilisation: 3 lines x 48.
    expect(chartPoints(html, 'demand')).toBe(2 * 2 * 48);
    expect(chartPoints(html, 'fleet')).toBe(2 * 48);
    expect(chartPoints(html, 'cost')).toBe(2 * 3);
    expect(chartPoints(html, 'utilisation')).toBe(3 * 48);

    expect(seriesKeys(chartSvg(html, 'demand'))).toEqual(new Set(['demand', 'served']));
    expect(chartSvg(html, 'demand')).toContain(`data-panel="${escapedWorkload}"`);
    expect(chartSvg(html, 'demand')).toContain('data-panel="chat"');
    expect(chartSvg(html, 'demand')).toContain('class="gap"'); // chat has unmet demand
    expect(seriesKeys(chartSvg(html, 'fleet'))).toEqual(new Set(['gpu-1x', 'gpu-8x']));
    expect(seriesKeys(chartSvg(html, 'cost'))).toEqual(new Set(['small-llm', escapedEvil, '(idle)']));
    expect(seriesKeys(chartSvg(html, 'utilisation'))).toEqual(new Set(['overall', 'region:eastus', 'region:westus2']));
    // Every drawn series element carries data-series.
    for (const chart of CHARTS) {
      const svg = chartSvg(html, chart);
      expect(svg.match(/<path class="series"(?![^>]*data-series=)/g), chart).toBeNull();
      expect(svg.match(/<g class="series"(?![^>]*data-series=)/g), chart).toBeNull();
    }
    // Tables.
    expect(html).toContain('<table class="totals">');
    expect(html).toContain('<table class="cost">');
    expect(html).toContain('<table class="peak-vms">');
    expect(html).toContain('<table class="peak-replicas">');
  });

  it('is self-contained: no network references, no scripts, a CSP that forbids fetching', () => {
    const { plan, report } = fixture(48);
    const html = renderHtmlReport(plan, report);
    expect(html).not.toMatch(/https?:\/\//i);
    expect(html).not.toMatch(/\/\/[a-z0-9.-]+\.[a-z]{2,}/i); // protocol-relative URLs
    expect(html).not.toMatch(/\s(?:src|href|srcset|xlink:href|action|poster)\s*=/i);
    expect(html).not.toMatch(/<(?:script|link|iframe|img|object|embed|base)\b/i);
    expect(html).not.toMatch(/@import|url\s*\(/i);
    expect(html).toMatch(/^<!DOCTYPE html>\n<html lang="en">/);
    expect(html).toContain(
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    );
    expect(html.match(/<svg\b/g)).toHaveLength(4);
    expect(html.match(/<\/svg>/g)).toHaveLength(4);
    expect(html.match(/<g\b/g)?.length).toBe(html.match(/<\/g>/g)?.length);
  });

  it('escapes llm ids, workload ids and scenario names in text and attributes', () => {
    const { plan, report } = fixture(6);
    const html = renderHtmlReport(plan, report);
    expect(html).not.toContain(EVIL_LLM);
    expect(html).not.toContain(ODD_WORKLOAD);
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain(`data-series="${escapedEvil}"`); // attribute
    expect(html).toContain(`<th class="num">${escapedEvil}</th>`); // cost table header
    expect(html).toContain(`<td>${escapedEvil}</td>`); // peak replicas table
    expect(html).toContain(`data-panel="${escapedWorkload}"`);
    expect(html).toContain('<title>Plan report: fixture &amp; &quot;friends&quot; &lt;6&gt;</title>');
    expect(html).toContain('<code>horizon.windows=&lt;n&gt;</code>');
    // No raw quote can end an attribute early: every attribute value is free of < and of the other quote mark.
    for (const [, value] of html.matchAll(/\s[a-z-]+="([^"]*)"/g)) expect(value).not.toMatch(/[<>]/);
  });

  it('is deterministic: same input, byte-identical output', () => {
    for (const windows of [1, 48, 168]) {
      const { plan, report } = fixture(windows);
      const first = renderHtmlReport(plan, report);
      expect(renderHtmlReport(structuredClone(plan), structuredClone(report))).toBe(first);
      const again = fixture(windows);
      expect(renderHtmlReport(again.plan, again.report)).toBe(first);
    }
  });

  it('handles 168 windows, 1 window, an empty plan and a zero-cost plan without NaN', () => {
    const cases = {
      week: fixture(168),
      one: fixture(1),
      empty: fixture(0),
      zeroCost: fixture(24, { zeroCost: true }),
      zeroCostOne: fixture(1, { zeroCost: true }),
    };
    for (const [name, { plan, report }] of Object.entries(cases)) {
      const html = renderHtmlReport(plan, report);
      expect(html, name).not.toMatch(/NaN|Infinity|undefined|\[object /);
      expect(html.match(/<svg\b/g), name).toHaveLength(4);
      for (const chart of CHARTS) chartPoints(html, chart);
      // Coordinates are plain fixed-decimal numbers.
      for (const [, value] of html.matchAll(/\s(?:x|y|x1|y1|x2|y2|cx|cy|width|height)="([^"]*)"/g))
        expect(value, name).toMatch(/^-?\d+(\.\d+)?$/);
      for (const [, d] of html.matchAll(/\sd="([^"]*)"/g)) expect(d, name).toMatch(/^([MLHVZ]-?\d+(\.\d+)?(,-?\d+(\.\d+)?)?|Z)*$/);
    }

    const week = renderHtmlReport(cases.week.plan, cases.week.report);
    expect(chartPoints(week, 'demand')).toBe(2 * 2 * 168);
    expect(chartPoints(week, 'fleet')).toBe(2 * 168);
    expect(week).toContain('Fri 05-10'); // day ticks on a week

    const one = renderHtmlReport(cases.one.plan, cases.one.report);
    expect(chartPoints(one, 'demand')).toBe(4);
    expect(chartPoints(one, 'fleet')).toBe(2);
    expect(chartSvg(one, 'demand')).toMatch(/<circle data-series="served"/); // a single point is drawn as a dot

    const empty = renderHtmlReport(cases.empty.plan, cases.empty.report);
    for (const chart of CHARTS) expect(chartPoints(empty, chart)).toBe(0);
    expect(empty).toContain('no data');
    expect(empty).toContain('The plan has no windows.');

    const zero = renderHtmlReport(cases.zeroCost.plan, cases.zeroCost.report);
    expect(cases.zeroCost.report.totals.costUsd).toBe(0);
    expect(chartPoints(zero, 'demand')).toBe(2 * 2 * 24); // demand is still drawn, all of it unmet
    expect(chartPoints(zero, 'cost')).toBe(0);
    expect(chartPoints(zero, 'utilisation')).toBe(0); // no replicas: no utilisation values
    expect(zero).toContain('No VM cost in this plan.');
    expect(zero).toContain('No VMs run in this window.');
  });
});
