import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import type { CliIo } from '../../src/commands/io.js';
import { packageRoot } from '../../src/paths.js';

async function planner(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    // Progress lines are wall-clock by nature: tests that compare stderr must not see them on a slow machine.
    env: { PLANNER_PROGRESS_INTERVAL_MS: '1e15' },
    stdoutIsTty: false,
    cwd: packageRoot(),
  };
  const exitCode = await main(['profile', ...argv], io);
  return { exitCode, stdout, stderr };
}

interface ProfileJson {
  slo: { ttftMs: number; tpotMs: number };
  configs: Array<{
    llm: string;
    gpu: string;
    tp: number;
    source: string;
    batch: number;
    maxRequestsPerSec: number;
    tokensPerSec: number;
    ttftMs: number;
    tpotMs: number;
  }>;
  doesNotFit?: Array<{ llm: string; gpu: string; tp: number; reason: string }>;
}

describe('planner profile', () => {
  it('prints a measured row for llama-2-70b on H100-80GB at TP 8', async () => {
    const { exitCode, stdout, stderr } = await planner('--llm', 'llama-2-70b', '--gpu', 'H100-80GB', '--tp', '8');
    expect(stderr).toBe('');
    expect(exitCode).toBe(0);
    expect(stdout).toMatch(/│ llama-2-70b │ H100-80GB │\s+8 │\s+\d+ │ .* │ measured \[1\] │/);
    expect(stdout).toContain('[1] models/profiles/splitwise-llama2-70b.csv');
    expect(stdout).toContain('TTFT <= 2000 ms and TPOT <= 100 ms, 1024 input / 256 output tokens per request');
    expect(stdout).toContain('TPOT: mean time between output tokens of one request after the first (excludes TTFT)');
    expect(stdout).not.toContain('\u001b[');
  });

  it('writes JSON with the SLO, the configs and, when narrowed, the configs that do not fit', async () => {
    const { exitCode, stdout } = await planner(
      '--llm',
      'llama-2-70b',
      '--ttft-ms',
      '1500',
      '--tpot-ms',
      '80',
      '--input-tokens',
      '512',
      '--output-tokens',
      '128',
      '--format',
      'json',
    );
    expect(exitCode).toBe(0);
    const report = JSON.parse(stdout) as ProfileJson;
    expect(report.slo).toEqual({ ttftMs: 1500, tpotMs: 80 });
    const h100 = report.configs.find((c) => c.gpu === 'H100-80GB' && c.tp === 8)!;
    expect(h100).toMatchObject({ llm: 'llama-2-70b', source: 'measured' });
    expect(h100.batch).toBeGreaterThan(0);
    expect(h100.maxRequestsPerSec).toBeGreaterThan(0);
    expect(h100.tpotMs).toBeLessThanOrEqual(80);
    expect(report.configs.filter((c) => c.gpu === 'A10-24GB' && c.tp === 8).map((c) => c.source)).toEqual(['estimate']);
    expect(report.doesNotFit).toContainEqual({
      llm: 'llama-2-70b',
      gpu: 'H100-80GB',
      tp: 1,
      reason: expect.stringContaining('weights need 128.5 GiB per GPU'),
    });
  });

  it('lists every fitting config without filters, and nothing that does not fit', async () => {
    const { exitCode, stdout } = await planner('--format', 'json');
    expect(exitCode).toBe(0);
    const report = JSON.parse(stdout) as ProfileJson;
    expect(report.doesNotFit).toBeUndefined();
    expect(report.configs.some((c) => c.llm === 'llama-3.2-3b' && c.gpu === 'T4-16GB' && c.tp === 1)).toBe(true);
    expect(report.configs.some((c) => c.llm === 'llama-3.1-70b' && c.tp === 1)).toBe(false);
  });

  it('takes a request-mix file', async () => {
    const { exitCode, stdout } = await planner('--gpu', 'H100-80GB', '--mix', 'traces/conv-2023-request-mix.csv', '--format', 'json');
    expect(exitCode).toBe(0);
    const report = JSON.parse(stdout) as ProfileJson;
    expect(report.doesNotFit).toContainEqual({
      llm: 'llama-2-70b',
      gpu: 'H100-80GB',
      tp: 8,
      reason: expect.stringContaining("exceed the llm's 4096-token context"),
    });
    expect(report.configs.find((c) => c.llm === 'llama-3.1-8b' && c.tp === 1)?.maxRequestsPerSec).toBeGreaterThan(0);
  });

  it('exits 2 for an unknown gpu or llm, a fractional TP and a mix given twice', async () => {
    expect(await planner('--gpu', 'H100')).toMatchObject({
      exitCode: 2,
      stderr: expect.stringContaining("--gpu: unknown gpu 'H100' (fix: did you mean 'H100-80GB'"),
    });
    expect(await planner('--llm', 'llama-3-8b')).toMatchObject({
      exitCode: 2,
      stderr: expect.stringContaining("unknown llm 'llama-3-8b'"),
    });
    expect(await planner('--tp', '1.5')).toMatchObject({
      exitCode: 2,
      stderr: expect.stringContaining('--tp: TP 1.5 is not a whole number'),
    });
    expect(await planner('--mix', 'traces/conv-2023-request-mix.csv', '--input-tokens', '100')).toMatchObject({ exitCode: 2 });
    expect(await planner('--tpot-ms', '0')).toMatchObject({ exitCode: 2 });
  });
});
