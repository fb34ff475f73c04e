import { parentPort } from 'node:worker_threads';
import { runChunk, type PlanContext } from './plan-chunk.js';

/** Worker-thread entry: receives the plan context once, then evaluates chunks of cells on request. */
let ctx: PlanContext | undefined;
parentPort?.on('message', (msg: { type: 'init'; ctx: PlanContext } | { type: 'chunk'; from: number; to: number }) => {
  if (msg.type === 'init') {
    ctx = msg.ctx;
    return;
  }
  const r = runChunk(ctx!, msg.from, msg.to);
  parentPort!.postMessage({ from: r.from, to: r.to, values: r.values, bins: r.hist.toJSON(), windows: r.windows }, [
    r.values.buffer as ArrayBuffer,
  ]);
});
