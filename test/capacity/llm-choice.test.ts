import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { summariseModelChoice } from '../../src/capacity/model-choice.js';
import { InputError } from '../../src/errors.js';
import { loadScenarioFile } from '../../src/index.js';
import { checkPlan } from '../../src/validate/check-plan.js';
import { TINY, priceOf, rateOf, solvePlan, tinyInput, vmCost } from '../support/policy-planning.js';

/** tiny.yaml in one region on A100 for one window: one replica = one VM of c = 0.9 r req/s (10% headroom). */
const SKU = 'NC24ads_A100_v4';
const ONE = [`skus=[${SKU}]`, 'regions=[eastus]', 'workloads.0.demand.origins={eastus: 1}', 'horizon.windows=1'];
const LISTED = 'workloads.0.llms=[llama-3.1-8b,llama-3.2-3b]';

describe('llmChoice', () => {
  /**
   * 20 req/s, 8b listed first, 3b (faster) second. Pinned (first): only 8b, ceil(20 / c8) VMs. Cheapest: brute
   * force over (n8, n3) with c8 n8 + c3 n3 >= 20, the fewest VMs; fewer than pinned, as the 3b is faster.
   */
  it('first serves with the first listed llm only; cheapest substitutes the cheaper one, at the brute-force optima', async () => {
    const pinned = await tinyInput([...ONE, LISTED]);
    const free = await tinyInput([...ONE, LISTED, 'workloads.0.llmChoice=cheapest']);
    expect(new Set(pinned.candidates.map((c) => c.llm))).toEqual(new Set(['llama-3.1-8b']));
    const [c8, c3] = [0.9 * rateOf(free, 'llama-3.1-8b', SKU), 0.9 * rateOf(free, 'llama-3.2-3b', SKU)];
    let best = Infinity;
    for (let n8 = 0; n8 <= 30; n8++) for (let n3 = 0; n3 <= 30; n3++) if (c8 * n8 + c3 * n3 >= 20 - 1e-9) best = Math.min(best, n8 + n3);
    const pinnedVms = Math.ceil(20 / c8 - 1e-9);
    expect(best).toBeLessThan(pinnedVms); // the premise: substitution pays here
    const price = priceOf(free, SKU, 'eastus', 'on-demand');

    const pinnedPlan = await solvePlan(pinned);
    const freePlan = await solvePlan(free);
    expect(vmCost(pinnedPlan)).toBeCloseTo(pinnedVms * price, 6);
    expect(vmCost(freePlan)).toBeCloseTo(best * price, 6);
    expect(new Set(pinnedPlan.windows[0]!.routes.map((r) => r.llm))).toEqual(new Set(['llama-3.1-8b']));
    expect(freePlan.windows[0]!.routes.some((r) => r.llm === 'llama-3.2-3b')).toBe(true);

    // The model choice the plan states: llmChoice, the allowed llms, the shares and the quality served.
    const q8 = free.llmQuality!.get('llama-3.1-8b')!;
    expect(summariseModelChoice(pinned, pinnedPlan)).toEqual([
      {
        workload: 'chat',
        llmChoice: 'first',
        allowedLlms: ['llama-3.1-8b'],
        minQuality: null,
        servedShareByLlm: { 'llama-3.1-8b': 1 },
        qualityServed: q8,
      },
    ]);
    const [choice] = summariseModelChoice(free, freePlan);
    expect(choice!.llmChoice).toBe('cheapest');
    expect(choice!.allowedLlms).toEqual(['llama-3.1-8b', 'llama-3.2-3b']);
    const shares = Object.values(choice!.servedShareByLlm);
    expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    const q3 = free.llmQuality!.get('llama-3.2-3b')!;
    const s3 = choice!.servedShareByLlm['llama-3.2-3b']!;
    expect(choice!.qualityServed).toBeCloseTo(s3 * q3 + (1 - s3) * q8, 4);

    // validate: the substituting plan breaks the pinned scenario's rule, naming workload and llm.
    expect(checkPlan(free, freePlan).violations).toEqual([]);
    const forbidden = checkPlan(pinned, freePlan).violations.filter((v) => v.group === 'model-choice');
    expect(forbidden.length).toBeGreaterThan(0);
    expect(forbidden[0]).toMatchObject({ workload: 'chat', llm: 'llama-3.2-3b' });
    expect(forbidden[0]!.message).toBe('chat is served by llama-3.2-3b, which llmChoice first does not allow (allowed: llama-3.1-8b)');
  });

  it('minQuality opts into substitution: without llms, every catalog llm is allowed and the floor holds', async () => {
    // tiny.yaml without its llms line, in a folder of its own.
    const dir = await mkdtemp(join(tmpdir(), 'llm-choice-'));
    const file = join(dir, 'any-llm.yaml');
    await writeFile(file, (await readFile(TINY, 'utf8')).replace(/^ {4}llms: .*\n/m, ''));
    const loaded = await loadScenarioFile(file, { set: ['policies.startupMinutes=0', ...ONE, 'workloads.0.minQuality=70'] });
    const input = loaded.input;
    const { catalog } = loaded;
    expect(input.workloads[0]!.llmChoice).toBe('cheapest');
    expect(input.workloads[0]!.llms).toEqual([...catalog.llms.keys()].sort());
    const plan = await solvePlan(input);
    expect(checkPlan(input, plan).violations).toEqual([]);
    const [choice] = summariseModelChoice(input, plan);
    expect(choice!.qualityServed).toBeGreaterThanOrEqual(70 - 1e-6);
  });

  it('llmChoice: first with minQuality is an input error naming the field and the fix', async () => {
    const error = await tinyInput([...ONE, LISTED, 'workloads.0.llmChoice=first', 'workloads.0.minQuality=62']).catch((e) => e);
    expect(error).toBeInstanceOf(InputError);
    const issue = (error as InputError).issues.find((i) => i.field === 'workloads.0.llmChoice');
    expect(issue?.message).toContain('llmChoice: first pins the first listed llm');
    expect(issue?.fix).toBe(
      'drop minQuality to pin the first llm, or drop llmChoice (or set llmChoice: cheapest) to let the solver choose',
    );
  });
});
