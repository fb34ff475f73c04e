import type { Bus, BusMessage, Subscription } from '../ports/bus.js';
import { parseDeliveryEvent, type DeliveryEvent } from './delivery-event.js';
import { tenantEvents } from '../events/subjects.js';
import { matchesFilter, type EventFilter } from './event-filter.js';

/** A live listener; close() stops its events. */
export interface StreamListener {
  close(): Promise<void>;
}

interface Entry {
  readonly filter: EventFilter;
  readonly deliver: (e: DeliveryEvent) => void;
}

interface TenantFeed {
  readonly entries: Set<Entry>;
  readonly sub: Promise<Subscription>;
}

/**
 * Live events for connected clients (the WebSocket stream): one transient bus subscription per
 * tenant with listeners on this node, shared by them and closed with the last one. Live means no
 * history and no redelivery: a listener gets the events published while it listens.
 */
export class EventStreamHub {
  private readonly feeds = new Map<string, TenantFeed>();

  constructor(private readonly bus: Bus) {}

  /** Calls `deliver` with each event that matches `filter`, from when the returned promise resolves. */
  async listen(filter: EventFilter, deliver: (e: DeliveryEvent) => void): Promise<StreamListener> {
    const tenantId = filter.tenantId;
    let feed = this.feeds.get(tenantId);
    if (!feed) {
      const entries = new Set<Entry>();
      feed = { entries, sub: this.bus.subscribe(tenantEvents(tenantId), async (m) => this.dispatch(entries, m)) };
      this.feeds.set(tenantId, feed);
    }
    const entry: Entry = { filter, deliver };
    feed.entries.add(entry);
    try {
      await feed.sub;
    } catch (e) {
      await this.leave(tenantId, feed, entry);
      throw e;
    }
    let closed = false;
    const f = feed;
    return {
      close: async () => {
        if (closed) return;
        closed = true;
        await this.leave(tenantId, f, entry);
      },
    };
  }

  /** Listeners on this node (all tenants). */
  get listenerCount(): number {
    let n = 0;
    for (const f of this.feeds.values()) n += f.entries.size;
    return n;
  }

  /** Closes every tenant's subscription; listeners get nothing more. */
  async close(): Promise<void> {
    const feeds = [...this.feeds.values()];
    this.feeds.clear();
    await Promise.all(
      feeds.map(async (f) => {
        f.entries.clear();
        await (await f.sub.catch(() => undefined))?.close();
      }),
    );
  }

  private async leave(tenantId: string, feed: TenantFeed, entry: Entry): Promise<void> {
    feed.entries.delete(entry);
    if (feed.entries.size > 0 || this.feeds.get(tenantId) !== feed) return;
    this.feeds.delete(tenantId);
    await (await feed.sub.catch(() => undefined))?.close();
  }

  private dispatch(entries: ReadonlySet<Entry>, m: BusMessage): void {
    if (entries.size === 0) return;
    const e = parseDeliveryEvent(m);
    if (!e) return;
    for (const entry of entries) {
      if (!matchesFilter(entry.filter, e)) continue;
      try {
        entry.deliver(e);
      } catch {
        // one client's failure is its own: the others still get the event
      }
    }
  }
}
