import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { InputError } from '../errors.js';
import { packageRoot } from '../paths.js';
import { parseScenario } from '../scenario/load.js';
import { requestMixOf, resolveScenario, type HourlyDemandProfile } from '../scenario/resolve.js';
import { parseHourlyProfileCsv } from '../demand/profile.js';
import { parseRequestMixCsv } from '../demand/request-mix.js';
import type { RequestMix } from '../demand/types.js';
import { createReplicaRate } from '../perf/replica.js';
import { parseCalibrationCsv } from '../calibrate/calibration-file.js';
import type { LoadedScenario } from '../scenario/loaded.js';
import { readCatalog } from './inputs.js';
import { builtinProfiles } from './measured-profiles.js';

const BUILTIN = 'builtin:';

/** The scenario `planner solve` plans when none is named. */
export const DEFAULT_SCENARIO = `${BUILTIN}scenarios/default.yaml`;

export interface LoadScenarioOptions {
  /** Directory a relative `path` is resolved against (default: the current directory). */
  cwd?: string;
  /** `path=value` overrides applied in order before validation (what `--set` passes). */
  set?: readonly string[];
}

/**
 * Reads a scenario and everything it refers to (catalog, request mixes, demand profiles, measured replica
 * profiles), validates it, and resolves it into a planning input. `path` may be "builtin:scenarios/..." for
 * a scenario shipped in the package.
 */
export async function loadScenarioFile(path: string, options: LoadScenarioOptions = {}): Promise<LoadedScenario> {
  const overrides = [...(options.set ?? [])];
  const absolute = locate(path, options.cwd ?? process.cwd());
  const hash = createHash('sha256');
  const text = await readInput(absolute, path);
  hash.update(text).update(JSON.stringify(overrides));
  const scenario = parseScenario(text, path, overrides);
  const base = dirname(absolute);

  const catalogDir = locate(scenario.catalog, base);
  const catalog = await readCatalog(catalogDir);
  hash.update(`catalog:${relative(packageRoot(), catalogDir)}`);

  const requestMixes = new Map<string, RequestMix>();
  const profiles = new Map<string, HourlyDemandProfile>();
  for (const [w, workload] of scenario.workloads.entries()) {
    if ('file' in workload.requestMix && !requestMixes.has(workload.requestMix.file)) {
      const mixFile = locate(workload.requestMix.file, base);
      const mixText = await readInput(mixFile, workload.requestMix.file, `workloads.${w}.requestMix.file`);
      hash.update(mixText);
      requestMixes.set(workload.requestMix.file, parseRequestMixCsv(mixText, workload.requestMix.file));
    }
    const profile = workload.demand.profile;
    if (profile !== undefined && !profiles.has(profile)) {
      const profileFile = locate(profile, base);
      const profileText = await readInput(profileFile, profile, `workloads.${w}.demand.profile`);
      hash.update(profileText);
      profiles.set(profile, parseHourlyProfileCsv(profileText, profile));
    }
  }
  const measuredProfiles = builtinProfiles();
  // calibration: FILE (planner calibrate's output): per-config rate factors, checked against the catalog.
  let calibration: Map<string, number> | undefined;
  if (scenario.calibration !== undefined) {
    const calibrationText = await readInput(locate(scenario.calibration, base), scenario.calibration, 'calibration');
    hash.update(calibrationText);
    calibration = parseCalibrationCsv(calibrationText, scenario.calibration, catalog);
  }
  const replicaRate = createReplicaRate({ profiles: measuredProfiles, ...(calibration ? { calibration } : {}) });
  const inputs = { catalog, requestMixes, profiles, replicaRate };
  const input = resolveScenario(scenario, inputs, path);
  const mixes = scenario.workloads.map((workload, w) => requestMixOf(workload.requestMix, inputs, path, w));
  return { file: path, scenario, input, overrides, hash: `sha256:${hash.digest('hex')}`, catalog, mixes, measuredProfiles, text };
}

/** "builtin:x" is inside the installed package; anything else is relative to `base`. */
function locate(path: string, base: string): string {
  return path.startsWith(BUILTIN) ? join(packageRoot(), path.slice(BUILTIN.length)) : resolve(base, path);
}

async function readInput(absolute: string, shown: string, field?: string): Promise<string> {
  try {
    return await readFile(absolute, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError({
      file: shown,
      ...(field ? { field } : {}),
      message: code === 'ENOENT' ? 'file not found' : `cannot read: ${(error as Error).message}`,
      fix:
        code === 'ENOENT'
          ? `check the path (relative paths are resolved against the scenario file's folder${field ? '' : ' or the current directory'})`
          : 'check permissions',
    });
  }
}
