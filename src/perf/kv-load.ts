import type { Gpu, Llm } from '../catalog/types.js';
import type { RequestMix } from '../demand/types.js';
import { memoryFit } from './memory.js';
import { mixBuckets } from './mix.js';
import type { Slo } from './replica.js';

const GIB = 2 ** 30;

/**
 * The figures of the load-dependent KV-memory row (policies.kvMemory: load) for one replica of an llm on tp
 * GPUs: the KV cache it can hold, and what a load of one request/s of a mix holds there.
 *
 * By Little's law a load of lambda requests/s keeps lambda x residency requests in the replica, each holding
 * its KV cache (input + output tokens x KV bytes per token, reserved for the whole request, as the batch
 * model reserves it). Per size bucket b: share_b x (input_b + output_b) x residency_b. The residency is the
 * workload's kvResidencySeconds when given, else the longest the SLO lets a request of b stay:
 * TTFT + (output_b - 1) x TPOT.
 */
export interface KvLoad {
  /** (GPU memory x utilisation - weights / tp) x tp, GiB; the 10% outside the utilisation is the activation reserve. */
  freeGib: number;
  /** GiB held per request/s of load. */
  gibPerRequestPerSec: number;
}

export function kvLoad(llm: Llm, gpu: Gpu, tp: number, slo: Slo, mix: RequestMix, residencySeconds?: number): KvLoad {
  // Any request length gives the same per-GPU figures; fit is judged elsewhere (the rate is 0 when it fails).
  const memory = memoryFit(llm, gpu, tp, 1);
  const freeGib = Math.max(0, memory.usableGibPerGpu - memory.weightsGibPerGpu) * tp;
  const bytesPerToken = memory.kvBytesPerTokenPerGpu * tp;
  let tokenSeconds = 0;
  for (const bucket of mixBuckets(mix)) {
    const residency = residencySeconds ?? (slo.ttftMs + (bucket.outputTokens - 1) * slo.tpotMs) / 1000;
    tokenSeconds += bucket.share * (bucket.inputTokens + bucket.outputTokens) * residency;
  }
  return { freeGib, gibPerRequestPerSec: (tokenSeconds * bytesPerToken) / GIB };
}
