import { compareStrings } from './order.js';

/** Exit codes of the CLI; only src/cli.ts turns errors into these. */
export const ExitCode = {
  ok: 0,
  /** Inputs were fine but there is no acceptable plan (infeasible, unmet demand above the limit, violations). */
  noPlan: 1,
  /** Bad usage or invalid input: the message names the file, row/field and the fix. */
  badInput: 2,
  /** A bug in planner. */
  internal: 3,
  /**
   * The wall-clock safety net (--time-limit) stopped a solve: the plan is written and checked, but it depends
   * on the machine's speed, so a CI gate must not take it as the answer.
   */
  timeLimited: 4,
  /**
   * `planner validate`: the plan's scenario, catalog or data changed since it was solved. Not a violation (the
   * plan was never checked against these inputs): the fix is to re-run planner solve, so a CI job can tell it apart.
   */
  stale: 5,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export class PlannerError extends Error {
  readonly exitCode: ExitCode;
  constructor(message: string, exitCode: ExitCode) {
    super(message);
    this.name = new.target.name;
    this.exitCode = exitCode;
  }
}

/** Where in an input a problem is: file, 1-based line (and column), field. */
export interface InputLocation {
  file?: string;
  line?: number;
  column?: number;
  field?: string;
}

export function formatLocation(at: InputLocation): string {
  const parts: string[] = [];
  const line = at.line ? `${at.line}${at.column ? `:${at.column}` : ''}` : undefined;
  if (at.file) parts.push(line ? `${at.file}:${line}` : at.file);
  else if (line) parts.push(`line ${line}`);
  if (at.field) parts.push(at.field);
  return parts.join(' ');
}

/** One problem found in an input, with the fix to apply. */
export interface InputIssue extends InputLocation {
  message: string;
  fix?: string;
}

export function formatIssue(issue: InputIssue): string {
  const where = formatLocation(issue);
  const head = where ? `${where}: ${issue.message}` : issue.message;
  return issue.fix ? `${head} (fix: ${issue.fix})` : head;
}

/** Invalid input (catalog, scenario, trace, flags). Carries every issue found, not just the first. */
export class InputError extends PlannerError {
  readonly issues: readonly InputIssue[];
  /** The heading above the issues, when there is one. */
  readonly summary: string | undefined;
  constructor(issues: InputIssue | readonly InputIssue[], summary?: string) {
    const list = Array.isArray(issues) ? (issues as readonly InputIssue[]) : [issues as InputIssue];
    const lines = list.map(formatIssue);
    super(summary ? [summary, ...lines.map((l) => `  ${l}`)].join('\n') : lines.join('\n'), ExitCode.badInput);
    this.issues = list;
    this.summary = summary;
  }
}

/** Inputs are valid but no acceptable plan exists; the message says which demand cannot be met and why. */
export class NoPlanError extends PlannerError {
  constructor(message: string) {
    super(message, ExitCode.noPlan);
  }
}

/** A broken invariant inside planner. */
export class InternalError extends PlannerError {
  constructor(message: string) {
    super(message, ExitCode.internal);
  }
}

/** Closest known ids to an unknown one, for "did you mean" hints (Levenshtein, case-insensitive). */
export function closestIds(unknown: string, known: Iterable<string>, max = 3): string[] {
  const target = unknown.toLowerCase();
  const scored: Array<{ id: string; distance: number }> = [];
  for (const id of known) {
    const distance = levenshtein(target, id.toLowerCase());
    const limit = Math.max(2, Math.floor(Math.max(target.length, id.length) / 3));
    if (distance <= limit || id.toLowerCase().includes(target) || target.includes(id.toLowerCase())) {
      scored.push({ id, distance });
    }
  }
  scored.sort((a, b) => a.distance - b.distance || compareStrings(a.id, b.id));
  return scored.slice(0, max).map((s) => s.id);
}

/** "did you mean x?" suffix or an empty string. */
export function didYouMean(unknown: string, known: Iterable<string>): string {
  const close = closestIds(unknown, known);
  return close.length ? `did you mean ${close.map((c) => `'${c}'`).join(' or ')}?` : '';
}

function levenshtein(a: string, b: string): number {
  const previous = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0]!;
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j]!;
      previous[j] = Math.min(above + 1, previous[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return previous[b.length]!;
}

/** At most `max` characters of user text, control characters escaped, for a one-line message. */
export function quoteExcerpt(text: string, max = 80): string {
  const escaped = JSON.stringify(text.length > max ? `${text.slice(0, max)}...` : text).slice(1, -1);
  return escaped.replace(/[\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Control characters (terminal escapes) of a message shown as \uXXXX; newlines and tabs kept. */
export function escapeControls(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
