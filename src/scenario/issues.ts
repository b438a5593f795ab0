import type { z } from 'zod';
import { didYouMean } from '../errors.js';

/**
 * zod issues -> messages a first-time user can act on: what was found, what is expected and the fix, in the
 * words of the scenario's own JSON Schema (shapes, units and descriptions come from `.describe(...)`), so
 * the text follows the schema as it changes. Positions are added by the caller.
 */

/** A JSON Schema node (draft-07, as z.toJSONSchema writes it: no $ref). */
export type JsonSchemaNode = {
  type?: string;
  properties?: Record<string, JsonSchemaNode>;
  required?: string[];
  additionalProperties?: JsonSchemaNode | boolean;
  items?: JsonSchemaNode;
  anyOf?: JsonSchemaNode[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  description?: string;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  minLength?: number;
};

export interface ScenarioIssue {
  path: PropertyKey[];
  message: string;
  fix: string;
}

const EXAMPLE_TIME = '2024-05-10T00:00:00Z';

export function describeIssues(issues: readonly z.core.$ZodIssue[], root: JsonSchemaNode, raw: unknown): ScenarioIssue[] {
  return issues.flatMap((issue) => describeIssue(issue, root, raw));
}

function describeIssue(issue: z.core.$ZodIssue, root: JsonSchemaNode, raw: unknown): ScenarioIssue[] {
  const path = [...issue.path];
  const node = schemaAt(root, path);
  const value = valueAt(raw, path);
  const key = fieldName(path);
  const about = node?.description ? ` (${node.description})` : '';
  const write = (shape: string) => (isIndex(path) ? `write each item of ${key} as ${shape}` : `write ${key}: ${shape}`);

  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = knownKeys(node);
      const where = path.length ? path.map(String).join('.') : 'a scenario';
      return issue.keys.map((unknown) => {
        // A key of another shape of a union ({ file } or { meanInputTokens, meanOutputTokens }): the shapes are mixed.
        const union = parentUnion(root, path);
        if (union && known.includes(unknown)) {
          return {
            path: [...path, unknown],
            message: `'${unknown}' does not go with ${Object.keys(isRecord(value) ? value : {})
              .filter((k) => k !== unknown)
              .join(
                ', ',
              )}: ${fieldName(path)} is ${union.anyOf!.map((o) => `{ ${Object.keys(o.properties ?? {}).join(', ')} }`).join(' or ')}`,
            fix: `keep one shape: ${fieldName(path)}: ${union.anyOf!.map((o) => shapeOf(o, 1)).join(' or ')}`,
          };
        }
        const close = didYouMean(unknown, known);
        const takes = known.length ? `${where} takes ${known.join(', ')}` : `${where} takes no keys`;
        return { path: [...path, unknown], message: `unknown key '${unknown}'`, fix: close || `remove it; ${takes}` };
      });
    }
    case 'invalid_type': {
      if (value === undefined) {
        return [{ path, message: `missing ${key}`, fix: `add ${key}: ${shapeOf(node)}${about}` }];
      }
      const unit =
        typeof value === 'string' && (node?.type === 'number' || node?.type === 'integer') ? ', a plain number without a unit' : '';
      return [
        {
          path,
          message: `expected ${expectedOf(node, issue.expected)}, got ${preview(value)}`,
          fix: `${write(shapeOf(node))}${unit}${about}`,
        },
      ];
    }
    case 'invalid_union':
      return [unionIssue(path, node, value, key, about, write)];
    case 'too_small':
    case 'too_big': {
      if (Array.isArray(value)) {
        const least = node?.minItems ?? 1;
        const item = node?.items;
        const entry =
          item?.type === 'object' && item.required?.length
            ? `each with ${item.required.join(', ')} (planner schema scenario shows every field)`
            : `e.g. ${key}: ${shapeOf(node)}`;
        return [
          {
            path,
            message: value.length === 0 ? `${key} is empty` : `${key} has ${value.length} items`,
            fix: `list at least ${least} under ${key}, ${entry}${about}`,
          },
        ];
      }
      if (typeof value === 'string') {
        return [{ path, message: `${key} is empty`, fix: `${write(shapeOf(node))}${about}` }];
      }
      // A sign or a percentage is the usual slip: offer the value that fits.
      const guess = typeof value === 'number' && node ? [-value, value / 100].find((v) => v !== value && fits(node, v)) : undefined;
      const range = rangeOf(node);
      return [
        {
          path,
          message: `${preview(value)} is out of range: ${key} is ${range}`,
          fix:
            guess !== undefined
              ? `did you mean ${key}: ${guess}?${typeof value === 'number' && guess === value / 100 ? ' (a fraction, not a percentage)' : ''}${about}`
              : `use ${range}${about}`,
        },
      ];
    }
    case 'invalid_value': {
      const options = issue.values.map(String);
      const close = typeof value === 'string' ? didYouMean(value, options) : '';
      return [
        {
          path,
          message: `${preview(value)} is not one of ${options.join(', ')}`,
          fix: close || `${write(options.join('|'))}${about}`,
        },
      ];
    }
    case 'invalid_format':
      if (issue.format === 'datetime') {
        return [
          {
            path,
            message: `${preview(value)} is not a UTC date and time`,
            fix: `write ${key}: ${EXAMPLE_TIME} (ISO 8601: date, time and Z)`,
          },
        ];
      }
      return [{ path, message: `${preview(value)}: ${issue.message}`, fix: `${write(shapeOf(node))}${about}` }];
    default:
      return [{ path, message: issue.message, fix: `${write(shapeOf(node))}${about}` }];
  }
}

function unionIssue(
  path: PropertyKey[],
  node: JsonSchemaNode | undefined,
  value: unknown,
  key: string,
  about: string,
  write: (shape: string) => string,
): ScenarioIssue {
  const options = node?.anyOf ?? [];
  if (value === undefined) return { path, message: `missing ${key}`, fix: `add ${key}: ${shapeOf(node, 1)}${about}` };
  if (options.length && options.every((o) => o.const !== undefined)) {
    const values = options.map((o) => String(o.const));
    return { path, message: `${preview(value)} is not one of ${values.join(', ')}`, fix: `use one of ${values.join(', ')}` };
  }
  const objects = options.filter((o) => o.type === 'object' && o.properties);
  const either = options.map((o) => shapeOf(o, 1)).join(' or ');
  if (objects.length === options.length && isRecord(value)) {
    // The option the user most likely meant: the one sharing the most keys with what was written.
    const given = Object.keys(value);
    const best = objects
      .map((o) => ({ o, shared: given.filter((k) => k in o.properties!).length }))
      .sort((a, b) => b.shared - a.shared)[0]!;
    const expected = `either ${objects.map((o) => `{ ${Object.keys(o.properties!).join(', ')} }`).join(' or ')}`;
    if (best.shared > 0) {
      const missing = (best.o.required ?? []).filter((k) => !(k in value));
      const extra = given.filter((k) => !(k in best.o.properties!));
      const wrong = given.filter((k) => k in best.o.properties! && !fits(best.o.properties![k]!, value[k]));
      const details = [
        ...missing.map((k) => `${k} is missing`),
        ...extra.map((k) => `'${k}' does not go with ${Object.keys(best.o.properties!).join(', ')}`),
        ...wrong.map((k) => `${k} should be ${rangeOf(best.o.properties![k])}, got ${preview(value[k])}`),
      ];
      return {
        path,
        message: `${key} needs ${expected}${details.length ? `: ${details.join('; ')}` : ''}`,
        fix: `${write(shapeOf(best.o, 1))}${about}`,
      };
    }
    return { path, message: `${key} needs ${expected}`, fix: `${write(either)}${about}` };
  }
  return { path, message: `expected ${either}, got ${preview(value)}`, fix: `${write(either)}${about}` };
}

/** The schema node at a zod path: through properties, list items, record values and union options. */
export function schemaAt(root: JsonSchemaNode, path: readonly PropertyKey[]): JsonSchemaNode | undefined {
  let node: JsonSchemaNode | undefined = root;
  for (const segment of path) {
    if (!node) return undefined;
    node = step(node, String(segment));
  }
  return node;
}

function step(node: JsonSchemaNode, segment: string): JsonSchemaNode | undefined {
  if (node.properties && segment in node.properties) return node.properties[segment];
  if (node.items && /^\d+$/.test(segment)) return node.items;
  if (typeof node.additionalProperties === 'object') return node.additionalProperties;
  for (const option of node.anyOf ?? []) {
    const found = step(option, segment);
    if (found) return found;
  }
  return undefined;
}

/** The union node at `path` when what is there is one of its object shapes. */
function parentUnion(root: JsonSchemaNode, path: readonly PropertyKey[]): JsonSchemaNode | undefined {
  const node = schemaAt(root, path);
  return node?.anyOf?.some((o) => o.type === 'object') ? node : undefined;
}

function knownKeys(node: JsonSchemaNode | undefined): string[] {
  if (!node) return [];
  const keys = new Set(Object.keys(node.properties ?? {}));
  for (const option of node.anyOf ?? []) for (const k of Object.keys(option.properties ?? {})) keys.add(k);
  return [...keys];
}

/** An example of what a node takes: `{ usd: N, mode: hard|soft }`, `[ID, ...]`, `true|false`. */
export function shapeOf(node: JsonSchemaNode | undefined, depth = 0): string {
  if (!node) return 'VALUE';
  if (node.anyOf) {
    if (node.anyOf.every((o) => o.const !== undefined)) return node.anyOf.map((o) => String(o.const)).join('|');
    return node.anyOf.map((o) => shapeOf(o, depth + 1)).join(' or ');
  }
  if (node.enum) return node.enum.map(String).join('|');
  if (node.const !== undefined) return String(node.const);
  switch (node.type) {
    case 'boolean':
      return 'true|false';
    case 'number':
    case 'integer':
      return 'N';
    case 'string':
      return node.format === 'date-time' ? EXAMPLE_TIME : 'TEXT';
    case 'array':
      return `[${shapeOf(node.items, depth + 1)}, ...]`;
    case 'object': {
      if (node.properties) {
        if (depth > 1) return '{ ... }';
        const required = node.required ?? [];
        const keys = [...required, ...Object.keys(node.properties).filter((k) => !required.includes(k))];
        const shown = keys.slice(0, Math.max(4, required.length));
        const parts = shown.map((k) => `${k}: ${shapeOf(node.properties![k], depth + 1)}`);
        return `{ ${parts.join(', ')}${shown.length < keys.length ? ', ...' : ''} }`;
      }
      if (typeof node.additionalProperties === 'object') return `{ KEY: ${shapeOf(node.additionalProperties, depth + 1)} }`;
      return '{ ... }';
    }
    default:
      return 'VALUE';
  }
}

/** `a whole number from 1 to 1008`, `a number > 0`, or the shape when the node is not a number. */
function rangeOf(node: JsonSchemaNode | undefined): string {
  if (!node || (node.type !== 'number' && node.type !== 'integer')) return shapeOf(node);
  const integer = node.type === 'integer';
  const kind = integer ? 'a whole number' : 'a number';
  const max = node.maximum !== undefined && node.maximum < 1e15 ? node.maximum : undefined;
  const min = node.minimum ?? (integer && node.exclusiveMinimum !== undefined ? node.exclusiveMinimum + 1 : undefined);
  const low = min !== undefined ? `>= ${min}` : node.exclusiveMinimum !== undefined ? `> ${node.exclusiveMinimum}` : undefined;
  const high = node.exclusiveMaximum !== undefined ? `< ${node.exclusiveMaximum}` : max !== undefined ? `<= ${max}` : undefined;
  if (min !== undefined && max !== undefined) return `${kind} from ${min} to ${max}`;
  return [kind, low, high && low ? `and ${high}` : high].filter(Boolean).join(' ');
}

function expectedOf(node: JsonSchemaNode | undefined, zodExpected: string): string {
  if (!node) return zodExpected;
  if (node.type === 'object') return 'a mapping';
  if (node.type === 'array') return 'a list';
  if (node.type === 'number' || node.type === 'integer') return rangeOf(node);
  if (node.type === 'string') return 'text';
  if (node.type === 'boolean') return 'true or false';
  return zodExpected;
}

function fits(node: JsonSchemaNode, value: unknown): boolean {
  if (node.type === 'number' || node.type === 'integer') {
    if (typeof value !== 'number' || (node.type === 'integer' && !Number.isInteger(value))) return false;
    if (node.exclusiveMinimum !== undefined && !(value > node.exclusiveMinimum)) return false;
    if (node.minimum !== undefined && !(value >= node.minimum)) return false;
    if (node.maximum !== undefined && !(value <= node.maximum)) return false;
    return true;
  }
  if (node.type === 'string') return typeof value === 'string';
  return true;
}

/** What the user wrote, short: `5000 (a number)`, `'peek'`, `a list`. */
function preview(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value (null)';
  if (typeof value === 'string') return `'${value.length > 40 ? `${value.slice(0, 40)}...` : value}'`;
  if (typeof value === 'number') return `${value} (a number)`;
  if (typeof value === 'boolean') return `${value} (true/false)`;
  if (Array.isArray(value)) return 'a list';
  return `a mapping with ${Object.keys(value as object).join(', ') || 'no keys'}`;
}

function fieldName(path: readonly PropertyKey[]): string {
  const names = path.filter((s) => typeof s === 'string');
  return names.length ? String(names[names.length - 1]) : 'the scenario';
}

function isIndex(path: readonly PropertyKey[]): boolean {
  return typeof path[path.length - 1] === 'number';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let node = raw;
  for (const segment of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[String(segment)];
  }
  return node;
}

/** Ids written twice in one list (workload ids, regions, skus...): `[index of the repeat, first index]`. */
export function repeats(values: readonly unknown[]): Array<[number, number]> {
  const first = new Map<string, number>();
  const found: Array<[number, number]> = [];
  values.forEach((v, i) => {
    const k = JSON.stringify(v);
    const seen = first.get(k);
    if (seen === undefined) first.set(k, i);
    else found.push([i, seen]);
  });
  return found;
}
