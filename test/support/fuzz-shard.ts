import { rmSync } from 'node:fs';
import { afterAll, expect, it } from 'vitest';
import { type FuzzOutcome, fuzzRoot, runFuzzInstance } from './fuzz-run.js';

/** The solve fuzz: FUZZ_INSTANCES seeds, dealt round-robin over FUZZ_SHARDS test files that vitest runs in parallel. */
export const FUZZ_INSTANCES = 500;
export const FUZZ_SHARDS = 4;

/**
 * Registers one shard's test: every instance either gives a plan that `planner validate` accepts and whose
 * costs recompute to the cent, or exits 1 (no plan, unmet demand) or 2 (bad input) with a one-message
 * error and no stack trace; never 3 (a bug) or 4 (the wall-clock safety net, which must not fire here).
 */
export function fuzzShard(shard: number): void {
  const root = fuzzRoot();
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const seeds = Array.from({ length: FUZZ_INSTANCES }, (_, i) => i + 1).filter((seed) => seed % FUZZ_SHARDS === shard);

  it(`solves ${seeds.length} random small scenarios (seeds ${seeds[0]}, ${seeds[1]}, ...): a checked plan, or exit 1 or 2`, async () => {
    const outcomes: FuzzOutcome[] = [];
    for (const seed of seeds) outcomes.push(await runFuzzInstance(seed, root));
    const problems = outcomes.flatMap(problemsOf);
    expect(problems).toEqual([]);

    const planned = outcomes.filter((o) => o.validate);
    const tally = {
      instances: outcomes.length,
      solved: outcomes.filter((o) => o.exitCode === 0).length,
      unmetOrNoPlan: outcomes.filter((o) => o.exitCode === 1).length,
      badInput: outcomes.filter((o) => o.exitCode === 2).length,
      validated: planned.length,
      slowShared: outcomes.filter((o) => o.slowShared).length,
    };
    console.log(`solve fuzz shard ${shard}: ${JSON.stringify(tally)}`);
    // The generator must keep exercising every outcome and the slow shared configs, or the shard proves little.
    expect(tally.solved).toBeGreaterThan(seeds.length / 4);
    expect(tally.unmetOrNoPlan).toBeGreaterThan(seeds.length / 10);
    expect(tally.badInput).toBeGreaterThan(seeds.length / 20);
    expect(tally.slowShared).toBeGreaterThan(0);
  });
}

function problemsOf(o: FuzzOutcome): string[] {
  const at = `seed ${o.seed} (${o.traits.join(', ') || 'plain'})`;
  const problems: string[] = [];
  if (![0, 1, 2].includes(o.exitCode)) problems.push(`${at}: exit ${o.exitCode}: ${o.stderr}`);
  if (o.exitCode !== 0) {
    if (!o.stderr.startsWith('planner: ') || /\n\s+at /.test(o.stderr) || o.stderr.includes('internal error'))
      problems.push(`${at}: exit ${o.exitCode} without a clear message: ${o.stderr}`);
  }
  if (o.exitCode === 2 && !/scenario\.json|--strategy/.test(o.stderr)) problems.push(`${at}: exit 2 names no file or flag: ${o.stderr}`);
  if (o.exitCode === 0 && !o.validate) problems.push(`${at}: exit 0 without a plan`);
  if (o.validate && (o.validate.exitCode !== 0 || o.validate.violations.length))
    problems.push(`${at}: validate exit ${o.validate.exitCode}: ${o.validate.violations.join('; ')}`);
  for (const error of o.centErrors) problems.push(`${at}: ${error}`);
  return problems;
}
