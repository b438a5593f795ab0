import { LinearExpr, Problem, type Program } from '../src/lp/index.js';

/**
 * Synthetic capacity-planning programs in the shape of research/solvers.md section 1 (made-up but
 * plausible numbers): integer replicas per (llm, gpu, tp, region, hour), routing within a latency bound,
 * unmet-demand slack, GPU availability caps and a minimum of two replicas per llm and hour.
 * Deterministic: the same dimensions give the same program.
 */
export interface ShapeDimensions {
  llms: number;
  regions: number;
  gpus: number;
  hours: number;
}

const LLMS = [
  { weightsGb: 16, activeB: 8, demand: 40, maxLatencyMs: 100 },
  { weightsGb: 140, activeB: 70, demand: 12, maxLatencyMs: 150 },
  { weightsGb: 94, activeB: 13, demand: 18, maxLatencyMs: 120 },
  { weightsGb: 405, activeB: 405, demand: 3, maxLatencyMs: 250 },
  { weightsGb: 64, activeB: 32, demand: 10, maxLatencyMs: 150 },
  { weightsGb: 54, activeB: 27, demand: 8, maxLatencyMs: 150 },
  { weightsGb: 671, activeB: 37, demand: 4, maxLatencyMs: 250 },
  { weightsGb: 14, activeB: 7, demand: 30, maxLatencyMs: 100 },
];
const GPUS = [
  { memoryGb: 80, usdPerHour: 2.4, perf: 1 },
  { memoryGb: 48, usdPerHour: 1.5, perf: 0.6 },
  { memoryGb: 80, usdPerHour: 4.0, perf: 2.2 },
  { memoryGb: 141, usdPerHour: 5.2, perf: 2.6 },
  { memoryGb: 192, usdPerHour: 8.5, perf: 4.5 },
  { memoryGb: 192, usdPerHour: 3.8, perf: 2.1 },
];
const TPS = [1, 2, 4, 8];

function jitter(...keys: number[]): number {
  let hash = 2166136261;
  for (const key of keys) hash = Math.imul(hash ^ (key + 0x9e3779b9), 16777619) >>> 0;
  return (hash % 10_000) / 10_000;
}

export function buildCapacityShaped(dims: ShapeDimensions): Program {
  const problem = new Problem();
  const llms = LLMS.slice(0, dims.llms);
  const gpus = GPUS.slice(0, dims.gpus);
  const regions = Array.from({ length: dims.regions }, (_, r) => ({ multiplier: 1 + 0.05 * r, timezone: -5 - 2 * r }));
  const latencyMs = (a: number, b: number) => (a === b ? 5 : 40 + 25 * Math.abs(a - b));

  for (let t = 0; t < dims.hours; t++) {
    const capacity = llms.map(() => regions.map(() => new LinearExpr()));
    const available = gpus.map(() => regions.map(() => new LinearExpr()));
    const replicasOfLlm = llms.map(() => new LinearExpr());
    for (const [m, llm] of llms.entries()) {
      for (const [g, gpu] of gpus.entries()) {
        for (const tp of TPS) {
          if (tp * gpu.memoryGb * 0.9 < 1.25 * llm.weightsGb) continue;
          const spare = (tp * gpu.memoryGb * 0.9) / (1.25 * llm.weightsGb);
          const kTokensPerSec = (14 * gpu.perf * tp ** 0.85 * Math.min(2, spare)) / Math.sqrt(llm.activeB);
          for (const [r, region] of regions.entries()) {
            const price = gpu.usdPerHour * region.multiplier * (0.95 + 0.1 * jitter(g, r));
            const replicas = problem.addVariable({
              label: `replicas[m${m},g${g},tp${tp},r${r},t${t}]`,
              type: 'integer',
              upper: Math.floor(64 / tp),
              objective: price * tp,
            });
            capacity[m]![r]!.add(replicas, 0.85 * kTokensPerSec);
            available[g]![r]!.add(replicas, tp);
            replicasOfLlm[m]!.add(replicas, 1);
          }
        }
      }
      for (const [source, sourceRegion] of regions.entries()) {
        const localHour = (t + sourceRegion.timezone + 24 * 7) % 24;
        const daily = 0.55 + 0.45 * Math.sin(((localHour - 8) / 24) * 2 * Math.PI);
        const weekend = Math.floor(t / 24) % 7 >= 5 ? 0.7 : 1;
        const demand = llm.demand * daily * weekend * (0.9 + 0.2 * jitter(m, source, t));
        const routed = new LinearExpr();
        for (let serving = 0; serving < regions.length; serving++) {
          const latency = latencyMs(source, serving);
          if (latency > llm.maxLatencyMs) continue;
          const route = problem.addVariable({ label: `route[m${m},${source}->${serving},t${t}]`, objective: 5e-4 * latency });
          routed.add(route, 1);
          capacity[m]![serving]!.add(route, -1);
        }
        const unmet = problem.addVariable({ label: `unmet[m${m},r${source},t${t}]`, objective: 500 });
        routed.add(unmet, 1);
        problem.addConstraint(`demand[m${m},r${source},t${t}]`, routed, '=', demand);
      }
      for (let r = 0; r < regions.length; r++) problem.addConstraint(`capacity[m${m},r${r},t${t}]`, capacity[m]![r]!, '>=', 0);
      problem.addConstraint(`availability[m${m},t${t}]`, replicasOfLlm[m]!, '>=', 2);
    }
    for (let g = 0; g < gpus.length; g++) {
      for (let r = 0; r < regions.length; r++) {
        const hourOfDay = (t + regions[r]!.timezone + 24 * 7) % 24;
        const gpusAvailable = Math.floor(48 * (1 - 0.15 * Math.max(0, Math.sin(((hourOfDay - 8) / 24) * 2 * Math.PI))));
        problem.addConstraint(`gpus[g${g},r${r},t${t}]`, available[g]![r]!, '<=', gpusAvailable);
      }
    }
  }
  return problem.compile();
}

/** The same program with integrality dropped: its optimum is the LP bound. */
export { linearRelaxation as relax } from '../src/lp/index.js';
