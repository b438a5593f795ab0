import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { builtinProfiles } from '../../src/commands/measured-profiles.js';
import { configKey, indexProfiles, interpolateProfile, parseMeasuredProfilesCsv, type MeasuredProfile } from '../../src/perf/profiles.js';

const HEADER = 'llm,gpu,tp,prompt_tokens,batch_size,prefill_ms,decode_step_ms,runs';

function builtin(gpu: string, tp: number): MeasuredProfile {
  const profile = builtinProfiles().get(configKey('llama-2-70b', gpu, tp));
  if (!profile) throw new Error(`no built-in profile for ${gpu} TP ${tp}`);
  return profile;
}
const point = (profile: MeasuredProfile, prompt: number, batch: number) =>
  profile.points.find((p) => p.promptTokens === prompt && p.batchSize === batch)!;

describe('measured profiles', () => {
  it('ships llama-2-70b on A100-80GB and H100-80GB at TP 2, 4 and 8, and llama-3.1-8b and llama-3.2-3b on A100-80GB-PCIe at TP 2 and 4', () => {
    const keys = [...builtinProfiles().keys()].sort();
    expect(keys).toEqual(
      [
        ...['A100-80GB', 'H100-80GB'].flatMap((gpu) => [2, 4, 8].map((tp) => configKey('llama-2-70b', gpu, tp))),
        ...['llama-3.1-8b', 'llama-3.2-3b'].flatMap((llm) => [2, 4].map((tp) => configKey(llm, 'A100-80GB-PCIe', tp))),
      ].sort(),
    );
    expect(builtin('H100-80GB', 8).file).toBe('models/profiles/splitwise-llama2-70b.csv');
    // The one-factor-at-a-time Splitwise sweep: 7 prompt sizes at batch 1, 7 batch sizes at prompt 512.
    expect(builtin('H100-80GB', 8).points).toHaveLength(13);
    expect(builtin('A100-80GB', 2).points).toHaveLength(12); // batch 64 dropped (see models/profiles/README.md)
    expect(point(builtin('H100-80GB', 8), 512, 32)).toMatchObject({ prefillMs: 1551.726, decodeStepMs: 38.619 });
  });

  it('reads the SageServe tables: seconds to ms, whole decode to one step', () => {
    for (const llm of ['llama-3.1-8b', 'llama-3.2-3b']) {
      for (const tp of [2, 4]) {
        const profile = builtinProfiles().get(configKey(llm, 'A100-80GB-PCIe', tp))!;
        expect(profile.file).toBe('models/profiles/sageserve-llama3-a100.csv');
        // Prompt 128 ... 8192 at batch 1 and batch 2 ... 32 at prompt 512.
        expect(profile.points).toHaveLength(12);
        expect(Math.max(...profile.points.map((p) => p.batchSize))).toBe(32);
      }
    }
    // Source rows (llama-3.1-8b, TP 2, prompt 128, batch 1, 128 generated tokens): prompt_time 0.026356,
    // 0.024628, 0.024099, 0.022691, 0.022682 s -> median 24.099 ms; token_time 1.091423, 1.088581,
    // 1.087884, 1.089089, 1.087631 s over 127 steps -> median 1.088581 / 127 = 8.572 ms.
    const profile = builtinProfiles().get(configKey('llama-3.1-8b', 'A100-80GB-PCIe', 2))!;
    expect(point(profile, 128, 1)).toMatchObject({ prefillMs: 24.099, decodeStepMs: 8.572 });
  });

  it('interpolation is exact at every measured point', () => {
    for (const profile of builtinProfiles().values()) {
      for (const p of profile.points) {
        expect(interpolateProfile(profile, p.promptTokens, p.batchSize)).toEqual({
          prefillMs: p.prefillMs,
          decodeStepMs: p.decodeStepMs,
          extrapolated: false,
        });
      }
    }
  });

  it('is linear in prompt size and in batch size between points', () => {
    const profile = builtin('A100-80GB', 8);
    const mid = interpolateProfile(profile, 768, 1);
    expect(mid.prefillMs).toBeCloseTo((point(profile, 512, 1).prefillMs + point(profile, 1024, 1).prefillMs) / 2, 9);
    expect(mid.decodeStepMs).toBeCloseTo((point(profile, 512, 1).decodeStepMs + point(profile, 1024, 1).decodeStepMs) / 2, 9);
    expect(mid.extrapolated).toBe(false);
    const quarter = interpolateProfile(profile, 512, 40);
    expect(quarter.decodeStepMs).toBeCloseTo(0.75 * point(profile, 512, 32).decodeStepMs + 0.25 * point(profile, 512, 64).decodeStepMs, 9);
    // Off both measured lines: the batch effect at prompt 512 applied as a ratio at prompt 1024.
    const off = interpolateProfile(profile, 1024, 2);
    expect(off.prefillMs).toBeCloseTo(
      (point(profile, 1024, 1).prefillMs * point(profile, 512, 2).prefillMs) / point(profile, 512, 1).prefillMs,
      9,
    );
  });

  it('clamps outside the measured range and says so', () => {
    const profile = builtin('H100-80GB', 4);
    expect(interpolateProfile(profile, 16_000, 1)).toEqual({ ...pick(point(profile, 8192, 1)), extrapolated: true });
    expect(interpolateProfile(profile, 50, 1)).toEqual({ ...pick(point(profile, 128, 1)), extrapolated: true });
    expect(interpolateProfile(profile, 512, 200)).toEqual({ ...pick(point(profile, 512, 64)), extrapolated: true });
  });

  it('interpolates a complete grid bilinearly', () => {
    const [profile] = parseMeasuredProfilesCsv(
      [HEADER, 'x,G,1,100,1,10,1,1', 'x,G,1,100,3,30,3,1', 'x,G,1,300,1,50,5,1', 'x,G,1,300,3,110,7,1'].join('\n'),
      'grid.csv',
    );
    const centre = interpolateProfile(profile!, 200, 2);
    expect(centre.prefillMs).toBeCloseTo((10 + 30 + 50 + 110) / 4, 9);
    expect(centre.decodeStepMs).toBeCloseTo((1 + 3 + 5 + 7) / 4, 9);
    expect(interpolateProfile(profile!, 150, 3).prefillMs).toBeCloseTo(50, 9);
  });

  it('rejects bad rows naming file:line and field', () => {
    const text = [
      HEADER,
      'llama-2-70b,H100-80GB,8,512,1,53.4,29.8,5',
      'llama-2-70b,H100-80GB,8,1024,1,abc,29.7,5',
      'llama-2-70b,H100-80GB,8,2048,0,136.8,31.0,5',
      'llama-2-70b,H100-80GB,8,512,1,54,30,5',
    ].join('\n');
    let error: unknown;
    try {
      parseMeasuredProfilesCsv(text, 'bad.csv');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    const message = (error as InputError).message;
    expect(message).toContain("bad.csv:3 prefill_ms: 'abc' is not a number");
    expect(message).toContain('bad.csv:4 batch_size: must be > 0');
    expect(message).toContain(
      'bad.csv:5 prompt_tokens: second row for llama-2-70b on H100-80GB TP 8 at 512 prompt tokens, batch 1 (first on line 2)',
    );
    expect((error as InputError).exitCode).toBe(2);
  });

  it('rejects a header with a missing or unknown column and a config in two files', () => {
    expect(() => parseMeasuredProfilesCsv('llm,gpu,tp,prompt_tokens,batch_size,prefill_msec,decode_step_ms,runs\n', 'h.csv')).toThrow(
      /h\.csv:1 header: unknown column 'prefill_msec' \(fix: did you mean 'prefill_ms'\?\)/,
    );
    const a = parseMeasuredProfilesCsv(`${HEADER}\nx,G,1,100,1,10,1,1\n`, 'a.csv');
    const b = parseMeasuredProfilesCsv(`${HEADER}\nx,G,1,200,1,10,1,1\n`, 'b.csv');
    expect(() => indexProfiles([...a, ...b])).toThrow('b.csv: x on G TP 1 is also profiled in a.csv');
  });
});

function pick(p: { prefillMs: number; decodeStepMs: number }) {
  return { prefillMs: p.prefillMs, decodeStepMs: p.decodeStepMs };
}
