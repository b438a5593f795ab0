import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { InputError, quoteExcerpt, type InputIssue } from '../errors.js';
import { describeIssues, repeats, type JsonSchemaNode, type ScenarioIssue } from './issues.js';
import { ScenarioText } from './positions.js';
import { ScenarioSchema, scenarioJsonSchema, type Scenario } from './schema.js';

let lastSource: ScenarioText | undefined;

/**
 * The parsed document of `text`, kept for the next call with the same text: a command reads its scenario
 * once and parses it with and without overrides (--windows is checked against the horizon as written).
 * The document is only read (toJS builds fresh objects), so sharing it changes nothing.
 */
function scenarioText(text: string): ScenarioText {
  if (lastSource?.text !== text) lastSource = new ScenarioText(text);
  return lastSource;
}

/**
 * Scenario text -> validated Scenario: parse (YAML, which also reads JSON), apply `--set path=value`
 * overrides, then the zod schema. Every problem comes back at once as `file:line:column field: message
 * (fix: ...)`: the line is the offending field's (or, for a missing one, its section's), found in the
 * YAML document's node ranges.
 */
export function parseScenario(text: string, file: string, overrides: readonly string[] = []): Scenario {
  const source = scenarioText(text);
  if (source.errors.length) {
    throw new InputError(
      source.errors.map((error) => {
        // An unclosed [ or { is only noticed on a later line: point at the line that opened it.
        const close = /end with an? ([\]}])/.exec(error.message)?.[1];
        const offset = close ? unclosedBefore(text, error.pos[0], close === ']' ? '[' : '{') : error.pos[0];
        const at = source.position(offset);
        const field = source.pathAt(offset).join('.');
        return {
          file,
          line: at.line,
          column: at.column,
          ...(field ? { field } : {}),
          message: `not valid YAML: ${error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`,
          fix: close
            ? `close the ${close === ']' ? '[' : '{'} opened on this line with ${close}`
            : (YAML_FIXES[error.code] ?? 'check the indentation and quoting on this line and the one above'),
        };
      }),
      `${file}: not valid YAML/JSON`,
    );
  }
  // Unknown tags (!!js/function, !custom) resolve to plain strings with a warning; a safe loader refuses them.
  const tags = source.document.warnings.filter((warning) => warning.code === 'TAG_RESOLVE_FAILED');
  if (tags.length) {
    throw new InputError(
      tags.map((warning) => ({
        file,
        ...source.position(warning.pos[0]),
        message: `unknown YAML tag: ${quoteExcerpt(warning.message.split('\n')[0]!)}`,
        fix: 'remove the tag: a scenario holds plain values (strings, numbers, lists, mappings)',
      })),
      `${file}: not a plain YAML/JSON scenario`,
    );
  }
  let raw: unknown;
  try {
    raw = source.document.toJS();
  } catch (error) {
    throw new InputError({ file, message: `not valid YAML: ${(error as Error).message}`, fix: 'check anchors and aliases (&name, *name)' });
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    const contents = source.document.contents;
    throw new InputError({
      file,
      ...(contents?.range ? source.position(contents.range[0]) : { line: 1 }),
      field: '(top level)',
      message: 'a scenario is a mapping with name, horizon, regions and workloads',
      fix: 'start from scenarios/default.yaml',
    });
  }
  for (const override of overrides) raw = applyOverride(raw as Record<string, unknown>, override);
  const result = ScenarioSchema.safeParse(raw);
  if (!result.success) {
    const described = describeIssues(result.error.issues, jsonSchema(), raw);
    throw new InputError(
      described.map((issue) => placed(issue, file, source, overrides)),
      `${file}: invalid scenario`,
    );
  }
  const duplicates = duplicateIssues(result.data);
  if (duplicates.length) {
    throw new InputError(
      duplicates.map((issue) => placed(issue, file, source, overrides)),
      `${file}: invalid scenario`,
    );
  }
  return result.data;
}

/** The offset of the last `open` bracket before `offset` that is not closed before it (else `offset`). */
function unclosedBefore(text: string, offset: number, open: '[' | '{'): number {
  const closer = open === '[' ? ']' : '}';
  let depth = 0;
  for (let i = Math.min(offset, text.length) - 1; i >= 0; i--) {
    if (text[i] === closer) depth++;
    else if (text[i] === open) {
      if (depth === 0) return i;
      depth--;
    }
  }
  return offset;
}

/** Fixes for the YAML parser's error codes a hand-written scenario meets. */
const YAML_FIXES: Record<string, string> = {
  TAB_AS_INDENT: 'indent with spaces: YAML does not allow tabs for indentation',
  DUPLICATE_KEY: 'a key appears twice in this mapping: keep one',
  BAD_INDENT: 'align this line with the other keys of its section (spaces only)',
  MISSING_CHAR: 'close the bracket or quote opened on this line',
  BLOCK_AS_IMPLICIT_KEY: 'put a space after the colon, or indent the nested block under its key',
  MULTILINE_IMPLICIT_KEY: 'a key must be on one line: check for a missing colon or quote above',
  UNEXPECTED_TOKEN: 'check for a stray character, a missing colon or an unclosed bracket',
  BAD_SCALAR_START: "quote the value (e.g. '@x') or remove the character it starts with",
};

let cachedJsonSchema: JsonSchemaNode | undefined;
function jsonSchema(): JsonSchemaNode {
  cachedJsonSchema ??= scenarioJsonSchema() as JsonSchemaNode;
  return cachedJsonSchema;
}

/** An issue at its line in the text; a field a `--set` override wrote says so instead of pointing at the file. */
function placed(issue: ScenarioIssue, file: string, source: ScenarioText, overrides: readonly string[]): InputIssue {
  const field = issue.path.length ? issue.path.map(String).join('.') : '(top level)';
  const set = overriddenBy(field, overrides);
  // A value from the command line has no line in the file.
  const at = set ? undefined : source.locate(issue.path);
  return {
    file,
    ...(at ? { line: at.line, column: at.column } : {}),
    field,
    message: set ? `${issue.message} (set on the command line: ${set})` : issue.message,
    fix: issue.fix,
  };
}

/** The `--set path=value` override that wrote `field` (or a section of it, or inside it), if any. */
function overriddenBy(field: string, overrides: readonly string[]): string | undefined {
  return overrides.find((o) => {
    const path = o.slice(0, Math.max(0, o.indexOf('=')));
    return path && (field === path || field.startsWith(`${path}.`) || path.startsWith(`${field}.`));
  });
}

/** Lists whose entries must be distinct: a repeat is a mistake the planner would otherwise double-count. */
function duplicateIssues(scenario: Scenario): ScenarioIssue[] {
  const issues: ScenarioIssue[] = [];
  for (const [i, first] of repeats(scenario.workloads.map((w) => w.id))) {
    issues.push({
      path: ['workloads', i, 'id'],
      message: `workload id '${scenario.workloads[i]!.id}' is used twice (also workloads.${first}.id)`,
      fix: 'give every workload its own id, or merge the two workloads',
    });
  }
  const lists: Array<[PropertyKey[], readonly unknown[] | undefined]> = [
    [['regions'], scenario.regions],
    [['skus'], scenario.skus],
    [['tp'], scenario.tp],
    [['purchases'], scenario.purchases],
    ...scenario.workloads.map((w, i): [PropertyKey[], readonly unknown[] | undefined] => [['workloads', i, 'llms'], w.llms]),
  ];
  for (const [path, values] of lists) {
    for (const [i, first] of repeats(values ?? [])) {
      issues.push({
        path: [...path, i],
        message: `${String(values![i])} is listed twice (also ${[...path, first].map(String).join('.')})`,
        fix: 'remove the repeat',
      });
    }
  }
  return issues;
}

/**
 * Adds the scenario's line and column to the issues of `error` that name a field of `file` but no line
 * (the cross-reference checks of resolveScenario, a missing referenced file), so every scenario error points
 * at its line; a field a `--set` override wrote has no line in the file. Anything else is returned unchanged.
 */
export function withScenarioLines(error: unknown, file: string, text: string, overrides: readonly string[] = []): unknown {
  if (!(error instanceof InputError) || !error.issues.some((i) => i.file === file && i.field && i.line === undefined)) return error;
  const source = scenarioText(text);
  const issues = error.issues.map((issue) => {
    if (issue.file !== file || !issue.field || issue.line !== undefined || overriddenBy(issue.field, overrides)) return issue;
    const at = source.locate(issue.field.split('.'));
    return at ? { ...issue, line: at.line, column: at.column } : issue;
  });
  return new InputError(issues, error.summary);
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
  const reserved = path.find((key) => RESERVED_KEYS.has(key));
  if (reserved !== undefined) {
    throw new InputError({
      field: '--set',
      message: `'${reserved}' is not a scenario field`,
      fix: 'name a field of the scenario (planner schema scenario)',
    });
  }
  const valueDocument = parseDocument(override.slice(at + 1), { logLevel: 'silent' });
  if (valueDocument.warnings.some((warning) => warning.code === 'TAG_RESOLVE_FAILED')) {
    throw new InputError({ field: '--set', message: `'${path.join('.')}' has a YAML tag`, fix: 'give a plain value, without !tags' });
  }
  const value: unknown = valueDocument.errors.length ? override.slice(at + 1) : valueDocument.toJS();
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

/** Keys a path must not name: they reach an object's prototype instead of a field. */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
