import type { InputSizeClasses, Plan, PlanningInput } from './types.js';

/** One size class in plan.json: its sizes, share of the workload's requests, and where its requests went. */
export interface PlanSizeClass {
  unit: string;
  share: number;
  inputTokens: [number, number];
  outputTokens: [number, number];
  /** Share of the class's served requests per GPU type (summed over windows), largest first. */
  gpuShares: { gpu: string; share: number }[];
}

export interface PlanSizeClasses {
  workload: string;
  classes: PlanSizeClass[];
}

const round = (value: number, digits = 4) => Math.round(value * 10 ** digits) / 10 ** digits;

/** Which GPU types served each size class of each split workload (from the plan's routes). */
export function summariseSizeClasses(
  input: Pick<PlanningInput, 'skus'>,
  plan: Plan,
  split: readonly InputSizeClasses[],
): PlanSizeClasses[] {
  const gpuOf = new Map(input.skus.map((s) => [s.sku, s.gpu]));
  const served = new Map<string, Map<string, number>>();
  for (const window of plan.windows)
    for (const route of window.routes) {
      const byGpu = served.get(route.workload) ?? new Map<string, number>();
      const gpu = gpuOf.get(route.sku) ?? route.sku;
      byGpu.set(gpu, (byGpu.get(gpu) ?? 0) + route.requestsPerSec * window.hours);
      served.set(route.workload, byGpu);
    }
  return split.map((w) => ({
    workload: w.workload,
    classes: w.classes.map((c) => {
      const byGpu = [...(served.get(c.unit) ?? new Map<string, number>())];
      const total = byGpu.reduce((sum, [, v]) => sum + v, 0);
      return {
        unit: c.unit,
        share: round(c.share, 6),
        inputTokens: [round(c.inputTokens[0], 2), round(c.inputTokens[1], 2)],
        outputTokens: [round(c.outputTokens[0], 2), round(c.outputTokens[1], 2)],
        gpuShares: byGpu
          .filter(([, v]) => v > 0)
          .map(([gpu, v]) => ({ gpu, share: round(v / total) }))
          .sort((a, b) => b.share - a.share || (a.gpu < b.gpu ? -1 : 1)),
      };
    }),
  }));
}

/** "conv#1 (in 161-982, out 14-180, 55%): H100-NVL-94GB 62%, A100-80GB 38%" per class. */
export function sizeClassLines(summary: readonly PlanSizeClasses[]): string[] {
  const pct = (x: number) => `${(100 * x).toFixed(x < 0.1 ? 1 : 0)}%`;
  const span = ([a, b]: [number, number]) => (Math.round(a) === Math.round(b) ? `${Math.round(a)}` : `${Math.round(a)}-${Math.round(b)}`);
  return summary.flatMap((w) =>
    w.classes.map(
      (c) =>
        `${c.unit} (input ${span(c.inputTokens)}, output ${span(c.outputTokens)} tokens, ${pct(c.share)} of requests): ${
          c.gpuShares.length ? c.gpuShares.map((g) => `${g.gpu} ${pct(g.share)}`).join(', ') : 'not served'
        }`,
    ),
  );
}
