import { describe, expect, it } from 'vitest';
import type { RequestMix } from '../../src/demand/types.js';
import { indexRates, measuredRate, type ModelRate, type RateProfile } from '../../src/perf/measured-rates.js';
import type { RateCurve } from '../../src/perf/rate-curves.js';
import { parseRateTableCsv, RATE_TABLE_HEADER, writeRateTableCsv, type StatedRate } from '../../src/perf/rate-table.js';
import { catalogLlmFor } from '../../src/perf/import/model-id.js';
import { readCatalog } from '../../src/index.js';
import { packageRoot } from '../../src/paths.js';
import { join } from 'node:path';
import { inputError } from '../support/errors.js';

/** A model whose time per request is input + 4 x output token-units, 100 units/s at a 1000 ms TTFT limit, linear in that limit. */
const model: ModelRate = (mix, slo) => ((100 * slo.ttftMs) / 1000) * (1 / (mix.meanInputTokens + 4 * mix.meanOutputTokens));
const SLO = { ttftMs: 1000, tpotMs: 50 };

function stated(inputTokens: number, outputTokens: number, maxRps: number, ttftMs = 1000, tpotMs = 50): StatedRate {
  return {
    llm: 'llama-3.1-8b',
    gpu: 'A10-24GB',
    tp: 1,
    inputTokens,
    outputTokens,
    ttftMs,
    tpotMs,
    maxRps,
    source: 'hand',
    file: 'rates.csv',
    line: 2,
  };
}
function profile(rates: StatedRate[], curves: RateCurve[] = []): RateProfile {
  return { llm: 'llama-3.1-8b', gpu: 'A10-24GB', tp: 1, curves, stated: rates };
}
const mix = (buckets: [number, number, number][]): RequestMix => ({
  meanInputTokens: buckets.reduce((s, b) => s + b[0] * b[2], 0),
  meanOutputTokens: buckets.reduce((s, b) => s + b[1] * b[2], 0),
  buckets: buckets.map(([inputTokens, outputTokens, share]) => ({ inputTokens, outputTokens, share })),
});

describe('measuredRate', () => {
  it('is the measurement itself at its size and limits', () => {
    const r = measuredRate(profile([stated(1000, 200, 7)]), { meanInputTokens: 1000, meanOutputTokens: 200 }, SLO, model);
    expect(r.rps).toBe(7);
    expect(r.files).toEqual(['rates.csv']);
  });

  it('carries a rate to another size by the model ratio', () => {
    // model(500, 100) / model(1000, 200) = (1000 + 800) / (500 + 400) = 2.
    const r = measuredRate(profile([stated(1000, 200, 7)]), { meanInputTokens: 500, meanOutputTokens: 100 }, SLO, model);
    expect(r.rps).toBeCloseTo(14, 12);
  });

  it('carries a stated rate to other limits by the model ratio', () => {
    // Stated under a 500 ms TTFT limit; at 1000 ms the model doubles the rate.
    const r = measuredRate(profile([stated(1000, 200, 7, 500)]), { meanInputTokens: 1000, meanOutputTokens: 200 }, SLO, model);
    expect(r.rps).toBeCloseTo(14, 12);
  });

  it("combines a mix's buckets by time per request (Mélange's rule), each from its nearest measurement", () => {
    // Exact rates for both buckets: 1 / (0.5 / 10 + 0.5 / 30) = 15.
    const rates = [stated(2000, 400, 10), stated(200, 40, 30)];
    const r = measuredRate(
      profile(rates),
      mix([
        [2000, 400, 0.5],
        [200, 40, 0.5],
      ]),
      SLO,
      model,
    );
    expect(r.rps).toBeCloseTo(15, 12);
    // A bucket near the small measurement takes it (carried over: model(250, 50) / model(200, 40) = 0.8).
    const near = measuredRate(profile(rates), { meanInputTokens: 250, meanOutputTokens: 50 }, SLO, model);
    expect(near.rps).toBeCloseTo(24, 12);
  });

  it('skips a curve whose lowest run violates the SLO, and says why when nothing is left', () => {
    const curve: RateCurve = {
      llm: 'llama-3.1-8b',
      gpu: 'A10-24GB',
      tp: 1,
      inputTokens: 1000,
      outputTokens: 200,
      file: 'curve.csv',
      line: 2,
      points: [{ servedRps: 3, ttft: { meanMs: 2500 }, tpot: { meanMs: 20 }, completed: 100, failed: 0, source: 'run' }],
    };
    const fallback = measuredRate(profile([stated(3000, 600, 4)], [curve]), { meanInputTokens: 1000, meanOutputTokens: 200 }, SLO, model);
    // Only the stated rate is usable: 4 x model(1000, 200) / model(3000, 600) = 4 x 3.
    expect(fallback.rps).toBeCloseTo(12, 12);
    const none = measuredRate(profile([], [curve]), { meanInputTokens: 1000, meanOutputTokens: 200 }, SLO, model);
    expect(none.rps).toBe(0);
    expect(none.reason).toContain('even the lowest measured load');
  });

  it('indexes curves and stated rates by config', () => {
    const index = indexRates([], [stated(1000, 200, 7), { ...stated(1000, 200, 3), gpu: 'A100-80GB' }]);
    expect([...index.keys()].sort()).toEqual(['llama-3.1-8b|A10-24GB|1', 'llama-3.1-8b|A100-80GB|1']);
  });
});

describe('rate tables', () => {
  const text = `${RATE_TABLE_HEADER}\nllama-3.1-8b,A10-24GB,1,1000,200,2000,100,3.5,"Mélange, Table 2"\nllama-3.1-8b,A10-24GB,1,200,40,2000,100,12,own\n`;

  it('round-trips: what is written reads back and writes the same bytes', () => {
    const rates = parseRateTableCsv(text, 'rates.csv');
    expect(rates.map((r) => [r.inputTokens, r.maxRps, r.source, r.line])).toEqual([
      [200, 12, 'own', 3],
      [1000, 3.5, 'Mélange, Table 2', 2],
    ]);
    const written = writeRateTableCsv(rates);
    expect(writeRateTableCsv(parseRateTableCsv(written, 'again.csv'))).toBe(written);
  });

  it('rejects a second rate for the same config, size and limits, and misspelt columns', () => {
    const twice = `${text}llama-3.1-8b,A10-24GB,1,200,40,2000,100,11,again\n`;
    expect(inputError(() => parseRateTableCsv(twice, 'rates.csv')).issues[0]).toMatchObject({
      file: 'rates.csv',
      line: 4,
      field: 'max_rps',
    });
    const misspelt = text.replace('max_rps', 'max_rsp');
    const issues = inputError(() => parseRateTableCsv(misspelt, 'rates.csv')).issues;
    expect(issues[0]).toMatchObject({ line: 1, message: "unknown column 'max_rsp'", fix: "did you mean 'max_rps'?" });
  });
});

describe('catalogLlmFor', () => {
  it('maps the Hugging Face ids benchmarks record to catalog ids', async () => {
    const { llms } = await readCatalog(join(packageRoot(), 'models'));
    expect(catalogLlmFor('meta-llama/Llama-3.1-8B-Instruct', llms)).toBe('llama-3.1-8b');
    expect(catalogLlmFor('meta-llama/Meta-Llama-3.1-70B-Instruct', llms)).toBe('llama-3.1-70b');
    expect(catalogLlmFor('meta-llama/Llama-2-70b-hf', llms)).toBe('llama-2-70b');
    expect(catalogLlmFor('mistralai/Mixtral-8x7B-Instruct-v0.1', llms)).toBe('mixtral-8x7b');
    expect(catalogLlmFor('Qwen/Qwen2.5-32B-Instruct', llms)).toBe('qwen2.5-32b');
    expect(catalogLlmFor('llama-3.2-3b', llms)).toBe('llama-3.2-3b');
    expect(catalogLlmFor('google/gemma-2-9b-it', llms)).toBeUndefined();
  });
});
