import { inputError } from '../../support/errors.js';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { BenchFile } from '../../../src/perf/import/common.js';
import { importVllmBenchResults, parseVllmBenchResult } from '../../../src/perf/import/vllm.js';
import { maxRateUnderSlo, RATE_CURVE_COLUMNS, writeRateCurvesCsv } from '../../../src/perf/rate-curves.js';

const DIR = new URL('../../fixtures/bench-results/', import.meta.url);
const fixture = (name: string): BenchFile => ({ file: name, text: readFileSync(new URL(name, DIR), 'utf8') });
const RATE_RUNS = ['vllm-llama8b-rate2.json', 'vllm-llama8b-rate4.json', 'vllm-llama8b-rate8.json'].map(fixture);
const OPTIONS = { llm: 'llama-3.1-8b', gpu: 'H100-80GB', tp: 1 };

/** A fixture run with some keys changed (undefined deletes the key). */
function edited(name: string, changes: Record<string, unknown>): BenchFile {
  const run = JSON.parse(fixture(name).text) as Record<string, unknown>;
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) delete run[key];
    else run[key] = value;
  }
  return { file: name, text: JSON.stringify(run) };
}

describe('vllm bench serve import', () => {
  it('makes one curve of runs at three request rates', () => {
    const curve = importVllmBenchResults(RATE_RUNS, OPTIONS);
    expect(curve).toMatchObject({ llm: 'llama-3.1-8b', gpu: 'H100-80GB', tp: 1, inputTokens: 512, outputTokens: 128 });
    expect(curve.points).toEqual([
      {
        offeredRps: 2,
        servedRps: 2,
        ttft: { meanMs: 40, p50Ms: 38, p99Ms: 90 },
        tpot: { meanMs: 12, p50Ms: 11.5, p99Ms: 20 },
        completed: 200,
        failed: 0,
        source: 'vllm-llama8b-rate2.json',
      },
      {
        offeredRps: 4,
        servedRps: 4,
        ttft: { meanMs: 60, p50Ms: 55, p99Ms: 160 },
        tpot: { meanMs: 16, p50Ms: 15, p99Ms: 28 },
        completed: 400,
        failed: 0,
        source: 'vllm-llama8b-rate4.json',
      },
      {
        offeredRps: 8,
        servedRps: 7,
        ttft: { meanMs: 400, p50Ms: 300, p99Ms: 1500 },
        tpot: { meanMs: 30, p50Ms: 28, p99Ms: 55 },
        completed: 800,
        failed: 0,
        source: 'vllm-llama8b-rate8.json',
      },
    ]);
    // Byte-stable profile: the order of the files does not matter.
    const csv = writeRateCurvesCsv([curve]);
    expect(writeRateCurvesCsv([importVllmBenchResults([...RATE_RUNS].reverse(), OPTIONS)])).toBe(csv);
    expect(csv).toBe(
      [
        Object.keys(RATE_CURVE_COLUMNS).join(','),
        'llama-3.1-8b,H100-80GB,1,512,128,2,,2,40,38,,90,12,11.5,,20,200,0,vllm-llama8b-rate2.json',
        'llama-3.1-8b,H100-80GB,1,512,128,4,,4,60,55,,160,16,15,,28,400,0,vllm-llama8b-rate4.json',
        'llama-3.1-8b,H100-80GB,1,512,128,8,,7,400,300,,1500,30,28,,55,800,0,vllm-llama8b-rate8.json',
        '',
      ].join('\n'),
    );
  });

  it('gives the max rate under the SLO the fixtures were written for', () => {
    const curve = importVllmBenchResults(RATE_RUNS, OPTIONS);
    // Mean TTFT 200 ms is crossed between 4 req/s (60) and 7 req/s (400): 4 + 3 x 140/340 = 89/17;
    // mean TPOT 25 ms between 16 and 30: 4 + 3 x 9/14 = 5.93, later.
    const mean = maxRateUnderSlo(curve, { ttftMs: 200, tpotMs: 25 }, 'mean');
    expect(mean).toMatchObject({ kind: 'interpolated', limitedBy: 'ttft' });
    expect(mean.rps).toBeCloseTo(89 / 17, 12);
    // p99 TPOT 25 ms is crossed between 2 req/s (20) and 4 req/s (28): 2 + 2 x 5/8 = 3.25.
    expect(maxRateUnderSlo(curve, { ttftMs: 200, tpotMs: 25 }, 'p99')).toMatchObject({
      kind: 'interpolated',
      limitedBy: 'tpot',
      rps: 3.25,
    });
    // vLLM writes p99 only by default (--metric-percentiles 99): no p90.
    expect(maxRateUnderSlo(curve, { ttftMs: 200, tpotMs: 25 }, 'p90').kind).toBe('unknown');
  });

  it('reads --append-result files (one run per line), concurrency caps, failures and --metadata tp', () => {
    const curve = importVllmBenchResults([fixture('vllm-concurrency.jsonl')], { gpu: 'A100-80GB', llm: 'llama-3.1-8b' });
    expect(curve.tp).toBe(2);
    // Completed-weighted means: (300 x 1000 + 600 x 1010) / 900 and (300 x 200 + 600 x 198) / 900.
    expect(curve.inputTokens).toBe(1006.67);
    expect(curve.outputTokens).toBe(198.67);
    expect(curve.points.map((p) => [p.offeredRps, p.concurrency, p.servedRps, p.completed, p.failed, p.source])).toEqual([
      [undefined, 4, 2.5, 300, 0, 'vllm-concurrency.jsonl:1'],
      [undefined, 16, 6, 600, 12, 'vllm-concurrency.jsonl:2'],
    ]);
    // 12 of 612 failed (2%) at concurrency 16: over the default 1%, so the rate stops at the run before.
    expect(maxRateUnderSlo(curve, { ttftMs: 1000, tpotMs: 50 }, 'mean')).toMatchObject({
      kind: 'interpolated',
      limitedBy: 'failures',
      rps: 2.5,
    });
    // The caller's tp wins over the metadata.
    expect(importVllmBenchResults([fixture('vllm-concurrency.jsonl')], { gpu: 'A100-80GB', tp: 4 }).tp).toBe(4);
    // Without the llm option the model id in the file is the llm.
    expect(importVllmBenchResults([fixture('vllm-concurrency.jsonl')], { gpu: 'A100-80GB' }).llm).toBe('meta-llama/Llama-3.1-8B-Instruct');
  });

  it('reads p90 and older files without failed', () => {
    const run = edited('vllm-llama8b-rate2.json', { p90_ttft_ms: 70, p90_tpot_ms: 17, failed: undefined });
    const [only] = parseVllmBenchResult(run, OPTIONS);
    expect(only!.point.ttft).toEqual({ meanMs: 40, p50Ms: 38, p90Ms: 70, p99Ms: 90 });
    expect(only!.point.tpot.p90Ms).toBe(17);
    expect(only!.point.failed).toBeUndefined();
  });

  it('rejects a missing field, naming file:line, the key and the fix', () => {
    const error = inputError(() => importVllmBenchResults([edited('vllm-llama8b-rate4.json', { mean_ttft_ms: undefined })], OPTIONS));
    expect(error.exitCode).toBe(2);
    expect(error.issues).toEqual([
      {
        file: 'vllm-llama8b-rate4.json',
        line: 1,
        field: 'mean_ttft_ms',
        message: 'missing',
        fix: 'TTFT statistics are written when --percentile-metrics includes ttft (the default) and a tokenizer is used',
      },
    ]);
  });

  it('rejects a field of the wrong type', () => {
    const message = inputError(() =>
      importVllmBenchResults(
        [edited('vllm-llama8b-rate2.json', { completed: '200', request_rate: 'fast', max_concurrency: 2.5 })],
        OPTIONS,
      ),
    ).message;
    expect(message).toContain("vllm-llama8b-rate2.json:1 completed: expected a number, got string '200'");
    expect(message).toContain('vllm-llama8b-rate2.json:1 request_rate: must be a number > 0 or "inf"');
    expect(message).toContain('vllm-llama8b-rate2.json:1 max_concurrency: must be a whole number');
  });

  it('rejects a file that is not JSON, naming the line', () => {
    const truncated = { file: 'cut.json', text: fixture('vllm-llama8b-rate2.json').text.slice(0, 300) };
    const error = inputError(() => importVllmBenchResults([truncated], OPTIONS));
    expect(error.issues[0]).toMatchObject({ file: 'cut.json', line: 1, field: 'json' });
    expect(error.message).toMatch(/^ {2}cut\.json:1 json: not JSON: .+ \(fix: give the vllm bench serve --save-result file as written/m);
    const oneLine = JSON.stringify(JSON.parse(fixture('vllm-llama8b-rate2.json').text));
    const secondLine = { file: 'two.jsonl', text: `${oneLine}\n{"model_id": \n` };
    expect(inputError(() => importVllmBenchResults([secondLine], OPTIONS)).issues[0]).toMatchObject({
      file: 'two.jsonl',
      line: 2,
      field: 'json',
    });
    expect(inputError(() => importVllmBenchResults([{ file: 'empty.json', text: '\n' }], OPTIONS)).message).toContain(
      'empty.json: the file is empty (fix: give the vllm bench serve --save-result file)',
    );
    expect(inputError(() => importVllmBenchResults([{ file: 'list.json', text: '[1, 2]' }], OPTIONS)).message).toContain(
      'list.json:1 (top level): a vLLM result is a JSON object',
    );
  });

  it('rejects runs without a usable load, tp or latencies', () => {
    const ramp = edited('vllm-llama8b-rate2.json', { ramp_up_strategy: 'linear', ramp_up_start_rps: 1, ramp_up_end_rps: 8 });
    expect(inputError(() => importVllmBenchResults([ramp], OPTIONS)).message).toContain(
      'vllm-llama8b-rate2.json:1 ramp_up_strategy: the run ramps its request rate up, so it has no single offered load (fix: benchmark each rate in its own run',
    );
    expect(inputError(() => importVllmBenchResults(RATE_RUNS, { gpu: 'H100-80GB' })).message).toContain(
      'vllm-llama8b-rate2.json:1 tp: the tensor-parallel degree is not known',
    );
    const single = edited('vllm-llama8b-rate2.json', { mean_tpot_ms: 0, median_tpot_ms: 0, p99_tpot_ms: 0 });
    expect(inputError(() => importVllmBenchResults([single], OPTIONS)).message).toContain(
      'vllm-llama8b-rate2.json:1 mean_tpot_ms: must be > 0 (vLLM writes 0 when no request produced more than one token)',
    );
    const none = edited('vllm-llama8b-rate2.json', { completed: 0, request_throughput: 0 });
    expect(inputError(() => importVllmBenchResults([none], OPTIONS)).message).toContain(
      'vllm-llama8b-rate2.json:1 completed: no request completed in this run (fix: drop the run: it measured nothing)',
    );
  });

  it('rejects runs that are not one curve: another request size, model or tp, or a repeated load', () => {
    const longer = edited('vllm-llama8b-rate4.json', { total_input_tokens: 400 * 2048 });
    expect(inputError(() => importVllmBenchResults([RATE_RUNS[0]!, longer], OPTIONS)).message).toContain(
      'vllm-llama8b-rate4.json:1 total_input_tokens: mean input tokens 2048 is more than 10% from the curve',
    );
    const otherModel = edited('vllm-llama8b-rate4.json', { model_id: 'meta-llama/Llama-3.1-70B-Instruct' });
    expect(inputError(() => importVllmBenchResults([RATE_RUNS[0]!, otherModel], { gpu: 'H100-80GB', tp: 1 })).message).toContain(
      "vllm-llama8b-rate4.json:1 model_id: model 'meta-llama/Llama-3.1-70B-Instruct' differs from 'meta-llama/Llama-3.1-8B-Instruct' in vllm-llama8b-rate2.json",
    );
    const again = { ...RATE_RUNS[0]!, file: 'repeat.json' };
    expect(inputError(() => importVllmBenchResults([RATE_RUNS[0]!, again], OPTIONS)).message).toContain(
      'repeat.json:1: a second run with offered 2 req/s, no concurrency cap (first: vllm-llama8b-rate2.json)',
    );
    expect(inputError(() => importVllmBenchResults([], OPTIONS)).message).toContain('no vllm bench serve runs to import');
  });
});
