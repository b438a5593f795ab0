import type { RequestMix, RequestSizeBucket } from '../demand/types.js';
import { maxOf } from '../extremes.js';

/**
 * What the perf model needs from a request mix. A mix is served by one replica as a stream of requests of
 * the bucket sizes in proportion to their shares; two different averages matter:
 *
 * - per request (weighted by share): prefill time, output tokens, anything counted once per request;
 * - per occupied batch slot (weighted by share x decode steps): what a running batch looks like. A request
 *   stays in the batch for its (outputTokens - 1) decode steps, so long-output requests are over-represented
 *   in the batch compared with their share of arrivals. KV memory and KV reads per step use this weighting.
 */
export interface MixStats {
  buckets: readonly RequestSizeBucket[];
  /** Per request: mean decode steps (output tokens after the first, which prefill produces). */
  meanDecodeSteps: number;
  meanOutputTokens: number;
  /** Per occupied slot: mean input tokens (the measured tables' prompt axis). */
  slotInputTokens: number;
  /** Per occupied slot: mean context over a request's decode (input + half its output). */
  slotContextTokens: number;
  /** Per occupied slot: mean final length (input + output); KV memory is reserved for the whole request. */
  slotFinalTokens: number;
  /** The largest request (input + output) of the mix: one of it must fit in memory. */
  largestRequestTokens: number;
}

/** Buckets of a mix (a single bucket of the means when it has none), zero shares dropped, shares normalised. */
export function mixBuckets(mix: RequestMix): RequestSizeBucket[] {
  const raw =
    mix.buckets && mix.buckets.length > 0
      ? mix.buckets
      : [{ inputTokens: mix.meanInputTokens, outputTokens: mix.meanOutputTokens, share: 1 }];
  const kept = raw.filter((b) => b.share > 0);
  const total = kept.reduce((sum, b) => sum + b.share, 0);
  if (kept.length === 0 || !(total > 0)) throw new RangeError('request mix has no bucket with a positive share');
  return kept.map((b) => ({ inputTokens: Math.max(1, b.inputTokens), outputTokens: Math.max(1, b.outputTokens), share: b.share / total }));
}

export function mixStats(mix: RequestMix): MixStats {
  const buckets = mixBuckets(mix);
  const perRequest = (f: (b: RequestSizeBucket) => number) => buckets.reduce((sum, b) => sum + b.share * f(b), 0);
  const steps = (b: RequestSizeBucket) => b.outputTokens - 1;
  const meanDecodeSteps = perRequest(steps);
  // Slot weights; a mix of single-token outputs never decodes, so fall back to the shares.
  const slotWeight =
    meanDecodeSteps > 0 ? (b: RequestSizeBucket) => (b.share * steps(b)) / meanDecodeSteps : (b: RequestSizeBucket) => b.share;
  const perSlot = (f: (b: RequestSizeBucket) => number) => buckets.reduce((sum, b) => sum + slotWeight(b) * f(b), 0);
  return {
    buckets,
    meanDecodeSteps,
    meanOutputTokens: perRequest((b) => b.outputTokens),
    slotInputTokens: perSlot((b) => b.inputTokens),
    slotContextTokens: perSlot((b) => b.inputTokens + b.outputTokens / 2),
    slotFinalTokens: perSlot((b) => b.inputTokens + b.outputTokens),
    largestRequestTokens: maxOf(buckets.map((b) => b.inputTokens + b.outputTokens)),
  };
}
