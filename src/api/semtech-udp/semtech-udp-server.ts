import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { Counter, type Registry } from 'prom-client';
import type { Core } from '../../core/core.js';
import type { UplinkFrameInput } from '../../core/ingest-pipeline.js';
import type { GatewayStatus, GroundStationRecord } from '../../core/model.js';
import {
  encodeSemtechPacket,
  isSemtechPacketError,
  parseSemtechPacket,
  type GatewayStat,
  type Rxpk,
  type SemtechPacket,
} from '../../frame/semtech-udp/index.js';
import { rx1Window, rx2Window, type LoRaRegion, type ReceiveWindow } from '../../frame/regional/receive-windows.js';
import { SourceRateLimiter } from './source-rate-limiter.js';
import { randomInt } from 'node:crypto';

export interface SemtechUdpOptions {
  readonly port: number;
  /** Listen address (default 127.0.0.1); an IPv6 address opens a udp6 socket. */
  readonly host?: string;
  /**
   * Datagrams per second one source address may send before the rest are dropped (default 200, bursts of twice that).
   */
  readonly packetsPerSecond?: number;
  readonly onError?: (e: unknown, what: string) => void;
  /** Regional parameters of the gateways' downlinks (RX1 frequency, RX2; default CN470). */
  readonly region?: LoRaRegion;
  /**
   * How long copies of one uplink from several gateways are gathered before the best SNR is chosen for its downlink
   * (ms, default 150).
   */
  readonly gatherMs?: number;
  /**
   * How long a gateway has to answer a PULL_RESP with TX_ACK before its downlink goes back to the queue (ms, default
   * 5,000).
   */
  readonly txAckTimeoutMs?: number;
}

/** One gateway's copy of an uplink: what its downlink in the terminal's receive window needs. */
interface Hearing {
  readonly gateway: GroundStationRecord;
  readonly eui: string;
  readonly snr: number;
  readonly tmst: number;
  readonly frequencyMHz: number;
  readonly dataRate: string;
  /** Local ms the PUSH_DATA arrived. */
  readonly receivedAt: number;
}

/** Transmit power of a downlink, dBm: the regions' default maximum EIRP less the usual 2 dBi antenna. */
const TX_POWER_DBM: Record<LoRaRegion, number> = { CN470: 17, EU868: 14 };
/**
 * Sent later than this after its uplink arrived, a PULL_RESP would miss RX1 on a gateway's just-in-time queue: RX2
 * instead.
 */
const RX1_LATEST_MS = 700;
const RX2_LATEST_MS = 1_700;
/** A PULL_RESP must leave this long before its window opens (the gateway's just-in-time queue needs it). */
const SEND_MARGIN_MS = 300;
/**
 * A gateway's downlink path moves to another address only after this long without a PULL_DATA from the old one (three
 * 10 s keep-alives).
 */
const PATH_QUIET_MS = 30_000;
/** A gateway's GPS `time` is taken as the capture time only this close to receipt; otherwise receipt. */
const GPS_TIME_TOLERANCE_MS = 30_000;
/** Socket receive buffer asked for, bytes. */
const RECV_BUFFER_BYTES = 8 * 1024 * 1024;

/** Where a gateway's PULL_DATA keep-alives come from: the path its downlinks take back. */
export interface GatewayPath {
  readonly address: string;
  readonly port: number;
  readonly lastPullAt: number;
  /** The protocol version its PULL_DATA spoke (a PULL_RESP answers in it). */
  readonly version: 1 | 2;
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
  /** Uplinks heard for the first time, gathering their other gateways' copies (by message id). */
  private readonly gathering = new Map<string, { best: Hearing; timer: NodeJS.Timeout }>();
  /** idle() calls waiting for a gathering to end. */
  private gatheredWaiters: (() => void)[] = [];
  /** PULL_RESPs waiting for their TX_ACK, by token. */
  private readonly awaitingAck = new Map<
    number,
    {
      downlinkId: string;
      gateway: GroundStationRecord;
      eui: string;
      address: string;
      port: number;
      timer: NodeJS.Timeout | undefined;
    }
  >();
  private readonly downlinks: Counter<'gateway' | 'outcome'>;
  private closed = false;

  private constructor(
    private readonly socket: Socket,
    private readonly core: Core,
    private readonly opts: SemtechUdpOptions,
    metrics: Registry,
  ) {
    this.packets = counter(
      metrics,
      'satiot_semtech_udp_packets_total',
      'Semtech UDP datagrams by packet type and outcome (ok, or the stable code it was dropped with)',
      ['type', 'outcome'],
    );
    this.rxpk = counter(
      metrics,
      'satiot_semtech_udp_rxpk_total',
      'Radio packets (rxpk) terrestrial gateways forwarded, by gateway EUI and outcome (accepted, ' +
        'duplicate, a rejection code, CRC_BAD, NO_CRC, NOT_LORA, or a codec code)',
      ['gateway', 'outcome'],
    );
    this.downlinks = counter(
      metrics,
      'satiot_semtech_udp_downlinks_total',
      'Downlinks sent through terrestrial gateways in a receive window, by gateway EUI and outcome ' +
        '(sent_rx1, sent_rx2, transmitted, a TX_ACK error, no-tx-ack, too-late)',
      ['gateway', 'outcome'],
    );
    this.limiter = new SourceRateLimiter(opts.packetsPerSecond ?? 200);
  }

  /** Binds the socket; resolves once it listens. */
  static async start(core: Core, opts: SemtechUdpOptions): Promise<SemtechUdpServer> {
    const host = opts.host ?? '127.0.0.1';
    // A large receive buffer: a burst of PUSH_DATA from many gateways waits there while a batch commits
    // (the kernel caps it at net.core.rmem_max; raise that on a busy server).
    const socket = createSocket({
      type: host.includes(':') ? 'udp6' : 'udp4',
      reuseAddr: false,
      recvBufferSize: RECV_BUFFER_BYTES,
    });
    const server = new SemtechUdpServer(socket, core, opts, core.metrics);
    socket.on('message', (msg, rinfo) => server.receive(msg, rinfo));
    await new Promise<void>((resolve, reject) => {
      socket.once('error', (e) => {
        socket.close();
        reject(e);
      });
      socket.bind(opts.port, host, () => {
        socket.removeAllListeners('error');
        socket.on('error', (e) => server.fail(e, 'semtech-udp socket'));
        resolve();
      });
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

  /**
   * Resolves once every datagram taken so far has been handled (a PUSH_DATA ingested and answered,
   * a TX_ACK recorded) and every uplink gathering its copies has offered its receive window (its
   * PULL_RESP sent, if a downlink waited), including what is taken meanwhile: `gatherMs` at most
   * after the last uplink. A datagram still on its way to the socket is not known here, and a
   * PULL_RESP's TX_ACK deadline is not waited for.
   */
  async idle(): Promise<void> {
    for (;;) {
      if (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
      else if (this.gathering.size > 0) await new Promise<void>((r) => this.gatheredWaiters.push(r));
      else return;
    }
  }

  /** A gathering ended (its window offered, or the server closed): idle() looks again. */
  private gathered(): void {
    const waiters = this.gatheredWaiters;
    this.gatheredWaiters = [];
    for (const w of waiters) w();
  }

  /** Stops taking datagrams and waits for those being ingested. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const g of this.gathering.values()) clearTimeout(g.timer);
    this.gathering.clear();
    this.gathered();
    for (const a of this.awaitingAck.values()) clearTimeout(a.timer);
    this.awaitingAck.clear();
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
    await Promise.allSettled([...this.inFlight]);
  }

  private receive(msg: Buffer, rinfo: RemoteInfo): void {
    if (this.closed) return;
    if (!this.limiter.take(rinfo.address, performance.now())) {
      this.packets.inc({ type: 'unknown', outcome: 'RATE_LIMITED' });
      return;
    }
    let p: SemtechPacket;
    try {
      p = parseSemtechPacket(msg);
    } catch (e) {
      if (!isSemtechPacketError(e)) {
        this.fail(e, 'semtech-udp parse');
        return;
      }
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
        if (!gateway) {
          this.packets.inc({ type: p.type, outcome: 'UNKNOWN_GATEWAY' });
          return;
        }
        await this.ingest(gateway, p.gatewayEui, p.rxpk);
        this.reply(encodeSemtechPacket({ type: 'PUSH_ACK', version: p.version, token: p.token }), from);
        this.packets.inc({ type: p.type, outcome: 'ok' });
        await this.seen(gateway, p.stat && statusOf(p.stat));
        return;
      }
      case 'PULL_DATA': {
        const gateway = await this.core.gateways.byEui(p.gatewayEui);
        if (!gateway) {
          this.packets.inc({ type: p.type, outcome: 'UNKNOWN_GATEWAY' });
          return;
        }
        // A live path is not moved by a PULL_DATA from elsewhere (EUIs are not secret): it moves once
        // the old one has gone quiet for three keep-alives (a NAT that rebinds, a gateway that moved).
        const old = this.paths.get(p.gatewayEui);
        if (
          old &&
          (old.address !== from.address || old.port !== from.port) &&
          Date.now() - old.lastPullAt < PATH_QUIET_MS
        ) {
          this.packets.inc({ type: p.type, outcome: 'PATH_IN_USE' });
          return;
        }
        this.paths.set(p.gatewayEui, {
          address: from.address,
          port: from.port,
          lastPullAt: Date.now(),
          version: p.version,
        });
        this.reply(encodeSemtechPacket({ type: 'PULL_ACK', version: p.version, token: p.token }), from);
        this.packets.inc({ type: p.type, outcome: 'ok' });
        await this.seen(gateway);
        return;
      }
      case 'TX_ACK':
        this.packets.inc({ type: p.type, outcome: p.error ?? 'ok' });
        await this.txAck(p.token, p.gatewayEui, p.error, from);
        return;
      default: // PUSH_ACK, PULL_ACK, PULL_RESP travel from the server, never to it
        this.packets.inc({ type: p.type, outcome: 'UNEXPECTED' });
    }
  }

  /** The good LoRa packets of a PUSH_DATA through the ingest pipeline, each outcome counted. */
  private async ingest(
    gateway: GroundStationRecord,
    eui: string,
    entries: Extract<SemtechPacket, { type: 'PUSH_DATA' }>['rxpk'],
  ): Promise<void> {
    const receivedAt = this.core.clock.now(),
      arrived = Date.now();
    const frames: UplinkFrameInput[] = [];
    const heard: Rxpk[] = [];
    for (const e of entries) {
      if (!e.ok) {
        this.rxpk.inc({ gateway: eui, outcome: e.code });
        continue;
      }
      const skip = skipReason(e.rxpk);
      if (skip) {
        this.rxpk.inc({ gateway: eui, outcome: skip });
        continue;
      }
      frames.push(toFrame(e.rxpk, receivedAt));
      heard.push(e.rxpk);
    }
    if (frames.length === 0) return;
    const results = await this.core.pipeline.ingest(gateway, frames);
    results.forEach((r, i) => {
      this.rxpk.inc({ gateway: eui, outcome: r.status === 'rejected' ? (r.code ?? 'rejected') : r.status });
      const x = heard[i]!;
      if (r.messageId && typeof x.datr === 'string') {
        this.heard(r.status === 'accepted', r.messageId, {
          gateway,
          eui,
          snr: x.lsnr ?? -Infinity,
          tmst: x.tmst,
          frequencyMHz: x.freq,
          dataRate: x.datr,
          receivedAt: arrived,
        });
      }
    });
  }

  /**
   * A new uplink starts gathering its copies; a copy of one still gathering may be the better
   * gateway. After `gatherMs` the best SNR's gateway offers the terminal's receive window to the
   * downlink queue. A copy that comes later (or a first one heard earlier by a satellite) opens none.
   */
  private heard(isNew: boolean, messageId: string, h: Hearing): void {
    const g = this.gathering.get(messageId);
    if (g) {
      if (h.snr > g.best.snr) g.best = h;
      return;
    }
    // No gateway has a path back (no PULL_DATA yet): no downlink can leave, so nothing to gather.
    if (!isNew || this.closed || this.paths.size === 0) return;
    const timer = setTimeout(() => {
      const best = this.gathering.get(messageId)!.best;
      this.gathering.delete(messageId);
      const work = this.offerWindow(messageId, best).catch((e: unknown) => this.fail(e, 'semtech-udp downlink'));
      this.inFlight.add(work);
      void work.finally(() => this.inFlight.delete(work));
      this.gathered();
    }, this.opts.gatherMs ?? 150);
    this.gathering.set(messageId, { best: h, timer });
  }

  /** The terminal's next downlink, if one waits, in RX1 (else RX2) of the uplink `h` heard. */
  private async offerWindow(messageId: string, h: Hearing): Promise<void> {
    const entry = this.core.registry.byTerminalId(messageId.slice(0, messageId.lastIndexOf('.')));
    const path = this.paths.get(h.eui);
    if (!entry || this.closed) return;
    const region = this.opts.region ?? 'CN470';
    const late = Date.now() - h.receivedAt;
    const rx1 = late <= RX1_LATEST_MS ? rx1Window(region, h.frequencyMHz, h.dataRate) : undefined;
    const window: ReceiveWindow | undefined = rx1 ?? (late <= RX2_LATEST_MS ? rx2Window(region) : undefined);
    if (!window || !path) return; // no way back to the terminal through this gateway now
    // A tenant's gateway carries only that tenant's downlinks.
    if (h.gateway.tenantId !== undefined && h.gateway.tenantId !== entry.record.tenantId) return;
    const opensAt = this.core.clock.now() + Math.max(0, window.delayUs / 1000 - late);
    const deadline = h.receivedAt + window.delayUs / 1000 - SEND_MARGIN_MS;
    const d = await this.core.downlinks.terrestrialOpportunity(entry.record.devEui, h.gateway.id, opensAt, deadline);
    if (!d?.phyPayload) return;
    if (Date.now() > deadline || this.closed) {
      this.downlinks.inc({ gateway: h.eui, outcome: 'too-late' });
      await this.core.downlinks.terrestrialFailed(d.id, h.gateway.id, 'too-late');
      return;
    }
    let token = randomInt(0, 0x10000);
    while (this.awaitingAck.has(token)) token = (token + 1) & 0xffff; // a token names one PULL_RESP at a time
    const pending = {
      downlinkId: d.id,
      gateway: h.gateway,
      eui: h.eui,
      address: path.address,
      port: path.port,
      timer: undefined as NodeJS.Timeout | undefined,
    };
    pending.timer = setTimeout(() => {
      if (this.awaitingAck.get(token) !== pending) return;
      this.awaitingAck.delete(token);
      this.downlinks.inc({ gateway: h.eui, outcome: 'no-tx-ack' });
      void this.core.downlinks
        .terrestrialFailed(d.id, h.gateway.id, 'no-tx-ack')
        .catch((e: unknown) => this.fail(e, 'semtech-udp downlink'));
    }, this.opts.txAckTimeoutMs ?? 5_000);
    this.awaitingAck.set(token, pending);
    const resp = encodeSemtechPacket({
      type: 'PULL_RESP',
      version: path.version,
      token,
      txpk: {
        imme: false,
        tmst: (h.tmst + window.delayUs) % 0x1_0000_0000,
        freq: window.frequencyMHz,
        rfch: 0,
        powe: TX_POWER_DBM[region],
        modu: 'LORA',
        datr: window.dataRate,
        codr: '4/5',
        ipol: true,
        data: d.phyPayload,
      },
    });
    this.socket.send(resp, path.port, path.address, (e) => {
      if (e) this.fail(e, 'semtech-udp send');
    });
    this.downlinks.inc({ gateway: h.eui, outcome: rx1 ? 'sent_rx1' : 'sent_rx2' });
    // Protocol v1 gateways send no TX_ACK: handed over is all they will say.
    if (path.version === 1) await this.txAck(token, h.eui, null, path);
  }

  /**
   * A gateway's TX_ACK for a PULL_RESP: transmitted, or back to the queue with the gateway's reason.
   * Only from where the PULL_RESP went: EUIs are not secret, and a token is 16 bits.
   */
  private async txAck(
    token: number,
    eui: string,
    error: string | null,
    from: { address: string; port: number },
  ): Promise<void> {
    const a = this.awaitingAck.get(token);
    if (!a || a.eui !== eui || a.address !== from.address || a.port !== from.port) return;
    this.awaitingAck.delete(token);
    clearTimeout(a.timer);
    this.downlinks.inc({ gateway: eui, outcome: error ?? 'transmitted' });
    if (error === null)
      await this.core.downlinks.reportStatus(a.gateway.id, [
        { downlinkId: a.downlinkId, status: 'transmitted', at: this.core.clock.now() },
      ]);
    else
      await this.core.downlinks.terrestrialFailed(
        a.downlinkId,
        a.gateway.id,
        `tx-ack-${error.toLowerCase().replace(/_/g, '-')}`,
      );
  }

  /** Last-seen and stat, best effort: a failed write never costs the frames. */
  private async seen(gateway: GroundStationRecord, stat?: GatewayStatus): Promise<void> {
    await this.core.gateways.seen(gateway, stat).catch((e: unknown) => this.fail(e, 'semtech-udp gateway status'));
  }

  private reply(bytes: Uint8Array, to: RemoteInfo): void {
    if (this.closed) return;
    this.socket.send(bytes, to.port, to.address, (e) => {
      if (e) this.fail(e, 'semtech-udp send');
    });
  }

  private fail(e: unknown, what: string): void {
    (
      this.opts.onError ??
      ((x: unknown, w: string) => process.stderr.write(`satiot ${w}: ${x instanceof Error ? x.message : String(x)}\n`))
    )(e, what);
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
  const captured = r.time !== undefined && Math.abs(r.time - receivedAt) <= GPS_TIME_TOLERANCE_MS ? r.time : receivedAt;
  return {
    phyPayload: Buffer.from(r.data).toString('base64'),
    satelliteId: '',
    capturedAt: new Date(Math.min(captured, receivedAt)).toISOString(),
    downlinkedAt: new Date(receivedAt).toISOString(),
    rssi: r.rssi,
    ...(r.lsnr !== undefined ? { snr: r.lsnr } : {}),
    frequencyMHz: r.freq,
    ...(typeof r.datr === 'string' ? { dataRate: r.datr } : {}),
  };
}

/** A `stat` report in the model's words. */
function statusOf(s: GatewayStat): GatewayStatus {
  const out: Record<string, number | string> = {};
  const put = (k: keyof GatewayStatus, v: number | string | undefined) => {
    if (v !== undefined) out[k] = v;
  };
  put('time', s.time);
  put('lat', s.lati);
  put('lon', s.long);
  put('altM', s.alti);
  put('rxReceived', s.rxnb);
  put('rxOk', s.rxok);
  put('rxForwarded', s.rxfw);
  put('ackPercent', s.ackr);
  put('downlinksReceived', s.dwnb);
  put('txEmitted', s.txnb);
  put('temperatureC', s.temp);
  return out as GatewayStatus;
}

function counter<L extends string>(metrics: Registry, name: string, help: string, labelNames: L[]): Counter<L> {
  return (
    (metrics.getSingleMetric(name) as Counter<L> | undefined) ??
    new Counter({ name, help, labelNames, registers: [metrics] })
  );
}
