import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { printMarkdown } from './solvers.bench.js';

/**
 * Scale: the default scenario over a month (720 hourly windows, the week repeated) and the widest instance
 * the catalog allows (every region, every SKU, every llm with the cheapest chosen, on-demand and spot), over
 * a week and a month. Each instance runs in a process of its own (bench/scale-point.ts) for its peak memory.
 * SCALE_INSTANCES=default-720,wide-168 runs only those. Issue 21's targets: within 1% with nothing unmet, in
 * <= 30 s (default-720), <= 20 s (wide-168), <= 120 s and <= 1.5 GB (wide-720), on 2 quiet cores.
 */
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');

async function csvIds(file: string): Promise<string[]> {
  const lines = (await readFile(join(root, 'models', file), 'utf8')).trim().split('\n').slice(1);
  return [...new Set(lines.map((line) => line.split(',')[0]!))].sort();
}

const MONTH = ['horizon.windows=720', 'workloads.0.demand.repeat=weekly'];

async function instances(): Promise<{ name: string; overrides: string[] }[]> {
  const [regions, skus, llms] = await Promise.all([csvIds('regions.csv'), csvIds('skus.csv'), csvIds('llms.csv')]);
  const wide = [
    `regions=[${regions.join(', ')}]`,
    `skus=[${skus.join(', ')}]`,
    'purchases=[on-demand, spot]',
    ...[0, 1].flatMap((w) => [`workloads.${w}.llms=[${llms.join(', ')}]`, `workloads.${w}.llmChoice=cheapest`]),
  ];
  return [
    { name: 'default-168', overrides: [] },
    { name: 'default-720', overrides: MONTH },
    { name: 'wide-168', overrides: wide },
    { name: 'wide-720', overrides: [...wide, ...MONTH] },
  ];
}

export async function run(): Promise<void> {
  const only = process.env.SCALE_INSTANCES?.split(',');
  const rows: string[][] = [];
  for (const instance of await instances()) {
    if (only && !only.includes(instance.name)) continue;
    const child = spawnSync(process.execPath, [join(here, 'scale-point.js'), ...instance.overrides], {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    });
    if (child.status !== 0) {
      rows.push([instance.name, `exit ${child.status}: ${child.stderr.trim().split('\n').at(-1)}`, '', '', '', '', '', '', '']);
      continue;
    }
    const r = JSON.parse(child.stdout.trim().split('\n').at(-1)!);
    rows.push([
      instance.name,
      r.status,
      r.strategy,
      String(r.windows),
      r.gap === null ? '-' : `${(r.gap * 100).toFixed(2)}%`,
      String(Math.round(r.unmetRequests)),
      r.seconds.toFixed(1),
      r.cpuSeconds.toFixed(1),
      r.maxRssMb.toFixed(0),
    ]);
  }
  printMarkdown(['instance', 'status', 'strategy', 'windows', 'gap', 'unmet', 'wall s', 'CPU s', 'peak MB'], rows);
  process.stdout.write(`\nnode ${process.version}; solver and limits from the scenario (auto, gap 0.5%)\n`);
}
