import { demandUnits } from '../scenario/demand-units.js';
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { InputError, quoteExcerpt } from '../errors.js';
import { packageRoot } from '../paths.js';
import { parseScenario, withScenarioLines } from '../scenario/load.js';
import { requestMixOf, resolveScenario, type HourlyDemandProfile } from '../scenario/resolve.js';
import { parseHourlyProfileCsv } from '../demand/profile.js';
import { parseRequestMixCsv } from '../demand/request-mix.js';
import type { RequestMix } from '../demand/types.js';
import { createReplicaRate } from '../perf/replica.js';
import { createQueueFigures } from '../perf/queue-figures.js';
import { readProfileSet } from './measured-profiles.js';
import { parseCalibrationCsv } from '../calibrate/calibration-file.js';
import type { LoadedScenario } from '../scenario/loaded.js';
import type { Scenario } from '../scenario/schema.js';
import { catalogHash, readCatalog, sha256 } from './inputs.js';
import { readTraceFile } from './trace-input.js';
import { checkWindowRange, windowOverrides } from './flags.js';
import { traceDemand } from '../demand/trace-demand.js';
import { COMMITMENT_DISCOUNTS_FILE, parseCommitmentDiscountsCsv, type PublishedDiscount } from '../scenario/commitment-discounts.js';

const BUILTIN = 'builtin:';

/** The scenario `planner solve` plans when none is named. */
export const DEFAULT_SCENARIO = `${BUILTIN}scenarios/default.yaml`;

export interface LoadScenarioOptions {
  /** Directory a relative `path` is resolved against (default: the current directory). */
  cwd?: string;
  /** `path=value` overrides applied in order before validation (what `--set` passes). */
  set?: readonly string[];
  /** `--windows FROM..TO`: plan only these windows of the horizon (applied before `set`); beyond the horizon is refused. */
  windows?: string;
}

/**
 * Reads a scenario and everything it refers to (catalog, request mixes, demand profiles, measured replica
 * profiles), validates it, and resolves it into a planning input. `path` may be "builtin:scenarios/..." for
 * a scenario shipped in the package.
 */
export async function loadScenarioFile(path: string, options: LoadScenarioOptions = {}): Promise<LoadedScenario> {
  const absolute = locate(path, options.cwd ?? process.cwd());
  return loadScenarioAt(await readInput(absolute, path), path, absolute, options);
}

/**
 * A scenario whose text is at hand (a sweep job embeds it), read as if it were the file at `located`
 * (resolved against `options.cwd` like loadScenarioFile's path, or builtin:...): the files it names are
 * resolved against that file's folder. `shown` is how messages and the plan name it.
 */
export async function loadScenarioText(
  text: string,
  shown: string,
  located: string,
  options: LoadScenarioOptions = {},
): Promise<LoadedScenario> {
  return loadScenarioAt(text, shown, locate(located, options.cwd ?? process.cwd()), options);
}

async function loadScenarioAt(text: string, path: string, absolute: string, options: LoadScenarioOptions): Promise<LoadedScenario> {
  const overrides = [...(options.windows ? windowOverrides(options.windows) : []), ...(options.set ?? [])];
  const scenario = parseScenario(text, path, overrides);
  if (options.windows) checkWindowRange(options.windows, parseScenario(text, path, options.set ?? []).horizon, path);
  try {
    return await loadParsed(scenario, text, path, absolute, overrides);
  } catch (error) {
    // Cross-reference and referenced-file errors name a field of the scenario: give them its line too.
    throw withScenarioLines(error, path, text, overrides);
  }
}

async function loadParsed(scenario: Scenario, text: string, path: string, absolute: string, overrides: string[]): Promise<LoadedScenario> {
  const hash = createHash('sha256');
  hash.update(text).update(JSON.stringify(overrides));
  // Provenance (plan.json scenario.hashes): the scenario text, the catalog files, the data files, each apart.
  const data = createHash('sha256');
  const base = dirname(absolute);

  const catalogDir = locate(scenario.catalog, base);
  const catalog = await readCatalog(catalogDir);
  hash.update(`catalog:${relative(packageRoot(), catalogDir)}`);

  const requestMixes = new Map<string, RequestMix>();
  const profiles = new Map<string, HourlyDemandProfile>();
  const traces = new Map<string, ReturnType<typeof traceDemand>>();
  for (const [w, workload] of scenario.workloads.entries()) {
    const trace = workload.demand.trace;
    if (trace !== undefined && !traces.has(trace)) {
      const read = await readTraceFile(locate(trace, base), trace, { field: `workloads.${w}.demand.trace` });
      hash.update(`trace:${read.sha256}`);
      data.update(`trace:${trace}\n${read.sha256}\n`);
      traces.set(trace, traceDemand(read.analysis, trace));
    }
    if (workload.requestMix && 'file' in workload.requestMix && !requestMixes.has(workload.requestMix.file)) {
      const mixFile = locate(workload.requestMix.file, base);
      const mixText = await readInput(mixFile, workload.requestMix.file, { scenario: path, field: `workloads.${w}.requestMix.file` });
      hash.update(mixText);
      data.update(`mix:${workload.requestMix.file}\n`).update(mixText);
      requestMixes.set(workload.requestMix.file, parseRequestMixCsv(mixText, workload.requestMix.file));
    }
    const profile = workload.demand.profile;
    if (profile !== undefined && !profiles.has(profile)) {
      const profileFile = locate(profile, base);
      const profileText = await readInput(profileFile, profile, { scenario: path, field: `workloads.${w}.demand.profile` });
      hash.update(profileText);
      data.update(`profile:${profile}\n`).update(profileText);
      profiles.set(profile, parseHourlyProfileCsv(profileText, profile));
    }
  }
  const profilePaths = scenario.profiles === undefined ? [] : Array.isArray(scenario.profiles) ? scenario.profiles : [scenario.profiles];
  const { set: measuredProfiles, files: profileFiles } = readProfileSet(catalog, {
    catalogDir,
    catalogShown: scenario.catalog,
    paths: profilePaths.map((shown, i) => ({
      absolute: locate(shown, base),
      shown,
      field: Array.isArray(scenario.profiles) ? `profiles.${i}` : 'profiles',
    })),
  });
  // What was measured is part of the plan's input: a changed profile makes a plan stale.
  if (profileFiles.length) {
    const measured = `profiles:${JSON.stringify(profileFiles)}`;
    hash.update(measured);
    data.update(measured);
  }
  // calibration: FILE (planner calibrate's output): per-config rate factors, checked against the catalog.
  let calibration: Map<string, number> | undefined;
  if (scenario.calibration !== undefined) {
    const calibrationText = await readInput(locate(scenario.calibration, base), scenario.calibration, {
      scenario: path,
      field: 'calibration',
    });
    hash.update(calibrationText);
    data.update(`calibration:${scenario.calibration}\n`).update(calibrationText);
    calibration = parseCalibrationCsv(calibrationText, scenario.calibration, catalog);
  }
  // Offers with no price of their own take the published levels (models/commitment-discounts.csv): read them then.
  let commitmentDiscounts: PublishedDiscount[] | undefined;
  if ((scenario.commitments?.offers ?? []).some((offer) => offer.discount === undefined && offer.usdPerHour === undefined)) {
    const levelsText = await readInput(join(packageRoot(), COMMITMENT_DISCOUNTS_FILE), COMMITMENT_DISCOUNTS_FILE, {
      scenario: path,
      field: 'commitments.offers',
    });
    hash.update(levelsText);
    data.update(`commitment-discounts:${COMMITMENT_DISCOUNTS_FILE}\n`).update(levelsText);
    commitmentDiscounts = parseCommitmentDiscountsCsv(levelsText, COMMITMENT_DISCOUNTS_FILE);
  }
  const hashes = { scenario: sha256(text), catalog: await catalogHash(catalogDir), data: `sha256:${data.digest('hex')}` };
  const replicaRate = createReplicaRate({
    profiles: measuredProfiles.timings,
    rates: measuredProfiles.rates,
    ...(calibration ? { calibration } : {}),
  });
  // The queueing figures of simulate's estimate (its profiles, uncalibrated as there), for policies.interference.
  const queueFigures = createQueueFigures({ profiles: measuredProfiles.timings, rates: measuredProfiles.rates });
  const inputs = {
    catalog,
    requestMixes,
    profiles,
    traces,
    replicaRate,
    queueFigures,
    ...(commitmentDiscounts ? { commitmentDiscounts } : {}),
  };
  const input = resolveScenario(scenario, inputs, path);
  const mixes = scenario.workloads.map((workload, w) => requestMixOf(workload, inputs, path, w));
  const split = input.sizeClasses?.length ? demandUnits(scenario, inputs, path) : undefined;
  const units = split && {
    scenario: split.scenario,
    mixes: split.scenario.workloads.map((workload, w) => requestMixOf(workload, split.inputs, path, w)),
  };
  return {
    file: path,
    scenario,
    input,
    overrides,
    ...(units ? { units } : {}),
    hash: `sha256:${hash.digest('hex')}`,
    hashes,
    catalog,
    mixes,
    measuredProfiles,
    text,
  };
}

/** "builtin:x" is inside the installed package; anything else is relative to `base`. */
function locate(path: string, base: string): string {
  return path.startsWith(BUILTIN) ? builtinPath(path) : resolve(base, path);
}

/**
 * Reads the scenario, or a file it names (`from`: the scenario and the field naming it, so the error points
 * at that line of the scenario).
 */
async function readInput(absolute: string, shown: string, from?: { scenario: string; field: string }): Promise<string> {
  try {
    return await readFile(absolute, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const where = from ? { file: from.scenario, field: from.field } : { file: shown };
    const what = from ? `'${shown}' ` : '';
    if (code === 'EISDIR') {
      const inside = await readdir(absolute).catch(() => [] as string[]);
      const scenarios = inside.filter((name) => /\.(ya?ml|json)$/i.test(name)).sort();
      throw new InputError({
        ...where,
        message: `${what}is a directory: name a ${from ? 'file' : 'scenario file'}`,
        fix: scenarios.length
          ? `e.g. ${join(shown, scenarios[0]!)}${scenarios.length > 1 ? ` (it holds ${scenarios.slice(0, 5).join(', ')}${scenarios.length > 5 ? ', ...' : ''})` : ''}`
          : `give the path of a ${from ? 'CSV file' : 'YAML or JSON scenario file'}, not of a folder`,
      });
    }
    throw new InputError({
      ...where,
      message: code === 'ENOENT' ? `${what}file not found` : `${what}cannot read: ${(error as Error).message}`,
      fix:
        code === 'ENOENT'
          ? `check the path (relative paths are resolved against ${from ? "the scenario file's folder" : 'the current directory'}${from ? `: ${absolute}` : ''})`
          : 'check permissions',
    });
  }
}

/** builtin:NAME inside the package only: no absolute paths, no `..` out of it. */
export function builtinPath(path: string): string {
  const name = path.slice(BUILTIN.length);
  const root = packageRoot();
  const full = resolve(root, name);
  const inside = relative(root, full);
  if (name === '' || isAbsolute(name) || inside === '' || inside.startsWith('..') || isAbsolute(inside)) {
    throw new InputError({
      field: 'builtin:',
      message: `'${quoteExcerpt(path)}' is not a file of the package`,
      fix: "name one of the package's own files, e.g. builtin:models or builtin:traces/code-week-2024-hourly.csv",
    });
  }
  return full;
}
