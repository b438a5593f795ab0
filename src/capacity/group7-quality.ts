import { LinearExpr } from '../lp/index.js';
import { InternalError } from '../errors.js';
import type { WindowModel } from './formulation.js';

/**
 * Group 7, quality: per window, the demand-weighted quality of the llms serving a workload is at least its
 * minQuality: sum over configs of quality(llm) x assign >= minQuality x sum of assign, written as
 * sum (quality - minQuality) x assign >= 0. Unmet demand does not count (it is penalised on its own).
 */
export function addQualityRows(model: WindowModel): void {
  const { input } = model;
  for (const [w, workload] of input.workloads.entries()) {
    if (workload.minQuality === undefined) continue;
    const expr = new LinearExpr();
    for (const assign of model.assigns) {
      if (assign.workload !== w) continue;
      const llm = input.candidates[assign.candidate]!.llm;
      const quality = input.llmQuality?.get(llm);
      if (quality === undefined) throw new InternalError(`no quality score for ${llm} (needed by ${workload.id}.minQuality)`);
      expr.add(assign.variable, quality - workload.minQuality);
    }
    if (expr.termCount > 0) model.problem.addConstraint(`7:quality[${workload.id},${model.tag}]`, expr, '>=', 0);
  }
}
