import { parentPort } from 'node:worker_threads';
import { isSatiotError } from '../../errors/satiot-error.js';
import { runPlannerJob, type PlannerJob } from './planner-jobs.js';

/**
 * A planner worker thread (planner-pool.ts): runs the jobs it is sent, one at a time, and answers
 * each with its result or its error (a SatiotError's code, message and details; anything else as
 * INTERNAL with its message, which the pool logs and masks).
 */
parentPort!.on('message', (m: { id: number; job: PlannerJob }) => {
  runPlannerJob(m.job).then(
    (result) => parentPort!.postMessage({ id: m.id, result }),
    (e: unknown) =>
      parentPort!.postMessage({
        id: m.id,
        error: isSatiotError(e)
          ? { code: e.code, message: e.message, details: e.details }
          : { code: 'INTERNAL', message: e instanceof Error ? (e.stack ?? e.message) : String(e) },
      }),
  );
});
