import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { calibrationCsv } from '../calibrate/calibration-file.js';
import { ExitCode, InputError } from '../errors.js';
import { calibrateScenario } from '../planning/calibrate-scenario.js';
import { renderCalibrationTable } from '../report/calibration-table.js';
import { chalkFor, writeFileAtomic, type CliIo } from './io.js';
import { DEFAULT_SCENARIO, loadScenarioFile } from './scenario-inputs.js';

export interface CalibrateCommandOptions {
  scenario?: string;
  minObservations?: number;
  set: string[];
  out?: string;
  format: 'table' | 'json' | 'csv';
}

/**
 * `planner calibrate OBSERVED.csv`: per-config factors (observed / predicted rate) from what a fleet served,
 * against the scenario's workloads (default: the built-in one); --out writes the calibration CSV a scenario
 * reads with `calibration: FILE`.
 */
export async function calibrateCommand(observedPath: string, options: CalibrateCommandOptions, io: CliIo): Promise<ExitCode> {
  let text: string;
  try {
    text = await readFile(resolve(io.cwd, observedPath), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError({
      file: observedPath,
      message: code === 'ENOENT' ? 'file not found' : `cannot read: ${(error as Error).message}`,
      fix: code === 'ENOENT' ? 'check the path' : 'check permissions',
    });
  }
  const loaded = await loadScenarioFile(options.scenario ?? DEFAULT_SCENARIO, { cwd: io.cwd, set: options.set });
  const result = calibrateScenario(
    loaded,
    { text, file: observedPath },
    options.minObservations !== undefined ? { minObservations: options.minObservations } : {},
  );
  const csv = calibrationCsv(result.factors);
  if (options.out) await writeFileAtomic(resolve(io.cwd, options.out), csv);
  if (options.format === 'csv') io.stdout.write(csv);
  else if (options.format === 'json')
    io.stdout.write(`${JSON.stringify({ observed: observedPath, scenario: loaded.file, ...result }, null, 2)}\n`);
  else {
    io.stdout.write(renderCalibrationTable(result, observedPath, chalkFor(io)));
    if (options.out)
      io.stdout.write(
        `wrote ${options.out} (${result.factors.length} factor${result.factors.length === 1 ? '' : 's'}; use it with calibration: ${options.out} in a scenario)\n`,
      );
  }
  return ExitCode.ok;
}
