import type { PlanningInput } from '../capacity/types.js';
import type { Catalog } from '../catalog/types.js';
import type { RequestMix } from '../demand/types.js';
import type { ProfileSet } from '../perf/profile-set.js';
import type { Scenario } from './schema.js';

/** sha256 ("sha256:<hex>") of a plan's inputs, each kind apart, so a stale plan can say what changed. */
export interface InputHashes {
  /** The scenario file's text as read (before overrides, which plan.json lists apart). */
  scenario: string;
  /** The catalog folder's files. */
  catalog: string;
  /** The data files the scenario names: request mixes, demand profiles, measured profiles beyond the built-in. */
  data: string;
}

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
  /** sha256 of each kind of input apart (what plan.json records as scenario.hashes, and validate compares). */
  hashes: InputHashes;
  catalog: Catalog;
  /** Each workload's request mix, in scenario order. */
  mixes: RequestMix[];
  /**
   * With size classes: the planning units (each class a workload `<id>#<c>`) and their mixes, in the order
   * of input.workloads; absent when no workload is split (the scenario's workloads are the units).
   */
  units?: { scenario: Scenario; mixes: RequestMix[] };
  /** The measured profiles (timing tables and rates) the throughput model used (read once, passed to simulate). */
  measuredProfiles: ProfileSet;
  /** The scenario file's text before overrides (sweep re-validates it under each grid value). */
  text: string;
}
