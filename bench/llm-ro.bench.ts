import { getSolver } from '../src/solvers/registry.js';
import { compareWithLlmRo } from './llm-ro/compare.js';
import { printMarkdown } from './solvers.bench.js';

/**
 * LLM-RO's own instance (bench/llm-ro/): planner today, with the load-dependent KV-memory row, single-path
 * routing, both, and both with LLM-RO's one replica per (model, tier), against LLM_DET's answer (HiGHS on
 * the reconstructed model). `npm run bench -- llm-ro`. Rental = 12 h x GPU prices (planner: its plan's cost).
 */
export async function run(): Promise<void> {
  const highs = await getSolver('highs');
  const result = await compareWithLlmRo((program, options) => highs.solve(program, options));
  const fleet = (replicas: { llm: string; sku: string; count: number }[]) =>
    replicas.map((r) => `${r.count} x ${r.llm} on ${r.sku}`).join('; ');
  const rows = result.planner.map((run) => [
    run.name,
    `$${run.rentalUsd.toFixed(2)}`,
    run.violations === 0 ? 'passes' : `${run.violations} violations`,
    fleet(run.plan.windows[0]!.replicas),
  ]);
  const det = (name: string, answer: typeof result.published) => [
    name,
    `$${answer.rentalUsd.toFixed(2)}`,
    `${answer.solution.status}, objective $${answer.solution.objective?.toFixed(2)}`,
    answer.gpus.map((g) => `${g.model} on ${g.tier} x ${g.gpus} GPUs`).join('; '),
  ];
  rows.push(det('LLM_DET as published', result.published), det('LLM_DET, rental only, delay per query', result.rentalOnly));
  printMarkdown(['run', 'rental (12 h)', 'check', 'fleet'], rows);
}
