import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanDocument } from '../../src/plan-document/index.js';
import { parsePlanDocument } from '../../src/plan-document/index.js';
import type { PlanDiff } from '../../src/report/diff.js';
import { SCENARIOS, planner } from './run.js';

/**
 * Plans written before the firm/spot replica class was named `pool` call it `purchase`; planner still reads them.
 * tiny.yaml on A100 with spot and an eviction probability keeps firm and spot replicas apart.
 */
const work = mkdtempSync(join(tmpdir(), 'planner-compat-'));
const tiny = join(SCENARIOS, 'tiny.yaml');
const SPOT = ['--set', 'skus=[NC24ads_A100_v4]', '--set', 'horizon.windows=2', '--set', 'purchases=[on-demand,spot]'];
const SPOT_POLICY = [...SPOT, '--set', 'policies.spot.evictionProbability=0.3', '--set', 'policies.spot.onDemandCoversInteractive=0.5'];
const current = join(work, 'now', 'plan.json');
const old = join(work, 'old-plan.json');
afterAll(() => rmSync(work, { recursive: true, force: true }));

beforeAll(async () => {
  expect((await planner(['solve', tiny, ...SPOT_POLICY, '--out', join(work, 'now')])).exitCode).toBe(0);
  const text = readFileSync(current, 'utf8');
  // The old format: the same plan with each replica's class under `purchase`.
  writeFileSync(old, text.replaceAll(/"pool": "(firm|spot)"/g, '"purchase": "$1"'));
});

describe('plan.json replicas: pool, and the old name purchase', () => {
  it('writes pool (firm and spot) on the replicas of a plan that keeps them apart', () => {
    const plan = JSON.parse(readFileSync(current, 'utf8')) as PlanDocument;
    const pools = new Set(plan.windows.flatMap((w) => w.replicas.map((r) => r.pool)));
    expect(pools).toEqual(new Set(['firm', 'spot']));
    expect(plan.windows.every((w) => w.replicas.every((r) => !('purchase' in r)))).toBe(true);
  });

  it('reads an old plan whose replicas say purchase: firm|spot as pool', () => {
    const text = readFileSync(old, 'utf8');
    const raw = JSON.parse(text) as PlanDocument;
    expect(raw.windows.some((w) => w.replicas.some((r) => r.purchase === 'spot' && r.pool === undefined))).toBe(true);
    expect(parsePlanDocument(text, old)).toEqual(parsePlanDocument(readFileSync(current, 'utf8'), current));
  });

  it('validates the old plan against its scenario (exit 0)', async () => {
    const { exitCode, stdout } = await planner(['validate', old, '--scenario', tiny, ...SPOT_POLICY, '--format', 'json']);
    expect(exitCode).toBe(0);
    expect((JSON.parse(stdout) as { ok: boolean }).ok).toBe(true);
  });

  it('diffs the old plan against the new one: no change', async () => {
    const { exitCode, stdout } = await planner(['diff', old, current, '--format', 'json']);
    expect(exitCode).toBe(0);
    const diff = JSON.parse(stdout) as PlanDiff;
    expect(diff.windows).toEqual([]);
    expect(Object.values(diff.totals).every((d) => d.change === 0)).toBe(true);
  });

  it('rejects a replica that names both pool and purchase', () => {
    const plan = JSON.parse(readFileSync(current, 'utf8')) as PlanDocument;
    const replica = plan.windows[0]!.replicas[0]! as Record<string, unknown>;
    replica.purchase = replica.pool;
    expect(() => parsePlanDocument(JSON.stringify(plan), 'both.json')).toThrow(/pool once/);
  });
});
