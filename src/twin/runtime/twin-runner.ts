import { randomBytes } from 'node:crypto';
import type { Core } from '../../core/core.js';
import type { UplinkFrameInput } from '../../core/ingest-pipeline.js';
import type { StatusUpdate } from '../../core/downlink-service.js';
import { buildDataFrame } from '../../frame/index.js';
import type { TwinModel, SimMessage, Delivery, DownlinkTransmission, GroundHearing } from '../model/twin-model.js';
import { Random, subSeed } from '../model/random.js';
import type { TwinGateway, TwinTerrestrial } from './twin-gateway.js';
import type { TwinIdentity } from './twin-identity.js';
import type { Provisioned } from './provision-scenario.js';
import type { TwinClock } from './twin-clock.js';
import { iso } from '../../core/iso-time.js';

/** What the runner tells its owner (progress lines, the demo's log). */
export type TwinEvent =
  | { kind: 'window'; from: number; to: number; created: number; posted: number }
  | { kind: 'downlink'; action: 'queued' | 'uploaded' | 'transmitted'; downlinkId: string; devEui: string; at: number }
  | { kind: 'error'; message: string };

export interface TwinStats {
  simTime: number;
  generated: number;
  framesPosted: number;
  /** Copies terrestrial gateways forwarded (acknowledged by the core), and those never acknowledged. */
  groundFrames: number;
  groundLost: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  rejectedCodes: Record<string, number>;
  downlinksQueued: number;
  downlinksUploaded: number;
  downlinksTransmitted: number;
}

/** A downlink the runner queued, followed to its transmission (for the ETA error). */
export interface DownlinkTrack {
  readonly id: string;
  readonly terminal: number;
  readonly queuedAt: number;
  readonly eta: number | null;
  station?: number;
  transmittedAt?: number;
}

interface Outgoing {
  readonly station: number;
  readonly postAt: number;
  readonly frame: UplinkFrameInput;
  readonly msg: SimMessage;
}

const clamp = (x: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, x));
/** Contact time one upload takes (the core's default uploadS). */
const UPLOAD_MS = 10_000;

/**
 * Drives a core from a TwinModel window by window: frames of what satellites dumped are built as
 * real LoRaWAN uplinks and posted by their ground station after its delay; stations fetch their
 * upload schedule at each contact, put the frames on board, and report uploads and transmissions;
 * the operator's downlinks are queued at the scenario's rate. I/O goes through the gateway.
 */
export class TwinRunner {
  readonly stats: TwinStats = {
    simTime: 0,
    generated: 0,
    framesPosted: 0,
    groundFrames: 0,
    groundLost: 0,
    accepted: 0,
    duplicates: 0,
    rejected: 0,
    rejectedCodes: {},
    downlinksQueued: 0,
    downlinksUploaded: 0,
    downlinksTransmitted: 0,
  };
  /** Per message id: when the core first accepted it (NaN until then). */
  ingestedAt = new Float64Array(1024).fill(NaN);
  /**
   * Per message id: when the core first took a copy through a satellite, and through a terrestrial gateway (NaN: not by
   * that path).
   */
  satelliteAt = new Float64Array(1024).fill(NaN);
  groundAt = new Float64Array(1024).fill(NaN);
  readonly downlinks = new Map<string, DownlinkTrack>();
  private outbox: Outgoing[] = [];
  private readonly phy = new Map<number, string>();
  private readonly uploaded = new Set<string>();
  private readonly pendingReports: Array<Array<{ id: string; at: number }>>;
  private readonly nextDownlink: Float64Array;
  private readonly rnd: Random;
  private readonly deliveriesSeen: Delivery[] = [];

  constructor(
    private readonly core: Core,
    readonly model: TwinModel,
    private readonly id: TwinIdentity,
    readonly provisioned: Provisioned,
    private readonly gateway: TwinGateway,
    private readonly clock: TwinClock,
    private readonly opts: {
      onEvent?: (e: TwinEvent) => void;
      keepDeliveries?: boolean;
      from: number;
      sweepDownlinks?: boolean;
      terrestrial?: TwinTerrestrial;
    },
  ) {
    this.pendingReports = model.sky.satellites.map(() => []);
    const T = model.fleet.count;
    this.nextDownlink = new Float64Array(T).fill(Infinity);
    this.rnd = new Random(subSeed(model.scenario.seed, 3));
    for (let i = 0; i < T; i++) {
      const perDay = model.fleet.fleets[model.fleet.fleetOf[i]!]!.traffic.downlinksPerDay;
      if (perDay > 0) this.nextDownlink[i] = opts.from + this.rnd.exponential(86_400_000 / perDay);
    }
    this.stats.simTime = opts.from;
  }

  /** Deliveries seen so far (kept only with keepDeliveries, for reports). */
  get deliveries(): readonly Delivery[] {
    return this.deliveriesSeen;
  }

  /** Closes what the runner opened (the terrestrial gateways' sockets). */
  async close(): Promise<void> {
    await this.opts.terrestrial?.close();
  }

  /** Frames dumped to stations but not yet posted to the core. */
  get outboxSize(): number {
    return this.outbox.length;
  }

  /**
   * Runs the models over [a, b) and does what the ground segment does in it; the core's clock must be at b (or later).
   */
  async step(a: number, b: number): Promise<void> {
    const r = this.model.advance(a, b);
    this.stats.generated += r.created.length;
    if (this.ingestedAt.length < this.model.messages.length) {
      const n = Math.max(this.model.messages.length, this.ingestedAt.length * 2);
      this.ingestedAt = grow(this.ingestedAt, n);
      this.satelliteAt = grow(this.satelliteAt, n);
      this.groundAt = grow(this.groundAt, n);
    }
    const delay = this.model.scenario.satellite.groundDelaySeconds * 1000;
    for (const d of r.deliveries) {
      this.outbox.push({ station: d.station, postAt: d.downlinkedAt + delay, frame: this.frame(d), msg: d.msg });
      if (this.opts.keepDeliveries) this.deliveriesSeen.push(d);
    }
    this.noteTransmissions(r.transmitted);
    await this.forward(r.heard);
    const posted = await this.post(b);
    await this.stationContacts(a, b);
    await this.queueDownlinks(a, b);
    // A batch run has no server timers: the downlink sweep (expiry, missed contacts, routing what is
    // queued) runs every 5 simulated minutes, as a server runs it every minute of its clock.
    if (this.opts.sweepDownlinks && this.downlinks.size > 0 && Math.floor(b / 300_000) > Math.floor(a / 300_000))
      await this.core.downlinks.sweep();
    this.stats.simTime = b;
    this.opts.onEvent?.({ kind: 'window', from: a, to: b, created: r.created.length, posted });
  }

  /** Posts every frame whose station has had it for its delay by `until` (all of them with Infinity). */
  async post(until: number): Promise<number> {
    if (this.outbox.length === 0) return 0;
    const due: Outgoing[] = [],
      later: Outgoing[] = [];
    for (const o of this.outbox) (o.postAt < until ? due : later).push(o);
    this.outbox = later;
    const byStation = new Map<number, Outgoing[]>();
    for (const o of due) {
      let l = byStation.get(o.station);
      if (!l) byStation.set(o.station, (l = []));
      l.push(o);
    }
    const kept = new Set<Outgoing>();
    for (const [station, list] of byStation) {
      list.sort((x, y) => x.postAt - y.postAt);
      let results: Awaited<ReturnType<TwinGateway['postUplinks']>>;
      try {
        results = await this.gateway.postUplinks(
          station,
          list.map((o) => o.frame),
        );
      } catch (e) {
        // The station keeps its frames and tries again next window, as a real one would.
        this.outbox.push(...list);
        for (const o of list) kept.add(o);
        this.opts.onEvent?.({
          kind: 'error',
          message: `station ${station}: posting ${list.length} frames: ${(e as Error).message}`,
        });
        continue;
      }
      const now = this.clock.now();
      results.forEach((res, k) => {
        const m = list[k]!.msg;
        if (res.status === 'accepted') {
          this.stats.accepted++;
          if (Number.isNaN(this.ingestedAt[m.id]!)) this.ingestedAt[m.id] = now;
          if (Number.isNaN(this.satelliteAt[m.id]!)) this.satelliteAt[m.id] = now;
        } else if (res.status === 'duplicate') {
          this.stats.duplicates++;
          if (Number.isNaN(this.satelliteAt[m.id]!)) this.satelliteAt[m.id] = now;
        } else {
          this.stats.rejected++;
          const code = (res as { code?: string }).code ?? 'unknown';
          this.stats.rejectedCodes[code] = (this.stats.rejectedCodes[code] ?? 0) + 1;
        }
      });
      this.stats.framesPosted += list.length;
    }
    for (const o of due) if (o.msg.copies === 0 && !kept.has(o)) this.phy.delete(o.msg.id);
    return due.length;
  }

  /**
   * Hands what terrestrial gateways heard to the core, each gateway's copies in its own PUSH_DATA;
   * an acknowledged copy is durable (accepted, or a duplicate of a satellite copy already in).
   */
  private async forward(heard: readonly GroundHearing[]): Promise<void> {
    if (heard.length === 0 || !this.opts.terrestrial) return;
    const byGateway = new Map<number, GroundHearing[]>();
    for (const h of heard) {
      let l = byGateway.get(h.gateway);
      if (!l) byGateway.set(h.gateway, (l = []));
      l.push(h);
    }
    await Promise.all(
      [...byGateway].map(async ([g, list]) => {
        const acked = await this.opts.terrestrial!.push(
          g,
          list.map((h) => ({
            phyPayload: Buffer.from(this.phyOf(h.msg), 'base64'),
            at: h.at,
            rssiDbm: h.rssiDbm,
            snrDb: h.snrDb,
            channel: h.channel,
          })),
        );
        const now = this.clock.now();
        list.forEach((h, k) => {
          if (!acked[k]) {
            this.stats.groundLost++;
            return;
          }
          this.stats.groundFrames++;
          const id = h.msg.id;
          if (Number.isNaN(this.ingestedAt[id]!)) this.ingestedAt[id] = now;
          if (Number.isNaN(this.groundAt[id]!)) this.groundAt[id] = now;
        });
      }),
    );
  }

  /** The message's LoRaWAN frame, base64 (kept while satellites still hold copies of it). */
  private phyOf(m: SimMessage): string {
    let phy = this.phy.get(m.id);
    if (phy === undefined) {
      const t = m.terminal;
      const bytes = buildDataFrame(
        {
          mtype: 'unconfirmed-data-up',
          devAddr: this.id.devAddr(t),
          fCnt32: m.fCnt,
          fPort: 2,
          payload: m.payload ?? new Uint8Array(0),
          ...(m.ack ? { ack: true } : {}),
        },
        this.id.keys(t),
      );
      phy = Buffer.from(bytes).toString('base64');
      if (m.copies > 0) this.phy.set(m.id, phy);
    }
    return phy;
  }

  private frame(d: Delivery): UplinkFrameInput {
    const phy = this.phyOf(d.msg);
    return {
      phyPayload: phy,
      satelliteId: this.provisioned.noradIds[d.sat]!,
      capturedAt: iso(d.capturedAt),
      downlinkedAt: iso(d.downlinkedAt),
      rssi: Math.round(clamp(d.rssiDbm, -200, 50) * 10) / 10,
      snr: Math.round(clamp(d.snrDb, -50, 50) * 10) / 10,
    };
  }

  private noteTransmissions(list: readonly DownlinkTransmission[]): void {
    for (const t of list) {
      const track = this.downlinks.get(t.id);
      if (track) track.transmittedAt = t.at;
      this.pendingReports[t.sat]!.push({ id: t.id, at: t.at });
      this.stats.downlinksTransmitted++;
      this.opts.onEvent?.({
        kind: 'downlink',
        action: 'transmitted',
        downlinkId: t.id,
        devEui: this.id.devEui(t.terminal),
        at: t.at,
      });
    }
  }

  /**
   * Station contacts in [a, b): at a contact's start the station reports what the satellite sent
   * since its last pass; during every contact it fetches its schedule and uploads that satellite's
   * entries (a contact may have begun before a downlink was planned into it).
   */
  private async stationContacts(a: number, b: number): Promise<void> {
    if (this.downlinks.size === 0) return;
    const pendingUploads = this.stats.downlinksQueued > this.uploaded.size;
    for (const c of this.model.sky.contacts) {
      if (c.start >= b) break;
      if (c.end <= a) continue;
      if (c.start >= a) {
        // Transmissions the satellite made since its last pass reach the operator with its telemetry;
        // each is reported by the station that uploaded the frame (the only one allowed to).
        const reports = this.pendingReports[c.sat]!.splice(0);
        const byStation = new Map<number, StatusUpdate[]>();
        for (const r of reports) {
          const st = this.downlinks.get(r.id)?.station ?? c.station;
          let l = byStation.get(st);
          if (!l) byStation.set(st, (l = []));
          l.push({ downlinkId: r.id, status: 'transmitted', at: Math.round(r.at) });
        }
        for (const [st, updates] of byStation) await this.report(st, updates);
      }
      if (!pendingUploads) continue;
      const items = await this.gateway.schedule(c.station, Math.max(c.start, a), c.end);
      const norad = this.provisioned.noradIds[c.sat];
      const updates: StatusUpdate[] = [];
      let at = Math.round(Math.max(c.start, a));
      for (const it of items) {
        if (
          it.satelliteId !== norad ||
          this.uploaded.has(it.downlinkId) ||
          !(it.contactStart < c.end && it.contactEnd > c.start)
        )
          continue;
        const track = this.downlinks.get(it.downlinkId);
        if (!track) continue;
        at += UPLOAD_MS;
        if (at > c.end || at >= b) break;
        this.uploaded.add(it.downlinkId);
        track.station = c.station;
        this.model.upload(c.sat, { id: it.downlinkId, terminal: track.terminal, confirmed: true, onBoardAt: at });
        updates.push({ downlinkId: it.downlinkId, status: 'uploaded', at });
        this.stats.downlinksUploaded++;
        this.opts.onEvent?.({
          kind: 'downlink',
          action: 'uploaded',
          downlinkId: it.downlinkId,
          devEui: this.id.devEui(track.terminal),
          at,
        });
      }
      if (updates.length > 0) await this.report(c.station, updates);
    }
  }

  private async report(station: number, updates: StatusUpdate[]): Promise<void> {
    try {
      await this.gateway.reportStatus(station, updates);
    } catch (e) {
      this.opts.onEvent?.({ kind: 'error', message: `status report: ${(e as Error).message}` });
    }
  }

  /** The operator's commands: confirmed downlinks at the fleets' rates. */
  private async queueDownlinks(a: number, b: number): Promise<void> {
    const stop = Math.min(b, this.model.generateUntil);
    for (let i = 0; i < this.nextDownlink.length; i++) {
      while (this.nextDownlink[i]! < stop) {
        const perDay = this.model.fleet.fleets[this.model.fleet.fleetOf[i]!]!.traffic.downlinksPerDay;
        this.nextDownlink[i] = this.nextDownlink[i]! + this.rnd.exponential(86_400_000 / perDay);
        const devEui = this.id.devEui(i);
        try {
          const d = await this.core.downlinks.enqueue(devEui, { fPort: 3, payload: randomBytes(4), confirmed: true });
          this.downlinks.set(d.id, { id: d.id, terminal: i, queuedAt: this.clock.now(), eta: d.eta });
          this.stats.downlinksQueued++;
          this.opts.onEvent?.({ kind: 'downlink', action: 'queued', downlinkId: d.id, devEui, at: this.clock.now() });
        } catch (e) {
          this.opts.onEvent?.({ kind: 'error', message: `downlink to ${devEui}: ${(e as Error).message}` });
        }
      }
    }
    void a;
  }
}

function grow(a: Float64Array, n: number): Float64Array<ArrayBuffer> {
  const g = new Float64Array(n).fill(NaN);
  g.set(a);
  return g;
}
