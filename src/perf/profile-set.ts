import type { Gpu, Llm } from '../catalog/types.js';
import { InputError, didYouMean, type InputIssue } from '../errors.js';
import { PROFILE_TP_DEGREES } from './configs.js';
import { indexRates, type RateProfiles } from './measured-rates.js';
import { tpSplitProblem } from './memory.js';
import { PROFILE_COLUMNS, configKey, parseMeasuredProfilesCsv, type MeasuredProfile, type MeasuredProfiles } from './profiles.js';
import { RATE_CURVE_COLUMNS, parseRateCurvesCsv, rateCurveKey, type RateCurve } from './rate-curves.js';
import type { ReplicaOptions } from './replica.js';
import { RATE_TABLE_HEADER, parseRateTableCsv, type StatedRate } from './rate-table.js';

/**
 * A scenario's measured profiles: the three measured forms read from files, checked against the catalog,
 * and layered (built-in defaults, then the catalog folder's profiles/, then the scenario's `profiles:`).
 * Pure: file texts in, one set out.
 */

/** Which measured form a file holds, told by its header. */
export type ProfileForm = 'timing' | 'rate-curves' | 'rate-table';

export interface ProfileFile {
  file: string;
  form: ProfileForm;
  timings: MeasuredProfile[];
  curves: RateCurve[];
  stated: StatedRate[];
}

const HEADERS: Record<ProfileForm, string> = {
  timing: Object.keys(PROFILE_COLUMNS).join(','),
  'rate-curves': Object.keys(RATE_CURVE_COLUMNS).join(','),
  'rate-table': RATE_TABLE_HEADER,
};

/** The form whose distinctive column the header has, or undefined. */
function formOf(text: string): ProfileForm | undefined {
  const header = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  const columns = header.split(',').map((c) => c.trim().replace(/^"|"$/g, ''));
  if (columns.includes('prefill_ms') || columns.includes('decode_step_ms')) return 'timing';
  if (columns.includes('served_rps') || columns.includes('offered_rps')) return 'rate-curves';
  if (columns.includes('max_rps')) return 'rate-table';
  return undefined;
}

/** One profile file of any of the three forms. */
export function parseProfileFile(text: string, file: string): ProfileFile {
  const form = formOf(text);
  const empty = { file, timings: [], curves: [], stated: [] };
  switch (form) {
    case 'timing':
      return { ...empty, form, timings: parseMeasuredProfilesCsv(text, file) };
    case 'rate-curves':
      return { ...empty, form, curves: parseRateCurvesCsv(text, file) };
    case 'rate-table':
      return { ...empty, form, stated: parseRateTableCsv(text, file) };
    default:
      throw new InputError({
        file,
        line: 1,
        field: 'header',
        message: 'not a profile: the header has none of prefill_ms (timing table), served_rps (rate curves) or max_rps (rate table)',
        fix: `start the file with one of the headers: ${Object.values(HEADERS).join(' | ')} (see docs/profiles.md)`,
      });
  }
}

interface CatalogIds {
  llms: ReadonlyMap<string, Llm>;
  gpus: ReadonlyMap<string, Gpu>;
}

/** Whether the catalog has the config's llm and gpu and the planner plans its TP: issues at `at` with the closest ids. */
export function configCatalogIssues(
  config: { llm: string; gpu: string; tp: number },
  at: { file: string; line?: number },
  catalog: CatalogIds,
): InputIssue[] {
  const issues: InputIssue[] = [];
  const llm = catalog.llms.get(config.llm);
  if (!llm)
    issues.push({
      ...at,
      field: 'llm',
      message: `unknown llm '${config.llm}'`,
      fix: didYouMean(config.llm, catalog.llms.keys()) || 'see planner catalog llms',
    });
  if (!catalog.gpus.has(config.gpu))
    issues.push({
      ...at,
      field: 'gpu',
      message: `unknown gpu '${config.gpu}'`,
      fix: didYouMean(config.gpu, catalog.gpus.keys()) || 'see planner catalog gpus',
    });
  const degrees: readonly number[] = PROFILE_TP_DEGREES;
  if (!degrees.includes(config.tp))
    issues.push({ ...at, field: 'tp', message: `unknown TP ${config.tp}`, fix: `the planner plans TP ${degrees.join(', ')}` });
  else if (llm) {
    const split = tpSplitProblem(llm, config.tp);
    if (split) issues.push({ ...at, field: 'tp', message: `${config.llm}: ${split}`, fix: 'profile a TP degree that splits the heads' });
  }
  return issues;
}

/** Every config of the file whose llm, gpu or TP the catalog does not have, as file:line issues with the closest ids. */
export function profileCatalogIssues(file: ProfileFile, catalog: CatalogIds): InputIssue[] {
  const issues: InputIssue[] = [];
  const seen = new Set<string>();
  for (const config of [...file.timings, ...file.curves, ...file.stated]) {
    const key = `${configKey(config.llm, config.gpu, config.tp)}|${config.line ?? 0}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(...configCatalogIssues(config, { file: file.file, ...(config.line !== undefined ? { line: config.line } : {}) }, catalog));
  }
  return issues;
}

export interface ProfileLayer {
  /** What the layer is, for messages: "built-in", "catalog models/profiles", "scenario profiles". */
  name: string;
  files: readonly ProfileFile[];
  /**
   * Strict layers are the user's: a row the catalog does not know is an error. The built-in defaults under
   * a custom catalog are not strict: their configs outside that catalog are left out.
   */
  strict: boolean;
}

export interface ProfileSet {
  timings: MeasuredProfiles;
  rates: RateProfiles;
}

/**
 * The layers in order of precedence (later wins): per config and form, a later layer's measurements replace
 * an earlier layer's, so a scenario's rate curves for a config override the built-in ones while the built-in
 * timing table of that config stays as the model that carries the rates over to other sizes. Within a layer
 * a config's timing table, or one curve (config and request size), may come from one file only.
 */
export function buildProfileSet(layers: readonly ProfileLayer[], catalog: CatalogIds): ProfileSet {
  const issues: InputIssue[] = [];
  const timings = new Map<string, MeasuredProfile>();
  const curves = new Map<string, RateCurve[]>();
  const stated = new Map<string, StatedRate[]>();
  const known = (c: { llm: string; gpu: string }) => catalog.llms.has(c.llm) && catalog.gpus.has(c.gpu);
  for (const layer of layers) {
    if (layer.strict) for (const file of layer.files) issues.push(...profileCatalogIssues(file, catalog));
    const layerTimings = new Map<string, MeasuredProfile>();
    const layerCurves = new Map<string, RateCurve[]>();
    const layerStated = new Map<string, StatedRate[]>();
    const curveFiles = new Map<string, RateCurve>();
    for (const file of layer.files) {
      for (const profile of file.timings) {
        if (!layer.strict && !known(profile)) continue;
        const key = configKey(profile.llm, profile.gpu, profile.tp);
        const earlier = layerTimings.get(key);
        if (earlier) {
          issues.push({
            file: file.file,
            ...(profile.line !== undefined ? { line: profile.line } : {}),
            message: `${profile.llm} on ${profile.gpu} TP ${profile.tp} is also profiled in ${earlier.file}`,
            fix: 'keep each config in one timing file',
          });
          continue;
        }
        layerTimings.set(key, profile);
      }
      for (const curve of file.curves) {
        if (!layer.strict && !known(curve)) continue;
        const earlier = curveFiles.get(rateCurveKey(curve));
        if (earlier) {
          issues.push({
            file: file.file,
            ...(curve.line !== undefined ? { line: curve.line } : {}),
            message: `the rate curve of ${curve.llm} on ${curve.gpu} TP ${curve.tp} at ${curve.inputTokens}/${curve.outputTokens} tokens is also in ${earlier.file}`,
            fix: 'keep each curve in one file (planner profile import merges runs into one curve)',
          });
          continue;
        }
        curveFiles.set(rateCurveKey(curve), curve);
        push(layerCurves, configKey(curve.llm, curve.gpu, curve.tp), curve);
      }
      for (const rate of file.stated) {
        if (!layer.strict && !known(rate)) continue;
        push(layerStated, configKey(rate.llm, rate.gpu, rate.tp), rate);
      }
    }
    for (const [key, profile] of layerTimings) timings.set(key, profile);
    // A config's rates are replaced as a whole: curves and stated rates together.
    for (const key of new Set([...layerCurves.keys(), ...layerStated.keys()])) {
      curves.set(key, layerCurves.get(key) ?? []);
      stated.set(key, layerStated.get(key) ?? []);
    }
  }
  if (issues.length) throw new InputError(issues, `${issues.length} bad measured profile row${issues.length === 1 ? '' : 's'}`);
  return { timings, rates: indexRates([...curves.values()].flat(), [...stated.values()].flat()) };
}

/** The replica-model options that plan with a profile set: its timing tables and measured rates. */
export function profileOptions(set: ProfileSet): Pick<ReplicaOptions, 'profiles' | 'rates'> {
  return { profiles: set.timings, rates: set.rates };
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
