/** plan.json: its schema and types, the conversion from a solved plan and back, and the reader. */
export { PLAN_SCHEMA_VERSION, PlanDocumentSchema, planJsonSchema, type PlanDocument } from './schema.js';
export { planOf, toPlanDocument } from './convert.js';
export { parsePlanDocument } from './read.js';
