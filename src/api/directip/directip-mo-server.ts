import { createServer, type BlockList, type Server, type Socket } from 'node:net';
import { allowed, parseAllowList } from './allow-list.js';
import { Counter, type Registry } from 'prom-client';
import type { Core } from '../../core/core.js';
import type { GroundStationRecord } from '../../core/model.js';
import { IRIDIUM_SATELLITE } from '../../core/downlink-service.js';
import {
  directIpMessageLength,
  encodeDirectIp,
  isDirectIpError,
  parseDirectIp,
  type MoMessage,
} from '../../frame/iridium-sbd/index.js';

export interface DirectIpMoOptions {
  readonly port: number;
  /** Listen address (default 127.0.0.1). */
  readonly host?: string;
  /**
   * Who may connect: addresses and CIDR blocks (`12.47.179.11`, `10.0.0.0/8`, `::1`). Default the
   * loopback only; name the Iridium gateway's published addresses in production.
   */
  readonly allow?: readonly string[];
  /** A connection is closed this long after it opened, whatever it sent by then (ms, default 10,000). */
  readonly idleMs?: number;
  /** Connections open at once; more are refused (default 64). */
  readonly maxConnections?: number;
  readonly onError?: (e: unknown, what: string) => void;
}

/** MO session statuses of a session that completed (1 and 2: with a note about the MT side or the location). */
const SESSION_OK = new Set([0, 1, 2]);
/** Session status 2: the location the gateway computed is not to be trusted. */
const LOCATION_UNACCEPTABLE = 2;
/** After our confirmation, how long the gateway has to close its side before the connection is dropped (ms). */
const CLOSE_GRACE_MS = 2_000;
/**
 * Refusals the gateway's delivering again cannot cure (the terminal is disabled or not approved, the
 * counter is old, the session's time is out of range): confirmed (status 1) and counted, so the
 * gateway does not deliver them for ever. An unknown IMEI is answered 0: it may be registered soon.
 */
const FINAL_REFUSALS: ReadonlySet<string> = new Set([
  'TERMINAL_DISABLED',
  'TERMINAL_NOT_APPROVED',
  'REPLAYED_COUNTER',
  'INVALID_RECEPTION',
  'FRAME_TOO_LARGE',
  'MALFORMED_FRAME',
]);

/**
 * Iridium Short Burst Data, mobile-originated, over DirectIP (docs/interop.md): the Iridium gateway
 * opens a TCP connection per MO session and sends one message — header (IMEI, MOMSN, MTMSN, session
 * time), payload, location. The session goes through the same ingest pipeline as every other
 * copy (the Iridium gateway is a station of its own network; the terminal is found by IMEI; the
 * MOMSN is its counter), its location is stored as the message's reported position, a non-zero
 * MTMSN marks the MT message the session delivered, and only then does the confirmation (status 1)
 * go back on the same connection: a session is durable before the gateway may forget it. An
 * unknown IMEI or a rejected session is answered with status 0 (the gateway tries again later) and
 * counted. Connections from addresses not on the allow list are closed unread; malformed streams
 * are counted by their stable SBD_* code and closed. Nothing a connection sends can end the process.
 */
export class DirectIpMoServer {
  private readonly sessions: Counter<'outcome'>;
  private readonly sockets = new Set<Socket>();
  private readonly inFlight = new Set<Promise<void>>();
  private closed = false;

  private constructor(
    private readonly server: Server,
    private readonly core: Core,
    private readonly station: GroundStationRecord,
    private readonly allowList: BlockList,
    private readonly opts: DirectIpMoOptions,
    metrics: Registry,
  ) {
    const name = 'satiot_directip_mo_total';
    this.sessions =
      (metrics.getSingleMetric(name) as Counter<'outcome'> | undefined) ??
      new Counter({
        name,
        help:
          'Iridium MO connections by outcome (accepted, duplicate, mailbox, session-failed, a rejection code, ' +
          'an SBD_* codec code, NOT_ALLOWED, TOO_MANY_CONNECTIONS, TIMEOUT, UNEXPECTED, ERROR)',
        labelNames: ['outcome'],
        registers: [metrics],
      });
  }

  /** Listens; resolves once bound. */
  static async start(core: Core, opts: DirectIpMoOptions): Promise<DirectIpMoServer> {
    const allowList = parseAllowList(opts.allow ?? ['127.0.0.1', '::1']);
    const station = await core.provisioning.iridiumGateway();
    const server = createServer();
    const mo = new DirectIpMoServer(server, core, station, allowList, opts, core.metrics);
    server.on('connection', (s) => mo.accept(s));
    server.on('error', (e) => mo.fail(e, 'directip-mo socket'));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port, opts.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    return mo;
  }

  address(): { address: string; port: number } {
    const a = this.server.address();
    if (a === null || typeof a === 'string') throw new Error('the DirectIP MO server is not listening');
    return { address: a.address, port: a.port };
  }

  /** Connections holding one of the `maxConnections` slots now (accepted, not yet closed). */
  get openConnections(): number {
    return this.sockets.size;
  }

  /** Stops accepting, waits for sessions being stored, then closes what is left. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const stopped = new Promise<void>((resolve) => this.server.close(() => resolve()));
    await Promise.allSettled([...this.inFlight]);
    for (const s of this.sockets) s.destroy();
    await stopped;
  }

  private accept(socket: Socket): void {
    if (this.closed) {
      socket.destroy();
      return;
    }
    if (!allowed(this.allowList, socket.remoteAddress)) {
      this.count('NOT_ALLOWED');
      socket.destroy();
      return;
    }
    if (this.sockets.size >= (this.opts.maxConnections ?? 64)) {
      this.count('TOO_MANY_CONNECTIONS');
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    // One deadline from accept (a byte now and then does not hold a slot), cleared once the message is in.
    const deadline = setTimeout(() => {
      this.count('TIMEOUT');
      socket.destroy();
    }, this.opts.idleMs ?? 10_000);
    deadline.unref();
    socket.on('close', () => clearTimeout(deadline));
    const chunks: Buffer[] = [];
    let have = 0,
      need: number | undefined,
      done = false;
    socket.on('data', (chunk: Buffer) => {
      if (done) return; // one message per connection: whatever follows it is ignored
      chunks.push(chunk);
      have += chunk.length;
      const bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, have);
      chunks.length = 0;
      chunks.push(bytes);
      try {
        need ??= directIpMessageLength(bytes);
      } catch (e) {
        done = true;
        this.refuse(socket, e);
        return;
      }
      if (need === undefined || have < need) return;
      done = true;
      clearTimeout(deadline);
      const work = this.handle(socket, bytes.subarray(0, need)).catch((e: unknown) => {
        this.count('ERROR');
        this.fail(e, 'directip-mo session');
        socket.destroy(); // no confirmation: the gateway delivers the session again
      });
      this.inFlight.add(work);
      void work.finally(() => this.inFlight.delete(work));
    });
  }

  private refuse(socket: Socket, e: unknown): void {
    if (!isDirectIpError(e)) this.fail(e, 'directip-mo parse');
    this.count(isDirectIpError(e) ? e.code : 'ERROR');
    socket.destroy();
  }

  private async handle(socket: Socket, bytes: Uint8Array): Promise<void> {
    let m;
    try {
      m = parseDirectIp(bytes);
    } catch (e) {
      this.refuse(socket, e);
      return;
    }
    if (m.kind !== 'mo') {
      this.count('UNEXPECTED');
      socket.destroy();
      return;
    }
    const status = await this.session(m);
    socket.end(encodeDirectIp({ kind: 'mo-confirmation', status }));
    // A gateway that never closes its side does not keep the connection.
    setTimeout(() => socket.destroy(), CLOSE_GRACE_MS).unref();
  }

  /** One MO session into the core; the confirmation status to answer with. */
  private async session(m: MoMessage): Promise<0 | 1> {
    const { header: h } = m;
    const entry = await this.core.registry.loadByImei(h.imei);
    if (!entry) {
      this.count('UNKNOWN_TERMINAL');
      return 0;
    }
    // A session that did not complete carries nothing to store; a mailbox check (no payload) may still report an MT
    // delivery.
    if (!SESSION_OK.has(h.sessionStatus)) {
      this.count('session-failed');
      return 1;
    }
    if (!m.payload || m.payload.length === 0) {
      await this.delivered(entry.record.devEui, h.mtmsn, h.sessionTime);
      this.count('mailbox');
      return 1;
    }
    const receivedAt = this.core.clock.now();
    const [r] = await this.core.pipeline.ingest(this.station, [
      {
        phyPayload: '',
        satelliteId: IRIDIUM_SATELLITE,
        capturedAt: new Date(h.sessionTime).toISOString(),
        downlinkedAt: new Date(receivedAt).toISOString(),
        sbd: { imei: h.imei, momsn: h.momsn, payload: m.payload },
      },
    ]);
    if (!r || r.status === 'rejected' || !r.messageId) {
      this.count(r?.code ?? 'rejected');
      return r?.code !== undefined && FINAL_REFUSALS.has(r.code) ? 1 : 0;
    }
    if (m.location && h.sessionStatus !== LOCATION_UNACCEPTABLE) {
      await this.core.pipeline.reportPositions([
        {
          messageId: r.messageId,
          position: { lat: m.location.lat, lon: m.location.lon, cepKm: m.location.cepRadiusKm, source: 'iridium' },
        },
      ]);
    }
    await this.delivered(entry.record.devEui, h.mtmsn, h.sessionTime);
    this.count(r.status);
    return 1;
  }

  private async delivered(devEui: string, mtmsn: number, at: number): Promise<void> {
    if (mtmsn !== 0) await this.core.downlinks.iridiumDelivered(devEui, mtmsn, at);
  }

  private count(outcome: string): void {
    this.sessions.inc({ outcome });
  }

  private fail(e: unknown, what: string): void {
    this.opts.onError?.(e, what);
  }
}
