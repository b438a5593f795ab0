import { ExitCode } from '../errors.js';
import { probeSolvers } from '../solvers/probe.js';
import type { CliIo } from './io.js';

/** `planner solvers`: which backends load here, proven by a one-variable solve each. */
export async function solversCommand(options: { format: 'table' | 'json' }, io: CliIo): Promise<ExitCode> {
  const rows = await probeSolvers();
  if (options.format === 'json') io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
  else for (const row of rows) io.stdout.write(`${row.name.padEnd(8)} ${row.available ? 'available' : 'unavailable'}  ${row.detail}\n`);
  return rows.every((row) => row.available) ? ExitCode.ok : ExitCode.noPlan;
}
