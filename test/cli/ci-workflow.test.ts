import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { packageRoot } from '../../src/paths.js';
import { planner } from './run.js';

interface Workflow {
  jobs: Record<string, { steps: Array<{ name?: string; run?: string }> }>;
}

describe('docs/capacity-plan-ci.yml', () => {
  const workflow = parse(readFileSync(join(packageRoot(), 'docs', 'capacity-plan-ci.yml'), 'utf8')) as Workflow;
  const runs = Object.values(workflow.jobs).flatMap((job) => job.steps.map((step) => step.run ?? ''));
  const invocations = runs.flatMap((run) =>
    [...run.matchAll(/planner (\w+)([^\n]*)/g)].map((m) => ({ command: m[1]!, args: m[2]!.trim() })),
  );

  it('validates the committed plan and diffs it against the base branch', () => {
    expect(invocations.map((i) => i.command)).toEqual(['validate', 'diff']);
    expect(invocations[0]!.args).toMatch(/--scenario/);
  });

  it('uses only commands and options planner has', async () => {
    for (const { command, args } of invocations) {
      const { exitCode, stdout } = await planner([command, '--help']);
      expect(exitCode).toBe(0);
      for (const option of args.match(/--[a-z-]+/g) ?? []) expect(stdout).toContain(option);
    }
  });
});
