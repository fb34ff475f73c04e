import { describe, expect, it } from 'vitest';
import { OutboxRelay } from '../../src/core/outbox-relay.js';
import type { Bus } from '../../src/core/ports/bus.js';
import type { OutboxEvent, OutboxStore, PendingEvent } from '../../src/core/ports/outbox-store.js';

/** An outbox in memory whose marks can be made slow (a store answering late). */
class MemoryOutbox implements OutboxStore {
  private rows: Array<PendingEvent & { publishedAt: number | null }> = [];
  private seq = 0;
  markDelayMs = 0;

  async append(events: readonly OutboxEvent[], at: number): Promise<void> {
    for (const e of events)
      if (!this.rows.some((r) => r.id === e.id))
        this.rows.push({ ...e, seq: ++this.seq, createdAt: at, publishedAt: null });
  }
  async pending(limit: number, afterSeq?: number): Promise<PendingEvent[]> {
    return this.rows
      .filter((r) => r.publishedAt === null && (afterSeq === undefined || r.seq > afterSeq))
      .slice(0, limit);
  }
  async markPublished(seqs: readonly number[], at: number): Promise<void> {
    if (this.markDelayMs > 0) await new Promise((r) => setTimeout(r, this.markDelayMs));
    for (const r of this.rows) if (seqs.includes(r.seq)) r.publishedAt = at;
  }
  async lag() {
    const open = this.rows.filter((r) => r.publishedAt === null);
    return { pending: open.length, oldestAt: open[0]?.createdAt ?? null };
  }
  async prune(): Promise<number> {
    return 0;
  }
}

const ev = (id: string): OutboxEvent => ({ id, subject: `satiot.test.${id}`, data: new Uint8Array([1]) });

describe('OutboxRelay', () => {
  it('publishes in outbox order and marks what the bus took', async () => {
    const outbox = new MemoryOutbox();
    const seen: string[] = [];
    const bus = {
      publish: async (_s: string, _d: Uint8Array, o: { msgId: string }) => {
        seen.push(o.msgId);
      },
    } as unknown as Bus;
    await outbox.append([ev('a'), ev('b'), ev('c')], 1);
    const relay = new OutboxRelay(outbox, bus, { pollMs: 10 });
    relay.start();
    await relay.drained(5_000);
    await relay.stop();
    expect(seen).toEqual(['a', 'b', 'c']);
  });

  it("publishes nothing while its lease has run out on this node's clock (a paused process), and goes on once it holds it", async () => {
    const outbox = new MemoryOutbox();
    const seen: string[] = [];
    const bus = {
      publish: async (_s: string, _d: Uint8Array, o: { msgId: string }) => {
        seen.push(o.msgId);
      },
    } as unknown as Bus;
    let holds = false;
    const relay = new OutboxRelay(outbox, bus, { pollMs: 10, mayPublish: () => holds });
    await outbox.append([ev('a'), ev('b')], 1);
    relay.start();
    await expect(relay.drained(200)).rejects.toThrow('the outbox still holds 2 event(s)');
    expect(seen).toEqual([]);
    holds = true;
    await relay.drained(5_000);
    await relay.stop();
    expect(seen).toEqual(['a', 'b']);
  });

  it('started again while a stop is still winding down, it runs again once that stop has ended', async () => {
    const outbox = new MemoryOutbox();
    const seen: string[] = [];
    const bus = {
      publish: async (_s: string, _d: Uint8Array, o: { msgId: string }) => {
        seen.push(o.msgId);
      },
    } as unknown as Bus;
    const relay = new OutboxRelay(outbox, bus, { pollMs: 10 });
    relay.start();
    await outbox.append([ev('a')], 1);
    relay.wake();
    await relay.drained(5_000);
    outbox.markDelayMs = 300;
    await outbox.append([ev('b')], 2);
    relay.wake();
    while (!seen.includes('b')) await new Promise((r) => setTimeout(r, 5));
    await relay.stop(10); // its grace runs out while the mark of 'b' is still on its way
    relay.start(); // the lease came back at once
    outbox.markDelayMs = 0;
    await outbox.append([ev('c')], 3);
    await relay.drained(5_000);
    expect(relay.running).toBe(true);
    expect(seen).toEqual(['a', 'b', 'c']);
    await relay.stop();
  });
});
