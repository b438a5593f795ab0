import { describe, expect, it } from 'vitest';
import { maxThroughput, scaleReplicaGroups, simulateRequests, type ReplicaModel } from '../../src/simulate/request-sim.js';

const mix = {
  meanInputTokens: 1000,
  meanOutputTokens: 200,
  buckets: [
    { inputTokens: 500, outputTokens: 100, share: 0.5 },
    { inputTokens: 1500, outputTokens: 300, share: 0.5 },
  ],
};
const slow: ReplicaModel = { label: 'slow', slots: 8, ratePerSec: 10, prefillMs: 40, decodeStepMs: 20 };
const fast: ReplicaModel = { label: 'fast', slots: 8, ratePerSec: 30, prefillMs: 15, decodeStepMs: 8 };
const options = { mix, ttftSloMs: 1000 };

describe('request-level dispatch simulation', () => {
  it('meets the SLO at light load and fails it far beyond capacity', () => {
    const replicas = [slow, fast];
    expect(simulateRequests(replicas, 'proportional', 10, options).attainment).toBe(1);
    expect(simulateRequests(replicas, 'proportional', 80, options).attainment).toBeLessThan(0.5);
  });

  it('on identical replicas both policies dispatch alike', () => {
    const replicas = [slow, slow, slow];
    expect(maxThroughput(replicas, 'proportional', options)).toBe(maxThroughput(replicas, 'round-robin', options));
  });

  it('on a 1:3 heterogeneous set of replicas, round-robin saturates at n x the slow rate; proportional carries close to the sum', () => {
    const replicas = [...new Array(6).fill(slow), ...new Array(6).fill(fast)] as ReplicaModel[];
    const capacity = 6 * 10 + 6 * 30;
    const roundRobin = maxThroughput(replicas, 'round-robin', options);
    const proportional = maxThroughput(replicas, 'proportional', options);
    // Round-robin gives every replica 1/12 of the load: the slow ones cap it at 12 x 10 req/s.
    expect(roundRobin).toBeLessThanOrEqual(12 * 10 * 1.01);
    expect(roundRobin).toBeGreaterThan(12 * 10 * 0.8);
    expect(proportional).toBeGreaterThan(0.85 * capacity);
    expect(proportional).toBeLessThanOrEqual(capacity * 1.01);
    expect(proportional / roundRobin - 1).toBeGreaterThan(0.6);
  });

  it('scaleReplicaGroups keeps config shares, at least one replica each', () => {
    expect(scaleReplicaGroups([{ count: 100 }, { count: 300 }, { count: 1 }], 24).map((p) => p.count)).toEqual([6, 18, 1]);
    expect(scaleReplicaGroups([{ count: 2 }, { count: 3 }], 24).map((p) => p.count)).toEqual([2, 3]);
  });
});
