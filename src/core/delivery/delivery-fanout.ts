import { createHash } from 'node:crypto';
import type { Bus, BusMessage, Subscription } from '../ports/bus.js';
import type { Clock } from '../ports/clock.js';
import type { DeliveryStore, IntegrationKind, PendingDelivery } from '../ports/delivery-store.js';
import type { Store } from '../ports/store.js';
import { ALL_TERMINAL_EVENTS } from '../events/subjects.js';
import { parseDeliveryEvent, type DeliveryEvent } from './delivery-event.js';
import { coalesce, DEFAULT_MAX_BATCH } from '../batch-coalescer.js';
import { ingestedAtOf } from './delivery-worker.js';
import type { IntegrationCatalog } from './integration-catalog.js';

/**
 * The id of an event's delivery to an integration (sent as `X-Satiot-Delivery`): 32 hex digits
 * derived from both, so a redelivered bus event maps to the same delivery and receivers can drop
 * repeats by it.
 */
export function deliveryId(integrationId: string, eventKey: string): string {
  return createHash('sha256').update(integrationId).update('\n').update(eventKey).digest('hex').slice(0, 32);
}

/**
 * A durable bus consumer that queues each event for the tenant's enabled integrations of one kind
 * whose event list includes it. Queuing is one insert, so the consumer keeps pace with ingest
 * whatever the receivers do; the worker attempts the deliveries on its own schedule. An event is
 * queued once: the insert and the consumer's inbox entry commit together, so a redelivered event
 * (after the delivery was made and left the queue) is not delivered again.
 */
export class DeliveryFanout {
  private sub: Subscription | undefined;

  constructor(
    private readonly kind: IntegrationKind,
    /** The durable consumer's name: a restart resumes where it stopped; nodes share the work. */
    private readonly consumer: string,
    private readonly bus: Bus,
    private readonly store: DeliveryStore,
    private readonly catalog: IntegrationCatalog,
    private readonly clock: Clock,
    /** Called when something new was queued (the worker's wake-up). */
    private readonly wakeWorker: () => void,
    private readonly atomically?: Store['atomically'],
    /** An uplink event queued, ms after its message was ingested. */
    private readonly onQueued?: (sinceIngestMs: number) => void,
  ) {}

  async start(): Promise<void> {
    this.sub ??= await this.bus.subscribe(
      ALL_TERMINAL_EVENTS,
      coalesce((ms) => this.handleBatch(ms)),
      { durable: this.consumer, partitioned: true, maxInFlight: DEFAULT_MAX_BATCH },
    );
  }

  async stop(): Promise<void> {
    await this.sub?.close();
    this.sub = undefined;
  }

  /** Queues one bus event; resolves once it is stored (a store error makes the bus redeliver it). */
  handle(m: BusMessage): Promise<void> {
    return this.handleBatch([m]);
  }

  /** Queues bus events in one transaction: their inbox entries in one statement, their deliveries in another. */
  async handleBatch(ms: readonly BusMessage[]): Promise<void> {
    const now = this.clock.now();
    const queue: Array<{ e: DeliveryEvent; ds: PendingDelivery[] }> = [];
    for (const m of ms) {
      const e = parseDeliveryEvent(m);
      if (!e) continue;
      const targets = (await this.catalog.activeFor(e.tenantId, this.kind)).filter((i) => i.events.includes(e.kind));
      if (targets.length === 0) continue;
      queue.push({
        e,
        ds: targets.map((i) => ({
          id: deliveryId(i.id, e.key),
          integrationId: i.id,
          eventKind: e.kind,
          subject: e.subject,
          messageId: e.messageId,
          body: e.json,
          attempts: 0,
          nextAttemptAt: now,
          createdAt: now,
        })),
      });
    }
    if (queue.length === 0) return;
    let fresh = queue;
    const queued = this.atomically
      ? await this.atomically(async (tx) => {
          const claimed = await tx.inbox.claimMany(
            this.consumer,
            queue.map((q) => q.e.key),
            Date.now(),
          );
          fresh = queue.filter((q) => claimed.has(q.e.key)); // the others were queued before: redeliveries
          return fresh.length > 0 ? tx.deliveries.enqueueDeliveries(fresh.flatMap((q) => q.ds)) : 0;
        })
      : await this.store.enqueueDeliveries(queue.flatMap((q) => q.ds));
    if (queued === 0) return;
    this.wakeWorker();
    if (this.onQueued) {
      const at = Date.now();
      for (const { e } of fresh) {
        const ingestedAt = e.kind === 'uplink' ? ingestedAtOf(e.json) : undefined;
        if (ingestedAt !== undefined) this.onQueued(at - ingestedAt);
      }
    }
  }
}
