/**
 * The throughput model (DESIGN.md section 4): what one replica of an llm on tp GPUs sustains under a TTFT
 * and TPOT SLO for a request mix. No file system: the measured profiles are passed in (the commands read
 * models/profiles/, src/commands/measured-profiles.ts).
 */

export { MAX_BATCH, MEMORY_UTILISATION, GENERATION_EFFICIENCY, STACK_CONSTANTS, gpuGeneration } from './constants.js';
export { estimateDecodeStepMs, estimatePrefillMs, type EstimatorConstants } from './estimate.js';
export { estimateBatchLatencyMs } from './batch-latency.js';
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
export {
  compareProfiles,
  errorStats,
  DEFAULT_COMPARISON_PROBES,
  type CatalogLookups,
  type CompareOptions,
  type ComparisonProbe,
  type ComparisonReport,
  type ConfigComparison,
  type ErrorStats,
  type PointComparison,
  type RateComparison,
} from './compare.js';
