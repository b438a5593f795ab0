/** Composition of the lower layers into what solve, sweep and the library do with a scenario. */
export { assertPlanChecks, routingLpSolver, validatePlan, type PlanValidation } from './check.js';
export { jointModelLp } from './joint-lp.js';
export { planScenario, type PlanScenarioOptions, type ScenarioPlan } from './plan-scenario.js';
export { HEURISTIC_NAMES, planWith, type HeuristicName, type PlanSettings, type ProgressFn } from './plan-with.js';
export { withResilienceCost } from './resilience-cost.js';
export { simulateScenario, type ScenarioSimulation, type SimulateScenarioOptions } from './simulate-scenario.js';
