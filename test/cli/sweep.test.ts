import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/paths.js';
import { SweepDocumentSchema, type SweepDocument } from '../../src/sweep/document.js';
import { SCENARIOS, planner } from './run.js';

const work = mkdtempSync(join(tmpdir(), 'planner-sweep-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const tiny = join(SCENARIOS, 'tiny.yaml');

async function sweepJson(...argv: string[]): Promise<{ doc: SweepDocument; stdout: string; stderr: string }> {
  const { exitCode, stdout, stderr } = await planner(['sweep', tiny, ...argv, '--format', 'json']);
  expect(exitCode, stderr).toBe(0);
  return { doc: SweepDocumentSchema.parse(JSON.parse(stdout)), stdout, stderr };
}

/** The JSON with every timing field zeroed: what must not depend on --jobs or on the machine. */
function withoutTimings(json: string): string {
  const doc = JSON.parse(json) as SweepDocument;
  return JSON.stringify({ ...doc, seconds: 0, points: doc.points.map((p) => ({ ...p, seconds: 0 })) }, null, 2);
}

describe('planner sweep on the tiny scenario', () => {
  it('gives the same rows in grid order with --jobs 1 (in-process) and --jobs 2 (worker threads)', async () => {
    const grid = ['--vary', 'demand.scale=0.5,1,2', '--vary', 'policies.headroom=0.1,0.3'];
    const one = await sweepJson(...grid, '--jobs', '1');
    const two = await sweepJson(...grid, '--jobs', '2');
    expect(one.stderr).toMatch(/6 points in .* s \(in-process\)/);
    expect(two.stderr).toMatch(/6 points in .* s \(2 worker threads\)/);
    expect(withoutTimings(two.stdout)).toBe(withoutTimings(one.stdout));
    // The first --vary changes slowest.
    expect(one.doc.points.map((p) => [p.values['demand.scale'], p.values['policies.headroom']])).toEqual([
      [0.5, 0.1],
      [0.5, 0.3],
      [1, 0.1],
      [1, 0.3],
      [2, 0.1],
      [2, 0.3],
    ]);
    expect(one.doc.points.map((p) => p.index)).toEqual([0, 1, 2, 3, 4, 5]);
    // More headroom never makes a point cheaper.
    for (let i = 0; i < 6; i += 2) expect(one.doc.points[i + 1]!.costUsd!).toBeGreaterThanOrEqual(one.doc.points[i]!.costUsd!);
  });

  it('each point is the scenario with its overrides: cost rises with demand scale and matches planner solve --set', async () => {
    const { doc } = await sweepJson('--vary', 'demand.scale=0.5..2:7');
    expect(doc.parameters).toEqual([{ path: 'demand.scale', values: [0.5, 0.75, 1, 1.25, 1.5, 1.75, 2] }]);
    expect(doc.points.every((p) => p.status === 'optimal' && p.unmetRequests === 0)).toBe(true);
    const costs = doc.points.map((p) => p.costUsd!);
    for (let i = 1; i < costs.length; i++) expect(costs[i]!).toBeGreaterThanOrEqual(costs[i - 1]!);
    expect(costs.at(-1)!).toBeGreaterThan(costs[0]! * 2);
    // Served requests scale exactly with demand (20 req/s x 3 h at scale 1).
    expect(doc.points.map((p) => p.servedRequests)).toEqual([0.5, 0.75, 1, 1.25, 1.5, 1.75, 2].map((s) => 20 * 3600 * 3 * s));

    const point = doc.points[5]!;
    expect(point.overrides).toEqual(['workloads.0.demand.scale=1.75']);
    const solved = await planner(['solve', tiny, '--set', point.overrides[0]!, '--format', 'json']);
    const plan = JSON.parse(solved.stdout) as { totals: { costUsd: number; gpuHours: number }; solver: { objective: number } };
    expect(point.costUsd).toBeCloseTo(plan.totals.costUsd, 4);
    expect(point.gpuHours).toBeCloseTo(plan.totals.gpuHours, 4);
    expect(point.objectiveUsd).toBeCloseTo(plan.solver.objective, 4);
  });

  it('a point that cannot serve its demand is a row with its status and unmet requests, not a failure', async () => {
    const { doc } = await sweepJson('--vary', 'policies.budget.usd=10,1000');
    const [tight, loose] = doc.points;
    expect(tight!.status).toBe('optimal');
    expect(tight!.costUsd!).toBeLessThanOrEqual(10);
    expect(tight!.unmetRequests!).toBeGreaterThan(0);
    expect(loose!.unmetRequests).toBe(0);
    expect(loose!.costUsd!).toBeGreaterThan(10);
  });

  it("--set and --windows apply to every point, so a region's quota that --set adds can be varied", async () => {
    const quotas = 'policies.quotas=[{gpu: A100-80GB-PCIe, region: eastus, gpus: 0}, {gpu: A100-80GB-PCIe, region: westus2, gpus: 0}]';
    const { doc } = await sweepJson('--set', quotas, '--windows', '1..2', '--vary', 'policies.quotas.0.gpus=0,2,100');
    expect(doc.scenario.overrides).toEqual(['horizon.skipWindows=1', 'horizon.windows=2', quotas]);
    expect(doc.points.map((p) => p.overrides)).toEqual([
      ['policies.quotas.0.gpus=0'],
      ['policies.quotas.0.gpus=2'],
      ['policies.quotas.0.gpus=100'],
    ]);
    // Two windows of 20 req/s are served in full at every point; fewer A100s in eastus cost more (A10s instead).
    expect(doc.points.map((p) => [p.servedRequests, p.unmetRequests])).toEqual(Array(3).fill([20 * 3600 * 2, 0]));
    const [none, two, plenty] = doc.points.map((p) => p.costUsd!);
    expect(none!).toBeGreaterThan(two!);
    expect(two!).toBeGreaterThan(plenty!);
  });

  it('varies the spot share (group 5): more spot allowed, lower cost, the same demand served', async () => {
    const { doc } = await sweepJson('--set', 'purchases=[on-demand,spot]', '--vary', 'policies.spot.maxShare=0,0.5,1');
    expect(doc.points.every((p) => p.status === 'optimal' && p.unmetRequests === 0 && p.servedRequests === 20 * 3600 * 3)).toBe(true);
    const [none, half, all] = doc.points.map((p) => p.costUsd!);
    expect(half!).toBeLessThan(none!);
    expect(all!).toBeLessThan(half!);
  });

  it('--format json with --out CSV and --html: the CSV reads back as the JSON rows, the HTML has the cost chart', async () => {
    const csvFile = join(work, 'round', 'sweep.csv');
    const htmlFile = join(work, 'round', 'sweep.html');
    const { exitCode, stdout, stderr } = await planner([
      'sweep',
      tiny,
      '--vary',
      'demand.scale=0.5,1',
      '--vary',
      'policies.budget.usd=30,1000',
      '--format',
      'json',
      '--out',
      csvFile,
      '--html',
      htmlFile,
    ]);
    expect(exitCode, stderr).toBe(0);
    const doc = SweepDocumentSchema.parse(JSON.parse(stdout));
    expect(readdirSync(join(work, 'round')).sort()).toEqual(['sweep.csv', 'sweep.html']);

    const csv = readFileSync(csvFile, 'utf8');
    expect(csv.split('\r\n')[0]).toBe(
      'demand.scale,policies.budget.usd,status,strategy,cost_usd,startup_cost_usd,gpu_hours,served_requests,unmet_requests,objective_usd,bound_usd,gap,seconds',
    );
    const rows = parse(csv, { columns: true }) as Record<string, string>[];
    const back = (cell: string): number | null => (cell === '' ? null : Number(cell));
    expect(
      rows.map((r) => ({
        values: { 'demand.scale': back(r['demand.scale']!), 'policies.budget.usd': back(r['policies.budget.usd']!) },
        status: r.status,
        strategy: r.strategy,
        costUsd: back(r.cost_usd!),
        startupCostUsd: back(r.startup_cost_usd!),
        gpuHours: back(r.gpu_hours!),
        servedRequests: back(r.served_requests!),
        unmetRequests: back(r.unmet_requests!),
        objectiveUsd: back(r.objective_usd!),
        boundUsd: back(r.bound_usd!),
        gap: back(r.gap!),
        seconds: back(r.seconds!),
      })),
    ).toEqual(doc.points.map(({ index: _index, overrides: _overrides, ...rest }) => rest));

    const html = readFileSync(htmlFile, 'utf8');
    // One line per value of the second parameter, one value per value of the first.
    const chart = /<svg class="chart" data-chart="sweep-cost" data-points="(\d+)"[\s\S]*?<\/svg>/.exec(html);
    expect(chart).not.toBeNull();
    expect(chart![1]).toBe('4');
    const lines = [...chart![0].matchAll(/<path class="series" data-series="([^"]+)"/g)].map((m) => m[1]);
    expect(lines).toEqual(['policies.budget.usd=30', 'policies.budget.usd=1000']);
    expect(html).toContain('data-chart="sweep-unmet"');
    expect(html).not.toMatch(/<script|https?:\/\//);
  });

  it('--out FILE.json writes what --format json prints', async () => {
    const file = join(work, 'out.json');
    const { exitCode, stdout } = await planner(['sweep', tiny, '--vary', 'demand.scale=1,2', '--out', file]);
    expect(exitCode).toBe(0);
    expect(stdout).toMatch(/Sweep of tiny: 2 points over demand\.scale/);
    expect(stdout).toMatch(/cost curve/);
    expect(SweepDocumentSchema.parse(JSON.parse(readFileSync(file, 'utf8'))).points).toHaveLength(2);
  });
});

describe('planner sweep: bad input is exit 2 with the flag and the fix, and writes nothing', () => {
  const cases: [string, string[], RegExp][] = [
    ['no --vary', [], /^planner: --vary: nothing to vary \(fix: add at least one --vary/],
    [
      'an unknown path',
      ['--vary', 'policies.budgt.usd=1,2'],
      /^planner: --vary policies\.budgt\.usd=1 makes an invalid scenario \(fix: vary a path the scenario has[^\n]*\n {2}\S*tiny\.yaml policies\.budgt: unknown key 'budgt'.*did you mean 'budget'/,
    ],
    [
      'an index past the end of a list',
      ['--vary', 'workloads.3.demand.scale=1'],
      /--vary workloads\.3\.demand\.scale: 'workloads\.3' is not an index of a 1-item list \(fix: use 0\.\.0\)/,
    ],
    [
      'a non-numeric value for a number',
      ['--vary', 'workloads.0.demand.scale=1,lots'],
      /--vary workloads\.0\.demand\.scale=lots makes an invalid scenario[\s\S]*workloads\.0\.demand\.scale: expected a number > 0, got 'lots'/,
    ],
    ['a non-numeric demand factor', ['--vary', 'demand.scale=1,x'], /^planner: --vary demand\.scale: 'x' is not a positive number/],
    ['an empty list', ['--vary', 'demand.scale='], /^planner: --vary demand\.scale: the list of values is empty/],
    ['a range without a count', ['--vary', 'demand.scale=0.5..2'], /range '0\.5\.\.2' has no point count \(fix: write FROM\.\.TO:N/],
    [
      'too large a grid',
      ['--vary', 'demand.scale=0.5..2:30', '--vary', 'policies.headroom=0..0.5:20'],
      /^planner: --vary: the grid has 600 points \(30 x 20\), more than 500 \(fix: [^)]*--force/,
    ],
    [
      'an --out extension with no format',
      ['--vary', 'demand.scale=1', '--out', 'sweep.txt'],
      /^planner: --out: cannot tell the format of 'sweep\.txt' from its extension \(fix: name the file \*\.json, \*\.csv or \*\.html\)/,
    ],
    [
      'a value valid alone but not in the catalog (found in a worker)',
      ['--vary', 'regions=[eastus],[atlantis]', '--jobs', '2'],
      /the sweep point regions=\[atlantis\] is invalid \(fix: drop that value from its --vary\)[\s\S]*unknown region 'atlantis'/,
    ],
  ];
  for (const [what, argv, expected] of cases) {
    it(what, async () => {
      const dir = mkdtempSync(join(work, 'bad-'));
      const out = join(dir, 'sweep.json');
      const html = join(dir, 'sweep.html');
      const hasOut = argv.includes('--out');
      const { exitCode, stdout, stderr } = await planner(['sweep', tiny, ...argv, ...(hasOut ? [] : ['--out', out]), '--html', html], dir);
      expect(exitCode).toBe(2);
      expect(stderr).toMatch(expected);
      expect(stdout).toBe('');
      expect(readdirSync(dir)).toEqual([]);
      expect(existsSync(out) || existsSync(html)).toBe(false);
    });
  }

  it('--jobs must be a whole number (commander names the flag)', async () => {
    const { exitCode, stderr } = await planner(['sweep', tiny, '--vary', 'demand.scale=1', '--jobs', '1.5']);
    expect(exitCode).toBe(2);
    expect(stderr).toMatch(/--jobs <n>' argument '1\.5' is invalid\. expected a whole number/);
  });
});

describe('planner schema sweep', () => {
  it('prints the JSON Schema that schemas/sweep.schema.json publishes', async () => {
    const { exitCode, stdout } = await planner(['schema', 'sweep']);
    expect(exitCode).toBe(0);
    // A failure here means the zod schema changed: run `node bin/planner.js schema sweep > schemas/sweep.schema.json`.
    expect(stdout).toBe(readFileSync(join(packageRoot(), 'schemas', 'sweep.schema.json'), 'utf8'));
  });
});
