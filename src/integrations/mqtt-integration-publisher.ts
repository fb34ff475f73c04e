import { createHash } from 'node:crypto';
import { connect as netConnect, type LookupFunction } from 'node:net';
import mqtt, { MqttClient, type IClientOptions } from 'mqtt';
import type { BrokerTarget, IntegrationPublisher } from '../core/ports/integration-publisher.js';
import { assertPublicHost, publicOnlyLookup, type Resolve } from './internal-address.js';

/** How long a broken broker connection waits before reconnecting, ms. */
const RECONNECT_MS = 5_000;

interface Connection {
  readonly client: MqttClient;
  /** The last connection error, the cause of a publish that cannot go out. */
  lastError: Error | undefined;
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
 * broker is not reconnected to for ever. Unless allowed, a broker that is an internal address is
 * refused, and a broker name is resolved and checked at every connection and reconnection, the
 * connection going to the addresses so checked (publicOnlyLookup).
 */
export class MqttIntegrationPublisher implements IntegrationPublisher {
  private readonly connections = new Map<string, Connection>();
  private readonly sweep: ReturnType<typeof setInterval>;

  private readonly lookup: LookupFunction | undefined;

  /**
   * `allowInternal`: publish to internal addresses too (an on-site broker); default false.
   * `resolve`: the resolver broker names are checked and connected with (default the system's).
   * `reconnectMs`: wait before reconnecting a broken connection (default 5 s).
   */
  constructor(
    private readonly opts: {
      readonly clientIdPrefix?: string;
      readonly idleMs?: number;
      readonly allowInternal?: boolean;
      readonly resolve?: Resolve;
      readonly reconnectMs?: number;
    } = {},
  ) {
    this.lookup = opts.allowInternal ? undefined : publicOnlyLookup(opts.resolve);
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
    if (!this.opts.allowInternal) assertPublicHost(new URL(`http://${new URL(broker.url).host}/`).hostname);
    const c = this.connectionFor(broker, timeoutMs);
    await connected(c, timeoutMs, () =>
      timedOut(
        `broker ${redacted(broker.url)} not reachable within ${timeoutMs} ms` +
          `${c.lastError ? `: ${c.lastError.message}` : ''}`,
        c.lastError,
      ),
    );
    await withTimeout(c.client.publishAsync(topic, Buffer.from(payload), { qos: 1 }), timeoutMs, () =>
      timedOut(`no PUBACK from ${redacted(broker.url)} within ${timeoutMs} ms`),
    );
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
    const key = createHash('sha256')
      .update(`${broker.url}\n${broker.username ?? ''}\n${broker.password ?? ''}`)
      .digest('hex');
    let c = this.connections.get(key);
    if (!c) {
      const client = connectBroker(
        broker.url,
        {
          clientId:
            `${this.opts.clientIdPrefix ?? 'satiot-forwarder'}-${process.pid}-${key.slice(0, 8)}-` +
            `${Math.random().toString(16).slice(2, 8)}`,
          clean: true,
          connectTimeout: timeoutMs,
          reconnectPeriod: this.opts.reconnectMs ?? RECONNECT_MS,
          ...(broker.username !== undefined ? { username: broker.username } : {}),
          ...(broker.password !== undefined ? { password: broker.password } : {}),
        },
        this.lookup,
      );
      const conn: Connection = { client, lastError: undefined, waiters: new Set(), lastUsed: Date.now() };
      // Without an 'error' listener a refused connection would end the process.
      client.on('error', (e) => {
        conn.lastError = e;
      });
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

/**
 * A client for `url` whose every connection resolves the host through `lookup` (when given).
 * mqtt.js hands TLS and WebSocket connections the `lookup` option but builds plain TCP ones without
 * it, so those are built here.
 */
function connectBroker(url: string, options: IClientOptions, lookup: LookupFunction | undefined): MqttClient {
  const u = new URL(url);
  if (u.protocol !== 'mqtt:')
    return mqtt.connect(url, lookup ? ({ ...options, lookup, wsOptions: { lookup } } as IClientOptions) : options);
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const port = u.port === '' ? 1883 : Number(u.port);
  // Called for the first connection and again for every reconnection.
  return new MqttClient(() => netConnect({ host, port, ...(lookup ? { lookup } : {}) }), {
    protocol: 'mqtt',
    host,
    port,
    ...options,
  });
}

/** A time limit that ran out, with what was known of why (the delivery log classifies it by `code`). */
function timedOut(message: string, cause?: Error): Error {
  return Object.assign(new Error(message, cause ? { cause } : {}), { code: 'ETIMEDOUT' });
}

/** Resolves when the client is connected, or rejects after `ms`. */
function connected(c: Connection, ms: number, error: () => Error): Promise<void> {
  if (c.client.connected) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const waiter = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      c.waiters.delete(waiter);
      reject(error());
    }, ms);
    c.waiters.add(waiter);
  });
}

function withTimeout<T>(p: Promise<T>, ms: number, error: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(error()), ms);
  });
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
