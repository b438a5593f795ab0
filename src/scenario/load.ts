import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import { InputError, type InputIssue } from '../errors.js';
import { ScenarioSchema, type Scenario } from './schema.js';

/**
 * Scenario text -> validated Scenario: parse (YAML, which also reads JSON), apply `--set path=value`
 * overrides, then the zod schema. Every problem comes back at once as `file: path: message`.
 */
export function parseScenario(text: string, file: string, overrides: readonly string[] = []): Scenario {
  let raw: unknown;
  try {
    raw = parseYaml(text, { prettyErrors: true });
  } catch (error) {
    const line = error instanceof YAMLParseError ? error.linePos?.[0]?.line : undefined;
    throw new InputError({
      file,
      ...(line ? { line } : {}),
      message: `not valid YAML/JSON: ${(error as Error).message.split('\n')[0]}`,
      fix: 'check indentation and quoting',
    });
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new InputError({
      file,
      message: 'a scenario is a mapping with name, horizon, regions and workloads',
      fix: 'start from scenarios/default.yaml',
    });
  }
  for (const override of overrides) raw = applyOverride(raw as Record<string, unknown>, override);
  const result = ScenarioSchema.safeParse(raw);
  if (!result.success) throw new InputError(zodIssues(result.error, file), `${file}: invalid scenario`);
  return result.data;
}

export function zodIssues(error: z.ZodError, file: string): InputIssue[] {
  return error.issues.map((issue) => ({
    file,
    field: issue.path.length ? issue.path.map(String).join('.') : '(top level)',
    message: issue.message,
  }));
}

/**
 * `--set policies.headroom=0.2`, `--set workloads.0.demand.scale=1.5`, `--set regions=[eastus,westus2]`:
 * the value is read as YAML, so numbers, booleans and lists work. Returns a new object.
 */
export function applyOverride(root: Record<string, unknown>, override: string): Record<string, unknown> {
  const at = override.indexOf('=');
  if (at <= 0)
    throw new InputError({ field: '--set', message: `'${override}' is not path=value`, fix: 'e.g. --set policies.headroom=0.2' });
  const path = override.slice(0, at).split('.');
  let value: unknown;
  try {
    value = parseYaml(override.slice(at + 1));
  } catch {
    value = override.slice(at + 1);
  }
  const copy = structuredClone(root);
  let node: Record<string, unknown> | unknown[] = copy;
  for (const [depth, key] of path.entries()) {
    const last = depth === path.length - 1;
    const index = Array.isArray(node) ? Number(key) : undefined;
    if (Array.isArray(node) && (!Number.isInteger(index) || index! < 0 || index! >= node.length)) {
      throw new InputError({
        field: '--set',
        message: `'${path.slice(0, depth + 1).join('.')}' is not an index of a ${node.length}-item list`,
        fix: `use 0..${node.length - 1}`,
      });
    }
    const container = node as Record<string, unknown>;
    const slot = Array.isArray(node) ? String(index) : key;
    if (last) {
      container[slot] = value;
    } else {
      if (container[slot] === undefined) container[slot] = {};
      const next = container[slot];
      if (next === null || typeof next !== 'object') {
        throw new InputError({
          field: '--set',
          message: `'${path.slice(0, depth + 1).join('.')}' is a value, not a section`,
          fix: 'set the whole value instead',
        });
      }
      node = next as Record<string, unknown>;
    }
  }
  return copy;
}
