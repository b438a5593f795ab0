import type { Program } from './types.js';

export interface LpWriteOptions {
  /**
   * 'generated' (default): x0.. and c0.., safe for every reader. 'labels': the program's labels,
   * sanitised to the CPLEX LP name rules and made unique (for people reading the file).
   */
  names?: 'generated' | 'labels';
}

const TERMS_PER_LINE = 8;
/** Name of the fixed column that carries the objective constant (LP readers disagree on constants). */
export const OBJECTIVE_CONSTANT_COLUMN = 'objconst';

/**
 * Writes a program as CPLEX LP text, readable by HiGHS, glpsol --lp, CBC and CPLEX. Constants never appear
 * on a row's left-hand side (HiGHS silently drops them), ranged rows become two rows (HiGHS rejects
 * ranges), and the objective constant rides on a column fixed at 1.
 */
export function writeLpText(program: Program, options: LpWriteOptions = {}): string {
  const columnNames = options.names === 'labels' ? sanitiseNames(program.columnLabels, 'x') : generatedNames('x', program.objective.length);
  const rowNames = options.names === 'labels' ? sanitiseNames(program.rowLabels, 'c') : generatedNames('c', program.rowLower.length);
  const out: string[] = [];
  const columns = program.objective.length;
  out.push(`\\ planner program: ${columns} columns, ${program.rowLower.length} rows, ${program.rowValues.length} non-zeros\n`);
  out.push(program.direction === 'maximize' ? 'Maximize\n' : 'Minimize\n');

  const constantName = program.objectiveConstant !== 0 ? uniqueAgainst(OBJECTIVE_CONSTANT_COLUMN, columnNames) : undefined;
  const objectiveColumns: number[] = [];
  const objectiveValues: number[] = [];
  for (let j = 0; j < columns; j++) {
    if (program.objective[j] !== 0) {
      objectiveColumns.push(j);
      objectiveValues.push(program.objective[j]!);
    }
  }
  out.push(' obj:');
  writeTerms(out, objectiveColumns, objectiveValues, columnNames, constantName, program.objectiveConstant, columns);
  out.push('\n');

  out.push('Subject To\n');
  // glpsol rejects an empty constraint section; a 0 >= 0 row changes nothing.
  if (program.rowLower.length === 0 && columns > 0) out.push(` norows: 0 ${columnNames[0]} >= 0\n`);
  for (let row = 0; row < program.rowLower.length; row++) {
    const lower = program.rowLower[row]!;
    const upper = program.rowUpper[row]!;
    const start = program.rowStarts[row]!;
    const end = program.rowStarts[row + 1]!;
    const rowColumns = program.rowColumns.subarray(start, end);
    const rowValues = program.rowValues.subarray(start, end);
    const emit = (name: string, sense: string, rhs: number) => {
      out.push(` ${name}:`);
      writeTerms(out, rowColumns, rowValues, columnNames, undefined, 0, columns);
      out.push(` ${sense} ${formatNumber(rhs)}\n`);
    };
    if (lower === upper) emit(rowNames[row]!, '=', lower);
    else if (lower === -Infinity && upper === Infinity) out.push(`\\ ${rowNames[row]} is free and omitted\n`);
    else if (lower === -Infinity) emit(rowNames[row]!, '<=', upper);
    else if (upper === Infinity) emit(rowNames[row]!, '>=', lower);
    else {
      emit(`${rowNames[row]}_lo`, '>=', lower);
      emit(`${rowNames[row]}_hi`, '<=', upper);
    }
  }

  out.push('Bounds\n');
  const generals: string[] = [];
  const binaries: string[] = [];
  for (let j = 0; j < columns; j++) {
    const name = columnNames[j]!;
    const lower = program.columnLower[j]!;
    const upper = program.columnUpper[j]!;
    if (program.integrality[j] === 1 && lower === 0 && upper === 1) {
      binaries.push(name);
      continue;
    }
    if (program.integrality[j] === 1) generals.push(name);
    if (lower === upper) out.push(` ${name} = ${formatNumber(lower)}\n`);
    else if (lower === -Infinity && upper === Infinity) out.push(` ${name} free\n`);
    else if (lower === 0 && upper === Infinity) continue;
    else if (upper === Infinity) out.push(` ${name} >= ${formatNumber(lower)}\n`);
    else out.push(` ${lower === -Infinity ? '-inf' : formatNumber(lower)} <= ${name} <= ${formatNumber(upper)}\n`);
  }
  if (constantName) out.push(` ${constantName} = 1\n`);
  writeNameList(out, 'Generals', generals);
  writeNameList(out, 'Binaries', binaries);
  out.push('End\n');
  return out.join('');
}

function writeTerms(
  out: string[],
  columns: ArrayLike<number>,
  values: ArrayLike<number>,
  names: readonly string[],
  constantName: string | undefined,
  constant: number,
  columnCount: number,
): void {
  let written = 0;
  const term = (coefficient: number, name: string) => {
    if (written > 0 && written % TERMS_PER_LINE === 0) out.push('\n  ');
    const sign = coefficient < 0 ? '-' : '+';
    const magnitude = Math.abs(coefficient);
    out.push(` ${written === 0 && sign === '+' ? '' : `${sign} `}${magnitude === 1 ? '' : `${formatNumber(magnitude)} `}${name}`);
    written++;
  };
  for (let k = 0; k < columns.length; k++) term(values[k]!, names[columns[k]!]!);
  if (constantName) term(constant, constantName);
  // Readers need at least one term; a zero coefficient on the first column changes nothing.
  if (written === 0 && columnCount > 0) out.push(` 0 ${names[0]}`);
}

function writeNameList(out: string[], section: string, names: readonly string[]): void {
  if (names.length === 0) return;
  out.push(`${section}\n`);
  for (let i = 0; i < names.length; i += TERMS_PER_LINE) out.push(` ${names.slice(i, i + TERMS_PER_LINE).join(' ')}\n`);
}

/** Shortest text that reads back as the same double. */
export function formatNumber(value: number): string {
  return String(value);
}

function generatedNames(prefix: string, count: number): string[] {
  const names = new Array<string>(count);
  for (let i = 0; i < count; i++) names[i] = `${prefix}${i}`;
  return names;
}

const RESERVED = new Set([
  'inf',
  'infinity',
  'free',
  'st',
  'end',
  'bin',
  'gen',
  'binary',
  'binaries',
  'general',
  'generals',
  'bound',
  'bounds',
  'subject',
  'to',
  'such',
  'that',
  'minimize',
  'maximize',
  'minimum',
  'maximum',
  'min',
  'max',
  'semi',
  'semis',
  'semi-continuous',
  'obj',
  'objconst',
]);

/** LP names: letters, digits and _.(){},!#$%&?@~'| only; not starting with a digit or '.'; <= 255 chars. */
export function sanitiseNames(labels: readonly string[], fallback: string): string[] {
  const used = new Set<string>();
  return labels.map((label, index) => {
    let name = label
      .replace(/\[/g, '(')
      .replace(/\]/g, ')')
      .replace(/[^A-Za-z0-9_.(){},!#$%&?@~'|]/g, '_');
    if (name === '') name = `${fallback}${index}`;
    if (/^([0-9.]|[eE][0-9eE])/.test(name) || RESERVED.has(name.toLowerCase())) name = `_${name}`;
    if (name.length > 240) name = name.slice(0, 240);
    const unique = uniqueAgainst(name, used);
    used.add(unique);
    return unique;
  });
}

function uniqueAgainst(name: string, taken: Iterable<string>): string {
  const set = taken instanceof Set ? (taken as Set<string>) : new Set(taken);
  if (!set.has(name)) return name;
  for (let suffix = 2; ; suffix++) {
    const candidate = `${name}~${suffix}`;
    if (!set.has(candidate)) return candidate;
  }
}
