import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planner } from './run.js';

/**
 * Every file in test/fixtures/broken-scenarios/ is a small mistake a first-time user makes. Each YAML file
 * says in its header which field is wrong (`# field: ...`) and marks the offending line with
 * `# <- the mistake`; `planner solve` must exit 2 with a message naming the file, that line, the field and
 * a fix, and never a stack trace.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const DIR = join(ROOT, 'test', 'fixtures', 'broken-scenarios');
const entries = readdirSync(DIR).sort();
const STACK_LINE = /^\s+at .+/m;

describe('broken scenarios: planner solve says where and how to fix', () => {
  it('the corpus holds at least 30 mistakes', () => {
    expect(entries.length).toBeGreaterThanOrEqual(30);
  });

  for (const name of entries) {
    const path = join(DIR, name);
    const shown = relative(ROOT, path);
    if (statSync(path).isDirectory()) {
      it(`${name}: a directory is named as such, with what to give instead`, async () => {
        const { exitCode, stdout, stderr } = await planner(['solve', shown], ROOT);
        expect(exitCode).toBe(2);
        expect(stdout).toBe('');
        expect(stderr).toContain(`${shown}: is a directory: name a scenario file`);
        expect(stderr).toMatch(/\(fix: .+\)/);
        expect(stderr).not.toMatch(STACK_LINE);
      });
      continue;
    }
    const text = readFileSync(path, 'utf8');
    const field = /^# field: (.+)$/m.exec(text)?.[1];
    const line = text.split('\n').findIndex((l) => l.includes('# <- the mistake')) + 1;
    it(`${name}: exit 2 at ${shown}:${line}, field ${field}, with a fix`, async () => {
      expect(field, 'the fixture names its field').toBeDefined();
      expect(line, 'the fixture marks its line').toBeGreaterThan(0);
      const { exitCode, stdout, stderr } = await planner(['solve', shown], ROOT);
      expect(exitCode, stderr).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).not.toMatch(STACK_LINE);
      expect(stderr).not.toMatch(/internal error/);
      // The issue line for the marked line: `file:LINE:COL field: message (fix: ...)`.
      const issue = stderr.split('\n').find((l) => l.includes(`${shown}:${line}:`) || l.includes(`${shown}:${line} `));
      expect(issue, stderr).toBeDefined();
      expect(issue).toContain(field!);
      expect(issue).toMatch(/\(fix: \S.+\)$/);
      // Every issue printed (a line with a position in the file) has a fix.
      for (const l of stderr.split('\n').filter((l) => l.split(shown)[1]?.match(/^:\d/))) expect(l, l).toMatch(/\(fix: \S.+\)$/);
    });
  }
});
