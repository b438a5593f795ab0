import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planner, SCENARIOS } from './run.js';

describe('planner solve with policies.kvMemory: load and policies.routing: single-path', () => {
  it('solve states both options; the heuristics refuse them (exit 2)', async () => {
    const scenario = join(SCENARIOS, 'tiny.yaml');
    const set = ['--set', 'policies.kvMemory=load', '--set', 'policies.routing=single-path'];
    const text = await planner(['solve', scenario, ...set, '--format', 'table']);
    expect(text.exitCode, text.stderr).toBe(0);
    expect(text.stdout).toContain('group 2 kv-memory (load)');
    expect(text.stdout).toContain(
      'group 1 single-path: each workload goes whole to one config per region and window (most configs used: 1)',
    );
    const json = await planner(['solve', scenario, ...set, '--format', 'json']);
    const plan = JSON.parse(json.stdout) as { policies: { kvMemory: { mode: string }; routing: { mode: string } } };
    expect(plan.policies.kvMemory.mode).toBe('load');
    expect(plan.policies.routing.mode).toBe('single-path');
    const gh = await planner(['solve', scenario, ...set, '--solver', 'gh']);
    expect(gh.exitCode).toBe(2);
    expect(gh.stderr).toContain('gh does not implement policies.kvMemory, policies.routing');
  });
});
