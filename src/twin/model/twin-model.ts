import type { Satellite } from '../../orbit/satellite.js';
import type { Scenario } from '../scenario/scenario.js';
import { Random, subSeed } from './random.js';
import { Sky } from './sky.js';
import { TerminalFleet, type Fix } from './terminal-fleet.js';
import { ecefWithUp } from './geo.js';
import {
  decodeProbability,
  groundRssiDbm,
  groundSnrDb,
  receivedPowerDbm,
  uplinkSnrDb,
  type LinkParams,
} from './link-budget.js';
import { distanceKm } from '../../solutions/logistics/track.js';
import { resolveCollisions } from './aloha.js';
import { SatelliteBuffer } from './satellite-buffer.js';
import { buildPayload } from './payloads.js';
import { MinHeap } from './min-heap.js';

/** What became of a message. */
export type Outcome =
  'waiting' | 'no-satellite' | 'lost-link' | 'lost-collision' | 'on-board' | 'downlinked' | 'lost-buffer';

export interface SimMessage {
  readonly id: number;
  readonly terminal: number;
  readonly createdAt: number;
  /** When the terminal transmits (after waiting for a satellite, or at once when blind). */
  txAt: number;
  readonly emergency: boolean;
  readonly event: boolean;
  /** 32-bit LoRaWAN uplink counter. */
  readonly fCnt: number;
  /** Carries the ACK of a confirmed downlink the terminal received. */
  ack: boolean;
  outcome: Outcome;
  /** Copies on board satellites (a frame heard by several satellites has several). */
  copies: number;
  capturedAt: number;
  downlinkedAt: number;
  /** When a terrestrial gateway first heard it (NaN: none did). */
  groundAt: number;
  payload?: Uint8Array;
}

/** One copy of a frame a terrestrial gateway heard (it forwards it at once). */
export interface GroundHearing {
  readonly msg: SimMessage;
  readonly gateway: number;
  readonly at: number;
  readonly rssiDbm: number;
  readonly snrDb: number;
  /** Uplink channel the terminal used (0..radio.channels − 1). */
  readonly channel: number;
}

/** One copy of a frame handed by a satellite to a ground station. */
export interface Delivery {
  readonly msg: SimMessage;
  readonly sat: number;
  readonly station: number;
  readonly capturedAt: number;
  readonly downlinkedAt: number;
  readonly rssiDbm: number;
  readonly snrDb: number;
}

/** A downlink frame on board a satellite, waiting for its terminal. */
export interface OnBoardDownlink {
  readonly id: string;
  readonly terminal: number;
  readonly confirmed: boolean;
  readonly onBoardAt: number;
}

export interface DownlinkTransmission {
  readonly id: string;
  readonly sat: number;
  readonly terminal: number;
  readonly at: number;
}

export interface StepResult {
  readonly created: SimMessage[];
  readonly deliveries: Delivery[];
  /** Copies terrestrial gateways heard in the window. */
  readonly heard: GroundHearing[];
  readonly transmitted: DownlinkTransmission[];
}

interface Copy {
  msg: SimMessage;
  sat: number;
  t: number;
  rssi: number;
  snr: number;
}
interface Candidate {
  msg: SimMessage;
  t: number;
  ch: number;
  pw: number;
  ok: boolean;
  snr: number;
}

/**
 * A satellite transmits a downlink this long after the terminal comes into view (docs/downlinks.md's deliveryMarginS).
 */
const DELIVERY_MARGIN_MS = 30_000;
/** How far ahead a terminal looks for a satellite (a message with none in view by then is not sent). */
const LOOKAHEAD_MS = 6 * 3_600_000;
/** Ephemeris span computed at once (recomputed when the lookahead would run past it). */
const COVER_MS = 30 * 3_600_000;

/**
 * The twin's space, radio and terminal models, advanced over time windows [a, b) in order. Pure:
 * no I/O, deterministic from the scenario seed. Terminals create messages on schedule and on
 * events, wait for a satellite (or not), transmit; satellites in view hear them through the link
 * budget and ALOHA with capture, keep copies in finite buffers, and dump them to ground stations
 * during contacts at the dump rate. Downlinks uploaded to a satellite are sent when it sees the
 * terminal, whose next uplink then carries the ACK.
 */
export class TwinModel {
  readonly fleet: TerminalFleet;
  readonly sky: Sky;
  readonly buffers: SatelliteBuffer[];
  readonly messages: SimMessage[] = [];
  /** Generation stops here (the span's end); satellites keep dumping after it. */
  generateUntil: number;
  private readonly copies: Copy[] = [];
  private readonly freeCopies: number[] = [];
  private readonly rnd: Random;
  /** Draws of the ground links: a stream of their own, so a scenario without gateways runs exactly as before. */
  private readonly groundRnd: Random;
  private heard: GroundHearing[] = [];
  private readonly nextPeriodic: Float64Array;
  private readonly nextEvent: Float64Array;
  private readonly lastFCnt: Float64Array;
  private readonly ackReadyAt: Float64Array;
  private readonly waiting = new MinHeap<SimMessage>((m) => m.txAt);
  private readonly cursor: Float64Array;
  private readonly carry: Float64Array;
  private readonly onBoardDl: OnBoardDownlink[][];
  private readonly link: LinkParams[];
  private readonly fix: Fix = { lat: 0, lon: 0, altKm: 0, speedKmh: 0, headingDeg: 0 };
  private readonly p = new Float64Array(6);
  private readonly vSat: Int32Array;
  private readonly vRange: Float64Array;
  private readonly vEl: Float64Array;
  private now: number;

  private messageCount = 0;
  private readonly keepMessages: boolean;

  /** `keepMessages` false (a live twin running for days): messages are not kept for a report. */
  constructor(
    readonly scenario: Scenario,
    satellites: readonly Satellite[],
    opts: { from?: number; keepMessages?: boolean } = {},
  ) {
    this.keepMessages = opts.keepMessages ?? true;
    this.fleet = new TerminalFleet(scenario);
    const from = opts.from ?? scenario.start;
    this.now = from;
    this.generateUntil = scenario.start + scenario.hours * 3_600_000;
    this.sky = new Sky(
      satellites,
      scenario.groundStations.map((g) => ({
        latDeg: g.lat,
        lonDeg: g.lon,
        altM: g.altM,
        minElevationDeg: g.minElevationDeg,
      })),
    );
    this.sky.cover(from - 60_000, from + COVER_MS);
    const n = satellites.length;
    this.buffers = Array.from({ length: n }, () => new SatelliteBuffer(scenario.satellite.bufferFrames));
    this.cursor = new Float64Array(n).fill(from);
    this.carry = new Float64Array(n);
    this.onBoardDl = Array.from({ length: n }, () => []);
    this.vSat = new Int32Array(n);
    this.vRange = new Float64Array(n);
    this.vEl = new Float64Array(n);
    this.rnd = new Random(subSeed(scenario.seed, 1));
    this.groundRnd = new Random(subSeed(scenario.seed, 5));
    const T = this.fleet.count;
    this.nextPeriodic = new Float64Array(T);
    this.nextEvent = new Float64Array(T);
    this.lastFCnt = new Float64Array(T).fill(-1);
    this.ackReadyAt = new Float64Array(T).fill(Infinity);
    const r = scenario.radio;
    this.link = this.fleet.fleets.map((f) => ({ ...r, eirpDbm: f.eirpDbm ?? r.eirpDbm }));
    // Phases: each terminal's first scheduled report at a random offset within its period (stable across restarts:
    // anchored at the scenario start).
    const ph = new Random(subSeed(scenario.seed, 2));
    for (let i = 0; i < T; i++) {
      const tr = this.fleet.fleets[this.fleet.fleetOf[i]!]!.traffic;
      const period = tr.periodMinutes * 60_000;
      let t = scenario.start + ph.next() * period;
      if (t < from) t += Math.ceil((from - t) / period) * period;
      this.nextPeriodic[i] = t;
      this.nextEvent[i] = tr.eventsPerDay > 0 ? from + ph.exponential(86_400_000 / tr.eventsPerDay) : Infinity;
    }
  }

  /** Messages created but not yet transmitted (waiting for a satellite). */
  get waitingCount(): number {
    return this.waiting.size;
  }

  /** Frame copies on board all satellites. */
  get onBoard(): number {
    return this.buffers.reduce((n, b) => n + b.size, 0);
  }

  /** Terminal i's ECEF position and up vector at t, into p. */
  positionEcef(i: number, t: number, p: Float64Array): void {
    this.fleet.position(i, t, this.fix);
    ecefWithUp(this.fix.lat, this.fix.lon, this.fix.altKm, p);
  }

  /**
   * Continues terminal i's uplink counter after `top` (the highest the core accepted): a resumed run
   * skips the counters of frames lost with the previous run, which the core accepts as a gap.
   */
  resumeCounter(i: number, top: number): void {
    if (top > this.lastFCnt[i]!) this.lastFCnt[i] = top + 64;
  }

  /** Puts a downlink frame on board satellite `sat` (a ground station uploaded it). */
  upload(sat: number, d: OnBoardDownlink): void {
    this.onBoardDl[sat]!.push(d);
  }

  /** Advances the models over [a, b): a must be where the previous call ended. */
  advance(a: number, b: number): StepResult {
    if (b <= a) return { created: [], deliveries: [], heard: [], transmitted: [] };
    if (b + LOOKAHEAD_MS > this.sky.end) this.recover(a);
    const created = this.generate(a, b);
    const perSat = this.transmit(b);
    const deliveries: Delivery[] = [];
    for (let s = 0; s < perSat.length; s++) this.store(s, perSat[s]!, b, deliveries);
    const transmitted = this.sendDownlinks(a, b);
    this.now = b;
    const heard = this.heard;
    this.heard = [];
    return { created, deliveries, heard, transmitted };
  }

  private recover(a: number): void {
    this.sky.cover(a - 60_000, a + COVER_MS);
  }

  private generate(a: number, b: number): SimMessage[] {
    const out: SimMessage[] = [];
    const stop = Math.min(b, this.generateUntil);
    const T = this.fleet.count;
    for (let i = 0; i < T; i++) {
      if (this.nextPeriodic[i]! >= stop && this.nextEvent[i]! >= stop) continue;
      const tr = this.fleet.fleets[this.fleet.fleetOf[i]!]!.traffic;
      while (this.nextPeriodic[i]! < stop) {
        out.push(this.create(i, Math.max(a, this.nextPeriodic[i]!), false, false));
        this.nextPeriodic[i] = this.nextPeriodic[i]! + tr.periodMinutes * 60_000;
      }
      while (this.nextEvent[i]! < stop) {
        out.push(this.create(i, Math.max(a, this.nextEvent[i]!), true, this.rnd.next() < tr.emergencyShare));
        this.nextEvent[i] = this.nextEvent[i]! + this.rnd.exponential(86_400_000 / tr.eventsPerDay);
      }
    }
    return out;
  }

  private create(i: number, at: number, event: boolean, emergency: boolean): SimMessage {
    const t = Math.round(at); // whole milliseconds, as the core keeps times
    const fCnt = this.lastFCnt[i]! + 1;
    this.lastFCnt[i] = fCnt;
    const tr = this.fleet.fleets[this.fleet.fleetOf[i]!]!.traffic;
    let txAt = t;
    // In a terrestrial gateway's coverage a terminal does not wait for a satellite: the ground hears it now.
    if (tr.waitForSatellite && !this.inGroundCoverage(i, t)) {
      txAt = this.sky.nextVisible(
        t,
        t + LOOKAHEAD_MS,
        this.scenario.radio.minElevationDeg,
        (tt, p) => this.positionEcef(i, tt, p),
        this.p,
        this.vSat,
        this.vRange,
        this.vEl,
      );
      // Terminals that waited would all send the moment the grid says a satellite rose: a random
      // back-off within one grid step spreads them, as a device's own beacon timing would.
      if (txAt > t && Number.isFinite(txAt)) txAt = Math.round(txAt + this.rnd.next() * this.sky.stepMs);
    }
    const m: SimMessage = {
      id: this.messageCount++,
      terminal: i,
      createdAt: t,
      txAt,
      emergency,
      event,
      fCnt,
      ack: false,
      outcome: 'waiting',
      copies: 0,
      capturedAt: NaN,
      downlinkedAt: NaN,
      groundAt: NaN,
    };
    if (this.keepMessages) this.messages.push(m);
    if (Number.isFinite(txAt)) this.waiting.push(m);
    return m;
  }

  /**
   * Transmissions before b: who hears them, link draws, collisions; returns the captured copies per satellite, by time.
   */
  private transmit(b: number): Copy[][] {
    const r = this.scenario.radio;
    const cands: Candidate[][] = Array.from({ length: this.buffers.length }, () => []);
    const sent: SimMessage[] = [];
    while (this.waiting.size > 0 && this.waiting.peek()!.txAt < b) {
      const m = this.waiting.pop()!;
      sent.push(m);
      const i = m.terminal;
      if (m.txAt >= this.ackReadyAt[i]!) {
        m.ack = true;
        this.ackReadyAt[i] = Infinity;
      }
      this.positionEcef(i, m.txAt, this.p);
      const link = this.link[this.fleet.fleetOf[i]!]!;
      this.hearOnGround(m, link);
      const n = this.sky.visible(this.p, m.txAt, r.minElevationDeg, this.vSat, this.vRange, this.vEl);
      if (n === 0) {
        m.outcome = 'no-satellite';
        continue;
      }
      const ch = this.rnd.int(r.channels);
      for (let k = 0; k < n; k++) {
        const snr = uplinkSnrDb(this.vRange[k]!, link);
        const ok = this.rnd.next() < decodeProbability(snr, link);
        cands[this.vSat[k]!]!.push({ msg: m, t: m.txAt, ch, pw: receivedPowerDbm(this.vRange[k]!, link), ok, snr });
      }
      m.outcome = 'lost-link';
    }
    const out: Copy[][] = [];
    for (let s = 0; s < cands.length; s++) {
      const c = cands[s]!;
      c.sort((x, y) => x.t - y.t);
      const alive = resolveCollisions(
        c.map((x) => x.t),
        c.map((x) => x.ch),
        c.map((x) => x.pw),
        r.airtimeMs,
        r.captureDb,
      );
      const copies: Copy[] = [];
      for (let k = 0; k < c.length; k++) {
        const x = c[k]!;
        if (!x.ok) continue;
        if (!alive[k]) {
          if (x.msg.outcome === 'lost-link') x.msg.outcome = 'lost-collision';
          continue;
        }
        x.msg.outcome = 'on-board';
        x.msg.copies++;
        if (!(x.msg.capturedAt <= x.t)) x.msg.capturedAt = x.t;
        copies.push({ msg: x.msg, sat: s, t: x.t, rssi: x.pw + r.satGOverTDbK + 30, snr: x.snr });
      }
      out.push(copies);
    }
    for (const m of sent) if ((m.outcome === 'on-board' || m.groundAt === m.txAt) && !m.payload) this.encode(m);
    return out;
  }

  /** Whether terminal i is within a terrestrial gateway's stated range at t. */
  private inGroundCoverage(i: number, t: number): boolean {
    const gws = this.scenario.terrestrialGateways;
    if (gws.length === 0) return false;
    this.fleet.position(i, t, this.fix);
    return gws.some((g) => distanceKm(this.fix, g) <= g.rangeKm);
  }

  /**
   * The terrestrial gateways that hear message m as it is sent (the ground link model of
   * link-budget.ts; the gateways' channels are not contended in this model: a few terminals share them).
   */
  private hearOnGround(m: SimMessage, link: LinkParams): void {
    const gws = this.scenario.terrestrialGateways;
    if (gws.length === 0) return;
    this.fleet.position(m.terminal, m.txAt, this.fix);
    for (let g = 0; g < gws.length; g++) {
      const gw = gws[g]!;
      const d = distanceKm(this.fix, gw);
      if (d > 3 * gw.rangeKm) continue;
      const snr = groundSnrDb(d, gw.rangeKm, link);
      if (this.groundRnd.next() >= decodeProbability(snr, link)) continue;
      if (Number.isNaN(m.groundAt)) m.groundAt = m.txAt;
      this.heard.push({
        msg: m,
        gateway: g,
        at: m.txAt,
        rssiDbm: groundRssiDbm(snr, link),
        snrDb: snr,
        channel: this.groundRnd.int(this.scenario.radio.channels),
      });
    }
  }

  private encode(m: SimMessage): void {
    const f = this.fleet.fleets[this.fleet.fleetOf[m.terminal]!]!;
    this.fleet.position(m.terminal, m.createdAt, this.fix);
    m.payload = buildPayload({
      protocol: f.protocol,
      terminal: m.terminal,
      serial: m.fCnt,
      createdAt: m.createdAt,
      emergency: m.emergency,
      event: m.event,
      fix: this.fix,
      ...(f.gauge ? { gauge: f.gauge } : {}),
    });
  }

  /** Satellite s: interleaves storing its captures with dumping during station contacts, up to b. */
  private store(s: number, captures: Copy[], b: number, out: Delivery[]): void {
    const buf = this.buffers[s]!;
    for (const c of captures) {
      this.drain(s, c.t, out);
      let id: number;
      if (this.freeCopies.length > 0) {
        id = this.freeCopies.pop()!;
        this.copies[id] = c;
      } else {
        id = this.copies.length;
        this.copies.push(c);
      }
      const dropped = buf.push(id, c.msg.emergency);
      if (dropped >= 0) this.lose(dropped);
    }
    this.drain(s, b, out);
  }

  private lose(id: number): void {
    const c = this.copies[id]!;
    this.freeCopies.push(id);
    c.msg.copies--;
    if (c.msg.copies === 0 && c.msg.outcome === 'on-board') c.msg.outcome = 'lost-buffer';
  }

  private drain(s: number, until: number, out: Delivery[]): void {
    const buf = this.buffers[s]!;
    const contacts = this.sky.contactsBySat[s]!;
    const rate = this.scenario.satellite.dumpFramesPerSecond;
    let cur = this.cursor[s]!;
    if (buf.size === 0) {
      this.cursor[s] = Math.max(cur, until);
      this.carry[s] = 0;
      return;
    }
    for (const c of contacts) {
      if (cur >= until || buf.size === 0) break;
      if (c.end <= cur) continue;
      if (c.start >= until) break;
      const from = Math.max(cur, c.start),
        to = Math.min(c.end, until);
      let avail = ((to - from) / 1000) * rate + this.carry[s]!;
      let k = 0;
      while (avail >= 1 && buf.size > 0) {
        const id = buf.shift();
        const cp = this.copies[id]!;
        this.freeCopies.push(id);
        k++;
        avail -= 1;
        const at = Math.round(Math.min(to, from + (k / rate) * 1000));
        cp.msg.copies--;
        if (cp.msg.outcome === 'on-board' || cp.msg.outcome === 'lost-buffer') {
          cp.msg.outcome = 'downlinked';
        }
        if (!(cp.msg.downlinkedAt <= at)) cp.msg.downlinkedAt = at;
        out.push({
          msg: cp.msg,
          sat: s,
          station: c.station,
          capturedAt: cp.t,
          downlinkedAt: at,
          rssiDbm: cp.rssi,
          snrDb: cp.snr,
        });
      }
      this.carry[s] = buf.size > 0 ? avail : 0;
      cur = to;
    }
    this.cursor[s] = Math.max(cur, until);
  }

  private sendDownlinks(a: number, b: number): DownlinkTransmission[] {
    const out: DownlinkTransmission[] = [];
    const step = this.sky.stepMs;
    const minEl = this.scenario.radio.minElevationDeg;
    for (let s = 0; s < this.onBoardDl.length; s++) {
      const list = this.onBoardDl[s]!;
      if (list.length === 0) continue;
      for (let k = list.length - 1; k >= 0; k--) {
        const d = list[k]!;
        const from = Math.max(a, d.onBoardAt);
        for (let t = from; t < b; t += step) {
          this.positionEcef(d.terminal, t, this.p);
          if (!this.sky.sees(s, this.p, t, minEl)) continue;
          // Seen at t: sent a margin later (or at once if the pass began before the window).
          const at = Math.min(b - 1, t === from ? t : t + DELIVERY_MARGIN_MS);
          out.push({ id: d.id, sat: s, terminal: d.terminal, at });
          if (d.confirmed) this.ackReadyAt[d.terminal] = Math.min(this.ackReadyAt[d.terminal]!, at);
          list.splice(k, 1);
          break;
        }
      }
    }
    return out;
  }
}
