import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import type { CliIo } from '../../src/commands/io.js';
import { AZURE_TRACES, FIXTURES, HAS_AZURE_TRACES } from './fixtures.js';

async function planner(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    // Progress lines are wall-clock by nature: tests that compare stderr must not see them on a slow machine.
    env: { PLANNER_PROGRESS_INTERVAL_MS: '1e15' },
    stdoutIsTty: false,
    cwd: FIXTURES,
  };
  const exitCode = await main(['demand', ...argv], io);
  return { exitCode, stdout, stderr };
}

describe('planner demand', () => {
  it('prints totals, windows and the size mix as JSON (exit 0)', async () => {
    const { exitCode, stdout, stderr } = await planner('trace-2023-crlf.csv', '--format', 'json');
    expect(stderr).toBe('');
    expect(exitCode).toBe(0);
    const report = JSON.parse(stdout) as Record<string, unknown> & {
      windows: Array<{ requests: number }>;
      requestMix: { buckets: unknown[] };
    };
    expect(report).toMatchObject({
      file: 'trace-2023-crlf.csv',
      kind: 'trace',
      requests: 10,
      meanContextTokens: 550,
      meanGeneratedTokens: 55,
      windowSec: 3600,
    });
    expect(report.windows.map((w) => w.requests)).toEqual([3, 6, 1]);
    expect(report.requestMix.buckets).toHaveLength(3);
  });

  it('takes --window and prints a table by default', async () => {
    const { exitCode, stdout } = await planner('trace-2025-images.csv', '--window', '5m');
    expect(exitCode).toBe(0);
    expect(stdout).toContain('10 requests');
    expect(stdout).toContain('Windows of 5m');
    expect(stdout).toContain('2023-11-16 19:55');
    expect(stdout).toContain('images per request: mean 0.40');
    expect(stdout).not.toContain('\u001b[');
  });

  it('tells an hourly profile by its header', async () => {
    const { exitCode, stdout } = await planner('profile-hourly.csv', '--format', 'json');
    expect(exitCode).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      kind: 'hourly-profile',
      hours: 3,
      requests: 12600,
      windows: [{ meanRequestsPerSec: 1 }, { meanRequestsPerSec: 2 }, { meanRequestsPerSec: 0.5 }],
    });
  });

  it('exits 2 naming file:line of each bad row', async () => {
    const { exitCode, stdout, stderr } = await planner('trace-bad-rows.csv', '--format', 'json');
    expect(exitCode).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('trace-bad-rows.csv: 5 bad rows');
    expect(stderr).toContain('trace-bad-rows.csv:3 ContextTokens');
    expect(stderr).toContain('trace-bad-rows.csv:8 GeneratedTokens');
  });

  it('exits 2 for a missing file, a file of another kind and a bad --window', async () => {
    expect(await planner('missing.csv')).toMatchObject({ exitCode: 2, stderr: expect.stringContaining('missing.csv: file not found') });
    expect(await planner(join('..', '..', '..', 'package.json'))).toMatchObject({
      exitCode: 2,
      stderr: expect.stringContaining('package.json:1 header'),
    });
    expect(await planner('trace-2024-lf.csv', '--window', '5 minutes')).toMatchObject({
      exitCode: 2,
      stderr: expect.stringContaining('--window'),
    });
  });

  it.skipIf(!HAS_AZURE_TRACES)(`reports the conversation trace's published totals (skipped: needs ${AZURE_TRACES})`, async () => {
    const { exitCode, stdout } = await planner(join(AZURE_TRACES, 'AzureLLMInferenceTrace_conv.csv'), '--format', 'json');
    expect(exitCode).toBe(0);
    const report = JSON.parse(stdout) as { requests: number; meanContextTokens: number; meanGeneratedTokens: number };
    expect([report.requests, report.meanContextTokens.toFixed(1), report.meanGeneratedTokens.toFixed(1)]).toEqual([
      19366,
      '1154.7',
      '211.1',
    ]);
  });
});
