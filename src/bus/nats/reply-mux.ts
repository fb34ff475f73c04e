import {
  createInbox,
  type Msg,
  type MsgHdrs,
  type NatsConnection,
  type Subscription as NatsSubscription,
} from '@nats-io/transport-node';

interface Waiting {
  readonly resolve: (m: Msg) => void;
  readonly reject: (e: Error) => void;
  readonly deadline: number;
}

/**
 * Requests whose replies come back through one wildcard subscription (`<inbox>.<n>`), matched by
 * token: JetStream publishes waiting for their PubAck and acknowledgements waiting for the server's
 * confirmation. It does what `nc.request` does for these two, without its per-request cost: the
 * client library (@nats-io/nats-core 3.3–3.4) builds an Error, with its stack, every time a request
 * completes, which was a tenth of a busy node's CPU (docs/performance.md). Deadlines are swept four
 * times a second; a request still waiting at close is refused.
 */
export class ReplyMux {
  private readonly prefix = createInbox();
  private readonly waiting = new Map<string, Waiting>();
  private readonly sub: NatsSubscription;
  private readonly sweep: NodeJS.Timeout;
  private next = 0;
  private closed = false;

  constructor(
    private readonly nc: NatsConnection,
    private readonly timeoutMs: number,
  ) {
    this.sub = nc.subscribe(`${this.prefix}.*`, {
      callback: (err, m) => {
        if (err) return; // the subscription ends with the connection; close() refuses what waits
        const token = m.subject.slice(this.prefix.length + 1);
        const w = this.waiting.get(token);
        if (!w) return; // timed out meanwhile: nobody is waiting
        this.waiting.delete(token);
        w.resolve(m);
      },
    });
    this.sweep = setInterval(() => {
      const now = Date.now();
      for (const [token, w] of this.waiting) {
        if (w.deadline <= now) {
          this.waiting.delete(token);
          w.reject(new Error(`no reply within ${this.timeoutMs} ms`));
        }
      }
    }, 250);
    this.sweep.unref();
  }

  /** Publishes `data` on `subject` with a reply subject of this mux; resolves with the reply. */
  request(subject: string, data: Uint8Array, headers?: MsgHdrs): Promise<Msg> {
    if (this.closed) return Promise.reject(new Error('the connection is closing'));
    const token = (this.next++).toString(36);
    return new Promise<Msg>((resolve, reject) => {
      this.waiting.set(token, { resolve, reject, deadline: Date.now() + this.timeoutMs });
      try {
        this.nc.publish(subject, data, { reply: `${this.prefix}.${token}`, ...(headers ? { headers } : {}) });
      } catch (e) {
        this.waiting.delete(token);
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
  }

  /** Requests waiting for their reply. */
  get pending(): number {
    return this.waiting.size;
  }

  /**
   * Waits (up to the timeout) for the replies of requests already made, then refuses any still waiting and
   * unsubscribes.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const until = Date.now() + this.timeoutMs;
    while (this.waiting.size > 0 && Date.now() < until && !this.nc.isClosed())
      await new Promise((r) => setTimeout(r, 10));
    clearInterval(this.sweep);
    for (const w of this.waiting.values()) w.reject(new Error('the connection closed before the reply'));
    this.waiting.clear();
    this.sub.unsubscribe();
  }
}
