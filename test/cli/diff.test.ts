import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanDiff } from '../../src/report/diff.js';
import { diffPlans } from '../../src/report/diff.js';
import type { PlanDocument } from '../../src/plan-document/index.js';
import { SCENARIOS, planner } from './run.js';

const work = mkdtempSync(join(tmpdir(), 'planner-diff-'));
const both = join(work, 'both', 'plan.json');
const a10Only = join(work, 'a10', 'plan.json');
const read = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as PlanDocument;

beforeAll(async () => {
  const tiny = join(SCENARIOS, 'tiny.yaml');
  expect((await planner(['solve', tiny, '--out', join(work, 'both')])).exitCode).toBe(0);
  // One SKU removed: the A100 VMs are gone, A10s take the load.
  expect((await planner(['solve', tiny, '--set', 'skus=[NV36ads_A10_v5]', '--out', join(work, 'a10')])).exitCode).toBe(0);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('planner diff', () => {
  it('reports zero change for a plan against itself (exit 0)', async () => {
    const { exitCode, stdout } = await planner(['diff', both, both, '--format', 'json']);
    expect(exitCode).toBe(0);
    const diff = JSON.parse(stdout) as PlanDiff;
    expect(diff.windows).toEqual([]);
    expect(diff.vmHours).toEqual([]);
    expect(Object.values(diff.totals).every((d) => d.change === 0)).toBe(true);
    const table = await planner(['diff', both, both]);
    expect(table.stdout).toMatch(/No change/);
  });

  it('shows the delta when a SKU is removed: its VM-hours go to zero and the cost change adds up', async () => {
    const before = read(both);
    const after = read(a10Only);
    const { exitCode, stdout } = await planner(['diff', both, a10Only, '--format', 'json']);
    expect(exitCode).toBe(0);
    const diff = JSON.parse(stdout) as PlanDiff;
    expect(diff.sameScenario).toBe(false);
    expect(diff.totals.costUsd.change).toBeCloseTo(after.totals.costUsd - before.totals.costUsd, 6);
    const a100Hours = before.windows.reduce(
      (sum, w) => sum + w.vms.filter((vm) => vm.sku === 'NC24ads_A100_v4').reduce((s, vm) => s + vm.count * w.hours, 0),
      0,
    );
    const removed = diff.vmHours.filter((r) => r.sku === 'NC24ads_A100_v4');
    expect(removed.reduce((sum, r) => sum + r.change, 0)).toBe(-a100Hours);
    expect(removed.every((r) => r.new === 0)).toBe(true);
    expect(diff.windows).toHaveLength(3);
    // Per window, the cost change is the fleet change priced.
    for (const window of diff.windows) {
      const priced = window.vms.reduce((sum, vm) => sum + vm.change * (vm.sku === 'NC24ads_A100_v4' ? 3.673 : 3.2), 0);
      expect(window.costUsd.change).toBeCloseTo(priced, 6);
    }
    const table = await planner(['diff', both, a10Only]);
    expect(table.stdout).toMatch(/NC24ads_A100_v4/);
    expect(table.stdout).toMatch(/3 windows changed/);
  });

  it('treats a window only one plan has as empty in the other', () => {
    const plan = read(both);
    const shorter: PlanDocument = { ...plan, windows: plan.windows.slice(0, 2) };
    const diff = diffPlans(plan, shorter);
    expect(diff.windows.map((w) => w.start)).toEqual([plan.windows[2]!.start]);
    expect(diff.windows[0]!.costUsd).toEqual({ old: plan.windows[2]!.costUsd, new: 0, change: -plan.windows[2]!.costUsd, percent: -100 });
  });

  it('lists model-choice changes (served share per llm, quality served) even when the fleet is the same', async () => {
    const plan = read(both);
    const choice = plan.modelChoice![0]!;
    const [llm] = Object.keys(choice.servedShareByLlm);
    const substituted: PlanDocument = {
      ...plan,
      modelChoice: [
        { ...choice, servedShareByLlm: { [llm!]: 0.25, 'other-llm': 0.75 }, qualityServed: 0.5 },
        ...plan.modelChoice!.slice(1),
      ],
    };
    const diff = diffPlans(plan, substituted);
    expect(diff.windows).toEqual([]);
    expect(diff.changed).toBe(true);
    const row = (name: string) => diff.modelChoice.find((r) => r.workload === choice.workload && r.llm === name);
    expect(row(llm!)).toMatchObject({ old: choice.servedShareByLlm[llm!], new: 0.25 });
    expect(row('other-llm')).toMatchObject({ old: 0, new: 0.75, percent: null });
    expect(row('*')?.new).toBe(0.5);
    expect(diffPlans(plan, plan).modelChoice).toEqual([]);
    const file = join(work, 'substituted.json');
    writeFileSync(file, JSON.stringify(substituted));
    const markdown = (await planner(['diff', both, file, '--format', 'markdown'])).stdout;
    expect(markdown).toMatch(new RegExp(`\\| ${choice.workload} \\| other-llm \\| 0\\.000 \\| 0\\.750 \\| \\+0\\.750 \\|`));
    const table = (await planner(['diff', both, file])).stdout;
    expect(table).toMatch(/Model choice/);
    expect(table).not.toMatch(/No change/);
  });

  it('--exit-code: 0 for the same plan, 1 when the plans differ (as git diff --exit-code)', async () => {
    expect((await planner(['diff', both, both, '--exit-code'])).exitCode).toBe(0);
    expect((await planner(['diff', both, a10Only, '--exit-code'])).exitCode).toBe(1);
    expect((await planner(['diff', both, a10Only, '--exit-code', '--format', 'markdown'])).exitCode).toBe(1);
    // Without the flag a change is still exit 0.
    expect((await planner(['diff', both, a10Only])).exitCode).toBe(0);
  });

  it('gives each change in percent of the old figure, and the total with start-ups', async () => {
    const before = read(both);
    const after = read(a10Only);
    const diff = JSON.parse((await planner(['diff', both, a10Only, '--format', 'json'])).stdout) as PlanDiff;
    expect(diff.changed).toBe(true);
    const pct = (o: number, n: number) => Math.round(((n - o) / o) * 10000) / 100;
    expect(diff.totals.costUsd.percent).toBe(pct(before.totals.costUsd, after.totals.costUsd));
    expect(diff.totals.servedRequests.percent).toBe(0);
    const cents = (usd: number) => Math.round(usd * 100);
    expect(cents(diff.totals.totalCostUsd.old)).toBe(cents(before.totals.costUsd) + cents(before.totals.startupCostUsd));
    // The A100 VM-hours all go (-100%), the A10 ones are new (no old figure: null).
    for (const row of diff.vmHours) expect(row.percent).toBe(row.sku === 'NC24ads_A100_v4' ? -100 : null);
    const table = (await planner(['diff', both, a10Only])).stdout;
    expect(table).toMatch(/-100\.0%/);
    expect(table).toMatch(/│ new │/);
  });

  it('--format markdown: a PR comment with the totals, percentages and the VM-hours that changed', async () => {
    const { stdout } = await planner(['diff', both, a10Only, '--format', 'markdown']);
    const lines = stdout.split('\n');
    expect(lines[0]).toMatch(/^#### Capacity plan `tiny`: total with start-ups \$[\d.,]+ -> \$[\d.,]+ \(\+\$[\d.,]+, \+[\d.]+%\)$/);
    expect(lines).toContain('|  | old | new | change | % |');
    expect(lines).toContain('|:---|---:|---:|---:|---:|');
    expect(stdout).toMatch(/\| eastus \| NC24ads_A100_v4 \| on-demand \| \d+ \| 0 \| -\d+ \| -100\.0% \|/);
    expect(stdout).toMatch(/<details><summary>3 windows changed<\/summary>/);
    const same = (await planner(['diff', both, both, '--format', 'markdown'])).stdout;
    expect(same.split('\n')[0]).toBe('#### Capacity plan `tiny`: no change');
  });

  it('rejects a file that is not a plan (exit 2)', async () => {
    const { exitCode, stderr } = await planner(['diff', both, join(SCENARIOS, 'tiny.yaml')]);
    expect(exitCode).toBe(2);
    expect(stderr).toMatch(/tiny\.yaml/);
  });
});
