import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { packageRoot } from '../paths.js';
import { indexProfiles, parseMeasuredProfilesCsv, type MeasuredProfiles } from '../perf/profiles.js';
import type { Gpu, Llm } from '../catalog/types.js';
import type { RequestMix } from '../demand/types.js';
import { replicaPerformance, type Slo } from '../perf/replica.js';

/**
 * Reads every *.csv in a profiles folder (sorted by name) into one index. Synchronous because the tables
 * are a few kB and are read once per command.
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

/** The measured profiles shipped in models/profiles/ (read once per process). */
export function builtinProfiles(): MeasuredProfiles {
  builtin ??= readProfilesDir(join(packageRoot(), 'models', 'profiles'));
  return builtin;
}

/**
 * Max requests/s one replica sustains under the SLO for the mix with the built-in measured profiles and no
 * calibration, 0 when it does not fit: the `replicaRate` callback of src/scenario/resolve.ts.
 */
export function replicaRate(llm: Llm, gpu: Gpu, tp: number, slo: Slo, mix: RequestMix): number {
  return replicaPerformance(llm, gpu, tp, slo, mix, { profiles: builtinProfiles() }).maxRequestsPerSec;
}
