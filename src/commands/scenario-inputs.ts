import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import type { PlanningInput } from '../capacity/types.js';
import { InputError } from '../errors.js';
import { packageRoot } from '../paths.js';
import { parseScenario } from '../scenario/load.js';
import { requestMixOf, resolveScenario, type HourlyDemandProfile } from '../scenario/resolve.js';
import type { Catalog } from '../catalog/types.js';
import type { Scenario } from '../scenario/schema.js';
import type { RequestMix } from '../demand/types.js';
import { readCatalog } from './inputs.js';
import type { CliIo } from './io.js';
import { demandProfileFromText, requestMixFromText, replicaRate } from './scenario-data.js';

export interface LoadedScenario {
  /** As the user named it (or "builtin:scenarios/default.yaml"). */
  file: string;
  scenario: Scenario;
  input: PlanningInput;
  /** sha256 over the scenario text, the overrides and every file it refers to. */
  hash: string;
  catalog: Catalog;
  /** Each workload's request mix, in scenario order. */
  mixes: RequestMix[];
  /** The scenario file's text before overrides (sweep re-validates it under each grid value). */
  text: string;
}

const BUILTIN = 'builtin:';

/** Reads a scenario and everything it refers to, validates it, and resolves it into a planning input. */
export async function loadScenarioFile(path: string | undefined, overrides: readonly string[], io: CliIo): Promise<LoadedScenario> {
  const file = path ?? `${BUILTIN}scenarios/default.yaml`;
  const absolute = locate(file, io.cwd);
  const hash = createHash('sha256');
  const text = await readInput(absolute, file);
  hash.update(text).update(JSON.stringify(overrides));
  const scenario = parseScenario(text, file, overrides);
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
      requestMixes.set(workload.requestMix.file, requestMixFromText(mixText, workload.requestMix.file));
    }
    const profile = workload.demand.profile;
    if (profile !== undefined && !profiles.has(profile)) {
      const profileFile = locate(profile, base);
      const profileText = await readInput(profileFile, profile, `workloads.${w}.demand.profile`);
      hash.update(profileText);
      profiles.set(profile, demandProfileFromText(profileText, profile));
    }
  }
  const input = resolveScenario(scenario, { catalog, requestMixes, profiles, replicaRate }, file);
  const mixes = scenario.workloads.map((workload, w) =>
    requestMixOf(workload.requestMix, { catalog, requestMixes, profiles, replicaRate }, file, w),
  );
  return { file, scenario, input, hash: `sha256:${hash.digest('hex')}`, catalog, mixes, text };
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

/** `--windows 24..47` -> overrides that move the horizon start and length (window indices, inclusive). */
export function windowOverrides(range: string): string[] {
  const match = /^(\d+)\.\.(\d+)$/.exec(range.trim());
  if (!match || Number(match[2]) < Number(match[1])) {
    throw new InputError({ field: '--windows', message: `'${range}' is not FROM..TO`, fix: 'e.g. --windows 0..23 for the first day' });
  }
  return [`horizon.skipWindows=${match[1]}`, `horizon.windows=${Number(match[2]) - Number(match[1]) + 1}`];
}

/** `--max-unmet 0`, `--max-unmet 500` (requests) or `--max-unmet 0.1%` (of all requests). */
export function parseMaxUnmet(text: string): { text: string; exceeded: (unmet: number, total: number) => boolean } {
  const percent = /^(\d+(?:\.\d+)?)%$/.exec(text.trim());
  if (percent) return { text, exceeded: (unmet, total) => unmet > (Number(percent[1]) / 100) * total };
  const count = Number(text);
  if (!Number.isFinite(count) || count < 0)
    throw new InputError({
      field: '--max-unmet',
      message: `'${text}' is not a request count or a percentage`,
      fix: 'e.g. --max-unmet 0 or --max-unmet 0.1%',
    });
  return { text, exceeded: (unmet) => unmet > count };
}
