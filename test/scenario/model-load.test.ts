import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { loadScenarioFile } from '../../src/index.js';
import { TINY } from '../support/policy-planning.js';

const loadHoursOf = async (set: string[]) =>
  (await loadScenarioFile(TINY, { set })).input.candidates.map((c) => ({ sku: c.sku, region: c.region, loadHours: c.loadHours }));

describe('policies.modelLoad: each candidate load time', () => {
  it('by default, the weights per GPU at 1 GB/s plus a minute of engine start', async () => {
    // llama-3.1-8b: 8.03e9 parameters x 2 bytes = 16.06 GB on one GPU: 16.06 s + 60 s.
    for (const { loadHours } of await loadHoursOf([])) expect(loadHours).toBeCloseTo((16.06 + 60) / 3600, 12);
  });

  it('with its own bandwidth and engine start, and a measured figure for one gpu', async () => {
    const candidates = await loadHoursOf([
      'policies.modelLoad={gbPerSec: 2, engineStartMinutes: 0.5, measured: [{llm: llama-3.1-8b, gpu: A10-24GB, minutes: 3}]}',
    ]);
    for (const { sku, loadHours } of candidates)
      expect(loadHours).toBeCloseTo(sku === 'NV36ads_A10_v5' ? 3 / 60 : (16.06 / 2 + 30) / 3600, 12);
    // A row without a gpu holds for every gpu.
    for (const { loadHours } of await loadHoursOf(['policies.modelLoad={measured: [{llm: llama-3.1-8b, minutes: 4}]}']))
      expect(loadHours).toBe(4 / 60);
  });

  it('modelLoad: false gives no load time: a VM changes llm for free', async () => {
    for (const { loadHours } of await loadHoursOf(['policies.modelLoad=false'])) expect(loadHours).toBeUndefined();
  });

  it('refuses a measured row twice for one llm and gpu, naming both', async () => {
    const error = await loadScenarioFile(TINY, {
      set: ['policies.modelLoad={measured: [{llm: llama-3.1-8b, minutes: 4}, {llm: llama-3.1-8b, minutes: 5}]}'],
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toContain(
      'policies.modelLoad.measured.1: llama-3.1-8b is measured twice (also policies.modelLoad.measured.0)',
    );
  });
});
