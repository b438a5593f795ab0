import { describe, expect, it } from 'vitest';
import { rateSeries, shiftSeries, workloadDemand } from '../../src/demand/workload.js';
import { InputError } from '../../src/errors.js';

const SERIES = [10, 20, 30, 40, 50, 60];
const SHARES = { westus2: 0.3, eastus: 0.5, southcentralus: 0.2 };

describe('workloadDemand', () => {
  it('splits each window by origin share; shares sum back to the scaled series', () => {
    const demand = workloadDemand(SERIES, 3600, { originShares: SHARES, scale: 3 });
    expect(demand.origins).toEqual(['eastus', 'southcentralus', 'westus2']);
    expect(demand.requestsPerSec[0]).toEqual(SERIES.map((rate) => rate * 3 * 0.5));
    SERIES.forEach((rate, t) => {
      const total = demand.requestsPerSec.reduce((sum, origin) => sum + origin[t]!, 0);
      expect(total).toBeCloseTo(rate * 3, 10);
    });
  });

  it('shifts by whole windows, cyclically, later for a positive shift', () => {
    const later = workloadDemand(SERIES, 3600, { originShares: { eastus: 1 }, shiftHours: 2 });
    expect(later.requestsPerSec[0]).toEqual([50, 60, 10, 20, 30, 40]);
    const earlier = workloadDemand(SERIES, 3600, { originShares: { eastus: 1 }, shiftHours: -1 });
    expect(earlier.requestsPerSec[0]).toEqual([20, 30, 40, 50, 60, 10]);
    // One hour is two 30-minute windows.
    const halfHours = workloadDemand(SERIES, 1800, { originShares: { eastus: 1 }, shiftHours: 1 });
    expect(halfHours.requestsPerSec[0]).toEqual([50, 60, 10, 20, 30, 40]);
    expect(shiftSeries(SERIES, 6 + 2)).toEqual(shiftSeries(SERIES, 2));
  });

  it('reports every invalid part of the spec, with its field', () => {
    let error: unknown;
    try {
      workloadDemand(
        SERIES,
        3600,
        { originShares: { eastus: 0.5, westus2: 0.4, centralus: -0.1 }, shiftHours: 1.5, scale: -1 },
        'workloads.0.demand',
      );
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).issues.map((issue) => issue.field)).toEqual([
      'workloads.0.demand.origins.centralus',
      'workloads.0.demand.origins',
      'workloads.0.demand.scale',
      'workloads.0.demand.shiftHours',
    ]);
    expect(() => workloadDemand(SERIES, 3600, { originShares: {} })).toThrow(/no origin regions/);
  });

  it('takes the mean, peak or p95 rate of windows', () => {
    const windows = [
      { meanRequestsPerSec: 1, peakRequestsPerSec: 3, p95RequestsPerSec: 2 },
      { meanRequestsPerSec: 4, peakRequestsPerSec: 6 },
    ];
    expect(rateSeries(windows, 'mean')).toEqual([1, 4]);
    expect(rateSeries(windows, 'peak')).toEqual([3, 6]);
    expect(rateSeries(windows, 'p95')).toEqual([2, 6]);
  });
});
