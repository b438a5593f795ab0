import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { PlanDocument } from '../../src/plan-document/index.js';
import { planner } from '../cli/run.js';

/**
 * The tampered-plan corpus: a committed plan of a small scenario (test/fixtures/tampered-plans, solved with
 * `planner solve scenario.yaml --out .`), changed one stated figure at a time. validate must reject each
 * with a violation naming that figure (exit 1), and pass the plan untouched.
 */
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'tampered-plans');
const SCENARIO = join(FIXTURES, 'scenario.yaml');
const original = JSON.parse(readFileSync(join(FIXTURES, 'plan.json'), 'utf8')) as PlanDocument;
const work = mkdtempSync(join(tmpdir(), 'planner-tampered-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Report {
  ok: boolean;
  violations: Array<{ group: string; figure?: string; message: string }>;
}

async function validate(plan: PlanDocument, name: string, extra: string[] = []): Promise<{ exitCode: number; report: Report }> {
  const file = join(work, `${name.replace(/[^a-z0-9]+/gi, '-')}.json`);
  writeFileSync(file, JSON.stringify(plan));
  // --allow-stale: the corpus is about figures; a catalog edit elsewhere must not turn it into "stale" (exit 5).
  // --max-unmet 100%: the budget leaves demand unmet on purpose.
  const { exitCode, stdout } = await planner([
    'validate',
    file,
    '--scenario',
    SCENARIO,
    '--format',
    'json',
    '--allow-stale',
    '--max-unmet',
    '100%',
    ...extra,
  ]);
  return { exitCode, report: JSON.parse(stdout) as Report };
}

type Window = PlanDocument['windows'][number];
const last = original.windows.length - 1;
/** Index of the first VM in window t matching `test`. */
const vmOf = (t: number, test: (vm: Window['vms'][number]) => boolean) => original.windows[t]!.vms.findIndex(test);
const spot0 = vmOf(0, (vm) => vm.purchase === 'spot');
const reserved0 = vmOf(0, (vm) => vm.purchase === 'reserved');
const started = original.windows.flatMap((w, t) => w.vms.map((vm, j) => ({ t, j, started: vm.started }))).filter((s) => s.started > 0);
const unstarted = original.windows.flatMap((w, t) => w.vms.map((vm, j) => ({ t, j, started: vm.started }))).filter((s) => s.started === 0);
const unmetWindow = original.windows.findIndex((w) => w.unmet.length > 0);

interface Tamper {
  name: string;
  edit: (plan: PlanDocument) => void;
  /** The figure the violation must name (a path into plan.json, or its start). */
  figure: string;
}

const tampers: Tamper[] = [
  {
    name: 'a VM at $0.01 an hour',
    edit: (p) => void (p.windows[0]!.vms[spot0]!.usdPerHour = 0.01),
    figure: `windows[0].vms[${spot0}].usdPerHour`,
  },
  {
    name: 'a reserved VM price',
    edit: (p) => void (p.windows[last]!.vms[reserved0]!.usdPerHour += 0.5),
    figure: `windows[${last}].vms[${reserved0}].usdPerHour`,
  },
  {
    name: 'a VM price by a tenth of a cent',
    edit: (p) => void (p.windows[2]!.vms[0]!.usdPerHour += 0.001),
    figure: 'windows[2].vms[0].usdPerHour',
  },
  ...original.windows.map((_, t) => ({
    name: `window ${t} cost up a cent`,
    edit: (p: PlanDocument) => void (p.windows[t]!.costUsd += 0.01),
    figure: `windows[${t}].costUsd`,
  })),
  ...original.windows.map((_, t) => ({
    name: `window ${t} GPU-hours`,
    edit: (p: PlanDocument) => void (p.windows[t]!.gpuHours += 1),
    figure: `windows[${t}].gpuHours`,
  })),
  ...started.map(({ t, j, started: n }) => ({
    name: `window ${t} VM ${j} started ${n} -> 0`,
    edit: (p: PlanDocument) => void (p.windows[t]!.vms[j]!.started = 0),
    figure: `windows[${t}].vms[${j}].started`,
  })),
  ...unstarted.slice(0, 3).map(({ t, j }) => ({
    name: `window ${t} VM ${j} started 0 -> 1`,
    edit: (p: PlanDocument) => void (p.windows[t]!.vms[j]!.started = 1),
    figure: `windows[${t}].vms[${j}].started`,
  })),
  { name: 'a spot VM count up one', edit: (p) => void (p.windows[1]!.vms[spot0]!.count += 1), figure: 'windows[1].costUsd' },
  { name: 'total cost', edit: (p) => void (p.totals.costUsd += 0.01), figure: 'totals.costUsd' },
  { name: 'total cost down a dollar', edit: (p) => void (p.totals.costUsd -= 1), figure: 'totals.costUsd' },
  { name: 'start-up cost up', edit: (p) => void (p.totals.startupCostUsd += 0.01), figure: 'totals.startupCostUsd' },
  { name: 'start-up cost zeroed', edit: (p) => void (p.totals.startupCostUsd = 0), figure: 'totals.startupCostUsd' },
  { name: 'llm load cost', edit: (p) => void (p.totals.modelLoadCostUsd! += 0.01), figure: 'totals.modelLoadCostUsd' },
  { name: 'llm load cost dropped', edit: (p) => void delete p.totals.modelLoadCostUsd, figure: 'totals.modelLoadCostUsd' },
  { name: 'total GPU-hours', edit: (p) => void (p.totals.gpuHours += 1), figure: 'totals.gpuHours' },
  { name: 'served requests', edit: (p) => void (p.totals.servedRequests += 10), figure: 'totals.servedRequests' },
  { name: 'unmet requests hidden', edit: (p) => void (p.totals.unmetRequests = 0), figure: 'totals.unmetRequests' },
  { name: 'reserved sunk cost', edit: (p) => void (p.totals.reservedSunkCostUsd! -= 1), figure: 'totals.reservedSunkCostUsd' },
  {
    name: 'window 0 repeated in place of window 1',
    edit: (p) => void (p.windows[1] = structuredClone(p.windows[0]!)),
    figure: 'windows[1].start',
  },
  {
    name: 'windows 0 and 1 swapped',
    edit: (p) => void ([p.windows[0], p.windows[1]] = [p.windows[1]!, p.windows[0]!]),
    figure: 'windows[0].start',
  },
  { name: 'a window index', edit: (p) => void (p.windows[2]!.index = 3), figure: 'windows[2].index' },
  { name: 'the last window dropped', edit: (p) => void p.windows.pop(), figure: 'windows' },
  { name: 'a window start an hour late', edit: (p) => void (p.windows[3]!.start = '2024-05-13T10:00:00Z'), figure: 'windows[3].start' },
  { name: 'a window two hours long', edit: (p) => void (p.windows[3]!.hours = 2), figure: 'windows[3].hours' },
  {
    name: 'a route halved',
    edit: (p) => void (p.windows[1]!.routes[0]!.requestsPerSec /= 2),
    figure: 'windows[1].routes',
  },
  {
    name: 'a route dropped',
    edit: (p) => void p.windows[2]!.routes.pop(),
    figure: 'windows[2].routes',
  },
  {
    name: 'unmet demand hidden in a window',
    edit: (p) => void (p.windows[unmetWindow]!.unmet = []),
    figure: `windows[${unmetWindow}].unmet`,
  },
  {
    name: 'unmet demand doubled in a window',
    edit: (p) => void (p.windows[unmetWindow]!.unmet[0]!.requestsPerSec *= 2),
    figure: `windows[${unmetWindow}].unmet`,
  },
  { name: 'spot GPU-hours', edit: (p) => void (p.policies!.spot!.spotGpuHours -= 1), figure: 'policies.spot.spotGpuHours' },
  { name: 'largest spot share', edit: (p) => void (p.policies!.spot!.largestSpotShare = 0.25), figure: 'policies.spot.largestSpotShare' },
  { name: 'spot max share', edit: (p) => void (p.policies!.spot!.maxShare = 1), figure: 'policies.spot.maxShare' },
  {
    name: 'eviction probability',
    edit: (p) => void (p.policies!.spot!.evictionProbability = 0.5),
    figure: 'policies.spot.evictionProbability',
  },
  { name: 'reserved VMs', edit: (p) => void (p.policies!.reserved!.vms = 2), figure: 'policies.reserved.vms' },
  {
    name: 'reserved sunk cost in the summary',
    edit: (p) => void (p.policies!.reserved!.sunkCostUsd = 0),
    figure: 'policies.reserved.sunkCostUsd',
  },
  {
    name: 'requests by llm',
    edit: (p) => void (p.policies!.llmMix[0]!.requestsByLlm['llama-3.1-8b']! += 100),
    figure: 'policies.llmMix[0].requestsByLlm.llama-3.1-8b',
  },
  { name: 'budget state', edit: (p) => void (p.budget!.state = 'within'), figure: 'budget.state' },
  { name: 'budget mode', edit: (p) => void (p.budget!.mode = 'soft'), figure: 'budget.mode' },
  { name: 'budget amount', edit: (p) => void (p.budget!.usd = 100), figure: 'budget.usd' },
  { name: 'budget cost with start-ups', edit: (p) => void (p.budget!.costWithStartupsUsd -= 1), figure: 'budget.costWithStartupsUsd' },
  { name: 'budget left', edit: (p) => void (p.budget!.leftUsd += 1), figure: 'budget.leftUsd' },
  {
    name: 'an override that cuts demand 50x',
    edit: (p) => void (p.scenario.overrides = ['workloads.0.demand.scale=0.01']),
    figure: 'scenario.overrides',
  },
];

describe('the tampered-plan corpus', () => {
  it('passes the untouched plan (exit 0), a plan with a binding hard budget, spot, a reservation and llm loads', async () => {
    const { exitCode, report } = await validate(original, 'untouched');
    expect(report.violations).toEqual([]);
    expect(exitCode).toBe(0);
    // The corpus covers what it claims to: every figure kind is non-trivial in the fixture.
    expect(started.length).toBeGreaterThan(0);
    expect(unmetWindow).toBeGreaterThanOrEqual(0);
    expect(original.totals.modelLoadCostUsd).toBeGreaterThan(0);
    expect(original.budget?.state).toBe('binding');
    expect(original.policies?.spot?.spotGpuHours).toBeGreaterThan(0);
  });

  it('has at least 40 cases', () => {
    expect(tampers.length).toBeGreaterThanOrEqual(40);
  });

  it.each(tampers)('rejects $name, naming $figure (exit 1)', async ({ name, edit, figure }) => {
    const plan = structuredClone(original);
    edit(plan);
    const { exitCode, report } = await validate(plan, name);
    expect(exitCode).toBe(1);
    expect(report.ok).toBe(false);
    const named = report.violations.filter(
      (v) => v.figure !== undefined && (v.figure === figure || v.figure.startsWith(`${figure}.`) || v.figure.includes(figure)),
    );
    expect(named, JSON.stringify(report.violations, null, 1)).not.toEqual([]);
  });

  it('states an override that changes nothing the scenario asks for, and passes', async () => {
    const plan = structuredClone(original);
    plan.scenario.overrides = ['policies.headroom=0.1'];
    // An override that changes nothing the scenario asks for is stated, not a violation.
    const same = await validate(plan, 'no-op override');
    expect(same.exitCode).toBe(0);
  });
});

/**
 * Commitments: a committed plan of a second small scenario (test/fixtures/commitment-plan, solved the same
 * way) that buys a 3-year commitment and leaves the peak on demand, tampered one commitment figure at a time.
 */
const COMMITTED = join(import.meta.dirname, '..', 'fixtures', 'commitment-plan');
const committedPlan = JSON.parse(readFileSync(join(COMMITTED, 'plan.json'), 'utf8')) as PlanDocument;
const committed0 = committedPlan.windows[0]!.vms.findIndex((vm) => vm.purchase === 'committed');

async function validateCommitted(plan: PlanDocument, name: string): Promise<{ exitCode: number; report: Report }> {
  const file = join(work, `committed-${name.replace(/[^a-z0-9]+/gi, '-')}.json`);
  writeFileSync(file, JSON.stringify(plan));
  const { exitCode, stdout } = await planner([
    'validate',
    file,
    '--scenario',
    join(COMMITTED, 'scenario.yaml'),
    '--format',
    'json',
    '--allow-stale',
  ]);
  return { exitCode, report: JSON.parse(stdout) as Report };
}

const bought = (p: PlanDocument) => p.commitments!.bought[0]!;
const commitmentTampers: Tamper[] = [
  {
    name: 'one more committed VM in window 3 only',
    edit: (p) => {
      const vm = p.windows[3]!.vms.find((v) => v.purchase === 'committed')!;
      vm.count += 1;
      p.windows[3]!.costUsd += vm.usdPerHour * p.windows[3]!.hours;
    },
    figure: 'windows[3].vms',
  },
  { name: 'the committed price', edit: (p) => void (p.windows[0]!.vms[committed0]!.usdPerHour -= 0.1), figure: 'windows[0].vms' },
  { name: 'the count bought', edit: (p) => void (bought(p).count += 1), figure: 'commitments.bought[0].count' },
  { name: 'the term', edit: (p) => void (bought(p).term = '1y'), figure: 'commitments.bought[0].term' },
  { name: 'the monthly cost', edit: (p) => void (bought(p).monthlyCostUsd -= 1), figure: 'commitments.bought[0].monthlyCostUsd' },
  { name: 'the term cost', edit: (p) => void (bought(p).termCostUsd -= 1), figure: 'commitments.bought[0].termCostUsd' },
  { name: 'the utilisation', edit: (p) => void (bought(p).utilisation -= 0.01), figure: 'commitments.bought[0].utilisation' },
  {
    name: 'the break-even utilisation',
    edit: (p) => void (bought(p).breakEvenUtilisation -= 0.01),
    figure: 'commitments.bought[0].breakEvenUtilisation',
  },
  {
    name: "an offer's committed share",
    edit: (p) => void (bought(p).committedShare -= 0.01),
    figure: 'commitments.bought[0].committedShare',
  },
  { name: 'the term saving', edit: (p) => void (bought(p).termSavingUsd += 100), figure: 'commitments.bought[0].termSavingUsd' },
  { name: 'the plan committed share', edit: (p) => void (p.commitments!.committedShare += 0.01), figure: 'commitments.committedShare' },
  { name: 'the horizon saving', edit: (p) => void (p.commitments!.horizonSavingUsd += 1), figure: 'commitments.horizonSavingUsd' },
  { name: 'the commitments dropped', edit: (p) => void delete p.commitments, figure: 'commitments' },
];

describe('the tampered-plan corpus: commitments', () => {
  it('passes the untouched plan, which buys a commitment and leaves the peak on demand', async () => {
    const { exitCode, report } = await validateCommitted(committedPlan, 'untouched');
    expect(report.violations).toEqual([]);
    expect(exitCode).toBe(0);
    expect(bought(committedPlan).count).toBeGreaterThan(0);
    expect(committedPlan.windows.some((w) => w.vms.some((vm) => vm.purchase === 'on-demand'))).toBe(true);
  });

  it.each(commitmentTampers)('rejects $name, naming $figure (exit 1)', async ({ name, edit, figure }) => {
    const plan = structuredClone(committedPlan);
    edit(plan);
    const { exitCode, report } = await validateCommitted(plan, name);
    expect(exitCode).toBe(1);
    const named = report.violations.filter((v) => v.figure !== undefined && (v.figure === figure || v.figure.startsWith(figure)));
    expect(named, JSON.stringify(report.violations, null, 1)).not.toEqual([]);
  });
});
