import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Debian's glpsol (glpk-utils) and cbc (coinor-cbc), used to cross-check exported LP files. */
export type NativeSolver = 'glpsol' | 'cbc';

export interface NativeResult {
  /** 'infeasible_or_unbounded' where the solver's presolve could not tell (CBC says so for some MIPs). */
  status: 'optimal' | 'infeasible' | 'unbounded' | 'infeasible_or_unbounded' | 'other';
  objective?: number;
  output: string;
}

export function hasCommand(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).status === 0;
}

/** Solves LP text with a native solver (to optimality: gap 0) and reads its status and objective. */
export function solveNative(solver: NativeSolver, lpText: string, timeLimitSec = 120): NativeResult {
  const dir = mkdtempSync(join(tmpdir(), 'planner-native-'));
  try {
    const file = join(dir, 'program.lp');
    writeFileSync(file, lpText);
    return solver === 'glpsol' ? runGlpsol(dir, file, timeLimitSec) : runCbc(file, timeLimitSec);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function runGlpsol(dir: string, file: string, timeLimitSec: number): NativeResult {
  const report = join(dir, 'report.txt');
  const run = spawnSync('glpsol', ['--lp', file, '--tmlim', String(timeLimitSec), '-o', report], { encoding: 'utf8' });
  const output = `${run.stdout}${run.stderr}`;
  if (/NO (PRIMAL |INTEGER )?FEASIBLE SOLUTION/.test(output)) return { status: 'infeasible', output };
  if (/NO DUAL FEASIBLE|UNBOUNDED/.test(output)) return { status: 'unbounded', output };
  if (/OPTIMAL (LP )?SOLUTION FOUND|INTEGER OPTIMAL SOLUTION FOUND/.test(output)) {
    const objective = /Objective:\s+\S+ = (\S+)/.exec(readFileSync(report, 'utf8'));
    return { status: 'optimal', objective: Number(objective?.[1]), output };
  }
  return { status: 'other', output };
}

function runCbc(file: string, timeLimitSec: number): NativeResult {
  let output: string;
  try {
    output = execFileSync('cbc', [file, 'sec', String(timeLimitSec), 'ratio', '0', 'solve'], { encoding: 'utf8' });
  } catch (error) {
    output = String((error as { stdout?: string }).stdout ?? error);
  }
  const objective =
    /Result - Optimal solution found[\s\S]*?Objective value:\s+(\S+)/.exec(output) ?? /^Optimal - objective value (\S+)/m.exec(output);
  if (objective) return { status: 'optimal', objective: Number(objective[1]), output };
  if (/Result - Linear relaxation infeasible|Result - Problem proven infeasible|Problem is infeasible/.test(output))
    return { status: 'infeasible', output };
  if (/Result - Linear relaxation unbounded|Problem is unbounded/.test(output)) return { status: 'unbounded', output };
  if (/says infeasible or unbounded/.test(output)) return { status: 'infeasible_or_unbounded', output };
  return { status: 'other', output };
}
