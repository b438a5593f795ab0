import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { InputError, ExitCode } from '../errors.js';
import { simulateScenario } from '../planning/simulate-scenario.js';
import { renderSimulationText } from '../report/simulation-text.js';
import { renderSimulationHtml, windowsCsv } from '../report/simulation.js';
import { CONTENDER_NAMES, type ContenderName } from '../simulate/contenders.js';
import type { Stress } from '../simulate/types.js';
import { assertWritable, chalkFor, writeFolderAtomic, type CliIo } from './io.js';
import { createProgress } from './progress.js';
import { DEFAULT_SCENARIO, loadScenarioFile } from './scenario-inputs.js';

export interface SimulateCommandOptions {
  strategies: string;
  days?: number;
  warmupHours: number;
  events?: string;
  stress: string[];
  solver?: string;
  timeLimit?: number;
  gap?: number;
  set: string[];
  out?: string;
  format: 'table' | 'json';
  /** Hours the planner commits per planning point (default: one window). */
  commitHours?: number;
  /** Scenario window whose fleet the request-level simulation replays, or 'auto': the most heterogeneous. */
  requestSim?: string;
  /** false with --no-learn: the planner plans with the rates it was given throughout. */
  learn?: boolean;
  /** No progress on stderr. */
  quiet?: boolean;
}

/** `planner simulate [SCENARIO]`: replay the demand through each contender, compare, write the reports. */
export async function simulateCommand(scenarioPath: string | undefined, options: SimulateCommandOptions, io: CliIo): Promise<ExitCode> {
  const contenders = parseContenders(options.strategies);
  const stress = parseStress(options.stress);
  if (options.out) assertWritable(resolve(io.cwd, options.out), 'folder');
  const loaded = await loadScenarioFile(scenarioPath ?? DEFAULT_SCENARIO, { cwd: io.cwd, set: options.set });
  const events = options.events === undefined ? undefined : { text: await readEvents(options.events, io.cwd), file: options.events };
  const progress = createProgress(io, { label: 'simulating', quiet: options.quiet === true });
  const { result, summary } = await simulateScenario(loaded, {
    contenders,
    stress,
    warmupHours: options.warmupHours,
    days: options.days,
    events,
    solver: options.solver,
    timeLimitSec: options.timeLimit,
    relativeGap: options.gap,
    commitHours: options.commitHours,
    requestSim: options.requestSim,
    learnRates: options.learn ?? true,
    progress: (done, total, contender) => progress.update(done, total, `simulating ${contender}`),
  });
  progress.finish();

  if (options.out) {
    const dir = resolve(io.cwd, options.out);
    // simulation.json keeps the field name users know: `strategies`, one entry per contender.
    const full = { ...summary, strategies: result.contenders.map(({ fleets: _fleets, ...rest }) => rest) };
    const files = [
      ['simulation.json', `${JSON.stringify(full, null, 2)}\n`],
      ['windows.csv', windowsCsv(result)],
      [
        'report.html',
        renderSimulationHtml(`Simulation: ${loaded.scenario.name}`, result, summary.comparison, summary.redirect, summary.learning),
      ],
    ] as const;
    await writeFolderAtomic(dir, files, ['simulation.json', 'windows.csv', 'report.html']);
  }
  if (options.format === 'json') {
    io.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    return ExitCode.ok;
  }
  io.stdout.write(renderSimulationText(loaded.scenario.name, summary, result, chalkFor(io)));
  if (options.out) io.stdout.write(`\nwrote ${join(options.out, 'simulation.json')}, windows.csv and report.html\n`);
  return ExitCode.ok;
}

async function readEvents(file: string, cwd: string): Promise<string> {
  try {
    return await readFile(resolve(cwd, file), 'utf8');
  } catch (error) {
    throw new InputError({ file, field: '--events', message: `cannot read: ${(error as Error).message}`, fix: 'check the path' });
  }
}

/** --strategies (the flag keeps its name): the contenders to simulate. */
function parseContenders(text: string): ContenderName[] {
  const names = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !CONTENDER_NAMES.includes(n as ContenderName));
  if (names.length === 0 || unknown.length > 0) {
    throw new InputError({
      field: '--strategies',
      message: names.length === 0 ? 'no strategy named' : `unknown strateg${unknown.length > 1 ? 'ies' : 'y'} ${unknown.join(', ')}`,
      fix: `choose from ${CONTENDER_NAMES.join(', ')}`,
    });
  }
  return [...new Set(names)] as ContenderName[];
}

/** `demand=1.5`, `burst=8` or `burst=8@30` (window 30), `throughput=1.5`; repeatable or comma-separated. */
export function parseStress(values: readonly string[]): Stress {
  const stress: Stress = {};
  for (const item of values
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean)) {
    const match = /^(demand|burst|throughput)=([0-9.]+)(?:@(\d+))?$/.exec(item);
    const factor = match ? Number(match[2]) : NaN;
    if (!match || !(factor > 0) || (match[3] !== undefined && match[1] !== 'burst')) {
      throw new InputError({
        field: '--stress',
        message: `cannot read '${item}'`,
        fix: 'write demand=1.5, burst=8 (or burst=8@WINDOW) or throughput=1.5',
      });
    }
    if (match[1] === 'demand') stress.demandScale = factor;
    else if (match[1] === 'throughput') stress.throughputOptimism = factor;
    else stress.burst = { factor, ...(match[3] !== undefined ? { window: Number(match[3]) } : {}) };
  }
  return stress;
}
