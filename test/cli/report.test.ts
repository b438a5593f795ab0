import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/paths.js';
import { FinanceReportSchema } from '../../src/report/finance.js';
import type { PlanDocument } from '../../src/plan-document/index.js';
import { SCENARIOS, planner } from './run.js';

const work = mkdtempSync(join(tmpdir(), 'planner-report-'));
const tiny = join(SCENARIOS, 'tiny.yaml');
const planFile = join(work, 'plan.json');
let original: PlanDocument;

beforeAll(async () => {
  const { exitCode } = await planner(['solve', tiny, '--out', work, '--format', 'json']);
  expect(exitCode).toBe(0);
  original = JSON.parse(readFileSync(planFile, 'utf8')) as PlanDocument;
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

function writePlan(name: string, edit: (plan: PlanDocument) => void): string {
  const plan = structuredClone(original);
  edit(plan);
  const file = join(work, name);
  writeFileSync(file, JSON.stringify(plan));
  return file;
}

type Row = Record<string, string>;

describe('planner report', () => {
  it('--format csv --out writes both CSVs; the cost column adds up to the plan total', async () => {
    const { exitCode, stdout } = await planner(['report', planFile, '--scenario', tiny, '--format', 'csv', '--out', 'rep'], work);
    expect(exitCode).toBe(0);
    expect(stdout).toContain(join('rep', 'cost-by-window.csv'));
    const byWindowText = readFileSync(join(work, 'rep', 'cost-by-window.csv'), 'utf8');
    const byMonthText = readFileSync(join(work, 'rep', 'cost-by-month.csv'), 'utf8');
    expect(byWindowText).toMatch(
      /^month,window_start,window_hours,region,sku,purchase,llm,gpus_per_vm,usd_per_vm_hour,vm_hours,gpu_hours,cost_usd,startup_cost_usd,total_cost_usd\r\n/,
    );
    expect(byMonthText).toMatch(/^month,region,llm,purchase,vm_hours,gpu_hours,cost_usd,startup_cost_usd,total_cost_usd\r\n/);

    for (const text of [byWindowText, byMonthText]) {
      const rows = parse(text, { columns: true }) as Row[];
      expect(rows.length).toBeGreaterThan(0);
      const total = rows.reduce((sum, row) => sum + Number(row.cost_usd), 0);
      expect(Math.abs(total - original.totals.costUsd)).toBeLessThanOrEqual(0.01 * rows.length);
      expect(Math.abs(total - original.totals.costUsd)).toBeLessThan(0.01 + 1e-9);
    }

    // Per row: gpu_hours = vm_hours x gpus per VM, cost = hours x price; per VM group the hours add up.
    const rows = parse(byWindowText, { columns: true }) as Row[];
    for (const row of rows) {
      expect(Number(row.gpu_hours)).toBeCloseTo(Number(row.vm_hours) * Number(row.gpus_per_vm), 5);
      expect(Math.abs(Number(row.cost_usd) - Number(row.vm_hours) * Number(row.usd_per_vm_hour))).toBeLessThan(0.01);
    }
    for (const window of original.windows) {
      for (const vm of window.vms.filter((v) => v.count > 0)) {
        const group = rows.filter(
          (r) => r.window_start === window.start && r.region === vm.region && r.sku === vm.sku && r.purchase === vm.purchase,
        );
        expect(group.reduce((sum, r) => sum + Number(r.vm_hours), 0)).toBeCloseTo(vm.count * window.hours, 5);
        expect(group.reduce((sum, r) => sum + Number(r.gpu_hours), 0)).toBeCloseTo(
          vm.count * window.hours * Number(group[0]!.gpus_per_vm),
          5,
        );
      }
      expect(rows.filter((r) => r.window_start === window.start).reduce((sum, r) => sum + Number(r.gpu_hours), 0)).toBeCloseTo(
        window.gpuHours,
        4,
      );
    }
  });

  it('csv without --out prints cost-by-window.csv, byte-identical on every run', async () => {
    const first = await planner(['report', planFile, '--scenario', tiny, '--format', 'csv']);
    const second = await planner(['report', planFile, '--scenario', tiny, '--format', 'csv']);
    expect(first.exitCode).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    await planner(['report', planFile, '--scenario', tiny, '--format', 'csv', '--out', 'rep'], work);
    expect(first.stdout).toBe(readFileSync(join(work, 'rep', 'cost-by-window.csv'), 'utf8'));
  });

  it('escapes and quotes an llm id that a spreadsheet would run as a formula', async () => {
    const evil = '=HYPERLINK("http://x","y")';
    const file = writePlan('evil.json', (plan) => {
      for (const window of plan.windows) {
        for (const replica of window.replicas) replica.llm = evil;
        for (const route of window.routes) route.llm = evil;
      }
    });
    const { exitCode, stdout, stderr } = await planner(['report', file, '--scenario', tiny, '--format', 'csv']);
    expect(exitCode).toBe(0);
    expect(stderr).toMatch(/no rate for chat/); // the scenario has no such llm: its load is left out of utilisation
    expect(stdout).toContain(`,"'=HYPERLINK(""http://x"",""y"")",`);
    expect(stdout).not.toMatch(/(^|,)=HYPERLINK/m);
    const rows = parse(stdout, { columns: true }) as Row[];
    expect(rows.every((row) => row.llm === `'${evil}`)).toBe(true);
    expect(rows.reduce((sum, row) => sum + Number(row.cost_usd), 0)).toBeCloseTo(original.totals.costUsd, 2);
  });

  it('--format json validates against the report schema and matches the CSV numbers (round trip)', async () => {
    const { exitCode, stdout } = await planner(['report', planFile, '--scenario', tiny, '--format', 'json']);
    expect(exitCode).toBe(0);
    const report = FinanceReportSchema.parse(JSON.parse(stdout));
    expect(report.plan).toMatchObject({ scenario: 'tiny', windows: 3, status: original.status });
    // Money in cents, as the CSVs: 6 A100 VM-hours x 3.673 = 44.076 -> 44.08.
    expect(report.totals.costUsd).toBe(44.08);
    expect(report.totals.gpuHours).toBeCloseTo(original.totals.gpuHours, 6);
    expect(report.utilisation).toHaveLength(3);
    for (const window of report.utilisation) {
      expect(window.utilisation).toBeGreaterThan(0);
      expect(window.utilisation).toBeLessThanOrEqual(1 + 1e-6); // validate holds: load within capacity after headroom
      expect(window.servedRequestsPerSec).toBeCloseTo(20, 4);
    }

    const csv = (await planner(['report', planFile, '--scenario', tiny, '--format', 'csv'])).stdout;
    const rows = parse(csv, {
      columns: true,
      cast: (value, context) =>
        context.header || ['month', 'window_start', 'region', 'sku', 'purchase', 'llm'].includes(String(context.column))
          ? value
          : Number(value),
    }) as Array<Record<string, string | number>>;
    expect(rows.map((r) => [r.window_start, r.region, r.sku, r.purchase, r.llm, r.vm_hours, r.gpu_hours])).toEqual(
      report.costByWindow.map((r) => [
        r.windowStart,
        r.region,
        r.sku,
        r.purchase,
        r.llm,
        Number(r.vmHours.toFixed(6)),
        Number(r.gpuHours.toFixed(6)),
      ]),
    );
    for (const [i, row] of rows.entries()) expect(Math.abs((row.cost_usd as number) - report.costByWindow[i]!.costUsd)).toBeLessThan(0.01);

    const written = await planner(['report', planFile, '--scenario', tiny, '--format', 'json', '--out', 'rep-json'], work);
    expect(written.exitCode).toBe(0);
    expect(readFileSync(join(work, 'rep-json', 'report.json'), 'utf8')).toBe(stdout);
  });

  it('prints a table of cost by region and llm, totals and utilisation', async () => {
    const { exitCode, stdout } = await planner(['report', planFile, '--scenario', tiny]);
    expect(exitCode).toBe(0);
    expect(stdout).toContain('llama-3.1-8b');
    expect(stdout).toContain('eastus');
    expect(stdout).toContain(`$${original.totals.costUsd.toFixed(2)}`);
    expect(stdout).toMatch(/Utilisation/);
    expect(stdout).toMatch(/all regions/);
    // The table only prints.
    expect((await planner(['report', planFile, '--scenario', tiny, '--out', 'x'], work)).exitCode).toBe(2);
  });

  it('--format html --out writes report.html', async () => {
    const { exitCode } = await planner(['report', planFile, '--scenario', tiny, '--format', 'html', '--out', 'rep-html'], work);
    expect(exitCode).toBe(0);
    const html = join(work, 'rep-html', 'report.html');
    expect(existsSync(html)).toBe(true);
    expect(readFileSync(html, 'utf8')).toMatch(/<!doctype html|<html/i);
  });

  it('rejects a file that is not a plan (exit 2, with the path of the bad field)', async () => {
    const file = writePlan('broken.json', (plan) => {
      (plan.windows[0]!.vms[0] as { count: unknown }).count = 'many';
    });
    const { exitCode, stderr } = await planner(['report', file, '--scenario', tiny]);
    expect(exitCode).toBe(2);
    expect(stderr).toMatch(/windows\.0\.vms\.0\.count/);
    const notJson = join(work, 'not.json');
    writeFileSync(notJson, '{');
    expect((await planner(['report', notJson, '--scenario', tiny, '--format', 'csv'])).exitCode).toBe(2);
    expect((await planner(['report', join(work, 'missing.json'), '--scenario', tiny])).exitCode).toBe(2);
  });

  it('schema report prints the JSON Schema that schemas/report.schema.json publishes', async () => {
    const { exitCode, stdout } = await planner(['schema', 'report']);
    expect(exitCode).toBe(0);
    // A failure here means the zod schema changed: run `node bin/planner.js schema report > schemas/report.schema.json`.
    expect(stdout).toBe(readFileSync(join(packageRoot(), 'schemas', 'report.schema.json'), 'utf8'));
  });
});

describe('finance figures that add up', () => {
  it('every finance CSV sums to the plan total including start-ups, to the cent', async () => {
    // tiny.yaml has startupMinutes: 10, so the first window starts every VM.
    const { exitCode } = await planner(['report', planFile, '--format', 'csv', '--out', 'sums'], work);
    expect(exitCode).toBe(0);
    // By hand from plan.json: VMs x price x hours, and VMs started x price x 10/60 h plus the replicas' llm
    // loads (policies.modelLoad, on by default), each rounded to the cent.
    const vmCost = original.windows.reduce((s, w) => s + w.vms.reduce((t, vm) => t + vm.count * vm.usdPerHour * w.hours, 0), 0);
    const boots = original.windows.reduce((s, w) => s + w.vms.reduce((t, vm) => t + (vm.started * vm.usdPerHour * 10) / 60, 0), 0);
    expect(original.totals.modelLoadCostUsd).toBeGreaterThan(0);
    const startup = boots + original.totals.modelLoadCostUsd!;
    expect(startup).toBeGreaterThan(0);
    const expectedCents = Math.round(vmCost * 100) + Math.round(startup * 100);
    expect(expectedCents).toBe(Math.round(original.totals.costUsd * 100) + Math.round(original.totals.startupCostUsd * 100));
    const cents = (rows: Row[], column: string) => rows.reduce((s, r) => s + Math.round(Number(r[column]) * 100), 0);
    for (const name of ['cost-by-window.csv', 'cost-by-month.csv']) {
      const rows = parse(readFileSync(join(work, 'sums', name), 'utf8'), { columns: true }) as Row[];
      expect(cents(rows, 'total_cost_usd')).toBe(expectedCents);
      expect(cents(rows, 'cost_usd')).toBe(Math.round(vmCost * 100));
      expect(cents(rows, 'startup_cost_usd')).toBe(Math.round(startup * 100));
      for (const row of rows) {
        expect(row.total_cost_usd).toMatch(/^\d+\.\d{2}$/);
        expect(Math.round(Number(row.total_cost_usd) * 100)).toBe(
          Math.round(Number(row.cost_usd) * 100) + Math.round(Number(row.startup_cost_usd) * 100),
        );
      }
    }
    // Start-ups are booked to the window the VMs, or replicas, start in.
    const byWindow = parse(readFileSync(join(work, 'sums', 'cost-by-window.csv'), 'utf8'), { columns: true }) as Row[];
    const replicasOf = (w: (typeof original.windows)[number] | undefined) =>
      new Map((w?.replicas ?? []).map((r) => [`${r.llm}|${r.sku}|${r.tp}|${r.region}`, r.count]));
    const started = new Set(
      original.windows
        .filter(
          (w, i) =>
            w.vms.some((vm) => vm.started > 0) ||
            [...replicasOf(w)].some(([key, count]) => count > (replicasOf(original.windows[i - 1]).get(key) ?? 0)),
        )
        .map((w) => w.start),
    );
    for (const row of byWindow) if (!started.has(row.window_start!)) expect(row.startup_cost_usd).toBe('0.00');
    // A healthy plan has no warnings: warnings.csv is the header alone.
    expect(readFileSync(join(work, 'sums', 'warnings.csv'), 'utf8')).toBe('scenario,warning\r\n');
  });

  it('report JSON has money in cents and no float noise, months equal to the sum of their windows', async () => {
    const { stdout } = await planner(['report', planFile, '--format', 'json']);
    for (const match of stdout.matchAll(/"(\w*[Uu]sd\w*)": (-?\d+(?:\.\d+)?)/g)) {
      if (match[1] === 'usdPerVmHour') continue;
      expect(match[2]).toMatch(/^-?\d+(\.\d{1,2})?$/);
    }
    for (const match of stdout.matchAll(/": (-?\d+\.\d+)/g)) expect(match[1]!.split('.')[1]!.length).toBeLessThanOrEqual(6);
    const report = FinanceReportSchema.parse(JSON.parse(stdout));
    const cents = (usd: number) => Math.round(usd * 100);
    for (const month of report.costByMonth) {
      const rows = report.costByWindow.filter((r) => r.month === month.month && r.region === month.region && r.llm === month.llm);
      expect(cents(month.totalCostUsd)).toBe(rows.reduce((s, r) => s + cents(r.totalCostUsd), 0));
    }
    expect(cents(report.totals.totalCostUsd)).toBe(cents(report.totals.costUsd) + cents(report.totals.startupCostUsd));
  });
});

describe('a plan that solve rejected for unmet demand', () => {
  const unmetDir = join(work, 'unmet');
  const QUOTA = [
    '--set',
    'skus=[NC24ads_A100_v4]',
    '--set',
    'policies.quotas=[{gpu: A100-80GB-PCIe, region: eastus, gpus: 1}, {gpu: A100-80GB-PCIe, region: westus2, gpus: 1}]',
  ];
  beforeAll(async () => {
    const { exitCode } = await planner(['solve', tiny, ...QUOTA, '--out', unmetDir]);
    expect(exitCode).toBe(1); // unmet demand above --max-unmet 0: rejected, but written
  });

  it('carries the unmet-demand warning in every report format', async () => {
    const plan = JSON.parse(readFileSync(join(unmetDir, 'plan.json'), 'utf8')) as PlanDocument;
    expect(plan.totals.unmetRequests).toBeGreaterThan(0);
    const warning = new RegExp(`unmet demand: the plan leaves ${plan.totals.unmetRequests} requests unserved`);
    const planPath = join(unmetDir, 'plan.json');

    const table = await planner(['report', planPath]);
    expect(table.exitCode).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(warning);
    expect(table.stdout).toMatch(new RegExp(`unmet demand: ${plan.totals.unmetRequests.toLocaleString('en-US')} requests`));

    const json = JSON.parse((await planner(['report', planPath, '--format', 'json'])).stdout) as { warnings: string[] };
    expect(json.warnings[0]).toMatch(warning);

    const csv = await planner(['report', planPath, '--format', 'csv', '--out', join(work, 'unmet-csv')]);
    expect(csv.stderr).toMatch(warning);
    const warnings = parse(readFileSync(join(work, 'unmet-csv', 'warnings.csv'), 'utf8'), { columns: true }) as Row[];
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ scenario: 'tiny' });
    expect(warnings[0]!.warning).toMatch(warning);

    const html = (await planner(['report', planPath, '--format', 'html'])).stdout;
    const warningsAt = html.indexOf('<h2>Warnings</h2>');
    expect(warningsAt).toBeGreaterThan(0);
    expect(warningsAt).toBeLessThan(html.indexOf('<h2>Totals</h2>')); // before any figure
    expect(html.slice(warningsAt)).toMatch(warning);
  });
});
