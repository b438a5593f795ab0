import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SCENARIOS, planner } from './run.js';

const work = mkdtempSync(join(tmpdir(), 'planner-family-quota-'));
const aws = join(SCENARIOS, 'aws-l4.yaml');
afterAll(() => rmSync(work, { recursive: true, force: true }));

const quota = (q: string) => ['--set', `policies.quotas=[${q}]`];

describe('quotas per VM family in a scenario', () => {
  it('an AWS vCPU quota on G-and-VT caps the g5/g6 fleet; validate checks it against the scenario', async () => {
    const free = await planner(['solve', aws, '--format', 'json']);
    expect(free.exitCode, free.stderr).toBe(0);
    const vcpus = (stdout: string) =>
      Math.max(
        ...(JSON.parse(stdout) as { windows: { vms: { sku: string; count: number }[] }[] }).windows.map((w) =>
          w.vms.reduce((sum, vm) => sum + vm.count * 4, 0),
        ),
      );
    const unlimited = vcpus(free.stdout);
    expect(unlimited).toBeGreaterThan(20);

    const out = join(work, 'capped');
    const capped = await planner([
      'solve',
      aws,
      ...quota('{family: G-and-VT, region: us-east-1, vcpus: 20}'),
      '--out',
      out,
      '--format',
      'json',
    ]);
    // 20 vCPUs = five 4-vCPU VMs: demand beyond them is unmet, and the plan says the quota is why.
    expect(capped.exitCode).toBe(1);
    expect(vcpus(capped.stdout)).toBe(20);
    expect(capped.stdout).toContain('quota full: 20 vCPUs of family G-and-VT in us-east-1');

    const tighter = await planner([
      'validate',
      join(out, 'plan.json'),
      '--scenario',
      aws,
      ...quota('{family: G-and-VT, region: us-east-1, vcpus: 16}'),
    ]);
    expect(tighter.exitCode).toBe(1);
    expect(tighter.stdout).toContain('20 vCPUs of family G-and-VT; the quota is 16');
  });

  it('names the wrong family, unit or region with the fix', async () => {
    const cases: [string, string][] = [
      [
        '{family: G-and-V, region: us-east-1, vcpus: 8}',
        "policies.quotas.0.family: unknown quota family 'G-and-V' (fix: did you mean 'G-and-VT'?)",
      ],
      [
        '{family: G-and-VT, region: us-east-1}',
        'policies.quotas.0: no limit given (fix: give vcpus: N (AWS, Azure) or gpus: N (GCP), as the cloud sets it)',
      ],
      [
        '{family: G-and-VT, region: us-east-1, gpus: 2, vcpus: 8}',
        'policies.quotas.0: a family quota is set in one unit: vcpus or gpus, not both',
      ],
      ['{gpu: L4-24GB, region: us-east-1, vcpus: 8}', 'policies.quotas.0.vcpus: a gpu quota counts GPUs, not vCPUs'],
      ['{gpu: L4-24GB, family: G-and-VT, region: us-east-1, gpus: 8}', 'policies.quotas.0: a quota names a gpu or a family, not both'],
      [
        '{family: NCADSA100v4, region: us-east-1, vcpus: 24}',
        'policies.quotas.0.region: family NCADSA100v4 is a quota family of azure; us-east-1 is in aws (fix: name a region in azure)',
      ],
    ];
    for (const [q, message] of cases) {
      const { exitCode, stderr } = await planner(['solve', aws, ...quota(q)]);
      expect(exitCode, q).toBe(2);
      expect(stderr, q).toContain(message);
    }
  });
});
