import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectSweep, loadScenarioFile, parseVary, runSweepJob, sweepJobsOf, sweepScenario, type SweepDocument } from '../../src/index.js';
import { overrideNamesFiles } from '../../src/commands/sweep-point.js';
import { jobFileName, resultFileName } from '../../src/sweep/jobs.js';

const TINY = join(import.meta.dirname, '..', 'fixtures', 'scenarios', 'tiny.yaml');
const zeroSeconds = (doc: SweepDocument) => ({ ...doc, seconds: 0, points: doc.points.map((p) => ({ ...p, seconds: 0 })) });

describe('sweep jobs through the library', () => {
  it('emitted jobs, each run, collected: the in-process sweep (seconds aside); the order of results does not matter', async () => {
    const loaded = await loadScenarioFile(TINY, { windows: '0..1' });
    const axes = [parseVary('demand.scale=1,2'), parseVary('policies.headroom=0.1,0.3')];
    const { manifest, jobs } = sweepJobsOf(loaded, { axes, solver: 'glpk', planner: 'test' });
    expect(manifest.count).toBe(4);
    expect(manifest.jobs).toEqual(['point-0000.json', 'point-0001.json', 'point-0002.json', 'point-0003.json']);
    expect(jobs.map((job) => job.overrides)).toEqual([
      ['horizon.skipWindows=0', 'horizon.windows=2', 'workloads.0.demand.scale=1', 'policies.headroom=0.1'],
      ['horizon.skipWindows=0', 'horizon.windows=2', 'workloads.0.demand.scale=1', 'policies.headroom=0.3'],
      ['horizon.skipWindows=0', 'horizon.windows=2', 'workloads.0.demand.scale=2', 'policies.headroom=0.1'],
      ['horizon.skipWindows=0', 'horizon.windows=2', 'workloads.0.demand.scale=2', 'policies.headroom=0.3'],
    ]);
    expect(jobs.every((job) => job.sharedOverrides === 2 && job.gridHash === manifest.gridHash)).toBe(true);

    const results = [];
    for (const job of [...jobs].reverse())
      results.push({ file: `r${job.index}`, result: await runSweepJob(job, `j${job.index}`, process.cwd()) });
    const collected = collectSweep(manifest, results);
    const { document } = await sweepScenario(loaded, { axes, solver: 'glpk', jobs: 1 });
    expect(zeroSeconds(collected)).toEqual(zeroSeconds(document));
    expect(collected.seconds).toBeCloseTo(
      results.reduce((sum, r) => sum + r.result.outcome.seconds, 0),
      3,
    );
  });

  it('the grid hash changes with any input: a flag, a value, the planner version, an override', async () => {
    const loaded = await loadScenarioFile(TINY);
    const axes = [parseVary('demand.scale=1,2')];
    const hash = (changes: Partial<Parameters<typeof sweepJobsOf>[1]> = {}, from = loaded) =>
      sweepJobsOf(from, { axes, planner: '1', ...changes }).manifest.gridHash;
    const base = hash();
    expect(hash()).toBe(base); // deterministic
    const others = [
      hash({ solver: 'glpk' }),
      hash({ relativeGap: 0.01 }),
      hash({ planner: '2' }),
      hash({ axes: [parseVary('demand.scale=1,3')] }),
      hash({}, await loadScenarioFile(TINY, { set: ['policies.headroom=0.2'] })),
    ];
    expect(new Set([base, ...others]).size).toBe(6);
  });

  it('names files so that a listing sorts in grid order', () => {
    expect(jobFileName(3, 8)).toBe('point-0003.json');
    expect(jobFileName(12, 20000)).toBe('point-00012.json');
    expect(resultFileName('jobs/point-0003.json')).toBe('jobs/point-0003.result.json');
  });

  it('knows which overrides may name a file of the scenario (then a point skips the checkout check)', () => {
    for (const override of [
      'catalog=other',
      'profiles=[a.yaml]',
      'profiles.0=a.yaml',
      'calibration=c.csv',
      'workloads=[]',
      'workloads.0={id: x}',
      'workloads.1.demand={trace: t.csv}',
      'workloads.0.demand.trace=t.csv',
      'workloads.0.demand.profile=p.csv',
      'workloads.0.requestMix={file: m.csv}',
      'workloads.0.requestMix.file=m.csv',
    ])
      expect(overrideNamesFiles(override), override).toBe(true);
    for (const override of [
      'workloads.0.demand.scale=2',
      'policies.headroom=0.2',
      'regions=[eastus]',
      'workloads.0.llms=[a]',
      'catalogue=x',
    ])
      expect(overrideNamesFiles(override), override).toBe(false);
  });
});
