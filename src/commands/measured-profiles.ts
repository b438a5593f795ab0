import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Catalog, Gpu, Llm } from '../catalog/types.js';
import type { RequestMix } from '../demand/types.js';
import { InputError } from '../errors.js';
import { packageRoot } from '../paths.js';
import { indexProfiles, type MeasuredProfiles } from '../perf/profiles.js';
import { replicaPerformance, type Slo } from '../perf/replica.js';
import { buildProfileSet, parseProfileFile, type ProfileFile, type ProfileLayer, type ProfileSet } from '../perf/profile-set.js';

/**
 * Reading measured profiles: the built-in models/profiles/, a catalog folder's profiles/, and a scenario's
 * `profiles:` (files or folders). Synchronous because the tables are small and are read once per command.
 */

export interface ProfilePath {
  /** Absolute path of a file or folder. */
  absolute: string;
  /** As the user wrote it (for messages). */
  shown: string;
  /** The scenario field that named it, if any. */
  field?: string;
}

/** Every *.csv of a folder (sorted by name), or the one file. */
export function readProfilePath(path: ProfilePath): ProfileFile[] {
  let isDir: boolean;
  try {
    isDir = statSync(path.absolute).isDirectory();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError({
      file: path.shown,
      ...(path.field ? { field: path.field } : {}),
      message: code === 'ENOENT' ? 'profile file or folder not found' : `cannot read: ${(error as Error).message}`,
      fix: "check the path (relative paths are resolved against the scenario file's folder)",
    });
  }
  const files = isDir
    ? readdirSync(path.absolute)
        .filter((name) => name.endsWith('.csv'))
        .sort()
        .map((name) => ({ absolute: join(path.absolute, name), shown: join(path.shown, name) }))
    : [{ absolute: path.absolute, shown: path.shown }];
  return files.map((f) => parseProfileFile(readFileSync(f.absolute, 'utf8'), f.shown));
}

const builtinDir = () => join(packageRoot(), 'models', 'profiles');
let builtin: ProfileFile[] | undefined;

/** The measured profiles shipped in models/profiles/ (read once per process). */
export function builtinProfileFiles(): ProfileFile[] {
  builtin ??= readProfilePath({ absolute: builtinDir(), shown: relative(packageRoot(), builtinDir()) });
  return builtin;
}

export interface ProfileSources {
  /** The catalog folder (absolute) and how it was named; its profiles/ folder, if any, is a layer. */
  catalogDir: string;
  catalogShown: string;
  /** The scenario's `profiles:` entries, in order. */
  paths?: readonly ProfilePath[];
}

/**
 * The profile set for a catalog: the built-in profiles (strictly checked only when the catalog is the
 * built-in one; under another catalog the configs it lacks are left out), the catalog folder's profiles/,
 * then each of `paths`; later layers win per config and form. Returns the set and the texts' files, in
 * order, for the scenario hash.
 */
export function readProfileSet(catalog: Catalog, sources: ProfileSources): { set: ProfileSet; files: ProfileFile[] } {
  const builtinCatalog = sources.catalogDir === join(packageRoot(), 'models');
  const layers: ProfileLayer[] = [{ name: 'built-in', files: builtinProfileFiles(), strict: builtinCatalog }];
  if (!builtinCatalog) {
    const dir = join(sources.catalogDir, 'profiles');
    if (isDirectory(dir))
      layers.push({
        name: `catalog ${sources.catalogShown}`,
        files: readProfilePath({ absolute: dir, shown: join(sources.catalogShown, 'profiles') }),
        strict: true,
      });
  }
  for (const path of sources.paths ?? []) layers.push({ name: `scenario ${path.shown}`, files: readProfilePath(path), strict: true });
  return { set: buildProfileSet(layers, catalog), files: layers.slice(1).flatMap((l) => l.files) };
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

let builtinTimings: MeasuredProfiles | undefined;

/** The built-in timing tables by config key (indexed once per process). */
export function builtinProfiles(): MeasuredProfiles {
  builtinTimings ??= indexProfiles(builtinProfileFiles().flatMap((f) => f.timings));
  return builtinTimings;
}

/**
 * Max requests/s one replica sustains under the SLO for the mix with the built-in timing tables and no
 * calibration, 0 when it does not fit.
 */
export function replicaRate(llm: Llm, gpu: Gpu, tp: number, slo: Slo, mix: RequestMix): number {
  return replicaPerformance(llm, gpu, tp, slo, mix, { profiles: builtinProfiles() }).maxRequestsPerSec;
}
