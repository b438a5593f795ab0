import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { ExitCode, InputError, PlannerError } from './errors.js';
import { processIo, type CliIo } from './commands/io.js';
import { listSolverNames } from './solvers/registry.js';

/**
 * The command-line surface: every command and flag is declared here; the work lives in src/commands/
 * (loaded lazily, so `planner catalog` never loads a solver). Only this file maps errors to exit codes.
 */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<ExitCode> {
  let exitCode: ExitCode = ExitCode.ok;
  const program = new Command('planner')
    .description('Plan GPU capacity for LLM inference fleets by mixed-integer linear programming.')
    .version(await packageVersion(), '-V, --version')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .showHelpAfterError('(run with --help for usage)');

  const run =
    <A extends unknown[]>(action: (...args: A) => Promise<ExitCode>) =>
    async (...args: A) => {
      exitCode = await action(...args);
    };

  program
    .command('solvers')
    .description('list the solver backends and whether each loads on this machine')
    .addOption(formatOption(['table', 'json']))
    .action(
      run(async (options: { format: 'table' | 'json' }) => {
        const { solversCommand } = await import('./commands/solvers.js');
        return solversCommand(options, io);
      }),
    );

  program
    .command('demand')
    .description('statistics of a request trace (Azure LLM CSV) or an hourly profile: totals, per window, size mix')
    .argument('<file>', 'trace CSV (TIMESTAMP,ContextTokens,GeneratedTokens) or hourly profile CSV')
    .option('--window <duration>', 'window length, e.g. 30s, 5m, 1h', '1h')
    .addOption(formatOption(['table', 'json']))
    .action(
      run(async (file: string, options: Parameters<typeof import('./commands/demand.js').demandCommand>[1]) => {
        const { demandCommand } = await import('./commands/demand.js');
        return demandCommand(file, options, io);
      }),
    );

  program
    .command('schema')
    .description('print the JSON Schema of scenario files or of plan.json')
    .argument('[which]', 'scenario | plan', 'scenario')
    .action(
      run(async (which: string) => {
        const { SCHEMAS, schemaCommand } = await import('./commands/schema.js');
        if (!(which in SCHEMAS)) throw new InputError({ field: 'which', message: `unknown schema '${which}'`, fix: `one of ${Object.keys(SCHEMAS).join(', ')}` });
        return schemaCommand(which as keyof typeof SCHEMAS, io);
      }),
    );

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    return reportError(error, io);
  }
}

export function formatOption(choices: readonly string[]): Option {
  return new Option('--format <format>', 'output format').choices(choices).default(choices[0]);
}

export function solverOption(): Option {
  return new Option('--solver <name>', 'solver backend').choices(listSolverNames()).default('highs');
}

export function parsePositiveNumber(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new InvalidArgumentError('expected a positive number.');
  return parsed;
}

function reportError(error: unknown, io: CliIo): ExitCode {
  if (error instanceof CommanderError) {
    // Help and version are successful exits; commander has already printed them.
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') {
      return ExitCode.ok;
    }
    return ExitCode.badInput;
  }
  if (error instanceof PlannerError) {
    io.stderr.write(`planner: ${error.message}\n`);
    return error.exitCode;
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  io.stderr.write(`planner: internal error (a bug; please report it with the command and inputs)\n${detail}\n`);
  return ExitCode.internal;
}

async function packageVersion(): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  const url = new URL('../../package.json', import.meta.url);
  const fallback = new URL('../package.json', import.meta.url);
  for (const candidate of [url, fallback]) {
    try {
      const pkg = JSON.parse(await readFile(candidate, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'planner' && pkg.version) return pkg.version;
    } catch {
      // try the next location: dist/src/cli.js and src/cli.ts sit at different depths
    }
  }
  return '0.0.0';
}
