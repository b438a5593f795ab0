import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { packageRoot } from '../../src/paths.js';
import { SweepDocumentSchema, type SweepDocument } from '../../src/sweep/document.js';
import { writePlannerShim } from '../support/planner-shim.js';
import { SCENARIOS, planner } from './run.js';

/**
 * docs/examples/sweep-github-actions.yml and docs/examples/sweep-indexed-job.yaml: they parse, wire their
 * jobs together as GitHub and Kubernetes read them, use only commands and options planner has, and their
 * scripts, run for real (bash, as the runners and pods run them, one process per point), give the sweep
 * the in-process `planner sweep` gives.
 */
interface Step {
  id?: string;
  uses?: string;
  with?: Record<string, unknown>;
  run?: string;
  env?: Record<string, string>;
}
interface WorkflowJob {
  needs?: string | string[];
  if?: string;
  outputs?: Record<string, string>;
  strategy?: { matrix: Record<string, unknown> };
  steps: Step[];
}
interface Workflow {
  on: { workflow_dispatch: { inputs: Record<string, { default: string }> } };
  env: Record<string, string>;
  jobs: Record<string, WorkflowJob>;
}
interface IndexedJob {
  kind: string;
  spec: {
    completionMode: string;
    completions: number;
    parallelism: number;
    template: {
      spec: {
        restartPolicy: string;
        containers: { workingDir: string; command: string[]; args: string[]; volumeMounts: { name: string; mountPath: string }[] }[];
        volumes: { name: string }[];
      };
    };
  };
}

const root = packageRoot();
const examples = join(root, 'docs', 'examples');
const actionsText = readFileSync(join(examples, 'sweep-github-actions.yml'), 'utf8');
const indexedText = readFileSync(join(examples, 'sweep-indexed-job.yaml'), 'utf8');
const workflow = parse(actionsText) as Workflow;
const indexed = parse(indexedText) as IndexedJob;
const container = indexed.spec.template.spec.containers[0]!;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; version: string };

/** Every `planner COMMAND args` in a text (scripts and comments), up to the end of its line or a pipe. */
function invocations(text: string): { command: string; args: string }[] {
  return [...text.matchAll(/(?:^|[\s;(&#])planner ([a-z]+)\b(?!:)([^\n|>&]*)/gm)].map((m) => ({ command: m[1]!, args: m[2]!.trim() }));
}

/** A GitHub expression as the workflow writes it: ${{ expression }}. */
const gh = (expression: string) => `\${{ ${expression} }}`;
const stepsOf = (job: string) => workflow.jobs[job]!.steps;
const runsOf = (job: string) => stepsOf(job).flatMap((step) => (step.run ? [step.run] : []));

describe('docs/examples/sweep-github-actions.yml', () => {
  it('emits, runs one matrix job per point from the manifest (fromJSON), then collects', () => {
    expect(Object.keys(workflow.jobs)).toEqual(['emit', 'point', 'collect']);
    const emit = workflow.jobs.emit!;
    expect(emit.outputs).toEqual({ jobs: gh('steps.emit.outputs.jobs') });
    const emitStep = emit.steps.find((step) => step.id === 'emit')!;
    expect(emitStep.run).toMatch(/planner sweep \S+ .*--emit-jobs sweep-jobs\n/);
    expect(emitStep.run).toContain('echo "jobs=$(jq -c .jobs sweep-jobs/manifest.json)" >> "$GITHUB_OUTPUT"');

    const point = workflow.jobs.point!;
    expect(point.needs).toBe('emit');
    expect(point.strategy!.matrix).toEqual({ job: gh('fromJSON(needs.emit.outputs.jobs)') });
    expect(runsOf('point').join('\n')).toMatch(/planner sweep --point "sweep-jobs\/\$\{JOB\}"/);

    const collect = workflow.jobs.collect!;
    expect(collect.needs).toEqual(['emit', 'point']);
    expect(collect.if).toMatch(/always\(\)/);
    expect(runsOf('collect').join('\n')).toMatch(/planner sweep --collect sweep-jobs/);
  });

  it('passes the job files and results as artifacts: what is uploaded is what is downloaded', () => {
    const uploads = (job: string) => stepsOf(job).filter((s) => s.uses?.startsWith('actions/upload-artifact@'));
    const downloads = (job: string) => stepsOf(job).filter((s) => s.uses?.startsWith('actions/download-artifact@'));
    expect(uploads('emit').map((s) => s.with)).toEqual([{ name: 'sweep-jobs', path: 'sweep-jobs/' }]);
    for (const job of ['point', 'collect']) expect(downloads(job)[0]!.with).toEqual({ name: 'sweep-jobs', path: 'sweep-jobs' });
    // One result artifact per matrix job, all merged into the collected folder.
    expect(uploads('point').map((s) => s.with)).toEqual([{ name: `sweep-result-${gh('strategy.job-index')}`, path: 'results/' }]);
    expect(downloads('collect')[1]!.with).toEqual({ pattern: 'sweep-result-*', path: 'sweep-jobs/results', 'merge-multiple': true });
  });

  it('installs the package at the version package.json has in every job, and passes expressions through env only', () => {
    expect(workflow.env.PLANNER_VERSION).toBe(pkg.version);
    for (const job of Object.keys(workflow.jobs)) expect(runsOf(job)).toContain(`npm install --global "${pkg.name}@\${PLANNER_VERSION}"`);
    for (const job of Object.keys(workflow.jobs)) for (const run of runsOf(job)) expect(run).not.toContain('${{');
  });
});

describe('docs/examples/sweep-indexed-job.yaml', () => {
  it('is an Indexed Job whose pods pick their job file by JOB_COMPLETION_INDEX on a shared volume', () => {
    expect(indexed.kind).toBe('Job');
    expect(indexed.spec.completionMode).toBe('Indexed');
    expect(indexed.spec.template.spec.restartPolicy).toBe('Never');
    expect(container.command).toEqual(['bash', '-ceu']);
    expect(container.args[0]).toMatch(/\$\{JOB_COMPLETION_INDEX\}/);
    expect(container.args[0]).toMatch(/planner sweep --point "\/shared\/sweep\/\$\{job\}"/);
    expect(container.volumeMounts).toEqual([{ name: 'shared', mountPath: '/shared' }]);
    expect(indexed.spec.template.spec.volumes.map((v) => v.name)).toEqual(['shared']);
  });
});

describe('docs/sweep.md', () => {
  it('shows both examples as they are in docs/examples/', () => {
    const doc = readFileSync(join(root, 'docs', 'sweep.md'), 'utf8');
    expect(doc).toContain(`\`\`\`yaml\n${actionsText}\`\`\``);
    expect(doc).toContain(`\`\`\`yaml\n${indexedText}\`\`\``);
  });
});

describe('the examples use only commands and options planner has', () => {
  const all = [...invocations(actionsText), ...invocations(indexedText)];
  it('finds the emit, point and collect runs in both', () => {
    for (const text of [actionsText, indexedText]) {
      const args = invocations(text).map((i) => i.args);
      for (const flag of ['--emit-jobs', '--point', '--collect']) expect(args.some((a) => a.includes(flag))).toBe(true);
    }
  });
  it('each option is in the command help', async () => {
    for (const { command, args } of all) {
      const { exitCode, stdout } = await planner([command, '--help']);
      expect(exitCode, command).toBe(0);
      for (const option of args.match(/--[a-z-]+/g) ?? []) expect(stdout, `${command} ${option}`).toContain(option);
    }
  });
});

/** A scratch checkout with `planner` (from the sources) on PATH and capacity/scenario.yaml (the tiny fixture). */
describe('the examples, run', () => {
  const work = mkdtempSync(join(tmpdir(), 'planner-sweep-examples-'));
  const repo = join(work, 'repo');
  const bin = join(work, 'bin');
  const hasJq = spawnSync('jq', ['--version']).status === 0;
  let inProcess: unknown;
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  beforeAll(async () => {
    mkdirSync(join(repo, 'capacity'), { recursive: true });
    mkdirSync(bin);
    writePlannerShim(bin);
    writeFileSync(join(repo, 'capacity', 'scenario.yaml'), readFileSync(join(SCENARIOS, 'tiny.yaml'), 'utf8'));
    // The grid both examples run: the workflow's default input, by two headroom values.
    const grid = ['--vary', `demand.scale=${workflow.on.workflow_dispatch.inputs.scale!.default}`, '--vary', 'policies.headroom=0.1,0.2'];
    const run = await planner(['sweep', 'capacity/scenario.yaml', ...grid, '--jobs', '1', '--format', 'json'], repo);
    expect(run.exitCode, run.stderr).toBe(0);
    inProcess = withoutSeconds(run.stdout);
  });

  function bash(script: string, cwd: string, env: Record<string, string> = {}): Promise<{ status: number | null; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], {
        cwd,
        env: { ...(process.env as Record<string, string>), PATH: `${bin}:${process.env.PATH}`, ...env },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('exit', (status) => resolve({ status, stderr }));
    });
  }

  /** Runs tasks two at a time (the 2-core CI machine). */
  async function twoAtATime(tasks: (() => Promise<void>)[]): Promise<void> {
    const queue = [...tasks];
    const lane = async () => {
      for (let task = queue.shift(); task; task = queue.shift()) await task();
    };
    await Promise.all([lane(), lane()]);
  }

  it.skipIf(!hasJq)(
    'the workflow: emit, 8 matrix jobs each on its own runner, collect: the in-process sweep, as CSV, JSON and HTML',
    async () => {
      const expand = (text: string, matrix: string, index: number) =>
        text
          .replace(gh('matrix.job'), matrix)
          .replace(gh('strategy.job-index'), String(index))
          .replace(gh('inputs.scale'), workflow.on.workflow_dispatch.inputs.scale!.default);
      const stepRuns = async (job: string, cwd: string, matrix = '', index = 0) => {
        for (const step of stepsOf(job)) {
          if (!step.run || step.run.startsWith('npm install')) continue;
          const env = Object.fromEntries(Object.entries({ ...workflow.env, ...step.env }).map(([k, v]) => [k, expand(v, matrix, index)]));
          const { status, stderr } = await bash(step.run, cwd, {
            ...env,
            GITHUB_OUTPUT: join(cwd, 'github-output'),
            GITHUB_STEP_SUMMARY: join(cwd, 'summary.md'),
          });
          expect(status, `${job}: ${step.run}\n${stderr}`).toBe(0);
        }
      };
      const emitter = join(work, 'gh-emit');
      cpSync(repo, emitter, { recursive: true });
      await stepRuns('emit', emitter);
      const jobs = JSON.parse(/^jobs=(.*)$/m.exec(readFileSync(join(emitter, 'github-output'), 'utf8'))![1]!) as string[];
      expect(jobs).toEqual(Array.from({ length: 8 }, (_, i) => `point-000${i}.json`));

      // Each matrix job: a fresh checkout, the jobs artifact downloaded, its result uploaded.
      const collector = join(work, 'gh-collect');
      mkdirSync(join(collector, 'sweep-jobs', 'results'), { recursive: true });
      cpSync(join(emitter, 'sweep-jobs'), join(collector, 'sweep-jobs'), { recursive: true });
      await twoAtATime(
        jobs.map((job, index) => async () => {
          const runner = join(work, `gh-point-${index}`);
          cpSync(repo, runner, { recursive: true });
          cpSync(join(emitter, 'sweep-jobs'), join(runner, 'sweep-jobs'), { recursive: true });
          await stepRuns('point', runner, job, index);
          const uploaded = readdirSync(join(runner, 'results'));
          expect(uploaded).toEqual([job.replace('.json', '.result.json')]);
          cpSync(join(runner, 'results', uploaded[0]!), join(collector, 'sweep-jobs', 'results', uploaded[0]!));
        }),
      );
      await stepRuns('collect', collector);
      expect(readdirSync(join(collector, 'sweep')).sort()).toEqual(['sweep.csv', 'sweep.html', 'sweep.json']);
      const doc = SweepDocumentSchema.parse(JSON.parse(readFileSync(join(collector, 'sweep', 'sweep.json'), 'utf8')));
      expect(doc.points).toHaveLength(8);
      expect(withoutSeconds(JSON.stringify(doc))).toEqual(inProcess);
      expect(readFileSync(join(collector, 'sweep', 'sweep.csv'), 'utf8').split('\r\n')).toHaveLength(10); // header, 8 rows, ''
      expect(readFileSync(join(collector, 'summary.md'), 'utf8')).toMatch(
        /^```\nSweep of tiny: 8 points over demand\.scale x policies\.headroom/,
      );
    },
    300_000,
  );

  it('the Indexed Job: the emit it describes, one pod script per completion index, the collect: the in-process sweep', async () => {
    const shared = join(work, 'shared');
    const onVolume = (text: string) => text.replaceAll('/shared/', `${shared}/`);
    const comment = (flag: string) => invocations(indexedText).find((i) => i.args.includes(flag))!;
    const emit = comment('--emit-jobs');
    expect((await bash(onVolume(`planner ${emit.command} ${emit.args}`), repo)).status).toBe(0);
    const manifest = JSON.parse(readFileSync(join(shared, 'sweep', 'manifest.json'), 'utf8')) as { count: number };
    expect(indexed.spec.completions).toBe(manifest.count);

    await twoAtATime(
      Array.from({ length: indexed.spec.completions }, (_, index) => async () => {
        const { status, stderr } = await bash(onVolume(container.args[0]!), repo, { JOB_COMPLETION_INDEX: String(index) });
        expect(status, stderr).toBe(0);
      }),
    );
    expect(readdirSync(join(shared, 'sweep', 'results'))).toHaveLength(8);
    const collect = comment('--collect');
    const out = join(work, 'k8s-out');
    mkdirSync(out);
    expect((await bash(`planner ${collect.command} ${onVolume(collect.args)} > sweep.csv`, out)).status).toBe(0);
    expect(existsSync(join(out, 'sweep.html'))).toBe(true);
    const json = await planner(['sweep', '--collect', join(shared, 'sweep'), '--format', 'json']);
    expect(withoutSeconds(json.stdout)).toEqual(inProcess);
  }, 300_000);
});

function withoutSeconds(json: string): unknown {
  const doc = JSON.parse(json) as SweepDocument;
  return { ...doc, seconds: 0, points: doc.points.map((p) => ({ ...p, seconds: 0 })) };
}
