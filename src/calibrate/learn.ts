import { configKey } from '../perf/profiles.js';

/**
 * The online calibration rule `planner simulate`'s planner uses: after each evaluated window it compares
 * what each config's replicas served at the busy share they reported with what its plan assumed, and keeps
 * a per-config factor (observed / planned rate) that the next plans multiply the rates by.
 *
 * One observation of a config in a window, over its replica groups g with busy share u_g >= minUtilisation:
 *   ratio = sum_g n_g P_g / sum_g n_g u_g
 * where n_g is the group's replicas and P_g = sum_w load_gw / (n_g x planned rate_w) the utilisation the plan
 * expected at the load it carried. (The busy share is sum_w load_gw / (n_g x actual rate_w), so the ratio is
 * actual / planned rate whatever the load.) Below minUtilisation a busy share says too little about the limit.
 *
 * Update, asymmetric (conservative): a ratio below the factor by more than `downBand` moves the factor
 * `down` of the way to it (by default all the way: a shortfall costs SLO in every window it is planned
 * with, so a measured one is believed at once); above it by more than `upBand`, only `up` of the way
 * (recovery is slower and needs the evidence to repeat: with noisy ratios the factor follows their lower
 * envelope). Inside the bands nothing changes, so a fleet that serves what the plan assumed keeps factor 1
 * exactly.
 *
 * A config without observations of its own plans with the pooled factor: the same rule applied to the
 * ratio over all configs observed in a window (a rate error that hit every config seen so far is likely to
 * hit a new one too). Deterministic: the factors depend only on the observations, in the order given.
 */
export interface LearningRule {
  /** Share of the way to a lower ratio moved per observation (0..1]. */
  down: number;
  /** Share of the way to a higher ratio moved per observation (0..1]. */
  up: number;
  /** Relative dead bands below and above the current factor. */
  downBand: number;
  upBand: number;
  /** Least busy share of a replica group that counts as evidence. */
  minUtilisation: number;
  /** The factor stays within [min, max]. */
  min: number;
  max: number;
}

export const DEFAULT_LEARNING_RULE: LearningRule = {
  down: 1,
  up: 0.2,
  downBand: 0.005,
  upBand: 0.02,
  minUtilisation: 0.25,
  min: 0.05,
  max: 2,
};

/** What one replica group of a config did in one window (what a metrics export has, plus the plan's belief). */
export interface GroupObservation {
  llm: string;
  gpu: string;
  tp: number;
  /** Replicas serving (effective count). */
  replicas: number;
  /** Reported busy share: served load over the replicas' actual sustainable capacity (0..1). */
  utilisation: number;
  /** The utilisation the plan expected at the load served: sum_w load_w / (replicas x planned rate_w). */
  plannedUtilisation: number;
}

export interface LearnedFactor {
  llm: string;
  gpu: string;
  tp: number;
  factor: number;
  /** Windows with evidence for this config. */
  observations: number;
  /** Scenario window of the first and the last change. */
  firstChangedWindow?: number;
  lastChangedWindow?: number;
}

/** A config's learning state is what it reports. */
type State = LearnedFactor;

export class RateLearner {
  private readonly rule: LearningRule;
  private readonly byConfig = new Map<string, State>();
  private pooledFactor = 1;
  private pooledObservations = 0;
  /** Per observed window: the largest relative change of any factor (own or pooled). */
  readonly changes: { window: number; largestChange: number }[] = [];

  constructor(rule: Partial<LearningRule> = {}) {
    this.rule = { ...DEFAULT_LEARNING_RULE, ...rule };
  }

  /** The factor to plan config (llm, gpu, tp) with: its own, else the pooled one. */
  factor(llm: string, gpu: string, tp: number): number {
    return this.byConfig.get(configKey(llm, gpu, tp))?.factor ?? this.pooledFactor;
  }

  get pooled(): { factor: number; observations: number } {
    return { factor: this.pooledFactor, observations: this.pooledObservations };
  }

  /** Takes one window's replica groups (any order; grouped by config here, configs in sorted order). */
  observe(window: number, groups: readonly GroupObservation[]): void {
    const sums = new Map<string, { llm: string; gpu: string; tp: number; planned: number; busy: number }>();
    let planned = 0;
    let busy = 0;
    for (const g of groups) {
      if (!(g.replicas > 0) || !(g.utilisation >= this.rule.minUtilisation) || !(g.plannedUtilisation > 0)) continue;
      const key = configKey(g.llm, g.gpu, g.tp);
      const sum = sums.get(key) ?? { llm: g.llm, gpu: g.gpu, tp: g.tp, planned: 0, busy: 0 };
      sum.planned += g.replicas * g.plannedUtilisation;
      sum.busy += g.replicas * g.utilisation;
      sums.set(key, sum);
      planned += g.replicas * g.plannedUtilisation;
      busy += g.replicas * g.utilisation;
    }
    let largestChange = 0;
    for (const key of [...sums.keys()].sort()) {
      const sum = sums.get(key)!;
      const state = this.byConfig.get(key) ?? { llm: sum.llm, gpu: sum.gpu, tp: sum.tp, factor: this.pooledFactor, observations: 0 };
      const before = state.factor;
      state.factor = this.step(before, sum.planned / sum.busy);
      state.observations++;
      if (state.factor !== before) {
        state.firstChangedWindow ??= window;
        state.lastChangedWindow = window;
        largestChange = Math.max(largestChange, Math.abs(state.factor / before - 1));
      }
      this.byConfig.set(key, state);
    }
    if (busy > 0) {
      const before = this.pooledFactor;
      this.pooledFactor = this.step(before, planned / busy);
      this.pooledObservations++;
      largestChange = Math.max(largestChange, Math.abs(this.pooledFactor / before - 1));
    }
    this.changes.push({ window, largestChange });
  }

  /** One update of a factor towards an observed ratio. */
  step(factor: number, ratio: number): number {
    const { down, up, downBand, upBand, min, max } = this.rule;
    if (!Number.isFinite(ratio) || !(ratio > 0)) return factor;
    let next = factor;
    if (ratio < factor * (1 - downBand)) next = factor + down * (ratio - factor);
    else if (ratio > factor * (1 + upBand)) next = factor + up * (ratio - factor);
    return Math.min(max, Math.max(min, next));
  }

  /** Every config observed, sorted by llm, gpu, tp. */
  factors(): LearnedFactor[] {
    return [...this.byConfig.values()]
      .sort((a, b) => (a.llm < b.llm ? -1 : a.llm > b.llm ? 1 : a.gpu < b.gpu ? -1 : a.gpu > b.gpu ? 1 : a.tp - b.tp))
      .map((s) => ({
        llm: s.llm,
        gpu: s.gpu,
        tp: s.tp,
        factor: s.factor,
        observations: s.observations,
        ...(s.firstChangedWindow !== undefined ? { firstChangedWindow: s.firstChangedWindow } : {}),
        ...(s.lastChangedWindow !== undefined ? { lastChangedWindow: s.lastChangedWindow } : {}),
      }));
  }

  /**
   * The first window planned with settled factors: the one after the last observed window in which some
   * factor moved by more than `tolerance` (relative); undefined when nothing ever moved that much.
   */
  settledFrom(tolerance = 0.02): number | undefined {
    let last: number | undefined;
    for (const { window, largestChange } of this.changes) if (largestChange > tolerance) last = window;
    return last === undefined ? undefined : last + 1;
  }
}
