import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SCENARIOS, planner } from './run.js';

const work = mkdtempSync(join(tmpdir(), 'planner-policies-'));
const tiny = join(SCENARIOS, 'tiny.yaml');
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('policies from the command line', () => {
  it('validate --fail-region proves an N+1 plan survives each region and catches a plan that does not', async () => {
    const resilient = join(work, 'n1');
    expect(
      (await planner(['solve', tiny, '--set', 'policies.locality.nPlusOne=true', '--out', resilient, '--format', 'json'])).exitCode,
    ).toBe(0);
    for (const region of ['eastus', 'westus2']) {
      const { exitCode, stdout } = await planner([
        'validate',
        join(resilient, 'plan.json'),
        '--scenario',
        tiny,
        '--set',
        'policies.locality.nPlusOne=true',
        '--fail-region',
        region,
      ]);
      expect(exitCode).toBe(0);
      expect(stdout).toContain(`loss of ${region}: routable in every window`);
    }
    // The cheapest plan without N+1 runs where it is cheapest; losing that region leaves demand unrouted.
    const plain = join(work, 'plain');
    expect((await planner(['solve', tiny, '--out', plain, '--format', 'json'])).exitCode).toBe(0);
    const results = await Promise.all(
      ['eastus', 'westus2'].map((region) =>
        planner(['validate', join(plain, 'plan.json'), '--scenario', tiny, '--fail-region', region, '--format', 'json']),
      ),
    );
    expect(results.some((r) => r.exitCode === 1)).toBe(true);
    const failed = JSON.parse(results.find((r) => r.exitCode === 1)!.stdout) as {
      ok: boolean;
      futures: Array<{ ok: boolean; shortRequests: number }>;
      violations: Array<{ group: string }>;
    };
    expect(failed.ok).toBe(false);
    expect(failed.futures[0]!.shortRequests).toBeGreaterThan(0);
    expect(failed.violations.every((v) => v.group === 'resilience')).toBe(true);
  });

  it('validate --fail-region with an unknown region is bad input (exit 2) with a suggestion', async () => {
    const dir = join(work, 'bad-region');
    await planner(['solve', tiny, '--out', dir, '--format', 'json']);
    const { exitCode, stderr } = await planner(['validate', join(dir, 'plan.json'), '--scenario', tiny, '--fail-region', 'westus']);
    expect(exitCode).toBe(2);
    expect(stderr).toContain("--fail-region: 'westus' is not one of the scenario's regions (eastus, westus2) (fix: did you mean 'westus2'");
  });

  it('solve --resilience-cost prints the cost of N+1 and the plan lists the policies', async () => {
    const { exitCode, stdout } = await planner(['solve', tiny, '--set', 'policies.locality.nPlusOne=true', '--resilience-cost']);
    expect(exitCode).toBe(0);
    expect(stdout).toMatch(
      /group 6 locality: N\+1: survives the loss of any one region; cost of resilience \$[\d,.]+ over \$[\d,.]+ without/,
    );
    const json = JSON.parse(
      (await planner(['solve', tiny, '--set', 'policies.locality.nPlusOne=true', '--resilience-cost', '--format', 'json'])).stdout,
    ) as {
      totals: { costUsd: number; startupCostUsd: number };
      policies: { locality: { resilienceCostUsd: number; costWithoutNPlusOneUsd: number } };
    };
    const { resilienceCostUsd, costWithoutNPlusOneUsd } = json.policies.locality;
    expect(resilienceCostUsd).toBeGreaterThan(0);
    // Both figures are rounded to the cent.
    expect(Math.abs(costWithoutNPlusOneUsd + resilienceCostUsd - (json.totals.costUsd + json.totals.startupCostUsd))).toBeLessThanOrEqual(
      0.01 + 1e-9,
    );
  });

  it.each([
    [
      ['--set', 'policies.locality.minInRegionShare=0.5', '--set', 'regions=[eastus]'],
      'workloads.0.demand.origins.westus2',
      'add westus2 to regions or drop minInRegionShare',
    ],
    [['--set', 'workloads.0.deadlineHours=0.5'], 'workloads.0.deadlineHours', 'shorter than one window'],
    [['--set', 'policies.spot.maxShare=0.5'], 'policies.spot', "'spot' is not in purchases"],
    [['--set', 'workloads.0.minQuality=90'], 'workloads.0.minQuality', 'no allowed llm reaches quality 90'],
    [
      ['--set', 'policies.reserved=[{region: eastus, sku: NC24ads_A100_v4, count: 1}]', '--solver', 'gh'],
      '--solver',
      'gh does not implement policies.reserved',
    ],
  ])('bad policy input %j is exit 2 naming %s', async (args, field, message) => {
    const { exitCode, stderr } = await planner(['solve', tiny, ...args]);
    expect(exitCode).toBe(2);
    expect(stderr).toContain(field);
    expect(stderr).toContain(message);
  });
});
