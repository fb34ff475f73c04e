import { availableParallelism } from 'node:os';
import { startWorkerModule } from './worker-module.js';
import { runChunk, type ChunkResult, type PlanContext } from './plan-chunk.js';
import { DurationHistogram } from './histogram.js';

/** Cells per unit of work: small enough to balance two cores and report progress, big enough to amortise. */
const CHUNK = 2000;

/**
 * Evaluates all cells of a plan, in `workers` worker threads (the ephemeris is shared memory, not
 * copied) or in-process when `workers` ≤ 1. Chunks are handed out on demand so a slow chunk does
 * not idle the other threads. Results come back in cell order.
 */
export async function runAllChunks(
  ctx: PlanContext,
  workers: number,
  onProgress?: (done: number, total: number) => void,
): Promise<ChunkResult[]> {
  const total = ctx.cells.count;
  const ranges: Array<[number, number]> = [];
  for (let f = 0; f < total; f += CHUNK) ranges.push([f, Math.min(total, f + CHUNK)]);
  const results: ChunkResult[] = [];
  let done = 0;
  const threads = Math.min(workers, ranges.length);
  if (threads <= 1) {
    for (const [f, t] of ranges) {
      results.push(runChunk(ctx, f, t));
      done += t - f;
      onProgress?.(done, total);
      await new Promise<void>((r) => setImmediate(r));
    }
    return results;
  }
  let next = 0;
  await Promise.all(
    Array.from(
      { length: threads },
      () =>
        new Promise<void>((resolve, reject) => {
          const w = startWorkerModule(import.meta.url, 'plan-worker');
          const feed = (): void => {
            const r = ranges[next++];
            if (!r) {
              void w.terminate().then(() => resolve());
              return;
            }
            w.postMessage({ type: 'chunk', from: r[0], to: r[1] });
          };
          w.on(
            'message',
            (m: {
              from: number;
              to: number;
              values: Float64Array;
              bins: ReturnType<DurationHistogram['toJSON']>;
              windows: number;
            }) => {
              results.push({
                from: m.from,
                to: m.to,
                values: m.values,
                hist: DurationHistogram.fromJSON(m.bins),
                windows: m.windows,
              });
              done += m.to - m.from;
              onProgress?.(done, total);
              feed();
            },
          );
          w.on('error', reject);
          w.postMessage({ type: 'init', ctx });
          feed();
        }),
    ),
  );
  return results.sort((a, b) => a.from - b.from);
}

export function defaultWorkers(): number {
  return Math.max(1, Math.min(8, availableParallelism()));
}
