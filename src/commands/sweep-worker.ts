import { serveTasks } from '../sweep/workers.js';
import type { PointOutcome } from '../sweep/document.js';
import type { PointTask } from '../sweep/sweep.js';
import { runPoint } from './sweep-point.js';

/** Entry of a `planner sweep` worker thread: solves the grid points it is sent (see src/sweep/workers.ts). */
serveTasks<PointTask, PointOutcome>(runPoint);
