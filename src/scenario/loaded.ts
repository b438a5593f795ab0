import type { PlanningInput } from '../capacity/types.js';
import type { Catalog } from '../catalog/types.js';
import type { RequestMix } from '../demand/types.js';
import type { ProfileSet } from '../perf/profile-set.js';
import type { Scenario } from './schema.js';

/** A scenario with everything it refers to read, validated and resolved: what the library functions take. */
export interface LoadedScenario {
  /** As the user named it (or "builtin:scenarios/default.yaml"). */
  file: string;
  scenario: Scenario;
  input: PlanningInput;
  /** The `--set path=value` overrides applied, in order (plan.json records them). */
  overrides: string[];
  /** sha256 over the scenario text, the overrides and every file it refers to. */
  hash: string;
  catalog: Catalog;
  /** Each workload's request mix, in scenario order. */
  mixes: RequestMix[];
  /** The measured profiles (timing tables and rates) the throughput model used (read once, passed to simulate). */
  measuredProfiles: ProfileSet;
  /** The scenario file's text before overrides (sweep re-validates it under each grid value). */
  text: string;
}
