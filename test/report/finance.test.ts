import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { PlanningInput } from '../../src/capacity/types.js';
import { apportionCents, costByMonthCsv, costByWindowCsv, COST_BY_WINDOW_HEADER, escapeFormula } from '../../src/report/finance-csv.js';
import { buildFinanceReport, FinanceReportSchema, IDLE_LLM, type FinanceReport } from '../../src/report/finance.js';
import type { PlanDocument } from '../../src/plan-document/index.js';

const EVIL = '=HYPERLINK("http://x","y")';

/** Two skus (8-GPU and 1-GPU VMs), two regions, two llms and a window in the next month. */
function input(): PlanningInput {
  return {
    windows: [
      { start: '2024-05-31T23:00:00Z', hours: 1 },
      { start: '2024-06-01T00:00:00Z', hours: 2 },
    ],
    regions: ['eastus', 'westus2'],
    purchases: ['on-demand', 'spot'],
    skus: [
      { sku: 'ND8', gpu: 'H100', gpusPerVm: 8, prices: [] },
      { sku: 'NC1', gpu: 'A100', gpusPerVm: 1, prices: [] },
    ],
    workloads: [{ id: 'chat', origins: ['eastus'], maxNetworkRttMs: 100, unmetPenaltyUsdPerRequest: 1 }],
    candidates: [
      { llm: 'big', sku: 'ND8', tp: 4, region: 'eastus', requestsPerSecByWorkload: new Map([['chat', 2]]) },
      { llm: EVIL, sku: 'ND8', tp: 1, region: 'eastus', requestsPerSecByWorkload: new Map([['chat', 10]]) },
      { llm: 'big', sku: 'NC1', tp: 1, region: 'westus2', requestsPerSecByWorkload: new Map([['chat', 1]]) },
    ],
    demand: [[[0, 0]]],
    latencyMs: () => 10,
    // 15-minute start-ups.
    policies: { headroom: 0.2, startupHours: 0.25, quotas: [], currentFleet: [] },
  };
}

function plan(): PlanDocument {
  const window = (index: number, start: string, hours: number): PlanDocument['windows'][number] => {
    const vms: PlanDocument['windows'][number]['vms'] = [
      // 3 ND8 VMs = 24 GPUs in eastus: big uses 2 x TP4 = 8, EVIL 5 x TP1 = 5, 11 idle.
      // One of them starts in the first window: 98.32 x 0.25 h = $24.58 of start-up.
      { region: 'eastus', sku: 'ND8', purchase: 'on-demand', count: 2, usdPerHour: 98.32, started: index === 0 ? 1 : 0 },
      { region: 'eastus', sku: 'ND8', purchase: 'spot', count: 1, usdPerHour: 31.1, started: 0 },
      // 3 NC1 VMs in westus2, all used by big.
      { region: 'westus2', sku: 'NC1', purchase: 'on-demand', count: 3, usdPerHour: 3.673, started: 0 },
      { region: 'westus2', sku: 'ND8', purchase: 'spot', count: 0, usdPerHour: 30, started: 0 },
    ];
    const costUsd = vms.reduce((sum, vm) => sum + vm.count * vm.usdPerHour * hours, 0);
    return {
      index,
      start,
      hours,
      costUsd,
      gpuHours: 27 * hours,
      vms,
      replicas: [
        { llm: 'big', sku: 'ND8', tp: 4, region: 'eastus', count: 2 },
        { llm: EVIL, sku: 'ND8', tp: 1, region: 'eastus', count: 5 },
        { llm: 'big', sku: 'NC1', tp: 1, region: 'westus2', count: 3 },
      ],
      routes: [
        { workload: 'chat', origin: 'eastus', llm: 'big', sku: 'ND8', tp: 4, region: 'eastus', requestsPerSec: 2 },
        { workload: 'chat', origin: 'eastus', llm: EVIL, sku: 'ND8', tp: 1, region: 'eastus', requestsPerSec: 20 },
        { workload: 'chat', origin: 'eastus', llm: 'big', sku: 'NC1', tp: 1, region: 'westus2', requestsPerSec: 1.2 },
      ],
      unmet: [{ workload: 'chat', origin: 'eastus', requestsPerSec: 0.5 }],
    };
  };
  const windows = [window(0, '2024-05-31T23:00:00Z', 1), window(1, '2024-06-01T00:00:00Z', 2)];
  const costUsd = windows.reduce((sum, w) => sum + w.costUsd, 0);
  return {
    schemaVersion: 1,
    status: 'optimal',
    scenario: { name: 'hand', hash: 'sha256:0', overrides: [] },
    solver: {
      name: 'highs',
      strategy: 'joint',
      reason: 'requested',
      seconds: 0,
      objective: costUsd,
      bound: costUsd,
      gap: 0,
      windowsSolved: 2,
      statuses: { optimal: 1 },
    },
    totals: { costUsd, startupCostUsd: 24.58, gpuHours: 81, servedRequests: 0, unmetRequests: 0 },
    windows,
  };
}

describe('buildFinanceReport', () => {
  const report = buildFinanceReport(plan(), input());

  it('splits each VM group over the llms by the GPUs their replicas use, the rest to (idle)', () => {
    const w0 = report.costByWindow.filter((row) => row.windowIndex === 0);
    expect(w0.map((row) => [row.region, row.sku, row.purchase, row.llm])).toEqual([
      ['eastus', 'ND8', 'on-demand', EVIL],
      ['eastus', 'ND8', 'on-demand', 'big'],
      ['eastus', 'ND8', 'on-demand', IDLE_LLM],
      ['eastus', 'ND8', 'spot', EVIL],
      ['eastus', 'ND8', 'spot', 'big'],
      ['eastus', 'ND8', 'spot', IDLE_LLM],
      ['westus2', 'NC1', 'on-demand', 'big'],
    ]);
    const row = (purchase: string, llm: string) => w0.find((r) => r.region === 'eastus' && r.purchase === purchase && r.llm === llm)!;
    // Hours to 6 decimals; money in cents: 2 x 98.32 x 8/24 = 65.5466.. -> 65.55.
    expect(row('on-demand', 'big').vmHours).toBe(0.666667);
    expect(row('on-demand', 'big').costUsd).toBe(65.55);
    expect(row('on-demand', EVIL).gpuHours).toBe(3.333333);
    expect(row('spot', IDLE_LLM).gpuHours).toBe(3.666667);
    // $24.58 of start-up split 5 : 8 : 11 GPUs = 5.1208, 8.1933, 11.2658: floors 5.12 + 8.19 + 11.26 = 24.57, and the
    // largest remainder (idle, .58 of a cent) takes the last cent.
    expect(['on-demand', 'spot'].flatMap((p) => [EVIL, 'big', IDLE_LLM].map((llm) => row(p, llm).startupCostUsd))).toEqual([
      5.12, 8.19, 11.27, 0, 0, 0,
    ]);
    // Idle on-demand: 2 x 98.32 x 11/24 = 90.1266.. -> 90.13 of VMs, + 11.27 of start-up.
    expect(row('on-demand', IDLE_LLM)).toMatchObject({ costUsd: 90.13, startupCostUsd: 11.27, totalCostUsd: 101.4 });
    expect(w0.find((r) => r.region === 'westus2')).toMatchObject({
      month: '2024-05',
      windowStart: '2024-05-31T23:00:00Z',
      vmHours: 3,
      gpuHours: 3,
      costUsd: 11.02, // 3 x 3.673 = 11.019
    });
  });

  it('books every VM-hour and dollar exactly once, per window and in total', () => {
    const document = plan();
    for (const window of document.windows) {
      for (const vm of window.vms) {
        const rows = report.costByWindow.filter(
          (r) => r.windowIndex === window.index && r.region === vm.region && r.sku === vm.sku && r.purchase === vm.purchase,
        );
        if (vm.count === 0) {
          expect(rows).toEqual([]);
          continue;
        }
        // Hours to 6 decimals, money to the cent per row: a VM group's rows are within those of its exact figures.
        expect(Math.abs(rows.reduce((s, r) => s + r.vmHours, 0) - vm.count * window.hours)).toBeLessThanOrEqual(rows.length * 5e-7);
        expect(Math.abs(rows.reduce((s, r) => s + r.costUsd, 0) - vm.count * vm.usdPerHour * window.hours)).toBeLessThan(
          rows.length * 0.01,
        );
      }
    }
    for (const row of report.costByWindow) {
      expect(row.gpuHours).toBeCloseTo(row.vmHours * row.gpusPerVm, 5);
      expect(Math.abs(row.costUsd - row.vmHours * row.usdPerVmHour)).toBeLessThan(0.01);
      for (const usd of [row.costUsd, row.startupCostUsd, row.totalCostUsd]) expect(usd).toBe(Number(usd.toFixed(2))); // whole cents
      expect(row.totalCostUsd).toBe(Number((row.costUsd + row.startupCostUsd).toFixed(2)));
    }
    // The plan's cost to the cent: 2 x 98.32 + 31.1 + 3 x 3.673 = 238.759 per hour, x 3 hours = 716.277 -> 716.28.
    expect(report.totals.costUsd).toBe(716.28);
    expect(report.totals.startupCostUsd).toBe(24.58);
    expect(report.totals.totalCostUsd).toBe(740.86);
    expect(report.totals.gpuHours).toBe(81);
    expect(report.totals.idleGpuHours).toBe(11 * 3);
    expect(report.warnings).toEqual([]);
  });

  it('sums by month x region x llm x purchase, the month of the window start (UTC)', () => {
    expect(report.costByMonth.map((r) => `${r.month} ${r.region} ${r.llm} ${r.purchase}`)).toEqual([
      `2024-05 eastus ${EVIL} on-demand`,
      `2024-05 eastus ${EVIL} spot`,
      '2024-05 eastus big on-demand',
      '2024-05 eastus big spot',
      '2024-05 eastus (idle) on-demand',
      '2024-05 eastus (idle) spot',
      '2024-05 westus2 big on-demand',
      `2024-06 eastus ${EVIL} on-demand`,
      `2024-06 eastus ${EVIL} spot`,
      '2024-06 eastus big on-demand',
      '2024-06 eastus big spot',
      '2024-06 eastus (idle) on-demand',
      '2024-06 eastus (idle) spot',
      '2024-06 westus2 big on-demand',
    ]);
    const june = report.costByMonth.find((r) => r.month === '2024-06' && r.region === 'westus2')!;
    // 6 VM-hours x 3.673 = 22.038 -> 22.04.
    expect(june).toMatchObject({ vmHours: 6, gpuHours: 6, costUsd: 22.04, startupCostUsd: 0, totalCostUsd: 22.04 });
    // A month is the sum of its windows' cents, and the months add up to the total, to the cent.
    const cents = (usd: number) => Math.round(usd * 100);
    for (const month of report.costByMonth) {
      const windows = report.costByWindow.filter(
        (r) => r.month === month.month && r.region === month.region && r.llm === month.llm && r.purchase === month.purchase,
      );
      for (const column of ['costUsd', 'startupCostUsd', 'totalCostUsd'] as const)
        expect(cents(month[column])).toBe(windows.reduce((s, r) => s + cents(r[column]), 0));
    }
    expect(report.costByMonth.reduce((s, r) => s + cents(r.totalCostUsd), 0)).toBe(74086);
  });

  it('computes utilisation per window and region as load / (replicas x (1 - headroom))', () => {
    const [w0] = report.utilisation;
    // eastus: 2/2 + 20/10 = 3 replicas of load on 7 replicas x 0.8; westus2: 1.2 on 3 x 0.8.
    expect(w0!.byRegion.map((r) => r.region)).toEqual(['eastus', 'westus2']);
    expect(w0!.byRegion[0]).toMatchObject({ replicas: 7, gpus: 24, replicaGpus: 13, servedRequestsPerSec: 22 });
    expect(w0!.byRegion[0]!.loadReplicas).toBe(3);
    expect(w0!.byRegion[0]!.utilisation).toBe(0.535714); // 3 / 5.6 to 6 decimals
    expect(w0!.byRegion[1]!.utilisation).toBe(0.5);
    expect(w0!.utilisation).toBe(0.525);
    expect(w0).toMatchObject({ index: 0, start: '2024-05-31T23:00:00Z', hours: 1, replicas: 10, gpus: 27, unmetRequestsPerSec: 0.5 });
    expect(report.totals.utilisation).toBe(0.525);
  });

  it('matches its zod schema and is deterministic', () => {
    expect(FinanceReportSchema.parse(JSON.parse(JSON.stringify(report)))).toEqual(report);
    expect(JSON.stringify(buildFinanceReport(plan(), input()))).toBe(JSON.stringify(report));
  });

  it('warns about routes without a rate and over-packed VMs, but still books the whole cost', () => {
    const document = plan();
    document.windows[0]!.replicas.push({ llm: 'other', sku: 'NC1', tp: 1, region: 'westus2', count: 1 });
    document.windows[0]!.routes.push({
      workload: 'chat',
      origin: 'eastus',
      llm: 'other',
      sku: 'NC1',
      tp: 1,
      region: 'westus2',
      requestsPerSec: 1,
    });
    const odd = buildFinanceReport(document, input());
    expect(odd.warnings).toHaveLength(2);
    expect(odd.warnings.join('\n')).toMatch(/no rate for chat on other/);
    expect(odd.warnings.join('\n')).toMatch(/replicas use 4 NC1 GPUs in westus2; the VMs have 3/);
    const westus2 = odd.costByWindow.filter((r) => r.windowIndex === 0 && r.region === 'westus2');
    expect(westus2.map((r) => [r.llm, r.vmHours])).toEqual([
      ['big', 2.25],
      ['other', 0.75],
    ]);
    expect(odd.totals.costUsd).toBe(716.28);
  });

  it('warns first about unmet demand, an unproven solve and a broken budget (cost with start-ups)', () => {
    const document = plan();
    document.status = 'time_limited';
    document.totals.servedRequests = 300;
    document.totals.unmetRequests = 100;
    const over = input();
    // $740.86 with start-ups against a $740.00 budget: over by 86 cents; without start-ups it would be under.
    over.policies.budget = { usd: 740, mode: 'soft' };
    const warned = buildFinanceReport(document, over);
    expect(warned.warnings).toHaveLength(3);
    expect(warned.warnings[0]).toBe(
      'unmet demand: the plan leaves 100 requests unserved (25.00% of demand) in 2 windows; planner solve rejects it unless --max-unmet allows it',
    );
    expect(warned.warnings[1]).toMatch(/^unproven plan: .*time_limited/);
    expect(warned.warnings[2]).toBe('over budget: the plan costs $740.86 with start-ups, over the soft budget of $740.00');
    over.policies.budget = { usd: 740.86, mode: 'hard' };
    expect(buildFinanceReport(document, over).warnings.some((w) => w.startsWith('over budget'))).toBe(false);
  });

  it('warns when the plan says a start-up cost its started VMs do not give', () => {
    const document = plan();
    document.totals.startupCostUsd = 1.5;
    const report = buildFinanceReport(document, input());
    expect(report.warnings).toEqual([
      "the plan's start-up cost $1.50 is not what its started VMs and replicas cost at the scenario's startupMinutes and modelLoad ($24.58); the report books the started VMs and replicas",
    ]);
    expect(report.totals.startupCostUsd).toBe(24.58);
  });

  it('rejects a plan with a sku the scenario does not have', () => {
    const document = plan();
    document.windows[1]!.vms[0]!.sku = 'ND96';
    expect(() => buildFinanceReport(document, input())).toThrow(/windows\.1\.vms\.0\.sku: the plan runs ND96/);
  });
});

describe('finance CSV', () => {
  const report = buildFinanceReport(plan(), input());
  const csv = costByWindowCsv(report);

  it('is RFC 4180 with CRLF records and a header with units', () => {
    expect(csv.startsWith(`${COST_BY_WINDOW_HEADER.join(',')}\r\n`)).toBe(true);
    expect(COST_BY_WINDOW_HEADER).toContain('gpu_hours');
    expect(COST_BY_WINDOW_HEADER).toContain('vm_hours');
    expect(COST_BY_WINDOW_HEADER).toContain('cost_usd');
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv.replaceAll('\r\n', '')).not.toMatch(/[\r\n]/);
    expect(csv.split('\r\n')).toHaveLength(report.costByWindow.length + 2);
  });

  it('escapes formula-like text cells and quotes them, but not numbers', () => {
    expect(csv).toContain(`,"'=HYPERLINK(""http://x"",""y"")",`);
    expect(csv).not.toMatch(/,=HYPERLINK/);
    const rows = parse(csv, { columns: true }) as Record<string, string>[];
    expect(rows.filter((r) => r.llm === `'${EVIL}`)).toHaveLength(4);
    for (const row of rows)
      for (const column of ['vm_hours', 'gpu_hours', 'cost_usd', 'usd_per_vm_hour', 'gpus_per_vm', 'window_hours'])
        expect(row[column]).toMatch(/^\d+(\.\d+)?$/);
    for (const value of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx']) expect(escapeFormula(value)).toBe(`'${value}`);
    for (const value of ['llama', '1-2', 'a=b', "'=x"]) expect(escapeFormula(value)).toBe(value);
    const costs = costByWindowCsv({ ...report, costByWindow: report.costByWindow.map((r) => ({ ...r, region: '-west,"1"\r\n' })) });
    expect(costs).toContain(`"'-west,""1""\r\n"`);
    expect((parse(costs, { columns: true }) as Record<string, string>[])[0]!.region).toBe(`'-west,"1"\r\n`);
  });

  it('parses back to the same numbers, with costs in cents adding up to the total', () => {
    const rows = parse(csv, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(report.costByWindow.length);
    let cents = 0;
    for (const [i, row] of rows.entries()) {
      const exact = report.costByWindow[i]!;
      expect(row.llm!.replace(/^'/, '')).toBe(exact.llm);
      expect(row.window_start).toBe(exact.windowStart);
      expect(Number(row.vm_hours)).toBeCloseTo(exact.vmHours, 6);
      expect(Number(row.gpu_hours)).toBeCloseTo(exact.gpuHours, 5);
      expect(Math.abs(Number(row.cost_usd) - exact.costUsd)).toBeLessThan(0.01);
      expect(row.cost_usd).toMatch(/^\d+\.\d{2}$/);
      cents += Math.round(Number(row.cost_usd) * 100);
    }
    expect(cents).toBe(Math.round(report.totals.costUsd * 100));
    const months = parse(costByMonthCsv(report), { columns: true }) as Record<string, string>[];
    expect(months.map((r) => Number(r.vm_hours))).toEqual(report.costByMonth.map((r) => Number(r.vmHours.toFixed(6))));
    expect(months.reduce((s, r) => s + Math.round(Number(r.cost_usd) * 100), 0)).toBe(Math.round(report.totals.costUsd * 100));
  });

  it('is byte-identical for the same input', () => {
    const again: FinanceReport = buildFinanceReport(plan(), input());
    expect(costByWindowCsv(again)).toBe(csv);
    expect(costByMonthCsv(again)).toBe(costByMonthCsv(report));
  });

  it('apportions cents by largest remainder', () => {
    expect(apportionCents([1 / 3, 1 / 3, 1 / 3])).toEqual([34, 33, 33]);
    expect(apportionCents([0.005, 0.005, 0.005, 0.005])).toEqual([1, 1, 0, 0]);
    expect(apportionCents([14.692, 0.1 + 0.2])).toEqual([1469, 30]);
    expect(apportionCents([])).toEqual([]);
  });
});
