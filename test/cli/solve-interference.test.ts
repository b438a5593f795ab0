import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { planner, SCENARIOS } from './run.js';

const work = mkdtempSync(join(tmpdir(), 'planner-interference-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface PlanJson {
  windows: { replicas: { count: number; workloads?: string[] }[] }[];
  totals: { costUsd: number };
  policies?: { interference?: { mode: string; splitConfigWindows: number } };
}

/**
 * interference.yaml: short code completions (TPOT 50 ms) and 8,000-token summaries on llama-3.1-8b on one
 * A100 sku. Shared, the summaries' prefills would stall the completions' decodes past their SLO.
 */
describe('planner solve with policies.interference: separate', () => {
  const scenario = join(SCENARIOS, 'interference.yaml');
  const on = ['--set', 'policies.interference=separate'];

  it('keeps code and summaries on replicas of their own, states it, and validate checks it', async () => {
    const offDir = join(work, 'off');
    const onDir = join(work, 'on');
    expect((await planner(['solve', scenario, '--out', offDir, '--format', 'json'])).exitCode).toBe(0);
    const solved = await planner(['solve', scenario, ...on, '--out', onDir, '--format', 'json']);
    expect(solved.exitCode, solved.stderr).toBe(0);
    const plan = JSON.parse(solved.stdout) as PlanJson;
    expect(plan.policies?.interference?.mode).toBe('separate');
    expect(plan.policies?.interference?.splitConfigWindows).toBe(2);
    for (const window of plan.windows) expect(window.replicas.map((r) => r.workloads)).toEqual([['code'], ['summarise']]);
    expect((await planner(['validate', join(onDir, 'plan.json'), '--scenario', scenario, ...on])).exitCode).toBe(0);
    // The plan without the option puts both on one replica group: validate with the option on says so.
    const shared = await planner(['validate', join(offDir, 'plan.json'), '--scenario', scenario, ...on, '--format', 'json']);
    expect(shared.exitCode).toBe(1);
    const report = JSON.parse(shared.stdout) as { violations: { group: string; message: string }[] };
    expect(report.violations.some((v) => v.group === 'interference' && v.message.includes('code and summarise share'))).toBe(true);
  });

  it('off (the default) plans exactly as before; the heuristics refuse separate (exit 2)', async () => {
    const absent = JSON.parse((await planner(['solve', scenario, '--format', 'json'])).stdout) as PlanJson;
    const off = JSON.parse(
      (await planner(['solve', scenario, '--set', 'policies.interference=off', '--format', 'json'])).stdout,
    ) as PlanJson;
    expect(off.windows).toEqual(absent.windows);
    expect(off.totals).toEqual(absent.totals);
    expect(off.policies?.interference).toBeUndefined();
    const gh = await planner(['solve', scenario, ...on, '--solver', 'gh']);
    expect(gh.exitCode).toBe(2);
    expect(gh.stderr).toContain('gh does not implement policies.interference');
  });
});
