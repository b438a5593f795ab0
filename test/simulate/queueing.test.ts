import { describe, expect, it } from 'vitest';
import { evaluateFleets } from '../../src/simulate/evaluate.js';
import { replicaGroupQueueEstimate, windowQueueing, type QueueProfile } from '../../src/simulate/queueing.js';
import type { FleetWindow } from '../../src/simulate/types.js';
import { mulberry32 } from '../../src/random.js';
import { glpkSolve, simSmallWithQueues } from './support.js';

/**
 * A FIFO single-server queue fed by Poisson arrivals of two classes, each replica of a replica group getting its share:
 * the mean wait the closed form must reproduce. Class 0 has exponential prefills (E[P^2] = 2 E[P]^2), class 1
 * deterministic ones (E[P^2] = E[P]^2).
 */
function simulatedMeanWaitMs(
  ratesPerMs: readonly [number, number],
  meanMs: readonly [number, number],
  arrivals: number,
  seed: number,
): number {
  const random = mulberry32(seed);
  const total = ratesPerMs[0] + ratesPerMs[1];
  let now = 0;
  let freeAt = 0;
  let waited = 0;
  for (let i = 0; i < arrivals; i++) {
    now += -Math.log(1 - random()) / total;
    const first = random() < ratesPerMs[0] / total;
    const service = first ? -Math.log(1 - random()) * meanMs[0] : meanMs[1];
    const start = Math.max(now, freeAt);
    waited += start - now;
    freeAt = start + service;
  }
  return waited / arrivals;
}

describe('the queueing estimate per replica group', () => {
  it('is the multi-class Pollaczek-Khinchine wait, worked by hand', () => {
    const profiles = new Map<number, QueueProfile>([
      // At its SLO rate alone, workload 0 spends half its time in prefill and its decodes stall 10 ms a token.
      [
        0,
        {
          prefillMs: 100,
          prefillSquaredMs2: 20_000,
          decodeStepMs: 20,
          ttftSloMs: 1000,
          tpotSloMs: 100,
          tpotAtSloRateMs: 30,
          prefillUtilisationAtSloRate: 0.5,
        },
      ],
      [
        1,
        {
          prefillMs: 20,
          prefillSquaredMs2: 400,
          decodeStepMs: 10,
          ttftSloMs: 50,
          tpotSloMs: 100,
          tpotAtSloRateMs: 12,
          prefillUtilisationAtSloRate: 0.2,
        },
      ],
    ]);
    // Two replicas, 4 and 10 req/s: per replica 0.002 and 0.005 per ms. rho = 0.2 + 0.1 = 0.3;
    // sum lambda E[P^2] = 40 + 2 = 42; wait = 42 / (2 x 0.7) = 30 ms.
    const estimate = replicaGroupQueueEstimate(
      new Map([
        [0, 4],
        [1, 10],
      ]),
      2,
      (w) => profiles.get(w),
    );
    expect(estimate.prefillUtilisation).toBeCloseTo(0.3, 12);
    expect(estimate.waitMs).toBeCloseTo(30, 9);
    expect(estimate.ttftMs.get(0)).toBeCloseTo(150, 9);
    expect(estimate.ttftMs.get(1)).toBeCloseTo(60, 9);
    // Decode stalls scale with the replica group's prefill utilisation: 20 + 10 x 0.3 / 0.5 and 10 + 2 x 0.3 / 0.2.
    expect(estimate.tpotMs.get(0)).toBeCloseTo(26, 9);
    expect(estimate.tpotMs.get(1)).toBeCloseTo(13, 9);
    // Workload 1's 60 ms misses its 50 ms SLO: its 10 req/s count late, workload 0's do not.
    const fleet: FleetWindow = { vms: [], replicas: [{ llm: 'l', sku: 's', tp: 1, region: 'r', count: 2 }] };
    const window = windowQueueing(
      fleet,
      new Map([
        [
          0,
          new Map([
            [0, 4],
            [1, 10],
          ]),
        ],
      ]),
      2,
      (_replica, w) => profiles.get(w),
    );
    expect(window.lateRps).toEqual([0, 10]);
    expect(window.meanWaitMs).toBeCloseTo(30, 9);
    expect(window.worstTtftToSlo).toBeCloseTo(60 / 50, 9);
    expect(window.worstTpotToSlo).toBeCloseTo(26 / 100, 9);
    // A TPOT SLO of 25 ms makes workload 0's 26 ms late too.
    const tight = new Map([...profiles].map(([w, p]) => [w, w === 0 ? { ...p, tpotSloMs: 25 } : p]));
    expect(
      windowQueueing(
        fleet,
        new Map([
          [
            0,
            new Map([
              [0, 4],
              [1, 10],
            ]),
          ],
        ]),
        2,
        (_replica, w) => tight.get(w),
      ).lateRps,
    ).toEqual([4, 10]);
    // Prefill utilisation 1 or more: the queue grows without bound.
    expect(replicaGroupQueueEstimate(new Map([[0, 20]]), 2, (w) => profiles.get(w)).waitMs).toBe(Infinity);
  });

  it('matches a simulated FIFO queue with two classes of prefill', () => {
    const profiles = new Map<number, QueueProfile>([
      [
        0,
        {
          prefillMs: 80,
          prefillSquaredMs2: 2 * 80 * 80,
          decodeStepMs: 0,
          ttftSloMs: 1e9,
          tpotSloMs: 1e9,
          tpotAtSloRateMs: 0,
          prefillUtilisationAtSloRate: 0.9,
        },
      ],
      [
        1,
        {
          prefillMs: 300,
          prefillSquaredMs2: 300 * 300,
          decodeStepMs: 0,
          ttftSloMs: 1e9,
          tpotSloMs: 1e9,
          tpotAtSloRateMs: 0,
          prefillUtilisationAtSloRate: 0.9,
        },
      ],
    ]);
    // Three replicas carrying 15 and 4 req/s: per replica 5 and 1.33 req/s, rho = 0.4 + 0.4 = 0.8.
    const estimate = replicaGroupQueueEstimate(
      new Map([
        [0, 15],
        [1, 4],
      ]),
      3,
      (w) => profiles.get(w),
    );
    expect(estimate.prefillUtilisation).toBeCloseTo(0.8, 12);
    const simulated = simulatedMeanWaitMs([5 / 1000, 4 / 3 / 1000], [80, 300], 400_000, 7);
    expect(Math.abs(simulated / estimate.waitMs - 1)).toBeLessThan(0.03);
  });

  it('alone on its replicas at the SLO rate, a workload sits at the perf model TTFT, within its SLO', async () => {
    const { input, queueProfile } = await simSmallWithQueues();
    let checked = 0;
    for (const candidate of input.candidates) {
      for (const [id, rate] of candidate.requestsPerSecByWorkload) {
        const w = input.workloads.findIndex((x) => x.id === id);
        const profile = queueProfile(candidate, w)!;
        const estimate = replicaGroupQueueEstimate(new Map([[w, 3 * rate]]), 3, () => profile);
        expect(estimate.prefillUtilisation).toBeLessThan(1);
        expect(estimate.ttftMs.get(w)!, `${candidate.llm} ${candidate.sku} tp${candidate.tp} ${id}`).toBeLessThanOrEqual(
          profile.ttftSloMs * (1 + 1e-9),
        );
        // At the SLO rate the TPOT is the perf model's own, within its SLO.
        expect(estimate.tpotMs.get(w)!).toBeCloseTo(profile.tpotAtSloRateMs, 9);
        expect(estimate.tpotMs.get(w)!).toBeLessThanOrEqual(profile.tpotSloMs * (1 + 1e-9));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(4);
  });
});

describe('the evaluation counts requests late where a long-prompt workload shares replicas', () => {
  // chat moves onto code's llm with 16k-token prompts: its ~650 ms prefills queue ahead of code's 70 ms ones.
  const shared = [
    'workloads.1.llms=[llama-3.1-8b]',
    'workloads.1.requestMix.meanInputTokens=16000',
    'workloads.1.requestMix.meanOutputTokens=50',
    'workloads.1.slo.ttftMs=8000',
  ];

  async function evaluateShared(codeShare: number) {
    const { input, queueProfile } = await simSmallWithQueues(shared);
    const candidate = input.candidates.find(
      (c) => c.llm === 'llama-3.1-8b' && c.sku === 'NC40ads_H100_v5' && c.tp === 1 && c.region === 'eastus',
    )!;
    const rate = (id: string) => candidate.requestsPerSecByWorkload.get(id)!;
    const sku = input.skus.find((s) => s.sku === candidate.sku)!;
    const fleet: FleetWindow = {
      vms: [{ region: 'eastus', sku: candidate.sku, purchase: 'on-demand', count: 4, usdPerHour: 7 }],
      replicas: [{ llm: candidate.llm, sku: candidate.sku, tp: 1, region: 'eastus', count: 4 * sku.gpusPerVm }],
    };
    const replicas = 4 * sku.gpusPerVm;
    // All demand from eastus, filling the replica group exactly: codeShare of it code, the rest chat.
    const t = 30;
    const actual = input.workloads.map((workload, w) =>
      workload.origins.map((origin) =>
        input.windows.map((_, i) =>
          i === t && origin === 'eastus' ? (w === 0 ? codeShare : 1 - codeShare) * replicas * rate(workload.id) : 0,
        ),
      ),
    );
    const run = { name: 'shared', description: 'one replica group for both', fleets: [fleet], seconds: 0 };
    const ctx = { input, windows: [t], actual, events: [], startFleet: [], solve: await glpkSolve() };
    return { fluid: await evaluateFleets(ctx, run), queued: await evaluateFleets({ ...ctx, queueProfile }, run), replicas, rate };
  }

  it('code behind long chat prefills misses its TTFT; the fluid model alone calls it served', async () => {
    const { fluid, queued } = await evaluateShared(0.1);
    const [window] = queued.windows;
    // Fluid: the replica group is exactly full, everything served within SLO.
    expect(fluid.totals.attainment).toBeCloseTo(1, 6);
    expect(fluid.totals.lateRequests).toBe(0);
    expect(window!.servedRps).toBeCloseTo(window!.demandRps, 6);
    // Queued: code's mean TTFT is over its 1 s SLO, so its requests are late; chat's 8 s SLO holds.
    expect(window!.queueing!.worstTtftToSlo).toBeGreaterThan(1);
    expect(window!.byWorkload.code!.withinSloRps).toBe(0);
    expect(window!.byWorkload.chat!.withinSloRps).toBeCloseTo(window!.byWorkload.chat!.servedRps, 9);
    const seconds = window!.hours * 3600;
    expect(queued.totals.lateRequests).toBeCloseTo(window!.byWorkload.code!.servedRps * seconds, 3);
    expect(queued.totals.attainment).toBeCloseTo((queued.totals.servedRequests - queued.totals.lateRequests) / queued.totals.requests, 12);
    expect(queued.totals.attainmentByWorkload.code).toBe(0);
  });

  it('with code the bulk of the replica group the wait is short: both TTFTs hold, chat meets its SLO', async () => {
    const { input, queueProfile } = await simSmallWithQueues(shared);
    const { queued } = await evaluateShared(0.9);
    const [window] = queued.windows;
    expect(window!.queueing!.worstTtftToSlo).toBeLessThan(1);
    expect(window!.byWorkload.chat!.withinSloRps).toBeCloseTo(window!.byWorkload.chat!.servedRps, 9);
    // Code's TPOT at its SLO rate is TPOT-bound (at the SLO). Chat's long prefills fill more of the replica
    // (prefill utilisation at its SLO rate) than code's, so a 10% chat share raises the stall between code's
    // tokens a little: code is served within its TTFT and at most a few % over its TPOT, never more.
    const candidate = input.candidates.find(
      (c) => c.llm === 'llama-3.1-8b' && c.sku === 'NC40ads_H100_v5' && c.tp === 1 && c.region === 'eastus',
    )!;
    const code = queueProfile(candidate, 0)!;
    const chat = queueProfile(candidate, 1)!;
    if (chat.prefillUtilisationAtSloRate <= code.prefillUtilisationAtSloRate) expect(queued.totals.lateRequests).toBe(0);
    expect(window!.queueing!.worstTpotToSlo).toBeLessThan(1.05);
  });
});
