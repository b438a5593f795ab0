import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCatalog } from '../../src/index.js';
import { packageRoot } from '../../src/paths.js';
import { replicaRate } from '../../src/commands/measured-profiles.js';
import { PlanDocumentSchema, type PlanDocument } from '../../src/plan-document/index.js';
import { hasCommand, solveNative } from '../support/native-solvers.js';
import { SCENARIOS, planner } from './run.js';

const work = mkdtempSync(join(tmpdir(), 'planner-solve-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function solveJson(...argv: string[]): Promise<{ exitCode: number; plan: PlanDocument; stderr: string }> {
  const { exitCode, stdout, stderr } = await planner(['solve', ...argv, '--format', 'json']);
  return { exitCode, plan: PlanDocumentSchema.parse(JSON.parse(stdout)), stderr };
}

describe('planner solve on the tiny scenario', () => {
  it('finds the optimum a capacity engineer computes by hand', async () => {
    // Only the A100 config is worth buying (checked below); the two regions are 73 ms apart, inside the
    // 80 ms bound, so one region serves both: ceil(20 req/s / (rate x 0.9)) VMs every hour, each started once
    // (a 10-minute boot) with one replica that loads llama-3.1-8b once: 16.06 GB at 1 GB/s + 1 minute (modelLoad's defaults).
    const catalog = await readCatalog(join(packageRoot(), 'models'));
    const slo = { ttftMs: 2000, tpotMs: 100 };
    const mix = { meanInputTokens: 1000, meanOutputTokens: 200 };
    const llm = catalog.llms.get('llama-3.1-8b')!;
    const a100 = replicaRate(llm, catalog.gpus.get('A100-80GB-PCIe')!, 1, slo, mix);
    const a10 = replicaRate(llm, catalog.gpus.get('A10-24GB')!, 1, slo, mix);
    expect(3.673 / a100).toBeLessThan(3.2 / a10);
    const vms = Math.ceil(20 / (a100 * 0.9));

    const { exitCode, plan } = await solveJson(join(SCENARIOS, 'tiny.yaml'));
    expect(exitCode).toBe(0);
    expect(plan.status).toBe('optimal');
    for (const window of plan.windows) {
      expect(window.vms.every((vm) => vm.sku === 'NC24ads_A100_v4')).toBe(true);
      expect(window.vms.reduce((sum, vm) => sum + vm.count, 0)).toBe(vms);
    }
    const loads = vms * 3.673 * ((16.06 + 60) / 3600);
    const startups = vms * 3.673 * (10 / 60) + loads;
    expect(plan.totals.costUsd).toBeCloseTo(3 * vms * 3.673, 2);
    expect(plan.totals.startupCostUsd).toBeCloseTo(startups, 2);
    expect(plan.totals.modelLoadCostUsd).toBeCloseTo(loads, 2);
    expect(plan.solver.objective!).toBeCloseTo(3 * vms * 3.673 + startups, 3);
    expect(plan.solver.gap).toBeLessThanOrEqual(1e-6);
    expect(plan.totals.unmetRequests).toBe(0);
    expect(plan.totals.servedRequests).toBe(20 * 3600 * 3);
  });

  it('keeps the invariants: demand covered, cost = sum of windows = prices x hours x VMs, GPU-hours add up', async () => {
    const { plan } = await solveJson(join(SCENARIOS, 'tiny.yaml'));
    let cost = 0;
    let gpuHours = 0;
    for (const window of plan.windows) {
      const windowCost = window.vms.reduce((sum, vm) => sum + vm.count * vm.usdPerHour * window.hours, 0);
      expect(window.costUsd).toBeCloseTo(windowCost, 2);
      cost += window.costUsd;
      gpuHours += window.gpuHours;
      for (const origin of ['eastus', 'westus2']) {
        const served = window.routes.filter((r) => r.origin === origin).reduce((sum, r) => sum + r.requestsPerSec, 0);
        expect(served).toBeCloseTo(20 * (origin === 'eastus' ? 0.6 : 0.4), 5);
      }
    }
    expect(plan.totals.costUsd).toBeCloseTo(cost, 2);
    expect(plan.totals.gpuHours).toBe(gpuHours);
  });

  it('writes plan.json atomically with --out, and it is what --format json prints plus nothing half-written', async () => {
    const out = join(work, 'out');
    const { exitCode, stdout } = await planner(['solve', join(SCENARIOS, 'tiny.yaml'), '--format', 'json', '--out', out]);
    expect(exitCode).toBe(0);
    expect(readdirSync(out)).toEqual(['plan.json']);
    const written = JSON.parse(readFileSync(join(out, 'plan.json'), 'utf8')) as PlanDocument;
    const printed = JSON.parse(stdout) as PlanDocument;
    expect({ ...written, solver: { ...written.solver, seconds: 0 } }).toEqual({ ...printed, solver: { ...printed.solver, seconds: 0 } });
    expect(written.scenario.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('is deterministic: two runs differ only in solver.seconds', async () => {
    const first = await planner(['solve', join(SCENARIOS, 'tiny.yaml'), '--format', 'json']);
    const second = await planner(['solve', join(SCENARIOS, 'tiny.yaml'), '--format', 'json']);
    const strip = (text: string) => text.replace(/"seconds": [0-9.e-]+/, '"seconds": 0');
    expect(strip(first.stdout)).toBe(strip(second.stdout));
  });

  it('prints the fleet in words, the totals, status and gap as a table', async () => {
    const { exitCode, stdout } = await planner(['solve', join(SCENARIOS, 'tiny.yaml')]);
    expect(exitCode).toBe(0);
    expect(stdout).toMatch(/\d+ replicas? x 1 GPU \(TP 1\) of llama-3\.1-8b on NC24ads_A100_v4 in (eastus|westus2)/);
    expect(stdout).toMatch(/total cost \$[\d,.]+/);
    expect(stdout).toContain('GPU-hours');
    expect(stdout).toMatch(/optimal .*gap 0\.00%/s);
    expect(stdout).not.toContain('\u001b[');
  });

  it('plans only the windows asked for with --windows, keeping their dates', async () => {
    const { plan } = await solveJson(join(SCENARIOS, 'tiny.yaml'), '--windows', '1..2');
    expect(plan.windows.map((w) => w.start)).toEqual(['2024-05-10T01:00:00Z', '2024-05-10T02:00:00Z']);
    expect(plan.scenario.overrides).toEqual(['horizon.skipWindows=1', 'horizon.windows=2']);
  });

  it('applies --set overrides (demand x2 needs about twice the fleet)', async () => {
    const { plan: base } = await solveJson(join(SCENARIOS, 'tiny.yaml'));
    const { plan: doubled } = await solveJson(join(SCENARIOS, 'tiny.yaml'), '--set', 'workloads.0.demand.constantRequestsPerSec=40');
    const count = (p: PlanDocument) => p.windows[0]!.vms.reduce((sum, vm) => sum + vm.count, 0);
    expect(count(doubled)).toBeGreaterThanOrEqual(2 * count(base) - 1);
    expect(doubled.totals.servedRequests).toBe(2 * base.totals.servedRequests);
  });
});

describe('planner solve --strategy per-window with a scale limit', () => {
  it('refuses (exit 2): independent windows cannot honour a limit on the change between windows', async () => {
    const { exitCode, stderr } = await planner([
      'solve',
      join(SCENARIOS, 'tiny.yaml'),
      '--strategy',
      'per-window',
      '--set',
      'policies.maxScaleOutPerWindow=1',
    ]);
    expect(exitCode).toBe(2);
    expect(stderr).toMatch(
      /--strategy: per-window plans windows independently, but policies\.maxScaleOutPerWindow limits the change from one window to the next/,
    );
    const rolling = await solveJson(join(SCENARIOS, 'tiny.yaml'), '--strategy', 'rolling', '--set', 'policies.maxScaleOutPerWindow=1');
    expect([0, 1]).toContain(rolling.exitCode); // a plan (unmet demand, if any, is an answer), not an internal error
    for (const window of rolling.plan.windows) for (const vm of window.vms) expect(vm.started).toBeLessThanOrEqual(1); // per (sku, region, purchase)
  });
});

describe('planner solve --solver gh|agh', () => {
  for (const heuristic of ['gh', 'agh']) {
    it(`${heuristic} gives a plan that validates and never beats the MILP optimum`, async () => {
      const exact = await solveJson(join(SCENARIOS, 'tiny.yaml'));
      const out = join(work, heuristic);
      const { exitCode, plan } = await solveJson(join(SCENARIOS, 'tiny.yaml'), '--solver', heuristic, '--out', out);
      expect(exitCode).toBe(0);
      expect(plan.solver).toMatchObject({ name: heuristic, strategy: 'heuristic', bound: null });
      expect(plan.solver.objective!).toBeGreaterThanOrEqual(exact.plan.solver.objective! - 1e-6);
      expect((await planner(['validate', join(out, 'plan.json'), '--scenario', join(SCENARIOS, 'tiny.yaml')])).exitCode).toBe(0);
    });
  }

  it('--bound adds the LP relaxation bound: below the MILP optimum, with the gap it proves', async () => {
    const exact = await solveJson(join(SCENARIOS, 'tiny.yaml'));
    const { exitCode, plan } = await solveJson(join(SCENARIOS, 'tiny.yaml'), '--solver', 'gh', '--bound');
    expect(exitCode).toBe(0);
    const { objective, bound, gap } = plan.solver;
    expect(bound!).toBeLessThanOrEqual(exact.plan.solver.objective! + 1e-6);
    expect(gap!).toBeCloseTo((objective! - bound!) / objective!, 5); // the document rounds gaps to 1e-6
    expect(plan.solver.reason).toMatch(/LP relaxation/);
  });
});

describe('planner solve when demand cannot be met', () => {
  it('reports unmet demand per workload and window and exits 1 under --max-unmet 0', async () => {
    const { exitCode, plan, stderr } = await solveJson(join(SCENARIOS, 'quota.yaml'));
    expect(exitCode).toBe(1);
    expect(stderr).toMatch(/requests cannot be served \(limit 0\)/);
    expect(plan.windows).toHaveLength(2);
    for (const window of plan.windows) {
      // The quota allows one A100 per region: the rest of the 20 req/s is unmet, per origin.
      const served = window.routes.reduce((sum, r) => sum + r.requestsPerSec, 0);
      const unmet = window.unmet.reduce((sum, u) => sum + u.requestsPerSec, 0);
      expect(window.unmet.every((u) => u.workload === 'chat')).toBe(true);
      expect(served + unmet).toBeCloseTo(20, 5);
      expect(unmet).toBeGreaterThan(0);
      expect(window.vms.reduce((sum, vm) => sum + vm.count, 0)).toBe(2);
    }
  });

  it('says why: the full quotas, or no serving region within the latency bound', async () => {
    const { plan } = await solveJson(join(SCENARIOS, 'quota.yaml'));
    for (const entry of plan.windows.flatMap((w) => w.unmet)) {
      expect(entry.why).toBe('quota full: 1 A100-80GB-PCIe GPUs in eastus, 1 A100-80GB-PCIe GPUs in westus2');
    }
    const far = await solveJson(join(SCENARIOS, 'tiny.yaml'), '--set', 'regions=[westus2]', '--set', 'workloads.0.slo.maxNetworkRttMs=50');
    expect(far.exitCode).toBe(1);
    const eastus = far.plan.windows.flatMap((w) => w.unmet).filter((u) => u.origin === 'eastus');
    expect(eastus).toHaveLength(3);
    expect(eastus[0]!.why).toBe('no region within 50 ms of eastus has a config that serves chat');
    expect(far.plan.windows.flatMap((w) => w.unmet).filter((u) => u.origin === 'westus2')).toEqual([]);
  });

  it('exits 0 when the unmet share is under --max-unmet', async () => {
    const { exitCode } = await solveJson(join(SCENARIOS, 'quota.yaml'), '--max-unmet', '60%');
    expect(exitCode).toBe(0);
    const strict = await solveJson(join(SCENARIOS, 'quota.yaml'), '--max-unmet', '10%');
    expect(strict.exitCode).toBe(1);
  });
});

describe('planner solve on bad input (exit 2, the path and the fix)', () => {
  it('names the scenario field that fails validation', async () => {
    const { exitCode, stderr, stdout } = await planner(['solve', join(SCENARIOS, 'tiny.yaml'), '--set', 'policies.headroom=2']);
    expect(exitCode).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/policies\.headroom/);
  });

  it('suggests the llm that was meant', async () => {
    const { exitCode, stderr } = await planner([
      'solve',
      join(SCENARIOS, 'tiny.yaml'),
      '--set',
      'workloads.0.llms.0=llama-3.1-8',
      '--format',
      'json',
    ]);
    expect(exitCode).toBe(2);
    expect(stderr).toMatch(/workloads\.0\.llms\.0.*unknown llm 'llama-3\.1-8'/);
    expect(stderr).toMatch(/llama-3\.1-8b/);
  });

  it('calls an SLO no config can meet impossible and names the best config tried', async () => {
    const { exitCode, stderr } = await planner(['solve', join(SCENARIOS, 'tiny.yaml'), '--set', 'workloads.0.slo.tpotMs=1']);
    expect(exitCode).toBe(2);
    expect(stderr).toMatch(/impossible SLO/);
    expect(stderr).toMatch(/workloads\.0\.slo/);
  });

  it('says which file is missing', async () => {
    const { exitCode, stderr } = await planner(['solve', join(work, 'nope.yaml')]);
    expect(exitCode).toBe(2);
    expect(stderr).toMatch(/nope\.yaml.*file not found/);
  });

  it('rejects a malformed --windows range', async () => {
    const { exitCode, stderr } = await planner(['solve', join(SCENARIOS, 'tiny.yaml'), '--windows', '3..1']);
    expect(exitCode).toBe(2);
    expect(stderr).toMatch(/--windows/);
  });

  it('writes nothing when the scenario is bad', async () => {
    const out = join(work, 'bad-out');
    const bad = join(work, 'bad.yaml');
    writeFileSync(bad, readFileSync(join(SCENARIOS, 'tiny.yaml'), 'utf8').replace('windows: 3', 'windows: -3'));
    const { exitCode, stderr } = await planner(['solve', bad, '--out', out]);
    expect(exitCode).toBe(2);
    expect(stderr).toMatch(/horizon\.windows/);
    expect(() => readdirSync(out)).toThrow();
  });
});

describe('planner solve --emit-lp, solved by an independent solver', () => {
  for (const native of ['cbc', 'glpsol'] as const) {
    const installed = hasCommand(native);
    const title = installed
      ? `${native} finds the objective planner reports`
      : `${native} cross-check skipped: ${native} is not installed (Debian coinor-cbc / glpk-utils)`;
    it.skipIf(!installed)(title, async () => {
      const lp = join(work, `tiny-${native}.lp`);
      const { exitCode, plan } = await solveJson(join(SCENARIOS, 'tiny.yaml'), '--emit-lp', lp);
      expect(exitCode).toBe(0);
      const result = solveNative(native, readFileSync(lp, 'utf8'));
      expect(result.status).toBe('optimal');
      expect(Math.abs(result.objective! - plan.solver.objective!) / plan.solver.objective!).toBeLessThanOrEqual(1e-6);
    });
  }
});

describe('planner solve on the built-in default scenario', () => {
  it('plans its first day by LP-guided rolling windows with unmet 0, gap <= 1.5%, and the plan validates', async () => {
    const out = join(work, 'default-day');
    const { exitCode, plan } = await solveJson('--windows', '0..23', '--out', out);
    expect(exitCode).toBe(0);
    expect(plan.solver.strategy).toBe('lp-rolling');
    expect(plan.totals.unmetRequests).toBe(0);
    expect(plan.solver.gap).not.toBeNull();
    // 0.57% before the estimator's PCIe refit (2026-12-02), 1.05% after it: the new rates (NC A100 v4 on
    // A100-80GB-PCIe) leave the rolling windows further from the LP bound. Tighten again when that is fixed.
    expect(plan.solver.gap!).toBeLessThanOrEqual(0.015);
    expect(plan.solver.bound!).toBeLessThanOrEqual(plan.solver.objective! + 1e-6);
    // Hundreds of GPUs at the peak hour.
    expect(Math.max(...plan.windows.map((w) => w.gpuHours))).toBeGreaterThanOrEqual(200);
    const validate = await planner(['validate', join(out, 'plan.json')]);
    expect(validate.stdout).toMatch(/plan OK/);
    expect(validate.exitCode).toBe(0);
  });
});

describe('the wall-clock safety net', () => {
  it('when it fires, the plan is written, checked and marked time_limited, and the exit code is 4', async () => {
    // A millisecond cannot hold the horizon LP and 24 window MILPs on any machine: the net always fires.
    const { exitCode, plan, stderr } = await solveJson('--windows', '0..23', '--time-limit', '0.001');
    expect(exitCode).toBe(4);
    expect(plan.status).toBe('time_limited');
    expect(plan.solver.reason).toMatch(/0\.001 s wall-clock safety net stopped the horizon LP/);
    expect(plan.windows).toHaveLength(24);
    expect(plan.totals.unmetRequests).toBe(0);
    expect(stderr).toMatch(/time-limited plan/);
  });

  it('when it fires on a scenario with deadlines (no GH plan), every window is still planned, within a node limit: exit 4', async () => {
    const { exitCode, plan } = await solveJson(
      join(SCENARIOS, 'sim-small-batch.yaml'),
      '--strategy',
      'lp-rolling',
      '--time-limit',
      '0.001',
    );
    expect(exitCode).toBe(4);
    expect(plan.status).toBe('time_limited');
    expect(plan.windows).toHaveLength(48);
    expect(plan.solver.reason).toMatch(/planned after the safety net fired/);
  });

  it('without it, the same scenario is solved by work limits alone: exit 0, proven or feasible, and the same plan twice', async () => {
    const first = await solveJson('--windows', '0..23');
    const second = await solveJson('--windows', '0..23');
    expect(first.exitCode).toBe(0);
    expect(['optimal', 'feasible']).toContain(first.plan.status);
    const strip = (p: PlanDocument) => JSON.stringify({ ...p, solver: { ...p.solver, seconds: 0 } });
    expect(strip(second.plan)).toBe(strip(first.plan));
  });
});
