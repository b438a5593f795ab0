import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanDocument } from '../../src/plan-document/index.js';
import { SCENARIOS, planner } from './run.js';

const work = mkdtempSync(join(tmpdir(), 'planner-validate-'));
const tiny = join(SCENARIOS, 'tiny.yaml');
let original: PlanDocument;

beforeAll(async () => {
  const { exitCode } = await planner(['solve', tiny, '--out', work, '--format', 'json']);
  expect(exitCode).toBe(0);
  original = JSON.parse(readFileSync(join(work, 'plan.json'), 'utf8')) as PlanDocument;
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

function writePlan(name: string, edit: (plan: PlanDocument) => void): string {
  const plan = structuredClone(original);
  edit(plan);
  const file = join(work, name);
  writeFileSync(file, JSON.stringify(plan));
  return file;
}

interface ValidateJson {
  ok: boolean;
  violations: Array<{ group: string; start?: string; region?: string; llm?: string; message: string }>;
}

describe('planner validate', () => {
  it('passes the plan solve wrote (exit 0)', async () => {
    const { exitCode, stdout } = await planner(['validate', join(work, 'plan.json'), '--scenario', tiny]);
    expect(exitCode).toBe(0);
    expect(stdout).toMatch(/plan OK: 3 windows/);
  });

  it('catches one VM removed where capacity is tight, naming window, region and llm (exit 1)', async () => {
    // 20 req/s needs ceil(20 / (rate x 0.9)) replicas; every VM of the optimum is needed.
    const window = original.windows[1]!;
    const vm = window.vms.find((v) => v.count > 0)!;
    const file = writePlan('tampered.json', (plan) => {
      plan.windows[1]!.vms.find((v) => v.region === vm.region && v.sku === vm.sku)!.count -= 1;
    });
    const table = await planner(['validate', file, '--scenario', tiny]);
    expect(table.exitCode).toBe(1);
    expect(table.stdout).toContain(window.start);
    expect(table.stdout).toContain(vm.region);
    expect(table.stdout).toContain('llama-3.1-8b');

    const json = await planner(['validate', file, '--scenario', tiny, '--format', 'json']);
    expect(json.exitCode).toBe(1);
    const report = JSON.parse(json.stdout) as ValidateJson;
    expect(report.ok).toBe(false);
    const packing = report.violations.find((v) => v.group === 'packing')!;
    expect(packing).toMatchObject({ start: window.start, region: vm.region, llm: 'llama-3.1-8b' });
    // The window's cost no longer matches its fleet either.
    expect(report.violations.some((v) => v.group === 'cost' && v.start === window.start)).toBe(true);
  });

  it('catches load above what the replicas carry', async () => {
    const file = writePlan('overloaded.json', (plan) => {
      for (const route of plan.windows[0]!.routes) route.requestsPerSec *= 1.5;
      plan.windows[0]!.unmet = [];
    });
    const { exitCode, stdout } = await planner(['validate', file, '--scenario', tiny, '--format', 'json']);
    expect(exitCode).toBe(1);
    const groups = new Set((JSON.parse(stdout) as ValidateJson).violations.map((v) => v.group));
    // The request totals no longer recompute either (figures).
    expect(groups).toEqual(new Set(['capacity', 'demand', 'figures']));
  });

  it('checks every route against the latency bound of the scenario it is given', async () => {
    // The optimum serves both regions from one (73 ms apart); a 50 ms bound forbids that.
    const crossRegion = original.windows.some((w) => w.routes.some((r) => r.origin !== r.region));
    const { exitCode, stdout } = await planner([
      'validate',
      join(work, 'plan.json'),
      '--scenario',
      tiny,
      '--set',
      'workloads.0.slo.maxNetworkRttMs=50',
      '--format',
      'json',
    ]);
    const latency = (JSON.parse(stdout) as ValidateJson).violations.filter((v) => v.group === 'latency');
    expect(exitCode).toBe(crossRegion ? 1 : 0);
    expect(latency.length > 0).toBe(crossRegion);
  });

  it('fails a plan solved with overrides that cut demand 50x (provenance), unless validate is given them', async () => {
    const out = join(work, 'cut');
    const cut = 'workloads.0.demand.constantRequestsPerSec=0.4';
    expect((await planner(['solve', tiny, '--set', cut, '--out', out, '--format', 'json'])).exitCode).toBe(0);
    const without = await planner(['validate', join(out, 'plan.json'), '--scenario', tiny, '--format', 'json']);
    expect(without.exitCode).toBe(1);
    const report = JSON.parse(without.stdout) as ValidateJson & { overrides: { overrides: string[]; changesScenario: boolean } };
    expect(report.overrides).toMatchObject({ overrides: [cut], changesScenario: true });
    expect(report.violations.find((v) => v.group === 'provenance')?.message).toContain(`--set ${cut}`);
    const table = await planner(['validate', join(out, 'plan.json'), '--scenario', tiny, '--set', cut]);
    expect(table.exitCode).toBe(0);
    expect(table.stdout).toContain(`solved with --set ${cut}`);
  });

  it('catches a total that does not add up', async () => {
    const file = writePlan('cost.json', (plan) => {
      plan.totals.costUsd -= 10;
    });
    const { exitCode, stdout } = await planner(['validate', file, '--scenario', tiny]);
    expect(exitCode).toBe(1);
    expect(stdout).toMatch(/total cost/);
  });

  it('rejects a file that is not a plan (exit 2, with the path of the bad field)', async () => {
    const file = writePlan('broken.json', (plan) => {
      (plan.windows[0]!.vms[0] as { count: unknown }).count = 'many';
    });
    const { exitCode, stderr } = await planner(['validate', file, '--scenario', tiny]);
    expect(exitCode).toBe(2);
    expect(stderr).toMatch(/windows\.0\.vms\.0\.count/);
    const notJson = join(work, 'not.json');
    writeFileSync(notJson, '{');
    expect((await planner(['validate', notJson, '--scenario', tiny])).exitCode).toBe(2);
  });
});
