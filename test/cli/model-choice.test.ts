import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SCENARIO, loadScenarioFile } from '../../src/index.js';
import type { PlanDocument } from '../../src/plan-document/index.js';
import { planner } from './run.js';

/** The default scenario's first two windows: enough to see which llms serve each workload. */
const WINDOWS = ['--windows', '0..1'];

describe('model choice in the default plan', () => {
  let firstLlms: Map<string, string>;
  let plan: PlanDocument;
  beforeAll(async () => {
    const { scenario } = await loadScenarioFile(DEFAULT_SCENARIO);
    firstLlms = new Map(scenario.workloads.map((w) => [w.id, w.llms![0]!]));
    const { exitCode, stdout } = await planner(['solve', ...WINDOWS, '--format', 'json']);
    expect(exitCode).toBe(0);
    plan = JSON.parse(stdout) as PlanDocument;
  });

  it('pins each workload to its first listed llm and says so', () => {
    const routes = plan.windows.flatMap((w) => w.routes);
    for (const [workload, llm] of firstLlms) {
      const mine = routes.filter((r) => r.workload === workload);
      expect(mine.length).toBeGreaterThan(0);
      expect(new Set(mine.map((r) => r.llm))).toEqual(new Set([llm]));
      expect(plan.modelChoice!.find((c) => c.workload === workload)).toMatchObject({
        llmChoice: 'first',
        allowedLlms: [llm],
        servedShareByLlm: { [llm]: 1 },
      });
    }
  });

  it('prints the model choice in the terminal summary', async () => {
    const { stdout } = await planner(['solve', ...WINDOWS]);
    expect(stdout).toContain('Model choice');
    for (const [workload, llm] of firstLlms)
      expect(stdout).toContain(`${workload}: pinned ${llm} (llmChoice first); served by ${llm} 100.0%`);
  });

  it('substitutes only when asked: llmChoice cheapest allows every listed llm and costs no more', async () => {
    const { scenario } = await loadScenarioFile(DEFAULT_SCENARIO);
    const set = scenario.workloads.flatMap((_, i) => ['--set', `workloads.${i}.llmChoice=cheapest`]);
    const { exitCode, stdout } = await planner(['solve', ...WINDOWS, ...set, '--format', 'json']);
    expect(exitCode).toBe(0);
    const free = JSON.parse(stdout) as PlanDocument;
    scenario.workloads.forEach((workload) => {
      const choice = free.modelChoice!.find((c) => c.workload === workload.id)!;
      expect(choice.llmChoice).toBe('cheapest');
      expect(choice.allowedLlms).toEqual(workload.llms);
    });
    // A superset of the pinned plans: its objective is no higher (within both solves' gaps).
    const gap = (d: PlanDocument) => (d.solver.gap ?? 0) * d.solver.objective!;
    expect(free.solver.objective!).toBeLessThanOrEqual(plan.solver.objective! + gap(plan) + gap(free) + 1e-6);
  });

  it('report carries the model choice: JSON as in the plan, and model-choice.csv one row per workload and llm', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'model-choice-report-'));
    expect((await planner(['solve', ...WINDOWS, '--out', join(dir, 'out')])).exitCode).toBe(0);
    const json = await planner(['report', join(dir, 'out', 'plan.json'), '--format', 'json']);
    const report = JSON.parse(json.stdout) as { modelChoice: PlanDocument['modelChoice'] };
    expect(report.modelChoice).toEqual(plan.modelChoice);
    expect((await planner(['report', join(dir, 'out', 'plan.json'), '--format', 'csv', '--out', join(dir, 'rep')])).exitCode).toBe(0);
    const csv = readFileSync(join(dir, 'rep', 'model-choice.csv'), 'utf8')
      .trimEnd()
      .split('\r\n');
    expect(csv[0]).toBe('workload,llm_choice,min_quality,llm,served_share,workload_quality_served');
    expect(csv.slice(1).map((row) => row.split(',').slice(0, 5).join(','))).toEqual(
      [...firstLlms].map(([workload, llm]) => `${workload},first,,${llm},1`),
    );
  });

  it('validate catches a workload served by an llm its llmChoice does not allow, naming both', async () => {
    const tampered = structuredClone(plan);
    const route = tampered.windows[0]!.routes.find((r) => r.workload === 'code-completion')!;
    route.llm = 'mistral-7b';
    const dir = mkdtempSync(join(tmpdir(), 'model-choice-'));
    const file = join(dir, 'plan.json');
    writeFileSync(file, JSON.stringify(tampered));
    const { exitCode, stdout } = await planner(['validate', file, '--format', 'json']);
    expect(exitCode).toBe(1);
    const violations = (JSON.parse(stdout) as { violations: Array<{ group: string; workload?: string; llm?: string; message: string }> })
      .violations;
    const forbidden = violations.filter((v) => v.group === 'model-choice');
    expect(forbidden).toHaveLength(1);
    expect(forbidden[0]).toMatchObject({ workload: 'code-completion', llm: 'mistral-7b' });
    expect(forbidden[0]!.message).toContain('which llmChoice first does not allow (allowed: llama-3.1-8b)');
  });
});
