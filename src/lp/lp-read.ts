import { LinearExpr } from './expr.js';
import { Problem } from './problem.js';
import type { Program, Sense, Variable } from './types.js';

/**
 * Reads CPLEX LP text (the subset writeLpText produces, plus the common variants: "subject to"/"st"/"s.t.",
 * "<"/"=<"/">"/"=>", "general"/"gen"/"binary"/"bin", objective constants) back into a Program. Used to
 * round-trip exported files through any backend and to solve hand-written LP files.
 */
export function readLpText(text: string): Program {
  const problem = new Problem();
  const columns = new Map<string, Variable>();
  const column = (name: string): Variable => {
    let variable = columns.get(name);
    if (!variable) {
      variable = problem.addVariable({ label: name });
      columns.set(name, variable);
    }
    return variable;
  };

  const lines = text
    .split(/\r?\n/)
    .map((line) => line.replace(/\\.*$/, '').trim())
    .filter((line) => line.length > 0);
  const sections = splitSections(lines);

  let direction: 'minimize' | 'maximize' = 'minimize';
  let objective = new LinearExpr();
  const bounds: Array<{ name: string; lower?: number; upper?: number; free?: boolean }> = [];
  const integers = new Set<string>();
  const binaries = new Set<string>();
  const rows: Array<{ label: string; expr: LinearExpr; sense: Sense; rhs: number }> = [];

  for (const section of sections) {
    if (section.kind === 'minimize' || section.kind === 'maximize') {
      direction = section.kind;
      const { body } = splitLabel(section.text);
      objective = parseExpression(tokenize(body), column);
    } else if (section.kind === 'constraints') {
      for (const statement of splitStatements(section.text)) {
        const { label, body } = splitLabel(statement);
        const tokens = tokenize(body);
        const at = tokens.findIndex((t) => t.kind === 'relation');
        if (at < 0) throw new SyntaxError(`LP constraint without a relation: ${statement}`);
        const expr = parseExpression(tokens.slice(0, at), column);
        const rhsExpr = parseExpression(tokens.slice(at + 1), column);
        if (rhsExpr.termCount > 0) throw new SyntaxError(`LP constraint with variables on the right: ${statement}`);
        rows.push({ label: label ?? `r${rows.length}`, expr, sense: relation(tokens[at]!.text), rhs: rhsExpr.constant });
      }
    } else if (section.kind === 'bounds') {
      for (const line of section.lines) bounds.push(parseBound(line));
    } else if (section.kind === 'generals') {
      for (const name of section.text.split(/\s+/).filter(Boolean)) integers.add(name);
    } else if (section.kind === 'binaries') {
      for (const name of section.text.split(/\s+/).filter(Boolean)) binaries.add(name);
    }
  }

  // Columns are created in order of first appearance: objective, rows, bounds, integer sections.
  for (const row of rows) problem.addConstraint(row.label, row.expr, row.sense, row.rhs);
  const spec = new Map<string, { lower: number; upper: number }>();
  for (const bound of bounds) {
    column(bound.name);
    const current = spec.get(bound.name) ?? { lower: 0, upper: Infinity };
    if (bound.free) Object.assign(current, { lower: -Infinity, upper: Infinity });
    if (bound.lower !== undefined) current.lower = bound.lower;
    if (bound.upper !== undefined) {
      current.upper = bound.upper;
      // CPLEX rule: a negative upper bound with the default lower bound makes the lower bound -inf.
      if (bound.lower === undefined && bound.upper < 0 && current.lower === 0) current.lower = -Infinity;
    }
    spec.set(bound.name, current);
  }
  for (const name of [...integers, ...binaries]) column(name);
  problem.setObjective(objective, direction);
  const compiled = problem.compile();
  const columnLower = Float64Array.from(compiled.columnLower);
  const columnUpper = Float64Array.from(compiled.columnUpper);
  const integrality = Uint8Array.from(compiled.integrality);
  for (const [name, variable] of columns) {
    const bound = spec.get(name);
    if (bound) {
      columnLower[variable.index] = bound.lower;
      columnUpper[variable.index] = bound.upper;
    }
    if (integers.has(name)) integrality[variable.index] = 1;
    if (binaries.has(name)) {
      integrality[variable.index] = 1;
      columnLower[variable.index] = Math.max(0, bound?.lower ?? 0);
      columnUpper[variable.index] = Math.min(1, bound?.upper ?? 1);
    }
  }
  return Object.freeze({ ...compiled, columnLower, columnUpper, integrality });
}

type SectionKind = 'minimize' | 'maximize' | 'constraints' | 'bounds' | 'generals' | 'binaries' | 'end';
interface Section {
  kind: SectionKind;
  lines: string[];
  text: string;
}

const SECTION_HEADERS: Array<[RegExp, SectionKind]> = [
  [/^(minimize|minimum|min)\b/i, 'minimize'],
  [/^(maximize|maximum|max)\b/i, 'maximize'],
  [/^(subject\s+to|such\s+that|s\.t\.|st\.?)(?=\s|$)/i, 'constraints'],
  [/^bounds?\b/i, 'bounds'],
  [/^(generals?|gen|integers?)\b/i, 'generals'],
  [/^(binary|binaries|bin)\b/i, 'binaries'],
  [/^end\b/i, 'end'],
];

function splitSections(lines: readonly string[]): Section[] {
  const sections: Section[] = [];
  for (const line of lines) {
    const header = SECTION_HEADERS.find(([pattern]) => pattern.test(line));
    if (header) {
      const rest = line.replace(header[0], '').trim();
      sections.push({ kind: header[1], lines: rest ? [rest] : [], text: '' });
    } else {
      const current = sections.at(-1);
      if (!current) throw new SyntaxError(`LP text before the objective section: ${line}`);
      current.lines.push(line);
    }
  }
  for (const section of sections) section.text = section.lines.join(' ');
  return sections;
}

/** Constraint statements end at their right-hand side: split after "<relation> <number>". */
function splitStatements(text: string): string[] {
  const statements: string[] = [];
  const pattern = /(?:<=|>=|=<|=>|<|>|=)\s*[+-]?\s*(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|inf(?:inity)?)/gi;
  let start = 0;
  for (const match of text.matchAll(pattern)) {
    const end = match.index + match[0].length;
    statements.push(text.slice(start, end).trim());
    start = end;
  }
  if (text.slice(start).trim()) throw new SyntaxError(`LP constraint without a right-hand side: ${text.slice(start).trim()}`);
  return statements;
}

function splitLabel(statement: string): { label?: string; body: string } {
  const match = /^\s*([^\s:<>=+-]+)\s*:(.*)$/s.exec(statement);
  return match ? { label: match[1]!, body: match[2]! } : { body: statement };
}

interface Token {
  kind: 'number' | 'name' | 'sign' | 'relation';
  text: string;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s*(<=|>=|=<|=>|<|>|=|[+-]|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|[^\s+\-<>=:]+)/gy;
  let match: RegExpExecArray | null;
  let consumed = 0;
  while ((match = pattern.exec(text)) !== null && match[0] !== '') {
    consumed = pattern.lastIndex;
    const value = match[1]!;
    if (/^(<=|>=|=<|=>|<|>|=)$/.test(value)) tokens.push({ kind: 'relation', text: value });
    else if (value === '+' || value === '-') tokens.push({ kind: 'sign', text: value });
    else if (/^(\d|\.\d)/.test(value)) tokens.push({ kind: 'number', text: value });
    else tokens.push({ kind: 'name', text: value });
  }
  if (consumed < text.trimEnd().length) throw new SyntaxError(`LP text not understood near: ${text.slice(consumed)}`);
  return tokens;
}

function parseExpression(tokens: readonly Token[], column: (name: string) => Variable): LinearExpr {
  const expr = new LinearExpr();
  let sign = 1;
  let coefficient: number | undefined;
  for (const token of tokens) {
    if (token.kind === 'sign') {
      if (coefficient !== undefined) {
        expr.addConstant(sign * coefficient);
        coefficient = undefined;
        sign = 1;
      }
      if (token.text === '-') sign = -sign;
    } else if (token.kind === 'number') {
      if (coefficient !== undefined) throw new SyntaxError(`two numbers in a row: ${token.text}`);
      coefficient = Number(token.text);
    } else if (token.kind === 'name') {
      if (/^inf(inity)?$/i.test(token.text)) {
        coefficient = Infinity;
        continue;
      }
      expr.add(column(token.text), sign * (coefficient ?? 1));
      coefficient = undefined;
      sign = 1;
    } else {
      throw new SyntaxError(`unexpected ${token.text}`);
    }
  }
  if (coefficient !== undefined) expr.addConstant(sign * coefficient);
  return expr;
}

function relation(text: string): Sense {
  if (text === '=') return '=';
  return text.includes('<') ? '<=' : '>=';
}

function parseNumber(text: string): number {
  const cleaned = text.replace(/\s+/g, '');
  if (/^[+-]?inf(inity)?$/i.test(cleaned)) return cleaned.startsWith('-') ? -Infinity : Infinity;
  const value = Number(cleaned);
  if (Number.isNaN(value)) throw new SyntaxError(`not a number: ${text}`);
  return value;
}

function parseBound(line: string): { name: string; lower?: number; upper?: number; free?: boolean } {
  const free = /^(\S+)\s+free$/i.exec(line);
  if (free) return { name: free[1]!, free: true };
  const number = String.raw`[+-]?\s*(?:inf(?:inity)?|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)`;
  const range = new RegExp(`^(${number})\\s*(<=|=<|<)\\s*(\\S+)\\s*(<=|=<|<)\\s*(${number})$`, 'i').exec(line);
  if (range) return { name: range[3]!, lower: parseNumber(range[1]!), upper: parseNumber(range[5]!) };
  const single = new RegExp(`^(\\S+)\\s*(<=|=<|<|>=|=>|>|=)\\s*(${number})$`, 'i').exec(line);
  if (single) {
    const value = parseNumber(single[3]!);
    const sense = relation(single[2]!);
    if (sense === '=') return { name: single[1]!, lower: value, upper: value };
    return sense === '<=' ? { name: single[1]!, upper: value } : { name: single[1]!, lower: value };
  }
  const reversed = new RegExp(`^(${number})\\s*(<=|=<|<|>=|=>|>)\\s*(\\S+)$`, 'i').exec(line);
  if (reversed) {
    const value = parseNumber(reversed[1]!);
    return relation(reversed[2]!) === '<=' ? { name: reversed[3]!, lower: value } : { name: reversed[3]!, upper: value };
  }
  throw new SyntaxError(`LP bound not understood: ${line}`);
}
