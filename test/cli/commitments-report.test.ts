import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import type { PlanDocument } from '../../src/plan-document/index.js';
import { COMMITMENTS_HEADER } from '../../src/report/commitments-csv.js';
import { SCENARIOS, planner } from './run.js';

const work = mkdtempSync(join(tmpdir(), 'planner-commitments-report-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// A plan that buys 5 three-year NC24ads_A100_v4 VMs in eastus at 55% off and leaves the peak on demand.
const COMMITTED = join(import.meta.dirname, '..', 'fixtures', 'commitment-plan');
const plan = JSON.parse(readFileSync(join(COMMITTED, 'plan.json'), 'utf8')) as PlanDocument;

type Row = Record<string, string>;

describe('planner report --format csv: the commitment schedule (commitments.csv)', () => {
  it('has one row per commitment bought, whose figures recompute from the plan windows', async () => {
    const out = join(work, 'committed');
    const args = ['report', join(COMMITTED, 'plan.json'), '--scenario', join(COMMITTED, 'scenario.yaml'), '--format', 'csv', '--out', out];
    const { exitCode, stdout } = await planner(args);
    expect(exitCode).toBe(0);
    expect(stdout).toContain('commitments.csv');
    const text = readFileSync(join(out, 'commitments.csv'), 'utf8');
    expect(text.split('\r\n')[0]).toBe(COMMITMENTS_HEADER.join(','));
    const rows = parse(text, { columns: true }) as Row[];
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect([row.sku, row.region, row.term, row.term_hours]).toEqual(['NC24ads_A100_v4', 'eastus', '3y', '26280']);

    // From the windows alone: the committed count (every window holds it) and the VM-hours the replicas use.
    const committed = plan.windows.map((w) => w.vms.find((vm) => vm.purchase === 'committed')?.count ?? 0);
    expect(new Set(committed).size).toBe(1);
    const count = committed[0]!;
    expect(Number(row.count)).toBe(count);
    const price = plan.windows[0]!.vms.find((vm) => vm.purchase === 'committed')!.usdPerHour;
    const onDemand = plan.windows[0]!.vms.find((vm) => vm.purchase === 'on-demand')!.usdPerHour;
    expect(Number(row.usd_per_vm_hour)).toBe(price);
    expect(Number(row.on_demand_usd_per_vm_hour)).toBe(onDemand);
    const hours = plan.windows.reduce((sum, w) => sum + w.hours, 0);
    expect(Number(row.horizon_hours)).toBe(hours);
    // One GPU per NC24ads VM, tp 1: a window uses min(count, its replicas) committed VMs.
    const used = plan.windows.reduce(
      (sum, w) =>
        sum +
        Math.min(
          count,
          w.replicas.reduce((s, r) => s + r.count * r.tp, 0),
        ) *
          w.hours,
      0,
    );
    const allVmHours = plan.windows.reduce((sum, w) => sum + w.vms.reduce((s, vm) => s + vm.count, 0) * w.hours, 0);
    const cents = (usd: number) => Math.round(usd * 100) / 100;
    expect(Number(row.hourly_cost_usd)).toBe(cents(count * price));
    expect(Number(row.monthly_cost_usd)).toBe(cents(count * price * 730));
    expect(Number(row.term_cost_usd)).toBe(cents(count * price * 26280));
    expect(Number(row.utilisation)).toBeCloseTo(used / (count * hours), 6);
    expect(row.term_utilisation).toBe(row.utilisation);
    expect(Number(row.break_even_utilisation)).toBeCloseTo(price / onDemand, 6);
    expect(Number(row.committed_share)).toBeCloseTo((count * hours) / allVmHours, 6);
    const saving = used * onDemand - count * price * hours;
    expect(Number(row.horizon_saving_usd)).toBeCloseTo(saving, 2);
    expect(Number(row.term_saving_usd)).toBeCloseTo((saving * 26280) / hours, 1);
    expect(row.growth_per_month).toBe('0');
    expect(row.price_source).toBe('discount 0.55');
    // Next to it, the plan's own costs per month.
    expect(readFileSync(join(out, 'cost-by-month.csv'), 'utf8')).toMatch(/^month,/);
  });

  it('states growth and the term figures with the fleet grown month by month, recomputed from the windows', async () => {
    const solved = join(work, 'grown');
    const set = ['--set', 'commitments.growthPerMonth=0.03'];
    expect((await planner(['solve', join(COMMITTED, 'scenario.yaml'), ...set, '--out', solved, '--quiet'])).exitCode).toBe(0);
    const grown = JSON.parse(readFileSync(join(solved, 'plan.json'), 'utf8')) as PlanDocument;
    const out = join(work, 'grown-report');
    expect((await planner(['report', join(solved, 'plan.json'), '--format', 'csv', '--out', out])).exitCode).toBe(0);
    const [row] = parse(readFileSync(join(out, 'commitments.csv'), 'utf8'), { columns: true }) as Row[];
    expect(row!.growth_per_month).toBe('0.03');
    const count = Number(row!.count);
    const price = Number(row!.usd_per_vm_hour);
    const onDemand = Number(row!.on_demand_usd_per_vm_hour);
    // 36 months of 730 h; month m uses min(count, replicas x 1.03^m) committed VMs in each window (1 GPU per VM).
    const hours = grown.windows.reduce((sum, w) => sum + w.hours, 0);
    let used = 0;
    for (let m = 0; m < 36; m++)
      for (const w of grown.windows) used += w.hours * Math.min(count, w.replicas.reduce((s, r) => s + r.count * r.tp, 0) * 1.03 ** m);
    expect(Number(row!.term_utilisation)).toBeCloseTo(used / (36 * count * hours), 6);
    expect(Number(row!.term_saving_usd)).toBeCloseTo((730 / hours) * (used * onDemand - 36 * count * price * hours), 1);
    // Growth buys more than the unchanged horizon's 5, and each is worth it over the term.
    expect(count).toBeGreaterThan(5);
    expect(Number(row!.term_utilisation)).toBeGreaterThan(Number(row!.break_even_utilisation));
  });

  it('is the header alone for a plan whose scenario offers no commitments', async () => {
    const solved = join(work, 'tiny');
    expect((await planner(['solve', join(SCENARIOS, 'tiny.yaml'), '--out', solved, '--quiet'])).exitCode).toBe(0);
    const out = join(work, 'tiny-report');
    expect((await planner(['report', join(solved, 'plan.json'), '--format', 'csv', '--out', out])).exitCode).toBe(0);
    expect(readFileSync(join(out, 'commitments.csv'), 'utf8')).toBe(`${COMMITMENTS_HEADER.join(',')}\r\n`);
  });
});
