import { serveTasks } from './pool.js';
import { runPoint, type PointTask } from './point.js';
import type { PointOutcome } from './document.js';

/** Entry of a sweep worker thread: solves the grid points it is sent (see pool.ts). */
serveTasks<PointTask, PointOutcome>(runPoint);
