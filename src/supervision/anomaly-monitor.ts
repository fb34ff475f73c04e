import { USER_CODEC_PREFIX } from '../core/codec-catalog.js';
import { randomUUID } from 'node:crypto';
import type { Core } from '../core/core.js';
import type { Anomaly, AnomalyResponse } from '../core/ports/anomaly-store.js';
import type { Subscription } from '../core/ports/bus.js';
import type { TerminalRecord } from '../core/model.js';
import { parseRejectionEvent, type RejectionEvent } from '../core/events/rejection-event.js';
import { parseReceptionSummary, type ReceptionSummaryEvent } from '../core/events/reception-summary-event.js';
import { eventIdOf } from '../core/events/event-id.js';
import {
  anomalySubject,
  DECODED_SUBJECTS,
  RECEPTION_SUMMARY_SUBJECTS,
  REJECTION_SUBJECTS,
} from '../core/events/subjects.js';
import { anomalyEventId, type AnomalyEvent } from '../core/events/anomaly-event.js';
import type { Satellite } from '../orbit/satellite.js';
import { newEcefState } from '../orbit/satellite.js';
import { makeSite } from '../orbit/site.js';
import { sinElevation } from '../orbit/look-angles.js';
import { subSatellitePoint } from '../orbit/sub-satellite-point.js';
import { DEFAULT_ANOMALY_POLICY, type AnomalyPolicy } from './anomaly-policy.js';
import {
  contactFinding,
  countFinding,
  footprintRegionFinding,
  isEmergency,
  movementFinding,
  positionRegionFinding,
  rateFinding,
  slide,
  type Finding,
  type Fix,
} from './anomaly-detectors.js';
import type { PolygonLike } from './anomaly-geometry.js';

export { anomalySubject } from '../core/events/subjects.js';
/** Days of a terminal's own daily counts its learned rate is made from. */
const RATE_HISTORY_DAYS = 14;
/** Most subjects whose state is kept; the oldest are forgotten beyond it. */
const MAX_SUBJECTS = 100_000;
/** Most event ids remembered to drop redeliveries (a redelivered event must not count twice in a window). */
const MAX_SEEN_EVENTS = 200_000;
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

interface TerminalState {
  replays: number[];
  micFailures: number[];
  lastFix?: Fix;
  /** Non-emergency messages per hour (by capture time), the last 24 hours' worth. */
  hours: Map<number, number>;
  /** Non-emergency messages per UTC day (capture time), the last RATE_HISTORY_DAYS + 1: the terminal's learned rate. */
  days: Map<number, number>;
  lastEmergencyAt?: number;
}

export interface AnomalyMonitorOptions {
  readonly policy?: AnomalyPolicy;
  /** Consume with durable names (several cores share the work; default true). */
  readonly durable?: boolean;
  readonly onError?: (e: unknown) => void;
}

/** The actor automatic responses are recorded under. */
export const MONITOR_ACTOR = { kind: 'system', id: 'anomaly-monitor' } as const;

/**
 * The anomaly monitor: a bus consumer of security-relevant rejections (`satiot.rejected.*`),
 * decoded messages (`satiot.decoded.*`: positions, rate, emergencies) and reception summaries
 * (`satiot.received.*`: which satellites a station claims). It keeps a little state per terminal
 * and station, runs the pure detectors (anomaly-detectors.ts) and applies the policy: every finding
 * is stored and audited; alerts are published; suspensions go through core.registration.
 */
export class AnomalyMonitor {
  private readonly terminals = new Map<string, TerminalState>();
  private readonly stationMic = new Map<string, number[]>();
  private readonly lastFinding = new Map<string, number>();
  /** Ids of the events counted so far, oldest first (bounded): a redelivery is acknowledged, not counted. */
  private readonly seenEvents = new Set<string>();
  private subs: Subscription[] = [];
  private handledCount = 0;
  private waiters: Array<{ n: number; resolve: () => void }> = [];
  readonly policy: AnomalyPolicy;

  constructor(
    private readonly core: Core,
    private readonly opts: AnomalyMonitorOptions = {},
  ) {
    this.policy = opts.policy ?? DEFAULT_ANOMALY_POLICY;
  }

  async start(): Promise<void> {
    if (this.subs.length > 0) return;
    const durable = this.opts.durable ?? true;
    const on = (pattern: string, name: string, fn: (data: Uint8Array) => Promise<void>, partitioned = false) =>
      this.core.bus.subscribe(
        pattern,
        async (m) => {
          const id = eventIdOf(m);
          try {
            if (!this.seenEvents.has(id)) {
              await fn(m.data);
              if (this.seenEvents.size >= MAX_SEEN_EVENTS)
                this.seenEvents.delete(this.seenEvents.values().next().value!);
              this.seenEvents.add(id);
            }
          } catch (e) {
            // A detector's failure never blocks the stream; it is reported and the message acknowledged.
            this.opts.onError?.(e);
          }
          this.handledCount++;
          this.waiters = this.waiters.filter((w) => (w.n <= this.handledCount ? (w.resolve(), false) : true));
        },
        durable ? { durable: name, partitioned } : {},
      );
    // Each subscription is kept as soon as it is made: a start that fails half-way is undone by stop().
    this.subs.push(
      await on(REJECTION_SUBJECTS, 'supervision-rejections', async (d) => {
        const e = parseRejectionEvent(d);
        if (e) await this.onRejection(e);
      }),
    );
    this.subs.push(await on(DECODED_SUBJECTS, 'supervision-decoded', async (d) => this.onDecoded(d), true));
    this.subs.push(
      await on(RECEPTION_SUMMARY_SUBJECTS, 'supervision-receptions', async (d) => {
        const e = parseReceptionSummary(d);
        if (e) await this.onReceptions(e);
      }),
    );
  }

  /** Bus messages handled so far (all three streams). */
  get handled(): number {
    return this.handledCount;
  }

  /** Resolves once `n` bus messages have been handled in all (tests wait on it instead of on time). */
  handledAtLeast(n: number): Promise<void> {
    return n <= this.handledCount ? Promise.resolve() : new Promise((resolve) => this.waiters.push({ n, resolve }));
  }

  async stop(): Promise<void> {
    const subs = this.subs.splice(0);
    for (const s of subs) await s.close();
  }

  private stateOf(devEui: string): TerminalState {
    let s = this.terminals.get(devEui);
    if (!s) {
      if (this.terminals.size >= MAX_SUBJECTS) this.terminals.delete(this.terminals.keys().next().value!);
      this.terminals.set(devEui, (s = { replays: [], micFailures: [], hours: new Map(), days: new Map() }));
    }
    return s;
  }

  /** REPLAYED_COUNTER and BAD_MIC rejections, counted per terminal (per station when no terminal is known). */
  async onRejection(e: RejectionEvent): Promise<void> {
    const base = {
      code: e.code,
      stationId: e.stationId,
      satelliteId: e.satelliteId,
      devAddr: e.devAddr,
      ...(e.fCnt !== undefined ? { fCnt: e.fCnt } : {}),
      lastAt: new Date(e.receivedAt).toISOString(),
    };
    if (e.code === 'REPLAYED_COUNTER' && e.devEui) {
      const p = this.policy.replay;
      const s = this.stateOf(e.devEui);
      s.replays = slide(s.replays, e.receivedAt, p.windowMs);
      const f = countFinding('replay', s.replays, p.threshold, p.windowMs, base);
      if (f) await this.found(f, { kind: 'terminal', id: e.devEui }, e.tenantId, e.receivedAt);
    } else if (e.code === 'BAD_MIC') {
      const p = this.policy['mic-failures'];
      let times: number[];
      if (e.devEui) {
        const s = this.stateOf(e.devEui);
        times = s.micFailures = slide(s.micFailures, e.receivedAt, p.windowMs);
      } else {
        times = slide(this.stationMic.get(e.stationId) ?? [], e.receivedAt, p.windowMs);
        this.stationMic.set(e.stationId, times);
      }
      const f = countFinding('mic-failures', times, p.threshold, p.windowMs, base);
      if (f)
        await this.found(
          f,
          e.devEui ? { kind: 'terminal', id: e.devEui } : { kind: 'station', id: e.stationId },
          e.tenantId,
          e.receivedAt,
        );
    }
  }

  /** A decoded message: emergencies, rate, movement, region. */
  async onDecoded(data: Uint8Array): Promise<void> {
    let ev: {
      kind?: unknown;
      messageId?: unknown;
      tenantId?: unknown;
      devEui?: unknown;
      capturedAt?: unknown;
      codec?: unknown;
      decoded?: unknown;
    };
    try {
      ev = JSON.parse(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8')) as typeof ev;
    } catch {
      return;
    }
    if (
      ev?.kind !== 'decoded' ||
      typeof ev.devEui !== 'string' ||
      typeof ev.tenantId !== 'string' ||
      typeof ev.messageId !== 'string' ||
      typeof ev.capturedAt !== 'string'
    )
      return;
    const capturedAt = Date.parse(ev.capturedAt);
    if (!Number.isFinite(capturedAt)) return;
    const record = this.core.registry.byDevEui(ev.devEui)?.record;
    if (!record) return;
    const s = this.stateOf(ev.devEui);
    const subject = { kind: 'terminal' as const, id: ev.devEui };
    const scenario = this.scenarioOf(record);

    // Emergencies are never counted against the rate, and shield the terminal from automatic suspension.
    // Only a built-in codec's word is taken for it: a tenant's own script (`user:<id>`) could call every
    // message an emergency and so exempt its terminals from both.
    const trusted = typeof ev.codec === 'string' && !ev.codec.startsWith(USER_CODEC_PREFIX);
    if (trusted && isEmergency(ev.decoded)) {
      s.lastEmergencyAt = Math.max(s.lastEmergencyAt ?? 0, capturedAt);
    } else {
      const hour = Math.floor(capturedAt / HOUR_MS);
      s.hours.set(hour, (s.hours.get(hour) ?? 0) + 1);
      const newest = Math.max(...s.hours.keys());
      let count = 0;
      for (const [h, n] of s.hours) {
        if (h <= newest - 24) s.hours.delete(h);
        else if (h > hour - 24 && h <= hour) count += n;
      }
      const day = Math.floor(capturedAt / DAY_MS);
      s.days.set(day, (s.days.get(day) ?? 0) + 1);
      const newestDay = Math.max(...s.days.keys());
      for (const d of s.days.keys()) if (d < newestDay - RATE_HISTORY_DAYS) s.days.delete(d);
      // Complete days before this message's, with days it sent nothing as zeros, since the first one seen.
      const firstDay = Math.min(...s.days.keys());
      const history: number[] = [];
      for (let d = Math.max(firstDay, day - RATE_HISTORY_DAYS); d < day; d++) history.push(s.days.get(d) ?? 0);
      const f = rateFinding(count, scenario.expectedMessagesPerDay, this.policy['rate-excess'], history);
      if (f) await this.found(f, subject, record.tenantId, capturedAt);
    }

    const fix = positionOf(ev.decoded, capturedAt);
    if (fix) {
      if (s.lastFix) {
        const p = this.policy['impossible-movement'];
        const maxSpeedKmh = scenario.mobility === 'fixed' ? 0 : (p.maxSpeedKmh[record.profile] ?? 250);
        const f = movementFinding(s.lastFix, fix, {
          maxSpeedKmh,
          fixedToleranceKm: p.fixedToleranceKm,
          minDistanceKm: p.minDistanceKm,
          profile: scenario.mobility === 'fixed' ? `${record.profile} (declared fixed)` : record.profile,
        });
        if (f) await this.found(f, subject, record.tenantId, fix.at);
      }
      if (!s.lastFix || fix.at >= s.lastFix.at) s.lastFix = fix;
    }

    const region = scenario.region;
    if (region) {
      const p = this.policy['outside-region'];
      let f: Finding | undefined;
      if (fix) {
        f = positionRegionFinding(fix, region, p.marginKm);
      } else {
        const m = await this.core.messageQueries.getMessage(ev.messageId);
        const r = m?.receptions[0];
        const sat = r ? await this.satellite(r.satelliteId) : undefined;
        if (r && sat) {
          try {
            f = footprintRegionFinding(subSatellitePoint(sat, r.capturedAt), r.capturedAt, r.satelliteId, region, p);
          } catch {
            f = undefined; // the element set cannot reach that time: no judgement
          }
        }
      }
      if (f) await this.found(f, subject, record.tenantId, capturedAt);
    }
  }

  /** A station's receptions: each satellite must have been above its horizon at the claimed downlink times. */
  async onReceptions(e: ReceptionSummaryEvent): Promise<void> {
    const station = (await this.core.registryQueries.listGroundStations()).find((g) => g.id === e.stationId);
    if (!station) return;
    const p = this.policy['station-out-of-contact'];
    const site = makeSite({ latDeg: station.lat, lonDeg: station.lon, altM: station.altM });
    for (const s of e.satellites) {
      const sat = await this.satellite(s.satelliteId);
      if (!sat) continue; // not in the catalogue: nothing to check against
      const best = bestElevationDeg(sat, site, s.firstDownlinkedAt - p.skewMs, s.lastDownlinkedAt + p.skewMs);
      if (best === undefined) continue;
      const f = contactFinding(best, {
        stationId: e.stationId,
        satelliteId: s.satelliteId,
        first: s.firstDownlinkedAt,
        last: s.lastDownlinkedAt,
        frames: s.frames,
        minElevationDeg: p.minElevationDeg,
      });
      if (f) await this.found(f, { kind: 'station', id: e.stationId }, undefined, s.lastDownlinkedAt);
    }
  }

  /** The declared scenario (core.registration), else what the terminal record says. */
  private scenarioOf(t: TerminalRecord): {
    mobility: 'fixed' | 'mobile';
    expectedMessagesPerDay: number;
    region?: PolygonLike;
  } {
    const d = this.core.registration.scenarioOf(t.devEui);
    if (d)
      return {
        mobility: d.mobility,
        expectedMessagesPerDay: d.expectedMessagesPerDay,
        ...(d.region ? { region: d.region as PolygonLike } : {}),
      };
    return {
      mobility: t.profile === 'fixed-collector' ? 'fixed' : 'mobile',
      expectedMessagesPerDay: t.expectedMessagesPerDay,
    };
  }

  private satellite(id: string): Promise<Satellite | undefined> {
    return this.core.satellites.get(id);
  }

  /** Records a finding (once per subject and kind per cooldown) and applies the policy's response. */
  private async found(
    f: Finding,
    subject: Anomaly['subject'],
    tenantId: string | undefined,
    observedAt: number,
  ): Promise<Anomaly | undefined> {
    const now = this.core.clock.now();
    const key = `${subject.kind}:${subject.id}:${f.kind}`;
    const last = this.lastFinding.get(key);
    if (last !== undefined && now - last < this.policy.cooldownMs && now >= last) return undefined;
    if (this.lastFinding.size >= MAX_SUBJECTS) this.lastFinding.delete(this.lastFinding.keys().next().value!);
    this.lastFinding.set(key, now);

    let response: AnomalyResponse = this.policy[f.kind].response;
    const evidence: Record<string, unknown> = { ...f.evidence };
    if (response === 'suspend') {
      const emergencyAt = subject.kind === 'terminal' ? this.terminals.get(subject.id)?.lastEmergencyAt : undefined;
      if (subject.kind !== 'terminal') response = 'alert';
      else if (emergencyAt !== undefined && Math.abs(observedAt - emergencyAt) < DAY_MS) {
        response = 'alert';
        evidence.notSuspendedBecause = 'emergency traffic in the last 24 h';
      }
    }
    const a: Anomaly = {
      id: randomUUID(),
      kind: f.kind,
      subject,
      ...(tenantId ? { tenantId } : {}),
      score: Math.round(f.score * 1000) / 1000,
      evidence,
      observedAt,
      detectedAt: now,
      response,
    };
    // Audited, then the response, then the record and its alert together: an alert says what was done.
    await this.core.audit.append({
      actor: MONITOR_ACTOR,
      action: `anomaly.${f.kind}`,
      target: { ...subject, ...(tenantId ? { tenantId } : {}) },
      outcome: 'ok',
      at: now,
      details: { anomalyId: a.id, score: a.score, response, evidence },
    });
    if (response === 'suspend' && subject.kind === 'terminal') {
      try {
        await this.core.registration.suspend(
          subject.id,
          MONITOR_ACTOR,
          `automatic: ${f.kind} anomaly ${a.id} (score ${a.score})`,
        );
      } catch (e) {
        // Already suspended or retired: the anomaly stands, the transition is not needed.
        this.opts.onError?.(e);
      }
    }
    const alert = response === 'alert' || response === 'suspend';
    await this.core.events.run(async (tx, emit) => {
      await tx.anomalies.save(a);
      if (!alert) return;
      const e: AnomalyEvent = {
        ...a,
        observedAt: new Date(a.observedAt).toISOString(),
        detectedAt: new Date(a.detectedAt).toISOString(),
      };
      emit({ id: anomalyEventId(a.id), subject: anomalySubject(f.kind), data: Buffer.from(JSON.stringify(e)) });
    });
    return a;
  }
}

/**
 * `position.lat/lon` of a decoded payload (the convention of trackPointOf, src/solutions/logistics/track.ts), timed by
 * its `time` or the capture.
 */
function positionOf(decoded: unknown, capturedAt: number): Fix | undefined {
  const d = decoded as { position?: { lat?: unknown; lon?: unknown }; time?: unknown } | null | undefined;
  const lat = d?.position?.lat,
    lon = d?.position?.lon;
  if (
    typeof lat !== 'number' ||
    typeof lon !== 'number' ||
    !Number.isFinite(lat) ||
    !Number.isFinite(lon) ||
    Math.abs(lat) > 90 ||
    Math.abs(lon) > 180
  )
    return undefined;
  const fix = typeof d!.time === 'string' ? Date.parse(d!.time) : NaN;
  return { at: Number.isFinite(fix) ? fix : capturedAt, lat, lon };
}

/**
 * Highest elevation (degrees) of `sat` over `site` in [from, to], sampled every 10 s (at most 2,000 samples); undefined
 * if SGP4 fails.
 */
function bestElevationDeg(
  sat: Satellite,
  site: ReturnType<typeof makeSite>,
  from: number,
  to: number,
): number | undefined {
  const st = newEcefState();
  const step = Math.max(10_000, (to - from) / 2000);
  let best = -90;
  try {
    for (let t = from; t <= to + 1; t += step) {
      sat.ecefState(t, st);
      best = Math.max(
        best,
        (Math.asin(Math.max(-1, Math.min(1, sinElevation(site, st.x, st.y, st.z)))) * 180) / Math.PI,
      );
    }
  } catch {
    return undefined;
  }
  return best;
}
