import type { PlanningInput } from '../../src/capacity/types.js';
import { buildFinanceReport, type FinanceReport } from '../../src/report/finance.js';
import { PlanDocumentSchema, type PlanDocument } from '../../src/plan-document/index.js';

/** An llm id and a workload id that must come out escaped everywhere. */
export const EVIL_LLM = '<script>alert(1)</script>';
export const ODD_WORKLOAD = `code<&>"'`;

const SKUS = [
  { sku: 'gpu-1x', gpusPerVm: 1, usdPerHour: 2.5 },
  { sku: 'gpu-8x', gpusPerVm: 8, usdPerHour: 21.75 },
] as const;
/** Requests/s one replica sustains. */
const CHAT_RATE = 4;
const CODE_RATE = 10;

export interface FixtureOptions {
  /** No VMs and no routes: all demand unmet, zero cost. */
  zeroCost?: boolean;
}

/**
 * A hand-built plan (valid plan.json) and its finance report: hourly windows from 2024-05-10, chat served by
 * small-llm on gpu-1x in eastus (with some unmet demand), ODD_WORKLOAD served by EVIL_LLM at TP 2 on gpu-8x in westus2.
 */
export function fixture(
  windowCount: number,
  options: FixtureOptions = {},
): { plan: PlanDocument; report: FinanceReport; input: PlanningInput } {
  const windows: PlanDocument['windows'] = [];
  const previous = new Map<string, number>();
  for (let t = 0; t < windowCount; t++) {
    const start = new Date(Date.UTC(2024, 4, 10) + t * 3_600_000).toISOString().replace('.000Z', 'Z');
    const wave = 0.5 + 0.5 * Math.sin((2 * Math.PI * t) / 24);
    const chatDemand = round(6 + 30 * wave);
    const codeDemand = round(12 + 50 * wave);
    const chatUnmet = options.zeroCost ? chatDemand : t % 5 === 3 ? 1.5 : 0;
    const codeUnmet = options.zeroCost ? codeDemand : 0;
    const chatServed = round(chatDemand - chatUnmet);
    const codeServed = round(codeDemand - codeUnmet);
    const chatReplicas = Math.ceil(chatServed / (CHAT_RATE * 0.9));
    const codeReplicas = Math.ceil(codeServed / (CODE_RATE * 0.9));
    const counts = { 'gpu-1x': chatReplicas, 'gpu-8x': Math.ceil((codeReplicas * 2) / 8) };
    const vms = SKUS.filter((s) => counts[s.sku] > 0).map((s) => {
      const region = s.sku === 'gpu-1x' ? 'eastus' : 'westus2';
      const count = counts[s.sku];
      const started = Math.max(0, count - (previous.get(s.sku) ?? 0));
      return { region, sku: s.sku, purchase: 'on-demand' as const, count, usdPerHour: s.usdPerHour, started };
    });
    for (const s of SKUS) previous.set(s.sku, counts[s.sku]);
    const replicas = [
      ...(chatReplicas > 0 ? [{ llm: 'small-llm', sku: 'gpu-1x', tp: 1, region: 'eastus', count: chatReplicas }] : []),
      ...(codeReplicas > 0 ? [{ llm: EVIL_LLM, sku: 'gpu-8x', tp: 2, region: 'westus2', count: codeReplicas }] : []),
    ];
    const routes = [
      ...(chatServed > 0
        ? [{ workload: 'chat', origin: 'eastus', llm: 'small-llm', sku: 'gpu-1x', tp: 1, region: 'eastus', requestsPerSec: chatServed }]
        : []),
      ...(codeServed > 0
        ? [
            {
              workload: ODD_WORKLOAD,
              origin: 'westus2',
              llm: EVIL_LLM,
              sku: 'gpu-8x',
              tp: 2,
              region: 'westus2',
              requestsPerSec: codeServed,
            },
          ]
        : []),
    ];
    const unmet = [
      ...(chatUnmet > 0 ? [{ workload: 'chat', origin: 'eastus', requestsPerSec: chatUnmet }] : []),
      ...(codeUnmet > 0 ? [{ workload: ODD_WORKLOAD, origin: 'westus2', requestsPerSec: codeUnmet }] : []),
    ];
    const costUsd = round(vms.reduce((sum, vm) => sum + vm.count * vm.usdPerHour, 0));
    const gpuHours = vms.reduce((sum, vm) => sum + vm.count * SKUS.find((s) => s.sku === vm.sku)!.gpusPerVm, 0);
    windows.push({ index: t, start, hours: 1, costUsd, gpuHours, vms, replicas, routes, unmet });
  }
  const served = windows.reduce((sum, w) => sum + w.routes.reduce((s, r) => s + r.requestsPerSec * 3600, 0), 0);
  const unmetRequests = windows.reduce((sum, w) => sum + w.unmet.reduce((s, u) => s + u.requestsPerSec * 3600, 0), 0);
  const costUsd = round(windows.reduce((sum, w) => sum + w.costUsd, 0));
  const plan = PlanDocumentSchema.parse({
    schemaVersion: 1,
    status: windowCount === 0 ? 'infeasible' : 'optimal',
    scenario: { name: `fixture & "friends" <${windowCount}>`, hash: 'sha256:0000', overrides: ['horizon.windows=<n>'] },
    solver: {
      name: 'highs',
      strategy: 'joint',
      reason: 'hand-built fixture',
      seconds: 0.5,
      objective: costUsd,
      bound: costUsd,
      gap: 0,
      windowsSolved: windowCount,
      statuses: { optimal: windowCount },
    },
    totals: {
      costUsd,
      startupCostUsd: 0,
      gpuHours: windows.reduce((sum, w) => sum + w.gpuHours, 0),
      servedRequests: round(served),
      unmetRequests: round(unmetRequests),
    },
    windows,
  });
  const input: PlanningInput = {
    windows: windows.map((w) => ({ start: w.start, hours: w.hours })),
    regions: ['eastus', 'westus2'],
    purchases: ['on-demand'],
    skus: SKUS.map((s) => ({
      sku: s.sku,
      gpu: 'X',
      gpusPerVm: s.gpusPerVm,
      prices: [{ region: s.sku === 'gpu-1x' ? 'eastus' : 'westus2', purchase: 'on-demand', usdPerHour: s.usdPerHour }],
    })),
    workloads: [
      { id: 'chat', origins: ['eastus'], maxNetworkRttMs: 50, unmetPenaltyUsdPerRequest: 1 },
      { id: ODD_WORKLOAD, origins: ['westus2'], maxNetworkRttMs: 50, unmetPenaltyUsdPerRequest: 1 },
    ],
    candidates: [
      { llm: 'small-llm', sku: 'gpu-1x', tp: 1, region: 'eastus', requestsPerSecByWorkload: new Map([['chat', CHAT_RATE]]) },
      { llm: EVIL_LLM, sku: 'gpu-8x', tp: 2, region: 'westus2', requestsPerSecByWorkload: new Map([[ODD_WORKLOAD, CODE_RATE]]) },
    ],
    demand: [],
    latencyMs: () => 1,
    policies: { headroom: 0.1, startupHours: 0, quotas: [], currentFleet: [] },
  };
  return { plan, report: buildFinanceReport(plan, input), input };
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
