import type { Catalog, Gpu, Llm } from '../catalog/types.js';
import type { RequestMix } from '../demand/types.js';
import { InputError, didYouMean, type InputIssue } from '../errors.js';
import type { ProfileSet } from './profile-set.js';
import { replicaPerformance, type ReplicaPerformance, type Slo } from './replica.js';

export const PROFILE_TP_DEGREES = [1, 2, 4, 8] as const;

/** --llm, --gpu, --tp: each narrows the table to one value. */
export interface ConfigFilter {
  llm?: string | undefined;
  gpu?: string | undefined;
  tp?: number | undefined;
}

export interface ConfigSelection {
  llms: Llm[];
  gpus: Gpu[];
  tps: number[];
  /** Whether a filter narrowed llm or gpu: the configs that do not fit are listed then. */
  listMisfits: boolean;
}

/**
 * The llms, gpus and TP degrees `planner profile` tabulates: all of them, or the one each filter names
 * (unknown names are bad input, with the closest ids suggested).
 */
export function selectConfigs(catalog: Catalog, options: ConfigFilter): ConfigSelection {
  const issues: InputIssue[] = [];
  if (options.llm !== undefined && !catalog.llms.has(options.llm)) {
    issues.push({
      field: '--llm',
      message: `unknown llm '${options.llm}'`,
      fix: didYouMean(options.llm, catalog.llms.keys()) || `one of ${[...catalog.llms.keys()].join(', ')}`,
    });
  }
  if (options.gpu !== undefined && !catalog.gpus.has(options.gpu)) {
    issues.push({
      field: '--gpu',
      message: `unknown gpu '${options.gpu}'`,
      fix: didYouMean(options.gpu, catalog.gpus.keys()) || `one of ${[...catalog.gpus.keys()].join(', ')}`,
    });
  }
  if (options.tp !== undefined && !Number.isInteger(options.tp))
    issues.push({ field: '--tp', message: `TP ${options.tp} is not a whole number`, fix: 'e.g. --tp 4' });
  if (issues.length) throw new InputError(issues);
  return {
    llms: options.llm !== undefined ? [catalog.llms.get(options.llm)!] : [...catalog.llms.values()],
    gpus: options.gpu !== undefined ? [catalog.gpus.get(options.gpu)!] : [...catalog.gpus.values()],
    tps: options.tp !== undefined ? [options.tp] : [...PROFILE_TP_DEGREES],
    listMisfits: options.llm !== undefined || options.gpu !== undefined,
  };
}

/** What one replica of every selected (llm, gpu, tp) sustains under the SLO for the mix, split by whether it fits. */
export function profileConfigs(
  selection: ConfigSelection,
  slo: Slo,
  mix: RequestMix,
  profiles: ProfileSet,
): { fitting: ReplicaPerformance[]; misfits: ReplicaPerformance[]; listMisfits: boolean } {
  const results: ReplicaPerformance[] = [];
  for (const llm of selection.llms)
    for (const gpu of selection.gpus)
      for (const tp of selection.tps)
        results.push(replicaPerformance(llm, gpu, tp, slo, mix, { profiles: profiles.timings, rates: profiles.rates }));
  const fitting = results.filter((r) => r.fits);
  const misfits = selection.listMisfits ? results.filter((r) => !r.fits) : [];
  return { fitting, misfits, listMisfits: selection.listMisfits };
}
