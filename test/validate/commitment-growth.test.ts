import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanDocument } from '../../src/plan-document/index.js';
import { planner } from '../cli/run.js';

/**
 * validate recomputes what a plan states about growth: the commitment-plan fixture solved with 3% a month of
 * growth over its 3-year term, then tampered one growth figure at a time.
 */
const SCENARIO = join(import.meta.dirname, '..', 'fixtures', 'commitment-plan', 'scenario.yaml');
const GROWTH = 'commitments.growthPerMonth=0.03';
const work = mkdtempSync(join(tmpdir(), 'planner-growth-'));
let plan: PlanDocument;
afterAll(() => rmSync(work, { recursive: true, force: true }));
beforeAll(async () => {
  expect((await planner(['solve', SCENARIO, '--set', GROWTH, '--out', work, '--quiet'])).exitCode).toBe(0);
  plan = JSON.parse(readFileSync(join(work, 'plan.json'), 'utf8')) as PlanDocument;
});

async function validate(edit: (p: PlanDocument) => void, name: string) {
  const tampered = structuredClone(plan);
  edit(tampered);
  const file = join(work, `${name}.json`);
  writeFileSync(file, JSON.stringify(tampered));
  const { exitCode, stdout } = await planner(['validate', file, '--set', GROWTH, '--format', 'json', '--allow-stale']);
  return { exitCode, violations: (JSON.parse(stdout) as { violations: Array<{ message: string }> }).violations };
}

describe('validate: commitment growth', () => {
  it('passes the plan as solved, which states its growth and the term utilisation', async () => {
    expect(plan.commitments!.growthPerMonth).toBe(0.03);
    expect(plan.commitments!.bought[0]!.termUtilisation).toBeGreaterThan(plan.commitments!.bought[0]!.breakEvenUtilisation);
    expect(await validate(() => {}, 'untouched')).toEqual({ exitCode: 0, violations: [] });
  });

  for (const [figure, edit] of [
    ['growthPerMonth', (p: PlanDocument) => (p.commitments!.growthPerMonth = 0.05)],
    ['termUtilisation', (p: PlanDocument) => (p.commitments!.bought[0]!.termUtilisation! += 0.01)],
    ['termSavingUsd', (p: PlanDocument) => (p.commitments!.bought[0]!.termSavingUsd *= 1.01)],
  ] as const) {
    it(`names a tampered ${figure}`, async () => {
      const { exitCode, violations } = await validate(edit, figure);
      expect(exitCode).toBe(1);
      expect(violations.map((v) => v.message).join('\n')).toContain(figure);
    });
  }
});
