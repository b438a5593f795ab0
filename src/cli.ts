import { Argument, Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { ExitCode, InputError, PlannerError, escapeControls } from './errors.js';
import { processIo, type CliIo } from './commands/io.js';
import { listSolverNames, warmIsolatedSolver } from './solvers/registry.js';
import { packageVersion } from './commands/version.js';

// The bin's loader hands the build's pre-parsed package CSVs in (src/commands/boot.ts).
export { rememberCsvRecords } from './csv-known.js';

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
    // Each command's options after its name belong to it (profile and profile import share --llm, --gpu, --tp).
    .enablePositionalOptions()
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
    .command('solve')
    .description('plan capacity for a scenario (the built-in default week when none is given)')
    .argument('[scenario]', 'scenario file (YAML or JSON)')
    .addOption(
      new Option(
        '--solver <name>',
        "solver backend, auto (per program, the backend measured fastest: glpk.js for small programs, HiGHS for large), or the gh/agh heuristics (default: the scenario's, else auto)",
      ).choices([...listSolverNames(), 'gh', 'agh']),
    )
    .option(
      '--time-limit <sec>',
      "wall-clock safety net (default: the scenario's solver.timeLimitSec): solves stop by deterministic work limits; if this fires the plan is time_limited (exit 4)",
      parsePositiveNumber,
    )
    .option('--gap <rel>', 'relative MIP gap to stop at (e.g. 0.005)', parseFraction)
    .addOption(strategyOption())
    .option('--windows <from..to>', 'plan only these window indices, e.g. 0..23')
    .addOption(formatOption(['table', 'json']))
    .option('--out <dir>', 'write plan.json into this folder (atomically)')
    .option('--bound', 'with --solver gh|agh: also solve the LP relaxation (HiGHS) and report the proven gap')
    .option('--emit-lp <file>', 'write the joint model as CPLEX LP text for an external solver')
    .option('--set <path=value>', 'override a scenario value, e.g. policies.headroom=0.2 (repeatable)', collect, [])
    .option('--max-unmet <requests|pct>', 'unmet demand above this is "no acceptable plan" (exit 1)', '0')
    .option('--resilience-cost', 'with policies.locality.nPlusOne: also plan without N+1 and report the difference (twice the time)')
    .option('--quiet', 'no progress on stderr (on a pipe: a line every 5 s on long runs)')
    .action(
      run(async (scenario: string | undefined, options: Parameters<typeof import('./commands/solve.js').solveCommand>[1]) => {
        // The solver thread starts loading on the other core before the solve command's modules and inputs
        // (auto unless --solver says: a scenario naming another backend gets its own thread later, this one idles).
        warmIsolatedSolver(options.solver ?? 'auto');
        const { solveCommand } = await import('./commands/solve.js');
        return solveCommand(scenario, options, io);
      }),
    );

  program
    .command('validate')
    .description('check a plan against its scenario independently of the solver (exit 0 ok, 1 violations, 5 stale)')
    .argument('<plan>', 'plan.json written by planner solve --out')
    .option('--scenario <file>', 'scenario the plan is for (default: the one the plan records, relative to the plan)')
    .option('--allow-stale', 'check a plan whose scenario, catalog or data changed since it was solved (else: one line, exit 5)')
    .addOption(formatOption(['table', 'json']))
    .option(
      '--set <path=value>',
      'override a scenario value (repeatable): a plan solved with --set is checked as the scenario asks unless the same --set is given',
      collect,
      [],
    )
    .option('--windows <from..to>', 'the window range the plan was solved with (solve --windows)')
    .option('--max-unmet <requests|pct>', 'unmet demand above this is a violation', '0')
    .option(
      '--fail-region <region>',
      "prove the plan's replicas outside this region still route all interactive demand within its latency bound (repeatable)",
      collect,
      [],
    )
    .action(
      run(async (plan: string, options: Parameters<typeof import('./commands/validate.js').validateCommand>[1]) => {
        const { validateCommand } = await import('./commands/validate.js');
        return validateCommand(plan, options, io);
      }),
    );

  program
    .command('sweep')
    .description('what-if grid: solve the scenario at every combination of --vary values, one summary row per point')
    .argument('[scenario]', 'scenario file (YAML or JSON), e.g. scenarios/default.yaml (not with --point or --collect)')
    .option(
      '--vary <path=values>',
      "a scenario path and its values (repeatable; the grid is the product): a list 0.5,1,2, a range FROM..TO:N (N evenly spaced values, ends included: 0.5..2:7), or both mixed; demand.scale=F multiplies every workload's demand.scale by F",
      collect,
      [],
    )
    .option('--set <path=value>', 'override a scenario value at every point (repeatable)', collect, [])
    .option('--windows <from..to>', 'plan only these window indices, e.g. 0..23')
    .addOption(
      new Option(
        '--solver <name>',
        "solver backend, auto (per program, the backend measured fastest: glpk.js for small programs, HiGHS for large), or the gh/agh heuristics (default: the scenario's, else auto)",
      ).choices([...listSolverNames(), 'gh', 'agh']),
    )
    .addOption(strategyOption())
    .option('--time-limit <sec>', 'wall-clock safety net for each point (solves stop by deterministic work limits)', parsePositiveNumber)
    .option('--gap <rel>', 'relative MIP gap to stop at (e.g. 0.005)', parseFraction)
    .option('--jobs <n>', 'points solved at once in worker threads (default: the available cores; 1 = in-process)', parsePositiveInteger)
    .option('--force', 'run grids of more than 500 points')
    .addOption(formatOption(['table', 'json', 'csv']))
    .option('--out <file>', 'also write the result to FILE (atomically); the format follows its extension: .json, .csv or .html')
    .option('--html <file>', 'write the HTML report with the cost-vs-parameter chart (self-contained)')
    .option('--quiet', 'no progress on stderr (on a pipe: a line every 5 s on long runs)')
    .option(
      '--emit-jobs <dir>',
      'solve nothing: write one job file per point and manifest.json into DIR, for other machines (docs/sweep.md)',
    )
    .option('--point <file>', 'solve one job file written by --emit-jobs; its result goes to --out (default: beside it, *.result.json)')
    .option('--collect <dir>', "merge the *.result.json files under DIR (with --emit-jobs's manifest.json) into the usual output")
    .option('--partial', 'with --collect: leave out the points without a result instead of failing')
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  planner sweep scenarios/default.yaml --vary demand.scale=0.5..2:7',
        '  planner sweep s.yaml --vary demand.scale=0.5..2:8 --emit-jobs jobs | xargs -n 1 planner sweep --point && planner sweep --collect jobs',
        '  planner sweep s.yaml --vary policies.budget.usd=1000,2000,4000 --vary demand.scale=1,1.5 --html sweep.html',
        '  planner sweep s.yaml --vary workloads.0.demand.scale=10..40:4 --format csv --out sweep.csv',
        "  planner sweep s.yaml --set 'purchases=[on-demand,spot]' --vary policies.spot.maxShare=0..1:5 --html spot.html",
        "  planner sweep s.yaml --set 'policies.quotas=[{gpu: H100-80GB, region: eastus, gpus: 0}]' --vary policies.quotas.0.gpus=0,64,128",
        '',
        'Rows are in grid order (the first --vary changes slowest), whatever --jobs is. A point without a plan is a',
        'row with its status. --set applies before --vary, so a quota it adds can be varied. Exit 0 when every',
        'point ran, 2 on bad flags or values (nothing is written then), 3 on a bug.',
      ].join('\n'),
    )
    .action(
      run(async (scenario: string | undefined, options: Parameters<typeof import('./commands/sweep.js').sweepCommand>[1]) => {
        const { sweepCommand } = await import('./commands/sweep.js');
        return sweepCommand(scenario, options, io);
      }),
    );

  program
    .command('simulate')
    .description('replay the demand through forecast, plan and evaluation for the planner and the baselines it is compared with')
    .argument('[scenario]', 'scenario file (default: the built-in default scenario)')
    .option(
      '--strategies <list>',
      `the contenders, comma-separated: ${'planner, siloed, reactive, oracle, single-gpu'}`,
      'planner,siloed,reactive,oracle,single-gpu',
    )
    .option('--days <n>', 'days to simulate after the warm-up (default: the rest of the horizon)', parsePositiveNumber)
    .option('--warmup-hours <h>', 'hours of demand used only as history before the first planned window', parsePositiveNumber, 24)
    .option('--events <file>', 'capacity events CSV: gpu,region,from_utc,to_utc,available_gpus')
    .option(
      '--stress <spec>',
      'demand=1.5 (actual x1.5 after planning), burst=8[@WINDOW], throughput=1.5 (planners overestimate replicas); repeatable',
      collect,
      [],
    )
    .addOption(
      new Option('--solver <name>', "solver backend, or auto: per program, the backend measured fastest (default: the scenario's)").choices(
        listSolverNames(),
      ),
    )
    .option(
      '--time-limit <sec>',
      "wall-clock safety net per planning call (default: the scenario's solver.timeLimitSec); solves stop by deterministic work limits",
      parsePositiveNumber,
    )
    .option('--gap <ratio>', "relative MIP gap per planning call (default: the scenario's)", parseFloat)
    .option('--set <path=value>', 'override a scenario value (repeatable)', collect, [])
    .option(
      '--commit-hours <h>',
      'hours the planner commits per planning point from one forecast (default: one window; at most 24)',
      parsePositiveNumber,
    )
    .option(
      '--request-sim <window>',
      "also replay a window's fleet request by request, capacity-proportional vs round-robin dispatch (a window index, or auto: the most heterogeneous)",
    )
    .option('--no-learn', 'the planner keeps the rates it was given instead of learning per-config factors from its own windows')
    .option('--out <dir>', 'write simulation.json, windows.csv and report.html there')
    .option('--quiet', 'no progress on stderr (on a pipe: a line every 5 s on long runs)')
    .addOption(formatOption(['table', 'json']))
    .action(
      run(async (scenario: string | undefined, options: Parameters<typeof import('./commands/simulate.js').simulateCommand>[1]) => {
        const { simulateCommand } = await import('./commands/simulate.js');
        return simulateCommand(scenario, options, io);
      }),
    );

  program
    .command('calibrate')
    .description('per-config rate factors (observed / predicted) from what a running fleet served per config and hour')
    .argument('<observed>', 'observed CSV: window_start,llm,gpu,tp,replicas,served_rps and utilisation or ttft_mean_ms/tpot_mean_ms')
    .option('--scenario <file>', "scenario whose workloads' request mixes and SLOs the traffic had (default: the built-in default)")
    .option('--min-observations <n>', 'least usable windows per config for a factor', parsePositiveInteger)
    .option('--set <path=value>', 'override a scenario value (repeatable)', collect, [])
    .option('--out <file>', 'write the calibration CSV (llm,gpu,tp,factor,observations,source) a scenario reads with calibration: FILE')
    .addOption(formatOption(['table', 'json', 'csv']))
    .action(
      run(async (observed: string, options: Parameters<typeof import('./commands/calibrate.js').calibrateCommand>[1]) => {
        const { calibrateCommand } = await import('./commands/calibrate.js');
        return calibrateCommand(observed, options, io);
      }),
    );

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
    .option('--write-profile <file>', "a trace's hourly profile CSV, as a scenario's demand.profile reads it (atomically)")
    .option('--write-mix <file>', "a trace's request-mix CSV, as a scenario's requestMix.file reads it (atomically)")
    .addOption(formatOption(['table', 'json']))
    .action(
      run(async (file: string, options: Parameters<typeof import('./commands/demand.js').demandCommand>[1]) => {
        const { demandCommand } = await import('./commands/demand.js');
        return demandCommand(file, options, io);
      }),
    );

  const catalog = program
    .command('catalog')
    .description('show the catalog: GPUs, SKUs, LLMs, prices per SKU and region, regions and round-trip times')
    .argument('[view]', 'gpus | skus | llms | prices | regions (default: a summary)')
    .option('--catalog <dir>', 'catalog folder (default: the built-in models/)')
    .addOption(formatOption(['table', 'json']))
    .action(
      run(async (view: string | undefined, options: Parameters<typeof import('./commands/catalog.js').catalogCommand>[1]) => {
        const { catalogCommand } = await import('./commands/catalog.js');
        return catalogCommand(view, options, io);
      }),
    );
  catalog
    .command('import')
    .description('a SkyPilot catalog vms.csv (AWS, GCP or Azure) as a catalog folder, with the same load checks')
    .argument('<format>', 'skypilot')
    .argument('<file>', 'SkyPilot vms.csv (or rows of it with its header)')
    .option('--out <dir>', 'catalog folder to write (atomically, file by file; default: catalog-<cloud>)')
    .addOption(new Option('--cloud <cloud>', 'which cloud wrote the file (default: told from the header)').choices(['aws', 'gcp', 'azure']))
    .option('--regions <list>', 'keep only these regions (comma-separated ids)')
    .option('--latency <file>', 'round trips (from,to,rtt_ms[,source]) for region pairs the built-in latency.csv lacks')
    .option('--as-of <date>', 'date the file was fetched, YYYY-MM-DD, for sources.csv (default: unknown)')
    .action(
      run(
        async (
          format: string,
          file: string,
          options: Parameters<typeof import('./commands/catalog-import.js').catalogImportCommand>[2],
        ) => {
          const { catalogImportCommand } = await import('./commands/catalog-import.js');
          return catalogImportCommand(format, file, options, io);
        },
      ),
    );

  const profile = program
    .command('profile')
    .description('what one replica of each llm, gpu and TP sustains under a TTFT/TPOT SLO: batch, latencies, req/s, tok/s')
    .option('--llm <id>', 'only this llm (also lists the configs that do not fit)')
    .option('--gpu <id>', 'only this gpu (also lists the configs that do not fit)')
    .option('--tp <n>', 'only this tensor-parallel degree (default: 1, 2, 4 and 8)', parsePositiveNumber)
    .option('--ttft-ms <ms>', 'TTFT SLO, mean, ms', parsePositiveNumber, 2000)
    .option('--tpot-ms <ms>', 'TPOT SLO (time per output token after the first), mean, ms', parsePositiveNumber, 100)
    .option('--input-tokens <n>', 'prompt tokens per request (default 1024)', parsePositiveNumber)
    .option('--output-tokens <n>', 'generated tokens per request (default 256)', parsePositiveNumber)
    .option('--mix <file>', 'request-mix CSV (e.g. traces/conv-2023-request-mix.csv) instead of the token counts')
    .option('--catalog <dir>', 'catalog folder (default: the built-in models/; its profiles/ folder is read too)')
    .option('--profiles <path>', 'measured profile CSV or folder, over the built-in and catalog ones (repeatable)', collect, [])
    .option('--compare <file>', "compare the perf model's estimate with every measurement of this profile file (predicted/measured)")
    .addOption(formatOption(['table', 'json']))
    .action(
      run(async (options: Parameters<typeof import('./commands/profile.js').profileCommand>[0]) => {
        const { profileCommand } = await import('./commands/profile.js');
        return profileCommand(options, io);
      }),
    );
  profile
    .command('import')
    .description('benchmark results (vllm bench serve --save-result JSON, GuideLLM report JSON) as one rate curve of a profile')
    .argument('<files...>', 'result files of one llm, gpu, TP and request size (runs at different rates or concurrencies)')
    .requiredOption('--gpu <id>', 'catalog gpu the benchmark ran on (neither tool records it)')
    .option('--llm <id>', 'catalog llm id (default: mapped from the model the benchmark names)')
    .option('--tp <n>', "tensor-parallel degree (default: vLLM's --metadata tp=N)", parsePositiveNumber)
    .addOption(new Option('--from <tool>', 'which tool wrote the files (default: told from the content)').choices(['vllm', 'guidellm']))
    .option('--out <file>', 'merge the curve into this rate-curve CSV (atomically) instead of printing it')
    .option('--size-tolerance <rel>', "largest relative difference of a run's mean tokens from the curve's", parseFraction)
    .option('--catalog <dir>', 'catalog folder (default: the built-in models/)')
    .option('--ttft-ms <ms>', 'TTFT SLO the summary reads the curve at, mean, ms', parsePositiveNumber, 2000)
    .option('--tpot-ms <ms>', 'TPOT SLO the summary reads the curve at, mean, ms', parsePositiveNumber, 100)
    .action(
      run(async (files: string[], options: Parameters<typeof import('./commands/profile-import.js').profileImportCommand>[1]) => {
        const { profileImportCommand } = await import('./commands/profile-import.js');
        return profileImportCommand(files, options, io);
      }),
    );

  program
    .command('diff')
    .description('fleet and cost change between two plans, per window, region, sku and llm (exit 0; --exit-code: 1 on change)')
    .argument('<old>', 'plan.json before')
    .argument('<new>', 'plan.json after')
    .addOption(formatOption(['table', 'json', 'markdown']))
    .option('--exit-code', 'exit 1 when the plans differ, 0 when they do not (as git diff --exit-code)')
    .option('--limit <n>', 'windows to list in the table', (value: string) => Math.max(1, Math.floor(parsePositiveNumber(value))), 10)
    .action(
      run(async (oldPlan: string, newPlan: string, options: Parameters<typeof import('./commands/diff.js').diffCommand>[2]) => {
        const { diffCommand } = await import('./commands/diff.js');
        return diffCommand(oldPlan, newPlan, options, io);
      }),
    );

  program
    .command('report')
    .description('cost and hours per window, region, sku, purchase and llm, monthly summary and utilisation of a plan')
    .argument('<plan>', 'plan.json written by planner solve --out')
    .option('--scenario <file>', "scenario the plan is for (default: the one the plan records; the plan's overrides are re-applied)")
    .addOption(formatOption(['table', 'json', 'csv', 'html']))
    .option('--out <dir>', 'write the files into this folder: cost-by-window.csv and cost-by-month.csv, report.json or report.html')
    .action(
      run(async (plan: string, options: Parameters<typeof import('./commands/report.js').reportCommand>[1]) => {
        const { reportCommand } = await import('./commands/report.js');
        return reportCommand(plan, options, io);
      }),
    );

  program
    .command('schema')
    .description('print the JSON Schema of scenario files, plan.json, the report JSON, the sweep JSON or a sweep job file')
    .argument('[which]', 'scenario | plan | report | sweep | sweep-job', 'scenario')
    .action(
      run(async (which: string) => {
        const { SCHEMAS, schemaCommand } = await import('./commands/schema.js');
        if (!(which in SCHEMAS))
          throw new InputError({ field: 'which', message: `unknown schema '${which}'`, fix: `one of ${Object.keys(SCHEMAS).join(', ')}` });
        return schemaCommand(which as keyof typeof SCHEMAS, io);
      }),
    );

  program
    .command('completion')
    .description("print a shell completion script generated from planner's commands and options")
    .addArgument(new Argument('<shell>', 'bash | zsh | fish').choices(['bash', 'zsh', 'fish']))
    .addHelpText(
      'after',
      '\nLoad it: source <(planner completion bash), source <(planner completion zsh), planner completion fish | source',
    )
    .action(
      run(async (shell: 'bash' | 'zsh' | 'fish') => {
        const { completionScript } = await import('./completion.js');
        io.stdout.write(completionScript(program, shell));
        return ExitCode.ok;
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

export function parsePositiveNumber(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new InvalidArgumentError('expected a positive number.');
  return parsed;
}

export function parsePositiveInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) throw new InvalidArgumentError('expected a whole number from 1 up.');
  return parsed;
}

export function parseFraction(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0 || parsed >= 1) throw new InvalidArgumentError('expected a fraction in [0, 1), e.g. 0.005.');
  return parsed;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/**
 * The exit code of an error that reached the CLI, with its message on stderr: a planner error's own code and
 * one escaped message, anything else exit 3 (a bug) with its stack. Exported for the fuzz tests, which map
 * errors exactly as the CLI does.
 */
export function reportError(error: unknown, io: Pick<CliIo, 'stderr'>): ExitCode {
  if (error instanceof CommanderError) {
    // Help and version are successful exits; commander has already printed them.
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') {
      return ExitCode.ok;
    }
    return ExitCode.badInput;
  }
  if (error instanceof PlannerError) {
    // Messages may quote user files: no terminal escape sequence reaches the terminal or a CI log.
    io.stderr.write(`planner: ${escapeControls(error.message)}\n`);
    return error.exitCode;
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  io.stderr.write(`planner: internal error (a bug; please report it with the command and inputs)\n${detail}\n`);
  return ExitCode.internal;
}

/** --strategy, shared by solve and sweep (commander options cannot be added to two commands). */
function strategyOption(): Option {
  return new Option('--strategy <name>', 'joint | per-window | rolling | lp-rolling (default: chosen by size)').choices([
    'auto',
    'joint',
    'per-window',
    'rolling',
    'lp-rolling',
  ]);
}
