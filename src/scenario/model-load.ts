import type { Catalog, Llm } from '../catalog/types.js';
import { didYouMean, type InputIssue } from '../errors.js';
import type { Scenario } from './schema.js';

/**
 * policies.modelLoad read: how long a replica of an llm on tp GPUs of a gpu takes from start to serving.
 * Estimate: the weights each GPU holds (parameters x bytes per weight / tp, in GB) read at gbPerSec, plus
 * the engine's fixed start; a measured row (llm and gpu, else llm alone) replaces the estimate.
 */
export function modelLoadHours(scenario: Scenario, llm: Llm, gpu: string, tp: number): number {
  const policy = scenario.policies.modelLoad;
  if (policy === false) return 0;
  const measured =
    policy.measured.find((row) => row.llm === llm.id && row.gpu === gpu) ??
    policy.measured.find((row) => row.llm === llm.id && row.gpu === undefined);
  if (measured) return measured.minutes / 60;
  const gbPerGpu = (llm.parametersB * llm.bytesPerWeight) / tp;
  return (gbPerGpu / policy.gbPerSec / 60 + policy.engineStartMinutes) / 60;
}

/** The measured rows name catalog llms and gpus, each (llm, gpu) once. */
export function modelLoadIssues(scenario: Scenario, catalog: Catalog, file: string): InputIssue[] {
  const policy = scenario.policies.modelLoad;
  if (policy === false) return [];
  const issues: InputIssue[] = [];
  const seen = new Map<string, number>();
  policy.measured.forEach((row, i) => {
    const field = `policies.modelLoad.measured.${i}`;
    if (!catalog.llms.has(row.llm))
      issues.push({
        file,
        field: `${field}.llm`,
        message: `unknown llm '${row.llm}'`,
        fix: didYouMean(row.llm, catalog.llms.keys()) || 'see planner catalog llms',
      });
    if (row.gpu !== undefined && !catalog.gpus.has(row.gpu))
      issues.push({
        file,
        field: `${field}.gpu`,
        message: `unknown gpu '${row.gpu}'`,
        fix: didYouMean(row.gpu, catalog.gpus.keys()) || 'see planner catalog gpus',
      });
    const key = `${row.llm}|${row.gpu ?? ''}`;
    const first = seen.get(key);
    if (first !== undefined)
      issues.push({
        file,
        field,
        message: `${row.llm}${row.gpu ? ` on ${row.gpu}` : ''} is measured twice (also policies.modelLoad.measured.${first})`,
        fix: 'keep one row per llm and gpu',
      });
    else seen.set(key, i);
  });
  return issues;
}
