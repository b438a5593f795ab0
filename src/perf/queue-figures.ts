import type { QueueFigures } from '../capacity/types.js';
import type { Gpu, Llm } from '../catalog/types.js';
import type { RequestMix } from '../demand/types.js';
import { replicaPerformance, type ReplicaOptions, type Slo } from './replica.js';

/** One replica's queueing figures for a workload's SLO and mix; undefined when the replica cannot meet the SLO. */
export type QueueFiguresOf = (
  llm: Llm,
  gpu: Gpu,
  tp: number,
  slo: Slo,
  mix: RequestMix,
) => Omit<QueueFigures, 'requestsPerSec'> | undefined;

/**
 * The figures simulate's queueing estimate reads (src/simulate/queueing.ts queueProfiles builds the same from
 * the same model), for policies.interference: pass the options of the measured profiles the estimate uses.
 */
export function createQueueFigures(options: ReplicaOptions = {}): QueueFiguresOf {
  return (llm, gpu, tp, slo, mix) => {
    const perf = replicaPerformance(llm, gpu, tp, slo, mix, options);
    if (!perf.meetsSlo || perf.prefillMs === null || perf.prefillSquaredMs2 === null || perf.decodeStepMs === null || perf.tpotMs === null)
      return undefined;
    return {
      prefillMs: perf.prefillMs,
      prefillSquaredMs2: perf.prefillSquaredMs2,
      decodeStepMs: perf.decodeStepMs,
      ttftSloMs: slo.ttftMs,
      tpotSloMs: slo.tpotMs,
      tpotAtSloRateMs: perf.tpotMs,
      // The model's own rate (before calibration), whose load the TPOT above is at.
      prefillUtilisationAtSloRate: ((perf.maxRequestsPerSec / perf.calibration) * perf.prefillMs) / 1000,
    };
  };
}
