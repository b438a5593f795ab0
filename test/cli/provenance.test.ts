import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanDocument } from '../../src/plan-document/index.js';
import { packageRoot } from '../../src/paths.js';
import { SCENARIOS, planner } from './run.js';

/**
 * plan.json records where its scenario came from (scenario.file, relative to the plan) and the hashes of the
 * scenario, catalog and data; planner validate with no --scenario finds it, and says a stale plan in one line.
 * Each test works in a folder of its own: capacity/scenario.yaml and capacity/plan.json, as the CI example commits.
 */
const work = mkdtempSync(join(tmpdir(), 'planner-provenance-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const read = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as PlanDocument;

/** A repository-like folder with capacity/scenario.yaml (tiny.yaml) solved into capacity/plan.json. */
async function solvedRepo(name: string, scenarioText?: string): Promise<string> {
  const repo = join(work, name);
  mkdirSync(join(repo, 'capacity'), { recursive: true });
  writeFileSync(join(repo, 'capacity', 'scenario.yaml'), scenarioText ?? readFileSync(join(SCENARIOS, 'tiny.yaml'), 'utf8'));
  const { exitCode } = await planner(['solve', 'capacity/scenario.yaml', '--out', 'capacity'], repo);
  expect(exitCode).toBe(0);
  return repo;
}

describe('plan.json provenance', () => {
  let repo: string;
  beforeAll(async () => {
    repo = await solvedRepo('fresh');
  });

  it('records the scenario relative to the plan and the sha256 of scenario, catalog and data', async () => {
    const plan = read(join(repo, 'capacity', 'plan.json'));
    expect(plan.scenario.file).toBe('scenario.yaml');
    expect(Object.keys(plan.scenario)).toEqual(['name', 'hash', 'overrides', 'file', 'hashes']);
    const { createHash } = await import('node:crypto');
    const text = readFileSync(join(repo, 'capacity', 'scenario.yaml'), 'utf8');
    expect(plan.scenario.hashes!.scenario).toBe(`sha256:${createHash('sha256').update(text).digest('hex')}`);
    expect(plan.scenario.hashes!.catalog).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(plan.scenario.hashes!.data).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('planner validate with no --scenario passes on the fresh plan, from any directory', async () => {
    const here = await planner(['validate', 'capacity/plan.json'], repo);
    expect(here.stdout).toMatch(/^plan OK: 3 windows/);
    expect(here.exitCode).toBe(0);
    const elsewhere = await planner(['validate', join(repo, 'capacity', 'plan.json')], work);
    expect(elsewhere.exitCode).toBe(0);
    // The moved folder still finds its scenario: the path is relative to the plan.
    cpSync(repo, join(work, 'moved'), { recursive: true });
    expect((await planner(['validate', join(work, 'moved', 'capacity', 'plan.json')])).exitCode).toBe(0);
  });

  it('a printed plan of the built-in default names it as builtin:', async () => {
    const { stdout } = await planner(['solve', '--windows', '0..0', '--format', 'json']);
    const plan = JSON.parse(stdout) as PlanDocument;
    expect(plan.scenario.file).toBe('builtin:scenarios/default.yaml');
  });
});

describe('a stale plan', () => {
  it('whose scenario file was edited afterwards: one line, exit 5', async () => {
    const repo = await solvedRepo('edited');
    const scenario = join(repo, 'capacity', 'scenario.yaml');
    writeFileSync(scenario, readFileSync(scenario, 'utf8').replace('constantRequestsPerSec: 20', 'constantRequestsPerSec: 30'));
    const { exitCode, stdout, stderr } = await planner(['validate', 'capacity/plan.json'], repo);
    expect(exitCode).toBe(5);
    expect(stdout).toBe('the plan is stale: its scenario changed since it was solved; re-run planner solve\n');
    expect(stderr).toBe('');
    const json = await planner(['validate', 'capacity/plan.json', '--format', 'json'], repo);
    expect(json.exitCode).toBe(5);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, stale: true, changed: ['scenario'] });
    // --allow-stale checks it against the edited scenario: 30 req/s on a fleet sized for 20 is short.
    const checked = await planner(['validate', 'capacity/plan.json', '--allow-stale', '--format', 'json'], repo);
    expect(checked.exitCode).toBe(1);
    expect((JSON.parse(checked.stdout) as { violations: Array<{ group: string }> }).violations.some((v) => v.group === 'demand')).toBe(
      true,
    );
    // Re-solving makes it fresh again.
    expect((await planner(['solve', 'capacity/scenario.yaml', '--out', 'capacity'], repo)).exitCode).toBe(0);
    expect((await planner(['validate', 'capacity/plan.json'], repo)).exitCode).toBe(0);
  });

  it('whose catalog or data changed says which', async () => {
    // A scenario with its own catalog folder (a copy of the built-in one) and a request-mix file.
    const text = readFileSync(join(SCENARIOS, 'tiny.yaml'), 'utf8')
      .replace('catalog: builtin:models', 'catalog: models')
      .replace('requestMix: { meanInputTokens: 1000, meanOutputTokens: 200 }', 'requestMix: { file: mix.csv }');
    const repo = join(work, 'inputs');
    mkdirSync(join(repo, 'capacity', 'models'), { recursive: true });
    for (const file of ['gpus.csv', 'llms.csv', 'skus.csv', 'prices.csv', 'regions.csv', 'latency.csv'])
      copyFileSync(join(packageRoot(), 'models', file), join(repo, 'capacity', 'models', file));
    const mix = join(repo, 'capacity', 'mix.csv');
    copyFileSync(join(packageRoot(), 'traces', 'conv-2023-request-mix.csv'), mix);
    writeFileSync(join(repo, 'capacity', 'scenario.yaml'), text);
    const solved = await planner(['solve', 'capacity/scenario.yaml', '--out', 'capacity'], repo);
    expect(solved.stderr).toBe('');
    expect(solved.exitCode).toBe(0);
    expect((await planner(['validate', 'capacity/plan.json'], repo)).exitCode).toBe(0);

    const prices = join(repo, 'capacity', 'models', 'prices.csv');
    const original = readFileSync(prices, 'utf8');
    writeFileSync(prices, `${original}\n`); // one more (blank) line: the same prices, another file
    const catalog = await planner(['validate', 'capacity/plan.json'], repo);
    expect(catalog.exitCode).toBe(5);
    expect(catalog.stdout).toBe('the plan is stale: its catalog changed since it was solved; re-run planner solve\n');
    writeFileSync(prices, original);

    writeFileSync(mix, `${readFileSync(mix, 'utf8')}\n`);
    const data = await planner(['validate', 'capacity/plan.json'], repo);
    expect(data.exitCode).toBe(5);
    expect(data.stdout).toMatch(/^the plan is stale: its data changed since it was solved; re-run planner solve\n$/);
  });

  it('report says the plan is stale but still reports it; another scenario is refused, not diffed row by row', async () => {
    const repo = await solvedRepo('other');
    writeFileSync(
      join(repo, 'capacity', 'scenario.yaml'),
      readFileSync(join(SCENARIOS, 'tiny.yaml'), 'utf8').replace('name: tiny', 'name: tiny\n# edited'),
    );
    const report = await planner(['report', 'capacity/plan.json', '--format', 'json'], repo);
    expect(report.exitCode).toBe(0);
    expect(report.stderr).toMatch(/the plan is stale: its scenario changed/);

    const { exitCode, stdout, stderr } = await planner(
      ['validate', 'capacity/plan.json', '--scenario', join(packageRoot(), 'scenarios', 'default.yaml')],
      repo,
    );
    expect(exitCode).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/the plan was solved from scenario 'tiny', not 'default-week'/);
  });

  it('a plan without a recorded scenario file asks for --scenario (exit 2)', async () => {
    const { stdout } = await planner(['solve', join(SCENARIOS, 'tiny.yaml'), '--format', 'json']);
    const file = join(work, 'printed.json');
    writeFileSync(file, stdout);
    const { exitCode, stderr } = await planner(['validate', file]);
    expect(exitCode).toBe(2);
    expect(stderr).toMatch(/does not record its scenario file.*--scenario/);
    expect((await planner(['validate', file, '--scenario', join(SCENARIOS, 'tiny.yaml')])).exitCode).toBe(0);
  });
});
