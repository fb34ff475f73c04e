import type { BusMessage } from './ports/bus.js';

/** Messages a batch consumer takes at once by default. */
export const DEFAULT_MAX_BATCH = 512;

interface Waiting {
  readonly message: BusMessage;
  readonly resolve: () => void;
  readonly reject: (e: unknown) => void;
}

/**
 * Turns a consumer that works on batches into a bus handler: the messages a bus delivers side by
 * side (different subjects, or different partitions) within one turn of the event loop are handed
 * to `handleBatch` together, up to `maxBatch`, and each delivery settles with its batch. When a
 * batch fails, each of its messages is run again alone, so a bad message fails (and is retried,
 * then dead-lettered) by itself while the others go through; work must therefore be idempotent,
 * as every consumer's is (inboxes, upserts).
 *
 * Order: a bus never has two messages of one subject in flight to one consumer (nor two of one
 * partition on NATS), so a batch holds at most one message per subject, and batches may overlap.
 */
export function coalesce(
  handleBatch: (messages: readonly BusMessage[]) => Promise<void>,
  maxBatch = DEFAULT_MAX_BATCH,
): (m: BusMessage) => Promise<void> {
  let waiting: Waiting[] = [];
  let scheduled = false;
  const run = async (batch: Waiting[]): Promise<void> => {
    try {
      await handleBatch(batch.map((w) => w.message));
      for (const w of batch) w.resolve();
    } catch (e) {
      if (batch.length === 1) {
        batch[0]!.reject(e);
        return;
      }
      for (const w of batch) {
        try {
          await handleBatch([w.message]);
          w.resolve();
        } catch (e1) {
          w.reject(e1);
        }
      }
    }
  };
  const flush = (): void => {
    scheduled = false;
    while (waiting.length > 0) {
      const batch = waiting.length <= maxBatch ? waiting : waiting.slice(0, maxBatch);
      waiting = waiting.length <= maxBatch ? [] : waiting.slice(maxBatch);
      void run(batch);
    }
  };
  return (message) =>
    new Promise<void>((resolve, reject) => {
      waiting.push({ message, resolve, reject });
      if (waiting.length >= maxBatch) flush();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    });
}
