import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { packageRoot } from '../../src/paths.js';
import { writePlannerShim } from '../support/planner-shim.js';
import { SCENARIOS, planner } from './run.js';

interface Step {
  name?: string;
  uses?: string;
  if?: string;
  id?: string;
  run?: string;
  env?: Record<string, string>;
}
interface Workflow {
  env?: Record<string, string>;
  jobs: Record<string, { steps: Step[] }>;
}

const root = packageRoot();
const workflow = parse(readFileSync(join(root, 'docs', 'capacity-plan-ci.yml'), 'utf8')) as Workflow;
const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);
const runs = steps.map((step) => step.run ?? '');
const invocations = runs.flatMap((run) =>
  [...run.matchAll(/(?:^|[\s;(])planner ([a-z]+)\b(?!:)([^\n|>]*)/gm)].map((m) => ({ command: m[1]!, args: m[2]!.trim() })),
);
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; version: string };

describe('docs/capacity-plan-ci.yml', () => {
  it('validates the committed plan from the scenario it records, solves the base when it has no plan, diffs as Markdown', () => {
    expect(invocations.map((i) => i.command)).toEqual(['validate', 'solve', 'diff']);
    expect(invocations[0]!.args).not.toMatch(/--scenario/);
    expect(invocations[2]!.args).toMatch(/--format markdown/);
    expect(invocations[2]!.args).toMatch(/--exit-code/);
  });

  it('installs the package the README installs, at the version package.json has', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    expect(readme).toContain(`npm install -g ${pkg.name}`);
    expect(workflow.env?.PLANNER_VERSION).toBe(pkg.version);
    const install = runs.find((run) => run.includes('npm install'))!;
    expect(install).toBe(`npm install --global "${pkg.name}@\${PLANNER_VERSION}"`);
    expect(runs.join('\n')).not.toMatch(/git\+https|#v\d/); // no git tag
  });

  it('uses only commands and options planner has', async () => {
    for (const { command, args } of invocations) {
      const { exitCode, stdout } = await planner([command, '--help']);
      expect(exitCode).toBe(0);
      for (const option of args.match(/--[a-z-]+/g) ?? []) expect(stdout).toContain(option);
    }
  });

  it('updates one comment found by its marker instead of posting one per push', () => {
    const comment = runs.find((run) => run.includes('gh api'))!;
    expect(comment).not.toMatch(/gh pr comment/);
    expect(comment).toMatch(/--method PATCH "repos\/\$\{REPO\}\/issues\/comments\/\$\{id\}"/);
    expect(comment).toMatch(/startswith\(\\"\$\{marker\}\\"\)/);
    // Expressions reach scripts through env only (no ${{ }} inside run:).
    for (const run of runs) expect(run).not.toContain('${{');
  });
});

/**
 * The workflow's steps run for real (bash -eo pipefail, as GitHub runs them) in a scratch repository, with
 * `planner` from the sources and a fake `gh` that records its calls and answers the comment list from a file.
 */
describe('the workflow, run', () => {
  const work = mkdtempSync(join(tmpdir(), 'planner-ci-'));
  const repo = join(work, 'repo');
  const bin = join(work, 'bin');
  const ghLog = join(work, 'gh.log');
  const comments = join(work, 'comments.json');
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const hasJq = spawnSync('jq', ['--version']).status === 0;

  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, stdio: 'pipe' });
  const tiny = readFileSync(join(SCENARIOS, 'tiny.yaml'), 'utf8');

  beforeAll(async () => {
    mkdirSync(join(repo, 'capacity'), { recursive: true });
    mkdirSync(bin);
    writePlannerShim(bin);
    writeFileSync(
      join(bin, 'gh'),
      [
        '#!/usr/bin/env bash',
        'printf "%s\\n" "$*" >> "$FAKE_GH_LOG"',
        'for a in "$@"; do case "$a" in body=@*) cp "$(echo "$a" | cut -c7-)" "$FAKE_GH_LOG.body";; esac; done',
        'case " $* " in *" --method "*) echo "{}"; exit 0;; esac',
        'prev=; expr=; for a in "$@"; do [ "$prev" = --jq ] && expr=$a; prev=$a; done',
        'jq -r "$expr" "$FAKE_GH_COMMENTS"',
        '',
      ].join('\n'),
    );
    chmodSync(join(bin, 'gh'), 0o755);
    git('init', '-q', '-b', 'main');
    git('config', 'user.email', 'ci@example.com');
    git('config', 'user.name', 'ci');
    // The base branch: tiny at 20 requests/s, solved and committed; origin/main points at it.
    writeFileSync(join(repo, 'capacity', 'scenario.yaml'), tiny);
    expect((await planner(['solve', 'capacity/scenario.yaml', '--out', 'capacity'], repo)).exitCode).toBe(0);
    git('add', 'capacity');
    git('commit', '-qm', 'base plan');
    git('update-ref', 'refs/remotes/origin/main', 'HEAD');
  });

  /** Runs the steps as GitHub would: a failed step skips the later ones unless they say always(). */
  function runWorkflow(name: string): { failed: string[]; tmp: string } {
    const tmp = join(work, name);
    mkdirSync(tmp);
    const output = join(tmp, 'github-output');
    const failed: string[] = [];
    const context: Record<string, string> = {
      'github.base_ref': 'main',
      'github.token': 'token',
      'github.repository': 'org/capacity',
      'github.event.pull_request.number': '7',
    };
    for (const step of steps) {
      if (!step.run || step.run.startsWith('npm install')) continue;
      if (failed.length > 0 && !step.if?.includes('always()')) continue;
      const env: Record<string, string> = {
        ...(process.env as Record<string, string>),
        ...workflow.env,
        PATH: `${bin}:${process.env.PATH}`,
        GITHUB_OUTPUT: output,
        GITHUB_STEP_SUMMARY: join(tmp, 'summary.md'),
        FAKE_GH_LOG: ghLog,
        FAKE_GH_COMMENTS: comments,
      };
      for (const [key, value] of Object.entries(step.env ?? {}))
        env[key] = value.replace(/\$\{\{\s*([\w.]+)\s*\}\}/g, (_, expression: string) => context[expression] ?? '');
      const script = step.run.replaceAll('/tmp/', `${tmp}/`);
      const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], { cwd: repo, env, encoding: 'utf8' });
      if (result.status !== 0) failed.push(step.name ?? step.run);
    }
    git('worktree', 'prune');
    return { failed, tmp };
  }

  it.skipIf(!hasJq)(
    'a re-solved pull request: validate passes, the diff says +50% demand, one comment is posted, then updated',
    async () => {
      git('checkout', '-qb', 'more-demand');
      writeFileSync(join(repo, 'capacity', 'scenario.yaml'), tiny.replace('constantRequestsPerSec: 20', 'constantRequestsPerSec: 30'));
      expect((await planner(['solve', 'capacity/scenario.yaml', '--out', 'capacity'], repo)).exitCode).toBe(0);
      git('commit', '-qam', 'more demand');

      writeFileSync(comments, '[{"id": 41, "body": "LGTM"}]');
      rmSync(ghLog, { force: true });
      const first = runWorkflow('first');
      expect(first.failed).toEqual([]);
      expect(readFileSync(join(first.tmp, 'github-output'), 'utf8')).toContain('changed=true');
      const calls = readFileSync(ghLog, 'utf8').trim().split('\n');
      expect(calls).toHaveLength(2);
      expect(calls[1]).toMatch(/^api --method POST repos\/org\/capacity\/issues\/7\/comments -F body=@/);
      const body = readFileSync(`${ghLog}.body`, 'utf8');
      expect(body.split('\n')[0]).toBe('<!-- planner: capacity-plan -->');
      expect(body).toMatch(/#### Capacity plan `tiny`: total with start-ups \$[\d.,]+ -> \$[\d.,]+ \(\+\$[\d.,]+, \+[\d.]+%\)/);
      // 30 instead of 20 requests/s: served requests +50.0%.
      expect(body).toMatch(/\| served requests \| 216,000 \| 324,000 \| \+108,000 \| \+50\.0% \|/);
      expect(body).toMatch(/planner validate: plan OK: 3 windows/);

      // The next push finds the comment by its marker and edits it.
      writeFileSync(
        comments,
        JSON.stringify([
          { id: 41, body: 'LGTM' },
          { id: 42, body: body },
        ]),
      );
      rmSync(ghLog);
      const second = runWorkflow('second');
      expect(second.failed).toEqual([]);
      expect(readFileSync(ghLog, 'utf8').trim().split('\n')[1]).toMatch(
        /^api --method PATCH repos\/org\/capacity\/issues\/comments\/42 -F body=@/,
      );
      git('checkout', '-q', 'main');
    },
    120_000,
  );

  it.skipIf(!hasJq)(
    'a pull request that edits the scenario without re-solving fails on the stale plan, and says so in the comment',
    () => {
      git('checkout', '-qb', 'forgot-to-solve');
      writeFileSync(join(repo, 'capacity', 'scenario.yaml'), tiny.replace('startupMinutes: 10', 'startupMinutes: 20'));
      git('commit', '-qam', 'longer start-ups, plan not re-solved');
      writeFileSync(comments, '[]');
      rmSync(ghLog, { force: true });
      const { failed } = runWorkflow('stale');
      expect(failed).toEqual(['Validate the committed plan against the scenario it records']);
      const body = readFileSync(`${ghLog}.body`, 'utf8');
      expect(body).toContain('planner validate: the plan is stale: its scenario changed since it was solved; re-run planner solve');
      // The plan itself did not change: the diff says so.
      expect(body).toMatch(/#### Capacity plan `tiny`: no change/);
      expect(existsSync(join(work, 'stale', 'base-plan.json'))).toBe(true);
      git('checkout', '-q', 'main');
    },
    120_000,
  );
});
