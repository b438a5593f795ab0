import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile, planScenario } from '../../src/index.js';
import { checkFeasibility } from '../../src/lp/index.js';
import { buildProblem } from '../../src/capacity/formulation.js';
import { getSolver } from '../../src/solvers/registry.js';
import { checkPlan } from '../../src/validate/check-plan.js';

/**
 * A program on which glpk.js's MIP preprocessing says "integer optimal" with a point that breaks a capacity
 * row (found by the solve fuzz): no VM fits the hard budget, so the 0.012 req/s must go unmet, yet glpk.js
 * routes it to zero replicas. glpk's wrapper must refuse such a point, and auto must answer with HiGHS.
 */
const SCENARIO = join(import.meta.dirname, '..', 'fixtures', 'scenarios', 'glpk-broken-point.yaml');

describe('a glpk.js point that breaks a row', () => {
  it('is refused by the glpk backend, naming the row; auto answers with a feasible point', async () => {
    const loaded = await loadScenarioFile(SCENARIO);
    const { program } = buildProblem(loaded.input);
    const glpk = await getSolver('glpk');
    const refused = await glpk.solve(program, { relativeGap: 0.005 });
    expect(refused.status).toBe('error');
    expect(refused.rawStatus).toMatch(/breaks row 2:capacity\[mistral-7b,NC48ads_A100_v4,tp1,eastus,t=0\]/);
    expect(refused.values).toBeUndefined();

    const auto = await getSolver('auto');
    const answered = await auto.solve(program, { relativeGap: 0.005 });
    expect(answered.status).toBe('optimal');
    expect(answered.rawStatus).toMatch(/^highs: /);
    expect(checkFeasibility(program, answered.values!).feasible).toBe(true);
  });

  it('plans the scenario: nothing served (no VM fits $1), every request unmet, and the plan checks', async () => {
    const loaded = await loadScenarioFile(SCENARIO);
    const { result } = await planScenario(loaded, { solver: 'auto' });
    const [window] = result.plan.windows;
    expect(window!.vms).toEqual([]);
    expect(window!.routes).toEqual([]);
    // 0.012 req/s for an hour.
    expect(result.plan.totals.unmetRequests).toBe(43);
    expect(checkPlan(loaded.input, result.plan).violations).toEqual([]);
  });

  it('with --solver glpk: no plan, and the reason names the glpk.js defect (exit 1, not a failed self-check)', async () => {
    const loaded = await loadScenarioFile(SCENARIO);
    const { result } = await planScenario(loaded, { solver: 'glpk' });
    expect(result.plan.status).toBe('error');
    expect(result.solver.reason).toMatch(/glpk\.js returned a point that breaks row 2:capacity/);
  });
});
