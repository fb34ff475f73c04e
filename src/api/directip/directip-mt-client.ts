import { connect, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { Counter, type Registry } from 'prom-client';
import type { Core } from '../../core/core.js';
import type { GroundStationRecord } from '../../core/model.js';
import type { DownlinkRecord } from '../../core/ports/downlink-store.js';
import {
  directIpMessageLength,
  encodeDirectIp,
  isDirectIpError,
  mtStatusCode,
  parseDirectIp,
} from '../../frame/iridium-sbd/index.js';

export interface DirectIpMtOptions {
  /** The Iridium gateway's MT DirectIP endpoint. */
  readonly host: string;
  readonly port: number;
  /** How often the queue is looked at (ms, default 2,000). */
  readonly intervalMs?: number;
  /** How long a connection and its confirmation may take (ms, default 10,000). */
  readonly timeoutMs?: number;
  /**
   * Pass only while this says so (a server: while this node holds the downlink lease, so one node of a cluster sends).
   */
  readonly onlyWhen?: () => boolean;
  readonly onError?: (e: unknown, what: string) => void;
}

/** Longest wait between passes while the gateway cannot be reached (ms). */
const MAX_BACKOFF_MS = 60_000;
/** MT priority IE level for an emergency downlink (1 is the highest of 1..5). */
const EMERGENCY_PRIORITY = 1;

/** The gateway took the connection and gave no confirmation: the pass ends and the next waits longer. */
class GatewayNotConfirming extends Error {}

/** Why an MT message did not reach the gateway: the connection failed or the answer was not a confirmation. */
class MtTransportError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Iridium Short Burst Data, mobile-terminated, over DirectIP (docs/interop.md): downlinks queued
 * for Iridium terminals are handed to the Iridium gateway, one TCP connection each — MT header
 * (a random client message id, the IMEI, no disposition flags), payload, and for an emergency the
 * priority element. Each downlink is claimed (stored as `uploaded`, reason `directip`) before a
 * byte leaves, so one node sends it. The gateway's confirmation places it in the terminal's queue
 * there (`queuePosition`) or fails it with the status's stable code (`SBD_MT_QUEUE_FULL`, …); no
 * connection or no confirmation puts it back in the queue for the next pass. The terminal's next
 * MO session whose MTMSN is non-zero marks it `transmitted` (DirectIpMoServer).
 */
export class DirectIpMtClient {
  private readonly sent: Counter<'outcome'>;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private closed = false;
  /** Grows while the gateway cannot be reached. */
  private backoffMs = 0;

  constructor(
    private readonly core: Core,
    private readonly station: GroundStationRecord,
    private readonly opts: DirectIpMtOptions,
    metrics: Registry = core.metrics,
  ) {
    const name = 'satiot_directip_mt_total';
    this.sent =
      (metrics.getSingleMetric(name) as Counter<'outcome'> | undefined) ??
      new Counter({
        name,
        help:
          'Iridium MT messages handed to the gateway, by outcome (queued, an SBD_MT_* refusal code, or why it ' +
          'did not get there: SBD_GATEWAY_UNREACHABLE, SBD_NO_CONFIRMATION, an SBD_* codec code)',
        labelNames: ['outcome'],
        registers: [metrics],
      });
  }

  /** Starts the MT client on the Iridium gateway's station record (created on first use). */
  static async start(core: Core, opts: DirectIpMtOptions): Promise<DirectIpMtClient> {
    const client = new DirectIpMtClient(core, await core.provisioning.iridiumGateway(), opts);
    client.schedule(0);
    return client;
  }

  /** Looks at the queue now (and then on the interval as before). */
  kick(): Promise<void> {
    this.running ??= this.pass().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(ms: number): void {
    if (this.closed) return;
    this.timer = setTimeout(() => {
      void this.kick()
        .catch((e: unknown) => this.opts.onError?.(e, 'directip-mt'))
        .finally(() => this.schedule(Math.max(this.opts.intervalMs ?? 2_000, this.backoffMs)));
    }, ms);
    this.timer.unref();
  }

  /**
   * Hands every waiting Iridium downlink to the gateway, one at a time (the gateway queues per IMEI
   * in arrival order). The connection is open before a downlink is claimed, so a gateway that cannot
   * be reached leaves the queue as it was; the pass then ends and the next one waits longer (up to a
   * minute).
   */
  private async pass(): Promise<void> {
    if (this.opts.onlyWhen && !this.opts.onlyWhen()) return;
    for (const d of await this.core.downlinks.iridiumWaiting()) {
      if (this.closed) return;
      let socket: Socket;
      try {
        socket = await this.open();
      } catch (e) {
        this.sent.inc({ outcome: 'SBD_GATEWAY_UNREACHABLE' });
        this.backoffMs = Math.min(MAX_BACKOFF_MS, Math.max(this.opts.intervalMs ?? 2_000, this.backoffMs * 2));
        this.opts.onError?.(e, 'directip-mt connect');
        return;
      }
      try {
        const claimed = await this.core.downlinks.iridiumHandOff(d.id, this.station.id);
        if (claimed) await this.send(claimed, socket);
        this.backoffMs = 0;
      } catch (e) {
        // A gateway that takes connections but does not confirm is waited for as one that refuses them.
        if (!(e instanceof GatewayNotConfirming)) throw e;
        this.backoffMs = Math.min(MAX_BACKOFF_MS, Math.max(this.opts.intervalMs ?? 2_000, this.backoffMs * 2));
        return;
      } finally {
        socket.destroy();
      }
    }
  }

  /** A connection to the gateway, once it is established. */
  private open(): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: this.opts.host, port: this.opts.port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`no connection to the Iridium gateway ${this.opts.host}:${this.opts.port} in time`));
      }, this.opts.timeoutMs ?? 10_000);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        // Until exchange() listens, an error (a reset while the downlink is claimed) only destroys the socket, which
        // exchange() sees.
        socket.on('error', () => socket.destroy());
        resolve(socket);
      });
      socket.once('error', (e) => {
        clearTimeout(timer);
        socket.destroy();
        reject(e);
      });
    });
  }

  private async send(d: DownlinkRecord, socket: Socket): Promise<void> {
    const imei = this.core.registry.byDevEui(d.devEui)?.record.imei;
    if (imei === undefined) {
      await this.core.downlinks.iridiumConfirmed(d.id, { status: -2, autoIdReference: 0, code: 'SBD_MT_UNKNOWN_IMEI' });
      return;
    }
    const clientMessageId = new Uint8Array(randomBytes(4));
    let request: Uint8Array;
    try {
      request = encodeDirectIp({
        kind: 'mt',
        clientMessageId,
        imei,
        flags: 0,
        payload: d.payload,
        ...(d.priority === 'emergency' ? { priority: EMERGENCY_PRIORITY } : {}),
      });
    } catch (e) {
      // A downlink no MT message can carry (enqueue refuses these; one stored before that rule) fails, not the pass.
      const code = isDirectIpError(e) ? e.code : 'SBD_MT_REFUSED';
      this.sent.inc({ outcome: code });
      await this.core.downlinks.iridiumConfirmed(d.id, { status: -4, autoIdReference: 0, code });
      return;
    }
    let reply: Uint8Array;
    try {
      reply = await this.exchange(socket, request);
    } catch (e) {
      const code = e instanceof MtTransportError ? e.code : isDirectIpError(e) ? e.code : 'SBD_NO_CONFIRMATION';
      this.sent.inc({ outcome: code });
      await this.core.downlinks.iridiumUnsent(d.id, code);
      throw new GatewayNotConfirming(code);
    }
    let c;
    try {
      c = parseDirectIp(reply);
    } catch (e) {
      const code = isDirectIpError(e) ? e.code : 'SBD_NO_CONFIRMATION';
      this.sent.inc({ outcome: code });
      await this.core.downlinks.iridiumUnsent(d.id, code);
      throw new GatewayNotConfirming(code);
    }
    if (
      c.kind !== 'mt-confirmation' ||
      Buffer.compare(Buffer.from(c.clientMessageId), Buffer.from(clientMessageId)) !== 0
    ) {
      this.sent.inc({ outcome: 'SBD_NO_CONFIRMATION' });
      await this.core.downlinks.iridiumUnsent(d.id, 'SBD_NO_CONFIRMATION');
      throw new GatewayNotConfirming('SBD_NO_CONFIRMATION');
    }
    const code = c.status < 0 ? mtStatusCode(c.status) : undefined;
    this.sent.inc({ outcome: code ?? 'queued' });
    await this.core.downlinks.iridiumConfirmed(d.id, {
      status: c.status,
      autoIdReference: c.autoIdReference,
      ...(code ? { code } : {}),
    });
  }

  /** On an open connection: the MT message out, the gateway's whole confirmation back. */
  private exchange(socket: Socket, request: Uint8Array): Promise<Uint8Array> {
    return new Promise((resolve, reject) => {
      if (socket.destroyed) {
        reject(new MtTransportError('SBD_NO_CONFIRMATION', 'the Iridium gateway closed the connection'));
        return;
      }
      let got = Buffer.alloc(0),
        settled = false;
      const finish = (e: Error | undefined, bytes?: Uint8Array): void => {
        if (settled) return;
        settled = true;
        socket.destroy();
        if (e) reject(e);
        else resolve(bytes!);
      };
      socket.setTimeout(this.opts.timeoutMs ?? 10_000, () =>
        finish(new MtTransportError('SBD_NO_CONFIRMATION', 'the Iridium gateway did not confirm in time')),
      );
      socket.on('error', (e) => finish(new MtTransportError('SBD_NO_CONFIRMATION', e.message)));
      socket.on('close', () =>
        finish(
          new MtTransportError(
            'SBD_NO_CONFIRMATION',
            'the Iridium gateway closed the connection without a confirmation',
          ),
        ),
      );
      socket.on('data', (chunk: Buffer) => {
        got = Buffer.concat([got, chunk]);
        try {
          const need = directIpMessageLength(got);
          if (need !== undefined && got.length >= need) finish(undefined, got.subarray(0, need));
        } catch (e) {
          finish(e instanceof Error ? e : new Error(String(e)));
        }
      });
      socket.write(request);
    });
  }
}
