import { createHash } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import type { BrokerTarget, IntegrationPublisher } from '../core/ports/integration-publisher.js';
import { assertPublicHost } from './internal-address.js';

/** How long a broken broker connection waits before reconnecting, ms. */
const RECONNECT_MS = 5_000;

interface Connection {
  readonly client: MqttClient;
  /** The last connection error, reported when a publish cannot go out. */
  lastError: string | undefined;
  /** Publishes waiting for the connection (one shared listener instead of one per publish). */
  readonly waiters: Set<() => void>;
  /** Last publish through it, ms. */
  lastUsed: number;
}

/**
 * Publishes to tenants' brokers with mqtt.js: one client per broker (URL and credentials), made on
 * first use and kept, reconnecting in the background. A publish waits for the connection and for
 * the PUBACK up to its time limit; while a broker is down, publishes fail within that limit instead of
 * piling up in the client's offline queue (the delivery worker retries them). A client unused for
 * `idleMs` (default 10 min) is closed: a deleted, disabled or re-credentialled integration's old
 * broker is not reconnected to for ever.
 */
export class MqttIntegrationPublisher implements IntegrationPublisher {
  private readonly connections = new Map<string, Connection>();
  private readonly sweep: ReturnType<typeof setInterval>;

  constructor(private readonly opts: { readonly clientIdPrefix?: string; readonly idleMs?: number; readonly allowInternal?: boolean } = {}) {
    const idleMs = opts.idleMs ?? 600_000;
    this.sweep = setInterval(() => this.closeIdle(idleMs), Math.min(60_000, idleMs));
    this.sweep.unref();
  }

  /** Closes the clients not used for `idleMs`. */
  private closeIdle(idleMs: number): void {
    const now = Date.now();
    for (const [key, c] of this.connections) {
      if (now - c.lastUsed < idleMs || c.waiters.size > 0) continue;
      this.connections.delete(key);
      c.client.endAsync(true).catch(() => undefined);
    }
  }

  async publish(broker: BrokerTarget, topic: string, payload: Uint8Array, timeoutMs: number): Promise<void> {
    // mqtt: URLs keep shorthand hosts as typed; parsed as http: they read as the resolver would.
    if (!this.opts.allowInternal) await assertPublicHost(new URL(`http://${new URL(broker.url).host}/`).hostname);
    const c = this.connectionFor(broker, timeoutMs);
    await connected(c, timeoutMs, () => `broker ${redacted(broker.url)} not reachable within ${timeoutMs} ms${c.lastError ? `: ${c.lastError}` : ''}`);
    await withTimeout(c.client.publishAsync(topic, Buffer.from(payload), { qos: 1 }), timeoutMs, () => `no PUBACK from ${redacted(broker.url)} within ${timeoutMs} ms`);
  }

  async close(): Promise<void> {
    clearInterval(this.sweep);
    const all = [...this.connections.values()];
    this.connections.clear();
    await Promise.all(all.map((c) => c.client.endAsync(true).catch(() => undefined)));
  }

  /** Brokers with a client (connected or reconnecting). */
  get size(): number {
    return this.connections.size;
  }

  private connectionFor(broker: BrokerTarget, timeoutMs: number): Connection {
    // Keyed by URL and credentials (hashed: the key stays in memory, but need not hold the password).
    const key = createHash('sha256').update(`${broker.url}\n${broker.username ?? ''}\n${broker.password ?? ''}`).digest('hex');
    let c = this.connections.get(key);
    if (!c) {
      const client = mqtt.connect(broker.url, {
        clientId: `${this.opts.clientIdPrefix ?? 'satiot-forwarder'}-${process.pid}-${key.slice(0, 8)}-${Math.random().toString(16).slice(2, 8)}`,
        clean: true,
        connectTimeout: timeoutMs,
        reconnectPeriod: RECONNECT_MS,
        ...(broker.username !== undefined ? { username: broker.username } : {}),
        ...(broker.password !== undefined ? { password: broker.password } : {}),
      });
      const conn: Connection = { client, lastError: undefined, waiters: new Set(), lastUsed: Date.now() };
      // Without an 'error' listener a refused connection would end the process.
      client.on('error', (e) => { conn.lastError = e.message; });
      client.on('connect', () => {
        conn.lastError = undefined;
        for (const w of conn.waiters) w();
        conn.waiters.clear();
      });
      this.connections.set(key, conn);
      c = conn;
    }
    c.lastUsed = Date.now();
    return c;
  }
}

/** Resolves when the client is connected, or rejects after `ms`. */
function connected(c: Connection, ms: number, message: () => string): Promise<void> {
  if (c.client.connected) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const waiter = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      c.waiters.delete(waiter);
      reject(new Error(message()));
    }, ms);
    c.waiters.add(waiter);
  });
}

function withTimeout<T>(p: Promise<T>, ms: number, message: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(message())), ms); });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** A broker URL for messages: without any credentials it may carry. */
function redacted(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return 'broker';
  }
}
