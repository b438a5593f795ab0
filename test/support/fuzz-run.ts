import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reportError } from '../../src/cli.js';
import { parseMaxUnmet } from '../../src/commands/flags.js';
import { solveExitCode } from '../../src/commands/solve.js';
import { type LoadedScenario, loadScenarioFile, NO_PLAN_STATUSES, type PlanDocument, planScenario } from '../../src/index.js';
import { planner } from '../cli/run.js';
import { fuzzInstance } from './fuzz-scenarios.js';

/**
 * One fuzz instance end to end, in-process: load and solve it through the library API, map what happens to
 * an exit code exactly as the CLI does (reportError for a thrown error, solveExitCode for a finished solve),
 * and for every plan that comes out, run `planner validate` on its plan.json and recompute its costs to the
 * cent from the catalog's price list. Returns what a test asserts on; it never throws for the instance.
 */
export interface FuzzOutcome {
  seed: number;
  traits: string[];
  exitCode: number;
  stderr: string;
  /** Set when a plan came out: `planner validate`'s exit code and violations. */
  validate?: { exitCode: number; violations: string[] };
  /** Cost figures the plan states that are not the catalog's prices x VMs x hours to the cent. */
  centErrors: string[];
  /** Some window routes more than two origins onto one config whose replica serves under 0.1 req/s. */
  slowShared: boolean;
}

const PRICES = readPrices(join(import.meta.dirname, '..', '..', 'models', 'prices.csv'));

export async function runFuzzInstance(seed: number, root: string): Promise<FuzzOutcome> {
  const instance = fuzzInstance(seed);
  const dir = join(root, `seed-${seed}`);
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(instance.files)) writeFileSync(join(dir, name), text);
  const scenarioFile = join(dir, 'scenario.json');
  let stderr = '';
  const io = { stderr: { write: (text: string) => void (stderr += text) } };
  const outcome: FuzzOutcome = { seed, traits: instance.traits, exitCode: -1, stderr: '', centErrors: [], slowShared: false };
  let loaded: LoadedScenario | undefined;
  let document: PlanDocument | undefined;
  try {
    loaded = await loadScenarioFile(scenarioFile);
    const solved = await planScenario(loaded, {});
    outcome.exitCode = solveExitCode(solved.result, parseMaxUnmet('0'), io);
    if (solved.result.plan.windows.length > 0 && !NO_PLAN_STATUSES.includes(solved.result.plan.status)) document = solved.document;
  } catch (error) {
    outcome.exitCode = reportError(error, io);
  }
  if (loaded && document) {
    const planFile = join(dir, 'plan.json');
    writeFileSync(planFile, `${JSON.stringify(document, null, 2)}\n`);
    // --max-unmet 100%: unmet demand is solve's verdict (exit 1); validate checks everything else the plan states.
    const run = await planner(['validate', planFile, '--scenario', scenarioFile, '--format', 'json', '--max-unmet', '100%']);
    const report = run.stdout ? (JSON.parse(run.stdout) as { violations?: Array<{ group: string; message: string }> }) : {};
    outcome.validate = {
      exitCode: run.exitCode,
      violations: [...(report.violations ?? []).map((v) => `${v.group}: ${v.message}`), ...(run.stderr ? [run.stderr] : [])],
    };
    outcome.centErrors = centErrors(document, loaded);
    outcome.slowShared = slowShared(document, loaded);
  }
  outcome.stderr = stderr;
  rmSync(dir, { recursive: true, force: true });
  return outcome;
}

export function fuzzRoot(): string {
  const root = join(tmpdir(), `planner-fuzz-${process.pid}`);
  mkdirSync(root, { recursive: true });
  return root;
}

/**
 * The plan's costs against the catalog's price list (models/prices.csv, read here, not through planner):
 * each window's VM cost, the total, the VM-boot part of the start-ups and the reserved sunk cost, to the cent.
 */
function centErrors(document: PlanDocument, loaded: LoadedScenario): string[] {
  const errors: string[] = [];
  const scenario = loaded.scenario;
  const startupHours = scenario.policies.startupMinutes / 60;
  const previous = new Map<string, number>();
  for (const vm of scenario.policies.currentFleet) previous.set(`${vm.sku}|${vm.region}|${vm.purchase}`, vm.count);
  for (const r of scenario.policies.reserved) previous.set(`${r.sku}|${r.region}|reserved`, r.count);
  let total = 0;
  let boot = 0;
  let sunk = 0;
  for (const [t, window] of document.windows.entries()) {
    let cost = 0;
    const current = new Map<string, number>();
    for (const vm of window.vms) {
      const key = `${vm.sku}|${vm.region}|${vm.purchase}`;
      // Reserved VMs are sunk cost, outside the plan's cost.
      const price = vm.purchase === 'reserved' ? 0 : PRICES.get(key);
      if (price === undefined) {
        errors.push(`windows[${t}]: ${key} has no catalog price`);
        continue;
      }
      cost += vm.count * price * window.hours;
      boot += Math.max(0, vm.count - (previous.get(key) ?? 0)) * price * startupHours;
      current.set(key, (current.get(key) ?? 0) + vm.count);
    }
    previous.clear();
    for (const [key, count] of current) previous.set(key, count);
    for (const r of scenario.policies.reserved) sunk += r.count * r.sunkUsdPerHour * window.hours;
    if (Math.abs(window.costUsd - cost) >= 0.005) errors.push(`windows[${t}].costUsd ${window.costUsd} vs ${cost}`);
    total += cost;
  }
  const totals = document.totals;
  if (Math.abs(totals.costUsd - total) >= 0.005) errors.push(`totals.costUsd ${totals.costUsd} vs ${total}`);
  const stated = totals.startupCostUsd - (totals.modelLoadCostUsd ?? 0);
  if (Math.abs(stated - boot) >= 0.005) errors.push(`VM boots in totals.startupCostUsd ${stated} vs ${boot}`);
  if (Math.abs((totals.reservedSunkCostUsd ?? 0) - sunk) >= 0.005)
    errors.push(`totals.reservedSunkCostUsd ${totals.reservedSunkCostUsd} vs ${sunk}`);
  const budget = scenario.policies.budget;
  if (budget) {
    const spent = totals.costUsd + totals.startupCostUsd;
    if (budget.mode === 'hard' && spent > budget.usd + 0.005) errors.push(`spends ${spent} over the hard budget ${budget.usd}`);
    if (spent > budget.usd + 0.005 && document.budget?.state !== 'exceeded')
      errors.push(`spends ${spent} over ${budget.usd}, budget state ${document.budget?.state}`);
  }
  return errors;
}

function slowShared(document: PlanDocument, loaded: LoadedScenario): boolean {
  const rates = new Map(loaded.input.candidates.map((c) => [`${c.llm}|${c.sku}|${c.tp}|${c.region}`, c.requestsPerSecByWorkload]));
  return document.windows.some((window) => {
    const origins = new Map<string, Set<string>>();
    for (const route of window.routes) {
      const key = `${route.llm}|${route.sku}|${route.tp}|${route.region}`;
      const rate = rates.get(key)?.get(route.workload);
      if (rate === undefined || rate >= 0.1) continue;
      const set = origins.get(key) ?? new Set<string>();
      set.add(route.origin);
      origins.set(key, set);
    }
    return [...origins.values()].some((set) => set.size > 2);
  });
}

function readPrices(file: string): Map<string, number> {
  const prices = new Map<string, number>();
  const [header, ...rows] = readFileSync(file, 'utf8').trim().split('\n');
  if (header !== 'sku,region,purchase,usd_per_hour') throw new Error(`${file}: unexpected header ${header}`);
  for (const row of rows) {
    const [sku, region, purchase, usd] = row.split(',');
    prices.set(`${sku}|${region}|${purchase}`, Number(usd));
  }
  return prices;
}
