import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../src/paths.js';

const root = packageRoot();
const fixtures = join(root, 'test', 'fixtures', 'lint');
const biome = join(root, 'node_modules', '@biomejs', 'biome', 'bin', 'biome');
const work = mkdtempSync(join(tmpdir(), 'planner-lint-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Lints one fixture placed at `target` in a tree that has only the repository's biome.json. */
function lintAt(fixture: string, target: string): { status: number | null; output: string } {
  const tree = mkdtempSync(join(work, 'tree-'));
  const config = JSON.parse(readFileSync(join(root, 'biome.json'), 'utf8')) as Record<string, unknown>;
  delete config.$schema;
  writeFileSync(join(tree, 'biome.json'), JSON.stringify(config));
  mkdirSync(dirname(join(tree, target)), { recursive: true });
  copyFileSync(join(fixtures, fixture), join(tree, target));
  const run = spawnSync(process.execPath, [biome, 'lint', '--colors=off', target], { cwd: tree, encoding: 'utf8' });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe('the layering rules in biome.json', () => {
  it('fail a backend imported by the core', () => {
    const { status, output } = lintAt('solver-in-capacity.ts', 'src/capacity/bad.ts');
    expect(status).not.toBe(0);
    expect(output).toMatch(/noRestrictedImports/);
    expect(output).toMatch(/solver-agnostic/);
  });

  it('fail node:fs outside src/commands/, and allow it inside', () => {
    const outside = lintAt('fs-in-simulate.ts', 'src/simulate/bad.ts');
    expect(outside.status).not.toBe(0);
    expect(outside.output).toMatch(/Only src\/commands\/ touches the file system/);
    const inside = lintAt('fs-in-command.ts', 'src/commands/good.ts');
    expect(inside.output).not.toMatch(/noRestrictedImports/);
    expect(inside.status).toBe(0);
  });

  it('fail an import out of src/lp', () => {
    const { status, output } = lintAt('lp-imports-capacity.ts', 'src/lp/bad.ts');
    expect(status).not.toBe(0);
    expect(output).toMatch(/src\/lp is the floor/);
  });
});

describe('the house rule on extremes', () => {
  it('no Math.max/Math.min over a spread array in src (it overflows the stack on long profiles: use maxOf/minOf)', () => {
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (entry.name.endsWith('.ts')) {
          readFileSync(path, 'utf8')
            .split('\n')
            .forEach((line, i) => {
              if (/Math\.(max|min)\(\.\.\./.test(line) && !/^\s*(\*|\/\/)/.test(line)) offenders.push(`${path}:${i + 1}`);
            });
        }
      }
    };
    walk(join(root, 'src'));
    expect(offenders).toEqual([]);
  });
});
