import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/paths.js';
import { SCENARIOS } from './run.js';

// The CLI as users run it (bin/planner.js reads dist/, which `npm test` builds first).
const bin = join(packageRoot(), 'bin', 'planner.js');
const work = mkdtempSync(join(tmpdir(), 'planner-interrupt-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Run the CLI, send `signal` after `delayMs` (or when stderr shows `marker`), resolve with the exit code. */
function runAndKill(args: string[], signal: NodeJS.Signals, delayMs: number): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: work, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => child.kill(signal), delayMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

const temps = (dir: string): string[] => readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.tmp'));

describe('SIGINT and SIGTERM', () => {
  it('during solve --out: exit 130 (143 on SIGTERM), no temp file, plan.json absent or complete', async () => {
    const scenario = join(SCENARIOS, 'tiny.yaml');
    // Delays from start-up to past the write: each run is interrupted at a different stage, or finishes.
    for (const [index, delayMs] of [150, 400, 700, 1000, 1300, 1600].entries()) {
      const signal = index % 2 === 0 ? 'SIGINT' : 'SIGTERM';
      const out = join(work, `solve-${index}`);
      const { code, stderr } = await runAndKill(['solve', scenario, '--out', out, '--quiet'], signal, delayMs);
      expect(stderr).not.toContain('internal error');
      let files: string[] = [];
      try {
        files = readdirSync(out);
      } catch {}
      // null: the signal came while Node itself was starting, before bin/planner.js ran (nothing written).
      if (code === null) expect(files).toEqual([]);
      else if (code !== 0) {
        expect(code).toBe(signal === 'SIGINT' ? 130 : 143);
        expect(stderr).toContain(`interrupted (${signal})`);
      }
      expect(temps(work)).toEqual([]);
      if (files.includes('plan.json')) expect(() => JSON.parse(readFileSync(join(out, 'plan.json'), 'utf8'))).not.toThrow();
    }
  }, 60_000);

  it('during report --out: the folder holds one run’s files, never a mix, and no temp file', async () => {
    const scenario = join(SCENARIOS, 'tiny.yaml');
    const solved = join(work, 'solved');
    expect((await runAndKill(['solve', scenario, '--out', solved, '--quiet'], 'SIGINT', 60_000)).code).toBe(0);
    const rep = join(work, 'rep');
    // A json report first; each interrupted csv run must leave either that or the complete csv set.
    expect((await runAndKill(['report', join(solved, 'plan.json'), '--format', 'json', '--out', rep], 'SIGINT', 60_000)).code).toBe(0);
    for (const delayMs of [100, 250, 400, 550, 700, 900]) {
      const { code } = await runAndKill(['report', join(solved, 'plan.json'), '--format', 'csv', '--out', rep], 'SIGINT', delayMs);
      expect([0, 130, null]).toContain(code);
      const names = readdirSync(rep).sort();
      expect([
        ['report.json'],
        ['commitments.csv', 'cost-by-month.csv', 'cost-by-window.csv', 'model-choice.csv', 'warnings.csv'],
      ]).toContainEqual(names);
      expect(temps(work)).toEqual([]);
      if (code === 0) break;
    }
  }, 60_000);
});
