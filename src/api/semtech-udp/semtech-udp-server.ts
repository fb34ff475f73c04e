import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { Counter, type Registry } from 'prom-client';
import type { Core } from '../../core/core.js';
import type { UplinkFrameInput } from '../../core/ingest-pipeline.js';
import type { GroundStationRecord } from '../../core/model.js';
import { encodeSemtechPacket, isSemtechPacketError, parseSemtechPacket, type Rxpk, type SemtechPacket } from '../../frame/semtech-udp/index.js';
import { SourceRateLimiter } from './source-rate-limiter.js';

export interface SemtechUdpOptions {
  readonly port: number;
  /** Listen address (default 127.0.0.1); an IPv6 address opens a udp6 socket. */
  readonly host?: string;
  /** Datagrams per second one source address may send before the rest are dropped (default 200, bursts of twice that). */
  readonly packetsPerSecond?: number;
  readonly onError?: (e: unknown, what: string) => void;
}

/** Where a gateway's PULL_DATA keep-alives come from: the path its downlinks take back. */
export interface GatewayPath {
  readonly address: string;
  readonly port: number;
  readonly lastPullAt: number;
}

/**
 * Terrestrial LoRa gateways over the Semtech UDP packet-forwarder protocol (docs/interop.md): every
 * `rxpk` a registered gateway pushes with a good CRC becomes a reception of the same ingest
 * pipeline the satellites feed, so a frame heard on the ground and from orbit — seconds or hours
 * apart — is one message. The PUSH_ACK goes out once the accepted frames are durable (a gateway
 * reads a missing one as a lost packet in its `ackr`). Packets from unregistered EUIs are dropped
 * and counted (`UNKNOWN_GATEWAY`); malformed ones are counted by their codec code; a source that
 * floods is cut to `packetsPerSecond`. Nothing a datagram holds can end the process.
 */
export class SemtechUdpServer {
  private readonly paths = new Map<string, GatewayPath>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly packets: Counter<'type' | 'outcome'>;
  private readonly rxpk: Counter<'gateway' | 'outcome'>;
  private readonly limiter: SourceRateLimiter;
  private closed = false;

  private constructor(private readonly socket: Socket, private readonly core: Core, private readonly opts: SemtechUdpOptions, metrics: Registry) {
    this.packets = counter(metrics, 'satiot_semtech_udp_packets_total', 'Semtech UDP datagrams by packet type and outcome (ok, or the stable code it was dropped with)', ['type', 'outcome']);
    this.rxpk = counter(metrics, 'satiot_semtech_udp_rxpk_total', 'Radio packets (rxpk) terrestrial gateways forwarded, by gateway EUI and outcome (accepted, duplicate, a rejection code, CRC_BAD, NO_CRC, NOT_LORA, or a codec code)', ['gateway', 'outcome']);
    this.limiter = new SourceRateLimiter(opts.packetsPerSecond ?? 200);
  }

  /** Binds the socket; resolves once it listens. */
  static async start(core: Core, opts: SemtechUdpOptions): Promise<SemtechUdpServer> {
    const host = opts.host ?? '127.0.0.1';
    const socket = createSocket({ type: host.includes(':') ? 'udp6' : 'udp4', reuseAddr: false });
    const server = new SemtechUdpServer(socket, core, opts, core.metrics);
    socket.on('message', (msg, rinfo) => server.receive(msg, rinfo));
    socket.on('error', (e) => server.fail(e, 'semtech-udp socket'));
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(opts.port, host, () => { socket.off('error', reject); resolve(); });
    });
    return server;
  }

  /** The bound address (port 0 picks a free one). */
  address(): { address: string; port: number } {
    const a = this.socket.address();
    return { address: a.address, port: a.port };
  }

  /** The return path of a gateway's downlinks (its latest PULL_DATA), if it sent one. */
  pathOf(gatewayEui: string): GatewayPath | undefined {
    return this.paths.get(gatewayEui);
  }

  /** Stops taking datagrams and waits for those being ingested. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
    await Promise.allSettled([...this.inFlight]);
  }

  private receive(msg: Buffer, rinfo: RemoteInfo): void {
    if (this.closed) return;
    if (!this.limiter.take(rinfo.address, Date.now())) {
      this.packets.inc({ type: 'unknown', outcome: 'RATE_LIMITED' });
      return;
    }
    let p: SemtechPacket;
    try {
      p = parseSemtechPacket(msg);
    } catch (e) {
      if (!isSemtechPacketError(e)) { this.fail(e, 'semtech-udp parse'); return; }
      this.packets.inc({ type: 'unknown', outcome: e.code });
      return;
    }
    const work = this.handle(p, rinfo).catch((e: unknown) => this.fail(e, `semtech-udp ${p.type}`));
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  private async handle(p: SemtechPacket, from: RemoteInfo): Promise<void> {
    switch (p.type) {
      case 'PUSH_DATA': {
        const gateway = await this.core.gateways.byEui(p.gatewayEui);
        if (!gateway) { this.packets.inc({ type: p.type, outcome: 'UNKNOWN_GATEWAY' }); return; }
        await this.ingest(gateway, p.gatewayEui, p.rxpk);
        this.reply(encodeSemtechPacket({ type: 'PUSH_ACK', version: p.version, token: p.token }), from);
        this.packets.inc({ type: p.type, outcome: 'ok' });
        return;
      }
      case 'PULL_DATA': {
        const gateway = await this.core.gateways.byEui(p.gatewayEui);
        if (!gateway) { this.packets.inc({ type: p.type, outcome: 'UNKNOWN_GATEWAY' }); return; }
        this.paths.set(p.gatewayEui, { address: from.address, port: from.port, lastPullAt: Date.now() });
        this.reply(encodeSemtechPacket({ type: 'PULL_ACK', version: p.version, token: p.token }), from);
        this.packets.inc({ type: p.type, outcome: 'ok' });
        return;
      }
      case 'TX_ACK':
        this.packets.inc({ type: p.type, outcome: p.error ?? 'ok' });
        return;
      default: // PUSH_ACK, PULL_ACK, PULL_RESP travel from the server, never to it
        this.packets.inc({ type: p.type, outcome: 'UNEXPECTED' });
    }
  }

  /** The good LoRa packets of a PUSH_DATA through the ingest pipeline, each outcome counted. */
  private async ingest(gateway: GroundStationRecord, eui: string, entries: Extract<SemtechPacket, { type: 'PUSH_DATA' }>['rxpk']): Promise<void> {
    const receivedAt = this.core.clock.now();
    const frames: UplinkFrameInput[] = [];
    for (const e of entries) {
      if (!e.ok) { this.rxpk.inc({ gateway: eui, outcome: e.code }); continue; }
      const skip = skipReason(e.rxpk);
      if (skip) { this.rxpk.inc({ gateway: eui, outcome: skip }); continue; }
      frames.push(toFrame(e.rxpk, receivedAt));
    }
    if (frames.length === 0) return;
    const results = await this.core.pipeline.ingest(gateway, frames);
    for (const r of results) this.rxpk.inc({ gateway: eui, outcome: r.status === 'rejected' ? r.code ?? 'rejected' : r.status });
  }

  private reply(bytes: Uint8Array, to: RemoteInfo): void {
    if (this.closed) return;
    this.socket.send(bytes, to.port, to.address, (e) => { if (e) this.fail(e, 'semtech-udp send'); });
  }

  private fail(e: unknown, what: string): void {
    (this.opts.onError ?? ((x: unknown, w: string) => process.stderr.write(`satiot ${w}: ${x instanceof Error ? x.message : String(x)}\n`)))(e, what);
  }
}

/** Why a radio packet is not ingested: only LoRa packets whose CRC checked out carry a frame worth deciding. */
function skipReason(r: Rxpk): string | undefined {
  if (r.stat === -1) return 'CRC_BAD';
  if (r.stat === 0) return 'NO_CRC';
  if (r.modu !== 'LORA') return 'NOT_LORA';
  return undefined;
}

/**
 * An rxpk as a reception: no satellite hop; captured when the gateway's GPS says (its `time`), else
 * on receipt — a gateway without GPS has only a free-running microsecond counter; downlinked on receipt.
 */
function toFrame(r: Rxpk, receivedAt: number): UplinkFrameInput {
  const captured = r.time !== undefined && r.time <= receivedAt + 60_000 ? r.time : receivedAt;
  return {
    phyPayload: Buffer.from(r.data).toString('base64'), satelliteId: '',
    capturedAt: new Date(Math.min(captured, receivedAt)).toISOString(), downlinkedAt: new Date(receivedAt).toISOString(),
    rssi: r.rssi, ...(r.lsnr !== undefined ? { snr: r.lsnr } : {}), frequencyMHz: r.freq,
    ...(typeof r.datr === 'string' ? { dataRate: r.datr } : {}),
  };
}

function counter<L extends string>(metrics: Registry, name: string, help: string, labelNames: L[]): Counter<L> {
  return (metrics.getSingleMetric(name) as Counter<L> | undefined) ?? new Counter({ name, help, labelNames, registers: [metrics] });
}
