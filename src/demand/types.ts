/**
 * Request sizes of a workload: what one request costs to serve. The perf model turns a mix into a
 * sustainable request rate per replica; demand windowing produces it from traces.
 */
export interface RequestSizeBucket {
  inputTokens: number; // representative (mean) prompt tokens of the bucket
  outputTokens: number; // representative (mean) generated tokens of the bucket
  share: number; // fraction of requests in the bucket; shares sum to 1
}

export interface RequestMix {
  meanInputTokens: number;
  meanOutputTokens: number;
  /** Optional histogram of request sizes (Mélange-style buckets); means alone when absent. */
  buckets?: readonly RequestSizeBucket[];
}
