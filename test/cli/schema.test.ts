import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/paths.js';
import { parseScenario } from '../../src/scenario/load.js';
import { scenarioJsonSchema } from '../../src/scenario/schema.js';
import { planner } from './run.js';

describe('planner schema', () => {
  for (const which of ['scenario', 'plan']) {
    it(`prints the ${which} JSON Schema that schemas/${which}.schema.json publishes`, async () => {
      const { exitCode, stdout } = await planner(['schema', which]);
      expect(exitCode).toBe(0);
      // A failure here means the zod schema changed: run `node bin/planner.js schema ${which} > schemas/${which}.schema.json`.
      expect(stdout).toBe(readFileSync(join(packageRoot(), 'schemas', `${which}.schema.json`), 'utf8'));
    });
  }

  it('the scenario schema is draft-07 (what yaml-language-server reads) and describes every field', () => {
    type Node = { description?: string; properties?: Record<string, Node>; items?: Node; anyOf?: Node[]; additionalProperties?: unknown };
    const schema = scenarioJsonSchema() as Node & { $schema: string };
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    const undescribed: string[] = [];
    let fields = 0;
    const walk = (node: Node, path: string) => {
      for (const [key, child] of Object.entries(node.properties ?? {})) {
        fields++;
        if (!child.description?.trim()) undescribed.push(`${path}${key}`);
        walk(child, `${path}${key}.`);
      }
      if (node.items) walk(node.items, `${path}N.`);
      for (const option of node.anyOf ?? []) walk(option, path);
      if (node.additionalProperties && typeof node.additionalProperties === 'object')
        walk(node.additionalProperties as Node, `${path}KEY.`);
    };
    walk(schema, '');
    expect(fields).toBeGreaterThan(50);
    expect(undescribed).toEqual([]);
  });

  it('rejects an unknown schema name (exit 2)', async () => {
    const { exitCode, stderr } = await planner(['schema', 'plans']);
    expect(exitCode).toBe(2);
    expect(stderr).toMatch(/scenario, plan/);
  });

  it('the built-in default scenario validates and is a week of 3 regions, >= 5 skus, >= 4 llms, TP 1-8', () => {
    const file = join(packageRoot(), 'scenarios', 'default.yaml');
    const scenario = parseScenario(readFileSync(file, 'utf8'), file, []);
    expect(scenario.horizon).toMatchObject({ windows: 168, windowHours: 1 });
    expect(scenario.regions).toHaveLength(3);
    expect(scenario.skus!.length).toBeGreaterThanOrEqual(5);
    expect(new Set(scenario.workloads.flatMap((w) => w.llms)).size).toBeGreaterThanOrEqual(4);
    expect(scenario.tp).toEqual([1, 2, 4, 8]);
    expect(scenario.workloads.map((w) => w.id)).toEqual(['code-completion', 'chat']);
  });
});
