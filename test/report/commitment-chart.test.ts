import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../src/commands/scenario-inputs.js';
import type { PlanDocument } from '../../src/plan-document/index.js';
import { buildFinanceReport } from '../../src/report/finance.js';
import { renderHtmlReport } from '../../src/report/html.js';

// Twelve hours on one 1-GPU sku: 5 three-year committed VMs in every window, the peak on demand.
const COMMITTED = join(import.meta.dirname, '..', 'fixtures', 'commitment-plan');
const plan = JSON.parse(readFileSync(join(COMMITTED, 'plan.json'), 'utf8')) as PlanDocument;

function chartSvg(html: string, name: string): string {
  const start = html.indexOf(`<svg class="chart" data-chart="${name}"`);
  expect(start, `${name} chart`).toBeGreaterThanOrEqual(0);
  return html.slice(start, html.indexOf('</svg>', start) + '</svg>'.length);
}

/** Pixel y -> value, from the y axis: the grid lines and their tick labels (0 at the bottom line). */
function yScale(svg: string): (y: number) => number {
  const grid = [...svg.matchAll(/<line class="grid" x1="[^"]*" y1="([\d.]+)"/g)].map((m) => Number(m[1]));
  const ticks = [...svg.matchAll(/<text class="tick" x="[^"]*" y="[^"]*" text-anchor="end">([^<]*)<\/text>/g)].map((m) => Number(m[1]));
  expect(grid.length).toBeGreaterThan(1);
  const [bottom, top] = [grid[0]!, grid[grid.length - 1]!];
  const max = ticks[ticks.length - 1]!;
  expect(ticks[0]).toBe(0);
  return (y) => ((bottom - y) / (bottom - top)) * max;
}

function rectsOf(svg: string, series: string): RegExpMatchArray[] {
  const group = new RegExp(`<g class="series" data-series="${series}"[^>]*>(.*?)</g>`).exec(svg);
  expect(group, series).not.toBeNull();
  return [...group![1]!.matchAll(/<rect data-series="[^"]*" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)">/g)];
}

/** Each window's bar segment of one series as a value (0 where it draws none); x0 and band from a series in every window. */
function barValues(svg: string, series: string, at: { x0: number; band: number; windows: number }, value: (y: number) => number): number[] {
  const out = new Array<number>(at.windows).fill(0);
  for (const m of rectsOf(svg, series)) {
    const i = Math.round((Number(m[1]) - at.x0) / at.band);
    out[i] = value(Number(m[2])) - value(Number(m[2]) + Number(m[4]));
  }
  return out;
}

describe('the HTML report: committed vs on-demand capacity against demand', () => {
  it('stacks committed and on-demand GPUs per window under the GPUs the replicas need, as the plan states them', async () => {
    const loaded = await loadScenarioFile(join(COMMITTED, 'scenario.yaml'));
    const html = renderHtmlReport(plan, buildFinanceReport(plan, loaded.input));
    const svg = chartSvg(html, 'commitments');
    const value = yScale(svg);
    const n = plan.windows.length;
    // NC24ads_A100_v4 has 1 GPU per VM: GPUs = VMs.
    const vms = (purchase: string) =>
      plan.windows.map((w) => w.vms.filter((vm) => vm.purchase === purchase).reduce((s, vm) => s + vm.count, 0));
    // Committed VMs run in every window: their bars give each window's x.
    const xs = rectsOf(svg, 'committed').map((m) => Number(m[1]));
    expect(xs).toHaveLength(n);
    const at = { x0: xs[0]!, band: (xs[n - 1]! - xs[0]!) / (n - 1), windows: n };
    const committed = barValues(svg, 'committed', at, value);
    const onDemand = barValues(svg, 'on-demand', at, value);
    expect(vms('committed').every((c) => c === 5)).toBe(true);
    for (const [i, v] of committed.entries()) expect(v).toBeCloseTo(vms('committed')[i]!, 1);
    for (const [i, v] of onDemand.entries()) expect(v).toBeCloseTo(vms('on-demand')[i]!, 1);
    expect(svg).not.toContain('data-series="spot"');

    // The demand line: one horizontal step per window at its replicas' GPUs.
    const d = /<path class="series line" data-series="gpus-needed" d="([^"]+)"/.exec(svg)![1]!;
    const levels = [...d.matchAll(/[,V]([\d.]+)H/g)].map((m) => value(Number(m[1])));
    const needed = plan.windows.map((w) => w.replicas.reduce((s, r) => s + r.count * r.tp, 0));
    expect(levels).toHaveLength(n);
    for (const [i, v] of levels.entries()) expect(v).toBeCloseTo(needed[i]!, 1);
    // The plan buys to the base load and leaves the peak on demand: some windows above the commitment.
    expect(needed.some((g) => g > 5)).toBe(true);
    expect(svg).toContain(`data-points="${3 * n}"`);
  });

  it('is absent from a plan whose scenario offers no commitments', async () => {
    const { commitments: _, ...plain } = plan;
    const loaded = await loadScenarioFile(join(COMMITTED, 'scenario.yaml'));
    expect(renderHtmlReport(plain as PlanDocument, buildFinanceReport(plan, loaded.input))).not.toContain('data-chart="commitments"');
  });
});
