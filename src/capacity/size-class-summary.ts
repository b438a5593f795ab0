import type { InputSizeClasses, Plan, PlanningInput } from './types.js';

/** One size class in plan.json: its sizes, share of the workload's requests, and where its requests went. */
export interface PlanSizeClass {
  unit: string;
  share: number;
  inputTokens: [number, number];
  outputTokens: [number, number];
  /** Requests of the class served and left unmet over the horizon (absent in plans written before them). */
  servedRequests?: number;
  unmetRequests?: number;
  /** Share of the class's served requests per GPU type (summed over windows), largest first. */
  gpuShares: GpuShare[];
}

export interface GpuShare {
  gpu: string;
  share: number;
}

/** A split workload: its classes, and the workload's own figures summed over them. */
export interface PlanSizeClasses {
  workload: string;
  /** The workload's requests served and unmet, all classes (absent in plans written before them). */
  servedRequests?: number;
  unmetRequests?: number;
  /** Share of the workload's served requests (all classes) per GPU type, largest first. */
  gpuShares?: GpuShare[];
  classes: PlanSizeClass[];
}

const round = (value: number, digits = 4) => Math.round(value * 10 ** digits) / 10 ** digits;

/** Which GPU types served each size class of each split workload, and each class's and workload's requests (from the plan's routes). */
export function summariseSizeClasses(
  input: Pick<PlanningInput, 'skus'>,
  plan: Plan,
  split: readonly InputSizeClasses[],
): PlanSizeClasses[] {
  const gpuOf = new Map(input.skus.map((s) => [s.sku, s.gpu]));
  const served = new Map<string, Map<string, number>>();
  const unmet = new Map<string, number>();
  for (const window of plan.windows) {
    for (const route of window.routes) {
      const byGpu = served.get(route.workload) ?? new Map<string, number>();
      const gpu = gpuOf.get(route.sku) ?? route.sku;
      byGpu.set(gpu, (byGpu.get(gpu) ?? 0) + route.requestsPerSec * window.hours);
      served.set(route.workload, byGpu);
    }
    for (const entry of window.unmet) unmet.set(entry.workload, (unmet.get(entry.workload) ?? 0) + entry.requestsPerSec * window.hours);
  }
  return split.map((w) => {
    const units = w.classes.map((c) => c.unit);
    const all = new Map<string, number>();
    for (const unit of units) for (const [gpu, v] of served.get(unit) ?? []) all.set(gpu, (all.get(gpu) ?? 0) + v);
    return {
      workload: w.workload,
      ...requestFigures(
        all,
        units.reduce((sum, unit) => sum + (unmet.get(unit) ?? 0), 0),
      ),
      classes: w.classes.map((c) => ({
        unit: c.unit,
        share: round(c.share, 6),
        inputTokens: [round(c.inputTokens[0], 2), round(c.inputTokens[1], 2)],
        outputTokens: [round(c.outputTokens[0], 2), round(c.outputTokens[1], 2)],
        ...requestFigures(served.get(c.unit) ?? new Map(), unmet.get(c.unit) ?? 0),
      })),
    };
  });
}

/** Requests served and unmet (from requests/s x hours) and the served requests' share per GPU type. */
function requestFigures(
  byGpu: ReadonlyMap<string, number>,
  unmetRateHours: number,
): { servedRequests: number; unmetRequests: number; gpuShares: GpuShare[] } {
  const entries = [...byGpu];
  const total = entries.reduce((sum, [, v]) => sum + v, 0);
  return {
    servedRequests: Math.round(total * 3600),
    unmetRequests: Math.round(unmetRateHours * 3600),
    gpuShares: entries
      .filter(([, v]) => v > 0)
      .map(([gpu, v]) => ({ gpu, share: round(v / total) }))
      .sort((a, b) => b.share - a.share || (a.gpu < b.gpu ? -1 : 1)),
  };
}

/** "conv#1 (in 161-982, out 14-180, 55%): H100-NVL-94GB 62%, A100-80GB 38%" per class. */
export function sizeClassLines(summary: readonly PlanSizeClasses[]): string[] {
  const pct = (x: number) => `${(100 * x).toFixed(x < 0.1 ? 1 : 0)}%`;
  const span = ([a, b]: [number, number]) => (Math.round(a) === Math.round(b) ? `${Math.round(a)}` : `${Math.round(a)}-${Math.round(b)}`);
  const gpus = (shares: readonly GpuShare[]) => (shares.length ? shares.map((g) => `${g.gpu} ${pct(g.share)}`).join(', ') : 'not served');
  const unmet = (n: number) => (n > 0 ? `, ${n.toLocaleString('en-US')} unmet` : '');
  return summary.flatMap((w) => [
    // Plans written before the workload figures have none: their class lines only.
    ...(w.servedRequests === undefined
      ? []
      : [
          `${w.workload} (all classes, ${w.servedRequests.toLocaleString('en-US')} requests served${unmet(w.unmetRequests ?? 0)}): ${gpus(w.gpuShares ?? [])}`,
        ]),
    ...w.classes.map(
      (c) =>
        `${c.unit} (input ${span(c.inputTokens)}, output ${span(c.outputTokens)} tokens, ${pct(c.share)} of requests${unmet(c.unmetRequests ?? 0)}): ${gpus(c.gpuShares)}`,
    ),
  ]);
}
