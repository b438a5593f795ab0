/**
 * The throughput model (DESIGN.md section 4): what one replica of an llm on tp GPUs sustains under a TTFT
 * and TPOT SLO for a request mix. The pure parts (estimate, memory, mix, profiles, replica) need no file
 * system; `replicaRate` here uses the measured profiles shipped in models/profiles/.
 */
import type { Gpu, Llm } from '../catalog/types.js';
import type { RequestMix } from '../demand/types.js';
import { builtinProfiles } from './load-profiles.js';
import { replicaPerformance, type ReplicaOptions, type ReplicaPerformance, type Slo } from './replica.js';

export { MAX_BATCH, MEMORY_UTILISATION, GENERATION_EFFICIENCY, gpuGeneration } from './constants.js';
export { estimateDecodeStepMs, estimatePrefillMs, type EstimatorConstants } from './estimate.js';
export { kvBytesPerToken, memoryFit, tpSplitProblem, type MemoryFit } from './memory.js';
export { mixStats, type MixStats } from './mix.js';
export {
  configKey,
  interpolateProfile,
  parseMeasuredProfilesCsv,
  indexProfiles,
  type MeasuredProfile,
  type MeasuredProfiles,
} from './profiles.js';
export { builtinProfiles, readProfilesDir } from './load-profiles.js';
export {
  createReplicaRate,
  replicaPerformance,
  type BatchLimit,
  type PerfSource,
  type ReplicaOptions,
  type ReplicaPerformance,
  type ReplicaRate,
  type Slo,
} from './replica.js';

/** replicaPerformance with the built-in measured profiles unless `options.profiles` is given. */
export function replicaPerformanceWithBuiltins(
  llm: Llm,
  gpu: Gpu,
  tp: number,
  slo: Slo,
  mix: RequestMix,
  options: ReplicaOptions = {},
): ReplicaPerformance {
  return replicaPerformance(llm, gpu, tp, slo, mix, { ...options, profiles: options.profiles ?? builtinProfiles() });
}

/**
 * Max requests/s one replica sustains under the SLO for the mix, 0 when it does not fit or cannot meet the
 * SLO: the `replicaRate` callback of src/scenario/resolve.ts, with the built-in measured profiles and no
 * calibration (use createReplicaRate for calibration factors or other profiles).
 */
export function replicaRate(llm: Llm, gpu: Gpu, tp: number, slo: Slo, mix: RequestMix): number {
  return replicaPerformance(llm, gpu, tp, slo, mix, { profiles: builtinProfiles() }).maxRequestsPerSec;
}
