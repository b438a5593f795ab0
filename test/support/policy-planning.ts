import { join } from 'node:path';
import { planCapacity, type Strategy } from '../../src/capacity/solve.js';
import type { Plan, PlanningInput } from '../../src/capacity/types.js';
import { loadScenarioFile } from '../../src/index.js';
import { getSolver } from '../../src/solvers/registry.js';
import { checkPlan } from '../../src/validate/check-plan.js';
import { checkFutures, futuresOf, type FutureResult } from '../../src/validate/resilience.js';

export const TINY = join(import.meta.dirname, '..', 'fixtures', 'scenarios', 'tiny.yaml');

/** tiny.yaml (llama-3.1-8b chat, 20 req/s from eastus 0.6 / westus2 0.4) with overrides, resolved through the perf model. */
export async function tinyInput(overrides: readonly string[]): Promise<PlanningInput> {
  return (await loadScenarioFile(TINY, { set: ['policies.startupMinutes=0', ...overrides] })).input;
}

/** Requests/s one replica of (llm, sku) sustains for the workload, from the resolved candidates (the perf model). */
export function rateOf(input: PlanningInput, llm: string, sku: string, workload = 'chat'): number {
  const candidate = input.candidates.find((c) => c.llm === llm && c.sku === sku && c.tp === 1);
  return candidate!.requestsPerSecByWorkload.get(workload)!;
}

export function priceOf(input: PlanningInput, sku: string, region: string, purchase: 'on-demand' | 'spot'): number {
  return input.skus.find((s) => s.sku === sku)!.prices.find((p) => p.region === region && p.purchase === purchase)!.usdPerHour;
}

export async function solvePlan(input: PlanningInput, strategy: Strategy = 'joint'): Promise<Plan> {
  const highs = await getSolver('highs');
  const { plan, solver } = await planCapacity(input, (program, options) => highs.solve(program, options), 'highs', {
    strategy,
    relativeGap: 1e-9,
  });
  if (solver.status !== 'optimal' && strategy === 'joint')
    throw new Error(`expected an optimal plan, got ${solver.status}: ${solver.reason}`);
  return plan;
}

export async function futuresCheck(input: PlanningInput, plan: Plan, failRegions: readonly string[] = []): Promise<FutureResult[]> {
  const highs = await getSolver('highs');
  return checkFutures(input, plan, futuresOf(input, failRegions), (program, options) => highs.solve(program, options));
}

/** Every violation of the plan: the synchronous checks and the routing futures. */
export async function allViolations(input: PlanningInput, plan: Plan, failRegions: readonly string[] = []) {
  return [...checkPlan(input, plan).violations, ...(await futuresCheck(input, plan, failRegions)).flatMap((f) => f.violations)];
}

export function vmCount(plan: Plan, window: number, filter: { region?: string; purchase?: string } = {}): number {
  return plan.windows[window]!.vms.filter(
    (vm) => (!filter.region || vm.region === filter.region) && (!filter.purchase || vm.purchase === filter.purchase),
  ).reduce((sum, vm) => sum + vm.count, 0);
}

export function vmCost(plan: Plan): number {
  return plan.windows.reduce((sum, w) => sum + w.vms.reduce((s, vm) => s + vm.count * vm.usdPerHour * w.hours, 0), 0);
}
