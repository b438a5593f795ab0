import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { packageRoot } from '../paths.js';
import { indexProfiles, parseMeasuredProfilesCsv, type MeasuredProfiles } from './profiles.js';

/**
 * The only file-system code in src/perf: reads every *.csv in a profiles folder (sorted by name) into one
 * index. Synchronous because replicaRate is a synchronous callback; the tables are a few kB.
 */
export function readProfilesDir(dir: string, displayRoot = packageRoot()): MeasuredProfiles {
  const files = readdirSync(dir)
    .filter((name) => name.endsWith('.csv'))
    .sort();
  return indexProfiles(
    files.flatMap((name) =>
      parseMeasuredProfilesCsv(readFileSync(join(dir, name), 'utf8'), relative(displayRoot, join(dir, name)) || name),
    ),
  );
}

let builtin: MeasuredProfiles | undefined;

/** The measured profiles shipped in models/profiles/ (read once). */
export function builtinProfiles(): MeasuredProfiles {
  builtin ??= readProfilesDir(join(packageRoot(), 'models', 'profiles'));
  return builtin;
}
