/**
 * planner as a library: what the CLI, the tests and the benches call. Every function returns data and
 * takes callbacks for progress; none writes to stdout or stderr or decides an exit code (the CLI does).
 * Only the loaders (loadScenarioFile, readCatalog, readPlanDocument, builtinProfiles, and runSweepJob, which
 * loads its job's scenario) read files.
 *
 *   const loaded = await loadScenarioFile('scenarios/default.yaml', { set: ['demand.scale=2'] });
 *   const { result, document } = await planScenario(loaded, { solver: 'highs' });
 */
import type { SweepDocument } from './sweep/document.js';
import { runPoint, SWEEP_WORKER_MODULE } from './commands/sweep-point.js';
import { sweepScenario as sweepWith, type SweepScenarioOptions } from './planning/sweep-scenario.js';
import type { LoadedScenario } from './scenario/loaded.js';

// Reading inputs (the only file-system entry points).
export { loadScenarioFile, DEFAULT_SCENARIO, type LoadScenarioOptions } from './commands/scenario-inputs.js';
export { readCatalog } from './commands/inputs.js';
export { readPlanDocument } from './commands/plan-file.js';
export { builtinProfiles, readProfilePath, readProfileSet } from './commands/measured-profiles.js';
export type { LoadedScenario } from './scenario/loaded.js';

// Planning.
export {
  planScenario,
  planWith,
  jointModelLp,
  withResilienceCost,
  HEURISTIC_NAMES,
  type PlanScenarioOptions,
  type ScenarioPlan,
  type PlanSettings,
  type ProgressFn,
} from './planning/index.js';
export type { PlanResult, SolverReport, Strategy } from './capacity/solve.js';
export type { Plan, PlanningInput, PlanStatus, PlanWindow } from './capacity/types.js';
export { NO_PLAN_STATUSES, PLAN_STATUSES } from './capacity/types.js';
export { getSolver, listSolverNames } from './solvers/registry.js';
export { probeSolvers, type SolverAvailability } from './solvers/probe.js';
export type { SolveFn, Solution, SolveOptions, Solver } from './lp/index.js';

// The plan document (plan.json).
export {
  PLAN_SCHEMA_VERSION,
  PlanDocumentSchema,
  parsePlanDocument,
  planJsonSchema,
  planOf,
  toPlanDocument,
  type PlanDocument,
} from './plan-document/index.js';

// Validating a plan independently of the solver.
export { validatePlan, assertPlanChecks, type PlanValidation } from './planning/index.js';
export { checkPlan, type PlanCheck, type Violation } from './validate/check-plan.js';

// Simulating.
export { simulateScenario, type SimulateScenarioOptions, type ScenarioSimulation } from './planning/simulate-scenario.js';
export { CONTENDER_NAMES, type ContenderName } from './simulate/contenders.js';
export type { SimulationResult } from './simulate/runner.js';
export type { Stress } from './simulate/types.js';

// Calibrating replica rates from what a fleet served (docs/calibration.md).
export { calibrateScenario, type CalibrateOptions } from './planning/calibrate-scenario.js';
export { aggregateFactors, type CalibrationFactor, type CalibrationResult, type ObservationModel } from './calibrate/factors.js';
export { parseObservedCsv, type ObservedRow } from './calibrate/observed.js';
export { calibrationCsv, parseCalibrationCsv } from './calibrate/calibration-file.js';
export { RateLearner, DEFAULT_LEARNING_RULE, type LearningRule, type GroupObservation, type LearnedFactor } from './calibrate/learn.js';
export { renderCalibrationTable } from './report/calibration-table.js';

// Sweeping.
export { parseVary, type VaryAxis } from './sweep/grid.js';
export type { SweepDocument } from './sweep/document.js';

/**
 * The what-if grid over a loaded scenario (`planner sweep`): every point re-reads the scenario file with
 * its overrides, so `loaded` must come from loadScenarioFile.
 */
export function sweepScenario(
  loaded: LoadedScenario,
  options: Omit<SweepScenarioOptions, 'points'>,
): Promise<{ document: SweepDocument; jobs: number }> {
  return sweepWith(loaded, { ...options, points: { solvePoint: runPoint, workerModule: SWEEP_WORKER_MODULE } });
}

/**
 * Sweeps beyond one machine (`planner sweep --emit-jobs`, `--point`, `--collect`, docs/sweep.md): the grid
 * as a manifest and job files, one job solved (it reads the files its scenario names), results merged.
 */
export { sweepJobsOf } from './planning/sweep-scenario.js';
export { runSweepJob } from './commands/sweep-point.js';
export {
  collectSweep,
  parseSweepFile,
  sweepJobJsonSchema,
  SweepJobSchema,
  SweepManifestSchema,
  SweepResultSchema,
  type ResultFile,
  type SweepJob,
  type SweepManifest,
  type SweepResult,
} from './sweep/jobs.js';

// The catalog and the throughput model (`planner catalog`, `planner profile`).
export { CATALOG_VIEWS, catalogViewData, priceListings, summarizeCatalog, type PriceListing } from './catalog/listings.js';
export type { Catalog } from './catalog/types.js';
export {
  importSkypilot,
  SKYPILOT_CLOUDS,
  type SkypilotCloud,
  type SkypilotImport,
  type SkypilotImportOptions,
} from './catalog/skypilot.js';
export { importedCatalogFiles, type ImportBase } from './catalog/skypilot-files.js';
export { describeQuota, quotaLimit, quotaUnitsPerVm } from './capacity/quota.js';
export { PROFILE_TP_DEGREES, profileConfigs, selectConfigs, type ConfigFilter } from './perf/configs.js';
export {
  createReplicaRate,
  replicaLoadCurve,
  replicaPerformance,
  type LoadPoint,
  type ReplicaPerformance,
  type Slo,
} from './perf/replica.js';
export { buildProfileSet, parseProfileFile, type ProfileFile, type ProfileLayer, type ProfileSet } from './perf/profile-set.js';
export { measuredRate, type RateProfile } from './perf/measured-rates.js';
export { maxRateUnderSlo, parseRateCurvesCsv, writeRateCurvesCsv, type RateCurve } from './perf/rate-curves.js';
export { parseRateTableCsv, writeRateTableCsv, type StatedRate } from './perf/rate-table.js';
export { importGuidellmReports } from './perf/import/guidellm.js';
export { importVllmBenchResults } from './perf/import/vllm.js';

// Reports: data builders and renderers (text, CSV, HTML).
export { buildFinanceReport, financeReportJsonSchema, type FinanceReport } from './report/finance.js';
export { costByMonthCsv, costByWindowCsv } from './report/finance-csv.js';
export { renderHtmlReport } from './report/html.js';
export { renderReportTables } from './report/finance-table.js';
export { diffPlans, type PlanDiff } from './report/diff.js';
export { renderDiff } from './report/diff-table.js';
export { renderPlanTable } from './report/plan-table.js';
export { renderValidation } from './report/validation-table.js';
export { comparisonRows, renderSimulationHtml, windowsCsv, type SimulationSummary } from './report/simulation.js';
export { renderSimulationText } from './report/simulation-text.js';
export { renderSweepHtml } from './report/sweep-html.js';
export { sweepCsv } from './report/sweep-csv.js';
export { renderSweepTable } from './report/sweep-table.js';
export { renderCatalogView } from './report/catalog-table.js';
export { DEFINITIONS as PROFILE_DEFINITIONS, renderProfileTable } from './report/profile-table.js';

// Demand: a request trace (any Azure LLM layout, streamed) as the hourly profile and request mix a scenario reads.
export { analyzeTrace, type TraceAnalysis } from './demand/summary.js';
export { traceDemandFiles, type TraceDemandFiles } from './demand/trace-demand.js';
export { parseHourlyProfileCsv, type HourlyProfile } from './demand/profile.js';
export { parseRequestMixCsv } from './demand/request-mix.js';

// Errors: what every function throws, with the exit code the CLI maps it to.
export { ExitCode, InputError, InternalError, PlannerError, type InputIssue } from './errors.js';
