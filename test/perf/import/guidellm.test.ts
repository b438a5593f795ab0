import { inputError } from '../../support/errors.js';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { BenchFile } from '../../../src/perf/import/common.js';
import { importGuidellmReports } from '../../../src/perf/import/guidellm.js';
import { maxRateUnderSlo, parseRateCurvesCsv, writeRateCurvesCsv } from '../../../src/perf/rate-curves.js';

const DIR = new URL('../../fixtures/bench-results/', import.meta.url);
const fixture = (name: string): BenchFile => ({ file: name, text: readFileSync(new URL(name, DIR), 'utf8') });
const SWEEP = fixture('guidellm-sweep-v2.json');
const OPTIONS = { llm: 'llama-3.1-8b', gpu: 'H100-80GB', tp: 1 };

type Json = Record<string, unknown>;
/** The sweep report after `change` edits its parsed JSON. */
function edited(change: (report: Json & { metadata: Json; benchmarks: Json[] }) => void, file = 'edited.json'): BenchFile {
  const report = JSON.parse(SWEEP.text);
  change(report);
  return { file, text: JSON.stringify(report) };
}
const at = (report: Json, path: string): Json =>
  path.split('.').reduce<Json>((node, key) => (node as Record<string, Json>)[key] as Json, report);

describe('GuideLLM report import', () => {
  it('makes each benchmark of a sweep (report version 2) one point', () => {
    const curve = importGuidellmReports([SWEEP], OPTIONS);
    // Request size weighted by completed requests: (90 + 336 + 480) x 256 + 174 x 258 over 1,080, and
    // 128 - 174 x 2 / 1,080 for output.
    expect(curve).toMatchObject({ llm: 'llama-3.1-8b', gpu: 'H100-80GB', tp: 1, inputTokens: 256.32, outputTokens: 127.68 });
    expect(curve.points.map((p) => [p.offeredRps, p.concurrency, p.servedRps, p.completed, p.failed, p.source])).toEqual([
      [undefined, 1, 1.5, 90, 0, 'guidellm-sweep-v2.json#benchmarks[0]'], // synchronous
      [3, undefined, 2.9, 174, 0, 'guidellm-sweep-v2.json#benchmarks[2]'], // constant 3/s
      [6, undefined, 5.6, 336, 1, 'guidellm-sweep-v2.json#benchmarks[3]'], // constant 6/s
      [undefined, undefined, 8, 480, 12, 'guidellm-sweep-v2.json#benchmarks[1]'], // throughput
    ]);
    // TTFT from time_to_first_token_ms; TPOT from inter_token_latency_ms (not time_per_output_token_ms, which
    // includes the first token: 10.2 ms mean in the synchronous run).
    expect(curve.points[0]!.ttft).toEqual({ meanMs: 30, p50Ms: 29, p90Ms: 35, p99Ms: 45 });
    expect(curve.points[0]!.tpot).toEqual({ meanMs: 10, p50Ms: 10, p90Ms: 11, p99Ms: 13 });
    const csv = writeRateCurvesCsv([curve]);
    expect(csv.split('\n')[1]).toBe(
      'llama-3.1-8b,H100-80GB,1,256.32,127.68,,1,1.5,30,29,35,45,10,10,11,13,90,0,guidellm-sweep-v2.json#benchmarks[0]',
    );
    expect(writeRateCurvesCsv(parseRateCurvesCsv(csv, 'profile.csv'))).toBe(csv);
  });

  it('gives the max rate under the SLO the fixture was written for', () => {
    const curve = importGuidellmReports([SWEEP], OPTIONS);
    // p90 TPOT 25 ms is crossed between 2.9 req/s (16) and 5.6 req/s (30): 2.9 + 2.7 x 9/14; p90 TTFT 500 holds there.
    const p90 = maxRateUnderSlo(curve, { ttftMs: 500, tpotMs: 25 }, 'p90');
    expect(p90).toMatchObject({ kind: 'interpolated', limitedBy: 'tpot' });
    expect(p90.rps).toBeCloseTo(2.9 + (2.7 * 9) / 14, 12);
    // Means: everything holds up to 5.6 req/s; the throughput run at 8 req/s failed 12 of 492 (2.4% > 1%).
    expect(maxRateUnderSlo(curve, { ttftMs: 200, tpotMs: 30 }, 'mean')).toMatchObject({
      kind: 'interpolated',
      limitedBy: 'failures',
      rps: 5.6,
    });
    // Allowing 5% failures, mean TTFT 200 ms is crossed between 150 (5.6 req/s) and 2,000 (8 req/s): 5.6 + 2.4 x 50/1850.
    const lenient = maxRateUnderSlo(curve, { ttftMs: 200, tpotMs: 30 }, 'mean', { maxFailedShare: 0.05 });
    expect(lenient).toMatchObject({ kind: 'interpolated', limitedBy: 'ttft' });
    expect(lenient.rps).toBeCloseTo(5.6 + (2.4 * 50) / 1850, 12);
    expect(maxRateUnderSlo(curve, { ttftMs: 20, tpotMs: 30 }, 'mean')).toMatchObject({
      kind: 'violated',
      rps: undefined,
      limitedBy: 'ttft',
    });
  });

  it('reads report version 1 (GuideLLM 0.5-0.6) and concurrent strategies', () => {
    const curve = importGuidellmReports([fixture('guidellm-concurrent-v1.json')], { gpu: 'A100-80GB', tp: 2 });
    expect(curve).toMatchObject({ llm: 'meta-llama/Llama-3.1-8B-Instruct', tp: 2, inputTokens: 1024, outputTokens: 256 });
    expect(curve.points.map((p) => [p.concurrency, p.servedRps])).toEqual([
      [8, 3.1],
      [32, 7.4],
    ]);
    // p99 TTFT 600 ms is crossed between 240 (3.1 req/s) and 990 (7.4 req/s): 3.1 + 4.3 x 360/750 = 5.164;
    // p99 TPOT 40 ms between 26 and 52 later (5.415).
    const result = maxRateUnderSlo(curve, { ttftMs: 600, tpotMs: 40 }, 'p99');
    expect(result).toMatchObject({ kind: 'interpolated', limitedBy: 'ttft' });
    expect(result.rps).toBeCloseTo(5.164, 12);
  });

  it('takes a rate with a concurrency cap and the model from the caller', () => {
    const capped = edited((r) => {
      at(r.benchmarks[2]!, 'config.strategy').max_concurrency = 16;
      for (const b of r.benchmarks) at(b, 'config.backend').model = '';
    });
    expect(() => importGuidellmReports([capped], { gpu: 'H100-80GB', tp: 1 })).toThrow(
      'edited.json benchmarks[0].config.backend.model: the report does not name the model',
    );
    const curve = importGuidellmReports([capped], OPTIONS);
    expect(curve.points[1]).toMatchObject({ offeredRps: 3, concurrency: 16 });
  });

  it('rejects reports from before 0.5.0 and unknown versions, naming metadata.version', () => {
    const old = edited((r) => {
      delete (r as Json).metadata;
    }, 'old.json');
    expect(inputError(() => importGuidellmReports([old], OPTIONS)).issues).toEqual([
      {
        file: 'old.json',
        field: 'metadata.version',
        message: 'missing: a report from GuideLLM before 0.5.0, which wrote no version',
        fix: 'rerun the benchmark with GuideLLM 0.5.0 or later; this importer reads report versions 1 (GuideLLM 0.5.0 - 0.6.x) and 2 (GuideLLM 0.7.x)',
      },
    ]);
    const future = edited((r) => {
      r.metadata.version = 3;
      r.metadata.guidellm_version = '0.9.0';
    }, 'future.json');
    expect(inputError(() => importGuidellmReports([future], OPTIONS)).message).toContain(
      'future.json metadata.version: unsupported report version 3 (written by GuideLLM 0.9.0) (fix: this importer reads report versions 1 (GuideLLM 0.5.0 - 0.6.x) and 2 (GuideLLM 0.7.x))',
    );
    expect(inputError(() => importGuidellmReports([{ file: 'x.json', text: '{"results": []}' }], OPTIONS)).message).toContain(
      'x.json metadata.version: missing: not a GuideLLM report',
    );
  });

  it('rejects an empty or missing benchmarks list', () => {
    const empty = edited((r) => {
      r.benchmarks = [];
    }, 'empty.json');
    expect(inputError(() => importGuidellmReports([empty], OPTIONS)).message).toContain(
      'empty.json benchmarks: the report holds no benchmarks (fix: import a report of a finished run',
    );
    const missing = edited((r) => {
      delete (r as Json).benchmarks;
    }, 'nobench.json');
    expect(inputError(() => importGuidellmReports([missing], OPTIONS)).message).toContain('nobench.json benchmarks: missing');
    const wrong = edited((r) => {
      (r as Json).benchmarks = { 0: {} };
    }, 'object.json');
    expect(inputError(() => importGuidellmReports([wrong], OPTIONS)).message).toContain(
      'object.json benchmarks: expected an array, got object',
    );
  });

  it('rejects a missing field or a wrong type, naming the JSON path and the fix', () => {
    const broken = edited((r) => {
      delete at(r.benchmarks[1]!, 'metrics').inter_token_latency_ms;
      at(r.benchmarks[2]!, 'config.strategy').rate = '3';
      at(r.benchmarks[3]!, 'metrics.time_to_first_token_ms.successful.percentiles').p99 = null;
    });
    const error = inputError(() => importGuidellmReports([broken], OPTIONS));
    expect(error.issues.map((i) => `${i.field}: ${i.message}`)).toEqual([
      'benchmarks[1].metrics.inter_token_latency_ms: missing',
      "benchmarks[2].config.strategy.rate: expected a number, got string '3'",
      'benchmarks[3].metrics.time_to_first_token_ms.successful.percentiles.p99: expected a number, got null',
    ]);
    expect(error.issues[0]!.fix).toBe('give the report as GuideLLM wrote it: every benchmark has its metrics');
    expect(error.exitCode).toBe(2);
  });

  it('rejects a file that is not JSON', () => {
    const error = inputError(() => importGuidellmReports([{ file: 'cut.json', text: SWEEP.text.slice(0, 1000) }], OPTIONS));
    expect(error.issues[0]).toMatchObject({ file: 'cut.json', line: 1, field: 'json' });
    expect(error.issues[0]!.message).toMatch(/^not JSON: /);
    expect(inputError(() => importGuidellmReports([{ file: 'two.json', text: '{}\n{}\n' }], OPTIONS)).message).toContain(
      'two.json:2 json: more than one JSON document: a GuideLLM report is one object',
    );
  });

  it('rejects benchmarks without one offered load, completed requests or tp', () => {
    const trace = edited((r) => {
      at(r.benchmarks[0]!, 'config').strategy = { type_: 'trace', worker_count: null, max_concurrency: null };
      at(r.benchmarks[3]!, 'metrics.request_totals').successful = 0;
    });
    const message = inputError(() => importGuidellmReports([trace], OPTIONS)).message;
    expect(message).toContain(
      "edited.json benchmarks[0].config.strategy.type_: strategy 'trace' has no single offered load (fix: the strategies with one offered load are synchronous, concurrent, throughput, constant, poisson)",
    );
    expect(message).toContain('edited.json benchmarks[3].metrics.request_totals.successful: no request completed in this benchmark');
    expect(inputError(() => importGuidellmReports([SWEEP], { gpu: 'H100-80GB' })).message).toContain(
      'guidellm-sweep-v2.json tp: the tensor-parallel degree is not known',
    );
  });
});
