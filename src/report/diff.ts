import { compareStrings } from '../order.js';
import type { PlanDocument } from '../plan-document/index.js';
import { centsToUsd, toCents } from './money.js';

/**
 * What changed between two plans: per window (matched by start time), VM counts per region, sku and
 * purchase, replicas per region, llm, sku and TP, and cost; plus totals. Windows only one plan has count
 * as empty in the other. Only changes are listed; an empty `windows` means the fleets are identical.
 */
export interface PlanDiff {
  old: { scenario: string; hash: string };
  new: { scenario: string; hash: string };
  sameScenario: boolean;
  /** Whether anything differs: a window's fleet or cost, or any total (what --exit-code reports). */
  changed: boolean;
  totals: {
    costUsd: Delta;
    startupCostUsd: Delta;
    /** costUsd + startupCostUsd: what the plan costs in all. */
    totalCostUsd: Delta;
    gpuHours: Delta;
    unmetRequests: Delta;
    servedRequests: Delta;
  };
  /** Fleet changes summed over all windows (VM-hours and replica-hours), largest change first. */
  vmHours: Array<{ region: string; sku: string; purchase: string } & Delta>;
  replicaHours: Array<{ region: string; llm: string; sku: string; tp: number } & Delta>;
  /**
   * Per workload and llm, the share of served requests (plan.json `modelChoice`) where it changed, plus the
   * quality served (llm `*`): a substitution shows here even when the fleets cost the same.
   */
  modelChoice: Array<{ workload: string; llm: string } & Delta>;
  windows: WindowDiff[];
}

export interface Delta {
  old: number;
  new: number;
  change: number;
  /** change / old in percent, to 2 decimals; 0 when nothing changed, null when old is 0 and new is not. */
  percent: number | null;
}

export interface WindowDiff {
  start: string;
  costUsd: Delta;
  vms: Array<{ region: string; sku: string; purchase: string } & Delta>;
  replicas: Array<{ region: string; llm: string; sku: string; tp: number } & Delta>;
}

export function diffPlans(oldPlan: PlanDocument, newPlan: PlanDocument): PlanDiff {
  const oldWindows = new Map(oldPlan.windows.map((w) => [w.start, w]));
  const newWindows = new Map(newPlan.windows.map((w) => [w.start, w]));
  const starts = [...new Set([...oldWindows.keys(), ...newWindows.keys()])].sort();
  const windows: WindowDiff[] = [];
  const vmHours = new Map<string, { region: string; sku: string; purchase: string } & Delta>();
  const replicaHours = new Map<string, { region: string; llm: string; sku: string; tp: number } & Delta>();

  for (const start of starts) {
    const before = oldWindows.get(start);
    const after = newWindows.get(start);
    const vms = changes(
      before?.vms ?? [],
      after?.vms ?? [],
      (vm) => `${vm.region}|${vm.sku}|${vm.purchase}`,
      (vm) => ({ region: vm.region, sku: vm.sku, purchase: vm.purchase }),
    );
    const replicas = changes(
      before?.replicas ?? [],
      after?.replicas ?? [],
      (r) => `${r.region}|${r.llm}|${r.sku}|${r.tp}`,
      (r) => ({ region: r.region, llm: r.llm, sku: r.sku, tp: r.tp }),
    );
    for (const [window, side] of [
      [before, 'old'],
      [after, 'new'],
    ] as const) {
      for (const vm of window?.vms ?? []) {
        addHours(
          vmHours,
          `${vm.region}|${vm.sku}|${vm.purchase}`,
          { region: vm.region, sku: vm.sku, purchase: vm.purchase },
          side,
          vm.count * window!.hours,
        );
      }
      for (const r of window?.replicas ?? []) {
        addHours(
          replicaHours,
          `${r.region}|${r.llm}|${r.sku}|${r.tp}`,
          { region: r.region, llm: r.llm, sku: r.sku, tp: r.tp },
          side,
          r.count * window!.hours,
        );
      }
    }
    const costUsd = delta(before?.costUsd ?? 0, after?.costUsd ?? 0);
    if (vms.length || replicas.length || costUsd.change !== 0) windows.push({ start, costUsd, vms, replicas });
  }

  const total = (key: Exclude<keyof PlanDocument['totals'], 'reservedSunkCostUsd' | 'modelLoadCostUsd'>) =>
    delta(oldPlan.totals[key], newPlan.totals[key]);
  // Largest change first; ties in key order (the maps were filled in sorted window order, so sort by key).
  const bySize = <T extends Delta>(rows: Map<string, T>) =>
    [...rows.entries()]
      .map(([key, row]) => ({ key, row: { ...row, ...delta(row.old, row.new) } }))
      .filter(({ row }) => row.change !== 0)
      .sort((a, b) => Math.abs(b.row.change) - Math.abs(a.row.change) || compareStrings(a.key, b.key))
      .map(({ row }) => row);
  const totals = {
    costUsd: total('costUsd'),
    startupCostUsd: total('startupCostUsd'),
    // To the cent as reports show it: the cost and the start-ups each rounded, then added.
    totalCostUsd: delta(withStartups(oldPlan), withStartups(newPlan)),
    gpuHours: total('gpuHours'),
    unmetRequests: total('unmetRequests'),
    servedRequests: total('servedRequests'),
  };
  const modelChoice = modelChoiceChanges(oldPlan, newPlan);
  return {
    old: { scenario: oldPlan.scenario.name, hash: oldPlan.scenario.hash },
    new: { scenario: newPlan.scenario.name, hash: newPlan.scenario.hash },
    sameScenario: oldPlan.scenario.hash === newPlan.scenario.hash,
    changed: windows.length > 0 || modelChoice.length > 0 || Object.values(totals).some((d) => d.change !== 0),
    totals,
    vmHours: bySize(vmHours),
    replicaHours: bySize(replicaHours),
    modelChoice,
    windows,
  };
}

/** The llm `*` row is the quality served; plans written before modelChoice compare as empty. */
function modelChoiceChanges(oldPlan: PlanDocument, newPlan: PlanDocument): Array<{ workload: string; llm: string } & Delta> {
  const rows = new Map<string, { workload: string; llm: string; old: number; new: number }>();
  const add = (plan: PlanDocument, side: 'old' | 'new') => {
    for (const choice of plan.modelChoice ?? []) {
      const entries: Array<[string, number]> = Object.entries(choice.servedShareByLlm);
      if (choice.qualityServed !== null) entries.push(['*', choice.qualityServed]);
      for (const [llm, value] of entries) {
        const key = `${choice.workload}|${llm}`;
        const row = rows.get(key) ?? { workload: choice.workload, llm, old: 0, new: 0 };
        row[side] = value;
        rows.set(key, row);
      }
    }
  };
  add(oldPlan, 'old');
  add(newPlan, 'new');
  return [...rows.entries()]
    .sort(([a], [b]) => compareStrings(a, b))
    .map(([, row]) => ({ workload: row.workload, llm: row.llm, ...delta(row.old, row.new) }))
    .filter((row) => row.change !== 0);
}

function withStartups(plan: PlanDocument): number {
  return centsToUsd(toCents(plan.totals.costUsd) + toCents(plan.totals.startupCostUsd));
}

/** Rows whose count differs, keyed and sorted by `keyOf` (so output order is stable). */
function changes<T extends { count: number }, K extends object>(
  before: readonly T[],
  after: readonly T[],
  keyOf: (row: T) => string,
  fields: (row: T) => K,
): Array<K & Delta> {
  // Counts summed per key: a plan may list one config several times (per pool, or per interference group).
  const counts = new Map<string, { fields: K; old: number; new: number }>();
  for (const [side, rowsOf] of [
    ['old', before],
    ['new', after],
  ] as const)
    for (const row of rowsOf) {
      const entry = counts.get(keyOf(row)) ?? { fields: fields(row), old: 0, new: 0 };
      entry[side] += row.count;
      counts.set(keyOf(row), entry);
    }
  const rows = new Map<string, K & Delta>([...counts].map(([key, entry]) => [key, { ...entry.fields, ...delta(entry.old, entry.new) }]));
  return [...rows.entries()]
    .filter(([, row]) => row.change !== 0)
    .sort(([a], [b]) => compareStrings(a, b))
    .map(([, row]) => row);
}

function addHours<K extends object>(into: Map<string, K & Delta>, key: string, fields: K, side: 'old' | 'new', hours: number): void {
  const sum = into.get(key) ?? { ...fields, old: 0, new: 0, change: 0, percent: 0 };
  sum[side] = round(sum[side] + hours);
  into.set(key, sum);
}

function delta(before: number, after: number): Delta {
  const change = round(after - before);
  const percent = change === 0 ? 0 : before === 0 ? null : Math.round((change / Math.abs(before)) * 10000) / 100;
  return { old: before, new: after, change, percent };
}

/** Micro-units: differences of exact costs without float noise (0.1 + 0.2). */
function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
