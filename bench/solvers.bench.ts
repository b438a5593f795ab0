import { columnCount, isMip, nonZeroCount, rowCount, type Program } from '../src/lp/index.js';
import { getSolver, listSolverNames } from '../src/solvers/registry.js';
import { buildCapacityShaped, relax, type ShapeDimensions } from './capacity-shaped.js';

/**
 * Backends on capacity-shaped programs of growing size: one monolithic solve each, 1% gap, a time limit.
 * Columns/rows/build ms/solve ms/status/gap per backend. The per-window and rolling strategies are
 * measured by the planner benches; this one shows the raw engines.
 */
const TIME_LIMIT_SEC = Number(process.env.BENCH_TIME_LIMIT ?? 10);

const sizes: Array<{ name: string; dims: ShapeDimensions; relaxed?: boolean; solvers?: string[] }> = [
  { name: 'S (1 window)', dims: { llms: 2, regions: 1, gpus: 3, hours: 1 } },
  { name: 'M1 (1 window of M)', dims: { llms: 4, regions: 3, gpus: 5, hours: 1 } },
  { name: 'M (24 windows)', dims: { llms: 4, regions: 3, gpus: 5, hours: 24 } },
  { name: 'L LP relaxation (168 windows)', dims: { llms: 4, regions: 3, gpus: 5, hours: 168 }, relaxed: true },
  { name: 'XL LP relaxation (168 windows)', dims: { llms: 8, regions: 6, gpus: 6, hours: 168 }, relaxed: true, solvers: ['highs'] },
];

export async function run(): Promise<void> {
  const rows: string[][] = [];
  for (const size of sizes) {
    const started = performance.now();
    let program: Program = buildCapacityShaped(size.dims);
    if (size.relaxed) program = relax(program);
    const buildMs = performance.now() - started;
    for (const name of size.solvers ?? listSolverNames()) {
      const solver = await getSolver(name);
      const solution = await solver.solve(program, { timeLimitSec: TIME_LIMIT_SEC, relativeGap: 0.01 });
      rows.push([
        size.name,
        name,
        `${columnCount(program)} (${program.integrality.reduce((a, b) => a + b, 0)} int)`,
        String(rowCount(program)),
        String(nonZeroCount(program)),
        buildMs.toFixed(0),
        (solution.seconds * 1000).toFixed(0),
        solution.status,
        solution.objective?.toFixed(1) ?? '-',
        solution.bound?.toFixed(1) ?? '-',
        solution.gap === undefined ? '-' : `${(solution.gap * 100).toFixed(2)}%`,
        isMip(program) ? 'MIP' : 'LP',
      ]);
      process.stderr.write(`  ${size.name} ${name}: ${solution.status} in ${solution.seconds.toFixed(2)} s\n`);
    }
  }
  const header = [
    'instance',
    'solver',
    'columns',
    'rows',
    'non-zeros',
    'build ms',
    'solve ms',
    'status',
    'objective',
    'bound',
    'gap',
    'kind',
  ];
  printMarkdown(header, rows);
  process.stdout.write(`\ntime limit ${TIME_LIMIT_SEC} s per solve (BENCH_TIME_LIMIT), relative gap 1%, node ${process.version}\n`);
}

export function printMarkdown(header: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |\n`;
  process.stdout.write(line(header));
  process.stdout.write(line(widths.map((w) => '-'.repeat(w))));
  for (const row of rows) process.stdout.write(line(row));
}
