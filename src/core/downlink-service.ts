import { randomUUID } from 'node:crypto';
import { buildDataFrame, MAX_PHY_BYTES } from '../frame/index.js';
import { MT_MAX_PAYLOAD_BYTES } from '../frame/iridium-sbd/index.js';
import { isIridiumTerminal } from './model.js';
import {
  routeThrough,
  scheduleDownlinks,
  type Contact,
  type DownlinkPriority,
  type DownlinkRoute,
  type PendingDownlink,
} from '../plan/downlink-route.js';
import type { ErrorCode } from '../errors/error-codes.js';
import { SatiotError, isSatiotError } from '../errors/satiot-error.js';
import type { Bus, BusMessage, Subscription } from './ports/bus.js';
import type { Clock } from './ports/clock.js';
import type {
  DownlinkPlan,
  DownlinkRecord,
  DownlinkStep,
  DownlinkStore,
  MissedContact,
} from './ports/downlink-store.js';
import type { Page, Store } from './ports/store.js';
import type { OutboxEvent } from './ports/outbox-store.js';
import type { DownlinkContactSource } from './downlink-contacts.js';
import type { RegistryEntry, TerminalRegistry } from './terminal-registry.js';
import type { EventWriter } from './event-writer.js';
import { decodeEvent } from './events/decode-event.js';
import { DOWNLINK_REQUEST_SUBJECTS, downlinkSubject, UPLINK_SUBJECTS } from './events/subjects.js';
import { downlinkEventId, type DownlinkEvent } from './events/downlink-event.js';
import { iso, isoOrNull } from './iso-time.js';

/** Durable consumers: ACKs from uplinks, and the rules' downlink requests. */
export const DOWNLINK_ACK_CONSUMER = 'satiot-downlink-acks';
export const DOWNLINK_REQUEST_CONSUMER = 'satiot-downlink-requests';

// Codes the catalogue (src/errors/error-codes.ts) gains with this change; typed here until it has them.
const NOT_FOUND = 'DOWNLINK_NOT_FOUND' satisfies ErrorCode;
const INVALID = 'DOWNLINK_INVALID' satisfies ErrorCode;
const STATE = 'DOWNLINK_STATE' satisfies ErrorCode;

/** MHDR, FHDR without FOpts, FPort and MIC: what a frame adds to its payload. */
const FRAME_OVERHEAD_BYTES = 13;
const HOUR = 3_600_000;

export interface DownlinkServiceOptions {
  /** How far ahead routes are searched, hours (default 48). */
  readonly horizonH?: number;
  /** Contact time a station needs to upload one frame, seconds (default 10). */
  readonly uploadS?: number;
  /** Time the satellite waits after the terminal comes into view before transmitting, seconds (default 30). */
  readonly deliveryMarginS?: number;
  /** Frames one upload contact carries (default 50). */
  readonly capacityPerContact?: number;
  /** Lifetime of a downlink without `expiresAt`, hours (default 72). */
  readonly defaultTtlH?: number;
  /**
   * Stations report after their pass: an upload still unreported this long after its contact ended
   * counts as a missed contact and the downlink is planned again, seconds (default 900).
   */
  readonly reportGraceS?: number;
  /** How far a report's time may lie ahead of the core's clock, seconds (default 300). */
  readonly maxClockSkewS?: number;
  /**
   * Admits a rule's automatic downlink of this priority for the tenant, or throws the refusal (the
   * quota policy, the emergency budget); default: always. A refused request is dropped, as a
   * customer's would be refused, and its decision fails with the refusal's code.
   */
  readonly admitRequest?: (tenantId: string, devEui: string, priority: DownlinkPriority) => Promise<void>;
}

export interface NewDownlink {
  /** 1..223 (0 is MAC commands, 224+ reserved). */
  readonly fPort: number;
  readonly payload: Uint8Array;
  readonly confirmed?: boolean;
  readonly priority?: DownlinkPriority;
  /** Ms; default now + defaultTtlH. */
  readonly expiresAt?: number;
  /** Set by rule requests: one downlink per alarm. */
  readonly alarmId?: string;
}

export interface StatusUpdate {
  readonly downlinkId: string;
  readonly status: 'uploaded' | 'transmitted' | 'failed';
  /** Ms. */
  readonly at: number;
}

/** One frame a station uploads: to which satellite, in which contact (times ms). */
export interface ScheduleItem {
  readonly downlinkId: string;
  readonly satelliteId: string;
  readonly contactStart: number;
  readonly contactEnd: number;
  readonly phyPayload: Uint8Array;
  readonly priority: DownlinkPriority;
}

/** A downlink as the API and the bus show it (times ISO 8601, payload base64; no frame bytes). */
export function downlinkView(d: DownlinkRecord) {
  return {
    id: d.id,
    tenantId: d.tenantId,
    devEui: d.devEui,
    fPort: d.fPort,
    payload: Buffer.from(d.payload).toString('base64'),
    confirmed: d.confirmed,
    priority: d.priority,
    state: d.state,
    eta: isoOrNull(d.eta),
    fCntDown: d.fCntDown,
    createdAt: iso(d.createdAt),
    expiresAt: iso(d.expiresAt),
    ...(d.alarmId !== null ? { alarmId: d.alarmId } : {}),
    ...(d.plan
      ? {
          route: {
            stationId: d.plan.stationId,
            satelliteId: d.plan.satelliteId,
            contactStart: iso(d.plan.contactStart),
            contactEnd: iso(d.plan.contactEnd),
            uploadAt: iso(d.plan.uploadAt),
            deliveryStart: isoOrNull(d.plan.deliveryStart),
            deliveryEnd: isoOrNull(d.plan.deliveryEnd),
          },
        }
      : {}),
    history: d.history.map((s) => ({
      ...s,
      at: iso(s.at),
      ...(s.eta !== undefined ? { eta: iso(s.eta) } : {}),
      ...(s.missedContact
        ? { missedContact: { ...s.missedContact, start: iso(s.missedContact.start), end: iso(s.missedContact.end) } }
        : {}),
    })),
  };
}
export type DownlinkView = ReturnType<typeof downlinkView>;

const overlaps = (c: Contact, stationId: string, satelliteId: string, start: number, end: number): boolean =>
  c.kind === 'station' && c.stationId === stationId && c.satelliteId === satelliteId && c.start < end && c.end > start;

/** The time of the downlink's last step into `state`, if any. */
const stepAt = (d: DownlinkRecord, state: DownlinkStep['state']): number | undefined =>
  [...d.history].reverse().find((s) => s.state === state)?.at;

/** A downlink handed to a terrestrial gateway: its plan has no satellite. */
const isTerrestrial = (d: DownlinkRecord): boolean => d.plan !== null && d.plan.satelliteId === '';
/** How long a gateway's TX_ACK may take before the sweep queues its downlink again. */
const TERRESTRIAL_REPORT_GRACE_MS = 60_000;
/** The satellite an Iridium session or MT message is said to pass through: the operator's network. */
export const IRIDIUM_SATELLITE = 'iridium';
/** A downlink handed to the Iridium gateway. */
const isIridium = (d: DownlinkRecord): boolean => d.plan !== null && d.plan.satelliteId === IRIDIUM_SATELLITE;
/** How long the Iridium gateway's MT confirmation may take before the sweep queues its downlink again. */
const DIRECTIP_CONFIRM_GRACE_MS = 120_000;
/** Hand-overs to the Iridium gateway without a confirmation before a downlink fails. */
const DIRECTIP_MAX_ATTEMPTS = 5;
/** Whether the Iridium gateway confirmed it queued the downlink (it then sends it at the modem's next session). */
const queuedAtIridium = (d: DownlinkRecord): boolean =>
  d.state === 'uploaded' && isIridium(d) && d.history.some((s) => s.reason === 'directip-queued');

/**
 * The downlink queue: enqueues downlinks (API and rule requests), routes them over the contact plan
 * (station → satellite → terminal, emergency first), frames them as LoRaWAN data-down frames with
 * the terminal's keys and the queue's own counter, hands them to ground stations, follows their
 * reports and the terminal's ACKs, and re-plans missed contacts. Every change is stored with its
 * event (`satiot.downlink.…`) in one transaction. Changes on one node run one at a time; across
 * nodes each write is conditional on the row's version.
 */
export class DownlinkService {
  private subs: Subscription[] = [];
  private chain: Promise<unknown> = Promise.resolve();
  private readonly o: Required<Omit<DownlinkServiceOptions, 'admitRequest'>>;
  private readonly admitRequest: NonNullable<DownlinkServiceOptions['admitRequest']>;
  private readonly store: DownlinkStore;

  constructor(
    store: Store,
    private readonly events: EventWriter,
    private readonly bus: Bus,
    private readonly registry: TerminalRegistry,
    private readonly clock: Clock,
    private readonly contacts: DownlinkContactSource,
    options: DownlinkServiceOptions = {},
  ) {
    const { admitRequest, ...rest } = options;
    this.store = store.downlinks;
    this.o = {
      horizonH: 48,
      uploadS: 10,
      deliveryMarginS: 30,
      capacityPerContact: 50,
      defaultTtlH: 72,
      reportGraceS: 900,
      maxClockSkewS: 300,
      ...rest,
    };
    this.admitRequest = admitRequest ?? (async () => undefined);
  }

  /** Subscribes to uplinks (ACKs) and to the rules' downlink requests. */
  async start(): Promise<void> {
    if (this.subs.length > 0) return;
    this.subs.push(
      await this.bus.subscribe(UPLINK_SUBJECTS, (m) => this.handleUplink(m), {
        durable: DOWNLINK_ACK_CONSUMER,
        partitioned: true,
      }),
    );
    this.subs.push(
      await this.bus.subscribe(DOWNLINK_REQUEST_SUBJECTS, (m) => this.handleRequest(m), {
        durable: DOWNLINK_REQUEST_CONSUMER,
        partitioned: true,
      }),
    );
  }

  async stop(): Promise<void> {
    const subs = this.subs;
    this.subs = [];
    for (const s of subs) await s.close();
  }

  private serial<T>(f: () => Promise<T>): Promise<T> {
    const run = this.chain.then(f);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private entryOf(devEui: string): RegistryEntry {
    const e = this.registry.byDevEui(devEui.toLowerCase());
    if (!e) throw new SatiotError('TERMINAL_NOT_FOUND', `no terminal ${devEui}`);
    return e;
  }

  /**
   * Queues a downlink and plans at once: the answer carries its ETA (null while no route exists in
   * the horizon). A second request with the same alarmId returns the first downlink.
   */
  async enqueue(devEui: string, n: NewDownlink): Promise<DownlinkRecord> {
    const entry = this.entryOf(devEui);
    const now = this.clock.now();
    if (!Number.isInteger(n.fPort) || n.fPort < 1 || n.fPort > 223)
      throw new SatiotError(INVALID, `fPort must be 1..223, got ${n.fPort}`, { fPort: n.fPort });
    // An Iridium MT message is the payload itself; a LoRaWAN frame wraps it.
    const iridium = isIridiumTerminal(entry.record);
    const maxBytes = iridium ? MT_MAX_PAYLOAD_BYTES : MAX_PHY_BYTES - FRAME_OVERHEAD_BYTES;
    if (iridium && n.payload.length === 0)
      throw new SatiotError(INVALID, 'an Iridium MT message carries at least one byte');
    if (n.payload.length > maxBytes)
      throw new SatiotError(
        INVALID,
        `payload has ${n.payload.length} bytes; a downlink frame carries at most ${maxBytes}`,
      );
    const expiresAt = n.expiresAt ?? now + this.o.defaultTtlH * HOUR;
    if (!Number.isFinite(expiresAt) || expiresAt <= now)
      throw new SatiotError(INVALID, 'expiresAt must lie in the future', { expiresAt });
    return this.serial(async () => {
      if (n.alarmId !== undefined) {
        const old = await this.store.findByAlarmId(n.alarmId);
        if (old) return old;
      }
      const d: DownlinkRecord = {
        id: randomUUID(),
        tenantId: entry.record.tenantId,
        terminalId: entry.record.id,
        devEui: entry.record.devEui,
        fPort: n.fPort,
        payload: new Uint8Array(n.payload),
        confirmed: n.confirmed ?? false,
        priority: n.priority ?? 'normal',
        alarmId: n.alarmId ?? null,
        createdAt: now,
        expiresAt,
        state: 'queued',
        fCntDown: null,
        phyPayload: null,
        plan: null,
        eta: null,
        history: [{ state: 'queued', at: now }],
        version: 0,
      };
      const created = await this.events.run(async (tx, emit) => {
        const r = await tx.downlinks.create(d);
        if (r === 'created') emit(downlinkEvent(d));
        return r;
      });
      if (created === 'alarm-exists') return (await this.store.findByAlarmId(d.alarmId!))!;
      await this.planLocked();
      return (await this.store.get(d.id))!;
    });
  }

  async get(id: string): Promise<DownlinkRecord> {
    const d = await this.store.get(id);
    if (!d) throw new SatiotError(NOT_FOUND, `no downlink ${id}`, { downlinkId: id });
    return d;
  }

  /** A terminal's downlinks, newest first. */
  async list(devEui: string, q: { limit: number; cursor?: string }): Promise<Page<DownlinkRecord>> {
    return this.store.listByTerminal(this.entryOf(devEui).record.id, q);
  }

  /** Routes (or re-routes) every downlink not yet committed to a contact. Returns how many are scheduled. */
  planAll(): Promise<number> {
    return this.serial(() => this.planLocked());
  }

  /**
   * Expires downlinks past their expiresAt, sends scheduled downlinks whose upload contact passed
   * unreported back to queued (a missed contact), then plans. Meant to run on a timer, every minute.
   */
  sweep(): Promise<{ expired: number; missed: number; scheduled: number }> {
    return this.serial(async () => {
      const now = this.clock.now();
      let expired = 0,
        missed = 0;
      for (const d of await this.store.listOpen()) {
        // Queued at the Iridium gateway it is out of our hands: the gateway sends it at the modem's next session.
        if (now >= d.expiresAt && !queuedAtIridium(d)) {
          if (
            await this.save(
              { ...d, state: 'expired', plan: null, history: [...d.history, { state: 'expired', at: d.expiresAt }] },
              d.version,
            )
          )
            expired++;
        } else if (
          isTerrestrial(d) &&
          d.state === 'uploaded' &&
          d.plan!.contactEnd + TERRESTRIAL_REPORT_GRACE_MS <= now
        ) {
          // Handed to a gateway by a node that never heard its TX_ACK (it stopped): try again.
          const step: DownlinkStep = { state: 'queued', at: now, reason: 'no-tx-ack', stationId: d.plan!.stationId };
          if (
            await this.save({ ...d, state: 'queued', plan: null, eta: null, history: [...d.history, step] }, d.version)
          )
            missed++;
        } else if (
          isIridium(d) &&
          d.state === 'uploaded' &&
          !queuedAtIridium(d) &&
          d.plan!.uploadAt + DIRECTIP_CONFIRM_GRACE_MS <= now
        ) {
          // Handed to the Iridium gateway by a node that never heard its confirmation: send it again.
          const step: DownlinkStep = {
            state: 'queued',
            at: now,
            reason: 'no-directip-confirmation',
            stationId: d.plan!.stationId,
          };
          if (
            await this.save({ ...d, state: 'queued', plan: null, eta: null, history: [...d.history, step] }, d.version)
          )
            missed++;
        } else if (d.state === 'scheduled' && d.plan && d.plan.contactEnd + this.o.reportGraceS * 1000 <= now) {
          const m: MissedContact = {
            stationId: d.plan.stationId,
            satelliteId: d.plan.satelliteId,
            start: d.plan.contactStart,
            end: d.plan.contactEnd,
          };
          const step: DownlinkStep = {
            state: 'queued',
            at: now,
            reason: 'missed-contact',
            stationId: m.stationId,
            satelliteId: m.satelliteId,
            missedContact: m,
          };
          if (
            await this.save({ ...d, state: 'queued', plan: null, eta: null, history: [...d.history, step] }, d.version)
          )
            missed++;
        }
      }
      return { expired, missed, scheduled: await this.planLocked() };
    });
  }

  /**
   * A terrestrial gateway just heard the terminal (`at`: when its receive window RX1 opens, ms):
   * the terminal's next downlink leaves through that gateway, unless its satellite route delivers
   * it sooner or is already under way. The oldest emergency first, then the oldest. The downlink is
   * framed with the terminal's next counter and stored as handed to the gateway (`uploaded`, its
   * plan the gateway with no satellite) before the caller sends it; the gateway's TX_ACK then says
   * `transmitted` (reportStatus) or sends it back to the queue (terrestrialFailed). Undefined when
   * nothing waits, when past `deadline` (wall-clock ms: the window would be missed), or while a
   * frame of the terminal is under way — on board a satellite, in an upload contact that began, or
   * handed to a gateway: a later frame with a higher counter overtaking it would make the terminal
   * drop it as old. Frames scheduled behind the one handed over are framed anew above its counter.
   */
  async terrestrialOpportunity(
    devEui: string,
    gatewayId: string,
    at: number,
    deadline = Infinity,
  ): Promise<DownlinkRecord | undefined> {
    const entry = this.registry.byDevEui(devEui.toLowerCase());
    // Most uplinks have no downlink waiting: they answer from one index probe, without queuing behind the service's
    // other changes.
    if (!entry || !(await this.store.hasWaiting(entry.record.id))) return undefined;
    return this.serial(async () => {
      if (Date.now() > deadline) return undefined;
      const now = this.clock.now();
      const mine = (await this.store.listByTerminal(entry.record.id, { limit: 100 })).items;
      if (
        mine.some(
          (d) => d.state === 'uploaded' || (d.state === 'scheduled' && d.plan !== null && d.plan.contactStart <= now),
        )
      )
        return undefined;
      const waiting = mine
        .filter(
          (d) =>
            d.expiresAt > at &&
            (d.state === 'queued' || (d.state === 'scheduled' && d.plan !== null && d.plan.contactStart > now)) &&
            (d.eta === null || d.eta > at),
        )
        // Queued in the same millisecond: the one planned first (the lower counter) goes first.
        .sort(
          (a, b) =>
            Number(b.priority === 'emergency') - Number(a.priority === 'emergency') ||
            a.createdAt - b.createdAt ||
            (a.fCntDown ?? Infinity) - (b.fCntDown ?? Infinity) ||
            a.id.localeCompare(b.id),
        );
      const d = waiting[0];
      if (!d || Date.now() > deadline) return undefined;
      const framed = this.framed(d, await this.store.nextCounter(d.terminalId));
      const plan: DownlinkPlan = {
        stationId: gatewayId,
        satelliteId: '',
        contactStart: now,
        contactEnd: at,
        uploadAt: now,
        deliveryStart: at,
        deliveryEnd: at,
      };
      const step: DownlinkStep = {
        state: 'uploaded',
        at: now,
        stationId: gatewayId,
        satelliteId: '',
        eta: at,
        reason: 'terrestrial',
      };
      const saved = await this.save(
        { ...framed, state: 'uploaded', plan, eta: at, history: [...d.history, step] },
        d.version,
      );
      // The terminal's other scheduled frames now go after this one: planning frames them above its counter.
      if (saved && mine.some((o) => o.id !== d.id && o.state === 'scheduled')) await this.planLocked();
      return saved;
    });
  }

  /**
   * The gateway refused a downlink handed to it (its TX_ACK error, or none came): back to the queue
   * for the next opportunity, satellite or ground. Anything else (already transmitted, another
   * route by now) changes nothing.
   */
  terrestrialFailed(downlinkId: string, gatewayId: string, reason: string): Promise<DownlinkRecord | undefined> {
    return this.serial(async () => {
      const d = await this.store.get(downlinkId);
      if (!d || d.state !== 'uploaded' || !isTerrestrial(d) || d.plan!.stationId !== gatewayId) return d;
      const step: DownlinkStep = { state: 'queued', at: this.clock.now(), stationId: gatewayId, reason };
      const saved = await this.save(
        { ...d, state: 'queued', plan: null, eta: null, history: [...d.history, step] },
        d.version,
      );
      await this.planLocked();
      return saved;
    });
  }

  /**
   * What each satellite holds for the terminals: downlinks uploaded to it and not yet transmitted,
   * by satellite (most first), with their bytes and the oldest upload. Terrestrial and Iridium
   * hand-overs are not on a satellite of ours and are left out.
   */
  async onBoard(): Promise<Array<{ satelliteId: string; downlinks: number; bytes: number; oldestUploadAt: number }>> {
    const by = new Map<string, { satelliteId: string; downlinks: number; bytes: number; oldestUploadAt: number }>();
    for (const d of await this.store.listOpen()) {
      if (d.state !== 'uploaded' || !d.plan || isTerrestrial(d) || d.history.some((h) => h.reason === 'directip'))
        continue;
      const at = d.history.findLast((h) => h.state === 'uploaded')?.at ?? d.plan.uploadAt;
      const s =
        by.get(d.plan.satelliteId) ??
        by
          .set(d.plan.satelliteId, { satelliteId: d.plan.satelliteId, downlinks: 0, bytes: 0, oldestUploadAt: at })
          .get(d.plan.satelliteId)!;
      s.downlinks++;
      s.bytes += d.payload.length;
      s.oldestUploadAt = Math.min(s.oldestUploadAt, at);
    }
    return [...by.values()].sort((a, b) => b.downlinks - a.downlinks || a.satelliteId.localeCompare(b.satelliteId));
  }

  /**
   * Downlinks of Iridium terminals waiting to be handed to the Iridium gateway: emergency first,
   * then oldest first.
   */
  async iridiumWaiting(): Promise<DownlinkRecord[]> {
    // Asked every two seconds: without an Iridium terminal there is nothing to read the open downlinks for.
    if (!this.registry.hasIridium) return [];
    const now = this.clock.now();
    return (await this.store.listOpen())
      .filter(
        (d) =>
          d.state === 'queued' &&
          d.expiresAt > now &&
          isIridiumTerminal(this.registry.byDevEui(d.devEui)?.record ?? {}),
      )
      .sort(
        (a, b) =>
          Number(b.priority === 'emergency') - Number(a.priority === 'emergency') ||
          a.createdAt - b.createdAt ||
          a.id.localeCompare(b.id),
      );
  }

  /**
   * Claims a queued Iridium downlink for sending through the Iridium gateway (`stationId`): stored as
   * handed over (`uploaded`, reason `directip`) before a byte leaves, so that only one node sends it.
   * Undefined when it is no longer queued (another node took it, or it ended).
   */
  iridiumHandOff(id: string, stationId: string): Promise<DownlinkRecord | undefined> {
    return this.serial(async () => {
      const d = await this.store.get(id);
      const now = this.clock.now();
      if (!d || d.state !== 'queued' || d.expiresAt <= now) return undefined;
      const plan: DownlinkPlan = {
        stationId,
        satelliteId: IRIDIUM_SATELLITE,
        contactStart: now,
        contactEnd: now,
        uploadAt: now,
        deliveryStart: null,
        deliveryEnd: null,
      };
      const step: DownlinkStep = {
        state: 'uploaded',
        at: now,
        stationId,
        satelliteId: IRIDIUM_SATELLITE,
        reason: 'directip',
      };
      return this.save({ ...d, state: 'uploaded', plan, eta: null, history: [...d.history, step] }, d.version);
    });
  }

  /**
   * The Iridium gateway's MT confirmation for a downlink handed to it: a status ≥ 0 puts it in the
   * terminal's queue there (its position in the step); a negative status fails it with `code`.
   */
  iridiumConfirmed(
    id: string,
    c: { readonly status: number; readonly autoIdReference: number; readonly code?: string },
  ): Promise<DownlinkRecord | undefined> {
    return this.serial(async () => {
      const d = await this.store.get(id);
      if (!d || d.state !== 'uploaded' || !isIridium(d)) return d;
      const now = this.clock.now();
      const step: DownlinkStep =
        c.status >= 0
          ? {
              state: 'uploaded',
              at: now,
              stationId: d.plan!.stationId,
              satelliteId: IRIDIUM_SATELLITE,
              reason: 'directip-queued',
              queuePosition: c.status,
              autoIdReference: c.autoIdReference,
            }
          : { state: 'failed', at: now, stationId: d.plan!.stationId, reason: c.code ?? 'SBD_MT_REFUSED' };
      return this.save(
        { ...d, state: step.state, ...(step.state === 'failed' ? { plan: null } : {}), history: [...d.history, step] },
        d.version,
      );
    });
  }

  /** A downlink handed to the Iridium gateway that never reached it (no connection, no confirmation): queued again. */
  iridiumUnsent(id: string, reason: string): Promise<DownlinkRecord | undefined> {
    return this.serial(async () => {
      const d = await this.store.get(id);
      if (!d || d.state !== 'uploaded' || !isIridium(d) || queuedAtIridium(d)) return d;
      const now = this.clock.now();
      // Handed over this many times without a confirmation: failed, rather than a history without end.
      if (d.history.filter((s) => s.state === 'uploaded' && s.reason === 'directip').length >= DIRECTIP_MAX_ATTEMPTS) {
        return this.save(
          {
            ...d,
            state: 'failed',
            plan: null,
            history: [...d.history, { state: 'failed', at: now, stationId: d.plan!.stationId, reason }],
          },
          d.version,
        );
      }
      const step: DownlinkStep = { state: 'queued', at: now, stationId: d.plan!.stationId, reason };
      return this.save({ ...d, state: 'queued', plan: null, eta: null, history: [...d.history, step] }, d.version);
    });
  }

  /**
   * An MO session of the terminal reported `mtmsn` (non-zero): the Iridium gateway delivered an MT
   * message in that session — the oldest one queued there (its queue is first in, first out). It
   * becomes `transmitted` (a confirmed one `acknowledged`: the modem received it) at `at`, the
   * session's time. A session the gateway delivers twice changes nothing the second time.
   */
  iridiumDelivered(devEui: string, mtmsn: number, at: number): Promise<DownlinkRecord | undefined> {
    const entry = this.registry.byDevEui(devEui.toLowerCase());
    if (!entry || mtmsn === 0) return Promise.resolve(undefined);
    return this.serial(async () => {
      // Another node may mark a delivery of the same terminal at once: read again after losing the write.
      for (let attempt = 0; attempt < 5; attempt++) {
        const mine = (await this.store.listByTerminal(entry.record.id, { limit: 100 })).items;
        if (mine.some((d) => d.history.some((s) => s.mtmsn === mtmsn && s.at === at))) return undefined;
        // The gateway's queue order: when each was queued there, then its reference (the gateway numbers them in
        // order).
        const queued = (x: DownlinkRecord) => x.history.find((s) => s.reason === 'directip-queued');
        const d = mine
          .filter((x) => x.state === 'uploaded' && isIridium(x) && queued(x))
          .sort(
            (a, b) =>
              queued(a)!.at - queued(b)!.at || (queued(a)!.autoIdReference ?? 0) - (queued(b)!.autoIdReference ?? 0),
          )[0];
        if (!d) return undefined;
        const state = d.confirmed ? 'acknowledged' : 'transmitted';
        const step: DownlinkStep = { state, at, stationId: d.plan!.stationId, satelliteId: IRIDIUM_SATELLITE, mtmsn };
        const saved = await this.save({ ...d, state, eta: at, history: [...d.history, step] }, d.version);
        if (saved) return saved;
      }
      return undefined;
    });
  }

  /** The downlink a rule's alarm (a decision) asked for, if it has been queued. */
  findByAlarm(alarmId: string): Promise<DownlinkRecord | undefined> {
    return this.store.findByAlarmId(alarmId);
  }

  /**
   * Withdraws a downlink that has not left: queued, or scheduled for a contact not yet begun (the
   * station may be uploading a begun one). It ends `failed` with `reason`; its contact's capacity
   * goes to the others at the next plan. Anything further along comes back unchanged.
   */
  cancel(id: string, reason: string): Promise<DownlinkRecord> {
    return this.serial(async () => {
      const d = await this.store.get(id);
      if (!d) throw new SatiotError(NOT_FOUND, `no downlink ${id}`, { downlinkId: id });
      const now = this.clock.now();
      // Another node may change it meanwhile: read it again and decide again, a few times.
      for (let attempt = 0; attempt < 5; attempt++) {
        const cur = attempt === 0 ? d : (await this.store.get(id))!;
        const movable =
          cur.state === 'queued' || (cur.state === 'scheduled' && cur.plan !== null && cur.plan.contactStart > now);
        if (!movable) return cur;
        const step: DownlinkStep = { state: 'failed', at: now, reason };
        const saved = await this.save(
          { ...cur, state: 'failed', plan: null, eta: null, history: [...cur.history, step] },
          cur.version,
        );
        if (saved) return saved;
      }
      return (await this.store.get(id))!;
    });
  }

  /** What a station uploads in [from, to] (ms): its scheduled frames whose upload contact overlaps the range. */
  async stationSchedule(stationId: string, from: number, to: number): Promise<ScheduleItem[]> {
    if (!(Number.isFinite(from) && Number.isFinite(to) && to > from))
      throw new SatiotError('INVALID_TIME', 'the schedule needs from < to');
    if (to - from > 7 * 24 * HOUR) throw new SatiotError('INVALID_TIME', 'a schedule spans at most 7 days');
    return (await this.store.stationSchedule(stationId, from, to)).flatMap((d) =>
      d.plan && d.phyPayload
        ? [
            {
              downlinkId: d.id,
              satelliteId: d.plan.satelliteId,
              contactStart: d.plan.contactStart,
              contactEnd: d.plan.contactEnd,
              phyPayload: d.phyPayload,
              priority: d.priority,
            },
          ]
        : [],
    );
  }

  /**
   * A station's reports, applied in order. A station sees only downlinks scheduled through it (now
   * or before a re-plan): any other id is DOWNLINK_NOT_FOUND, checked before anything changes. A
   * report the downlink is already past (repeated, or after it ended) changes nothing; an
   * impossible one (transmitted before uploaded, failed after transmitted) is DOWNLINK_STATE.
   */
  async reportStatus(stationId: string, updates: readonly StatusUpdate[]): Promise<DownlinkRecord[]> {
    const now = this.clock.now();
    for (const u of updates) {
      if (!Number.isFinite(u.at) || u.at > now + this.o.maxClockSkewS * 1000) {
        throw new SatiotError(INVALID, `report time of ${u.downlinkId} is not a time or lies in the future`, {
          downlinkId: u.downlinkId,
        });
      }
    }
    return this.serial(async () => {
      const current = new Map<string, DownlinkRecord>();
      for (const u of updates) {
        const d = current.get(u.downlinkId) ?? (await this.store.get(u.downlinkId));
        const through =
          d &&
          (d.plan?.stationId === stationId ||
            d.history.some((s) => s.state === 'scheduled' && s.stationId === stationId));
        if (!d || !through)
          throw new SatiotError(NOT_FOUND, `no downlink ${u.downlinkId} scheduled through this station`, {
            downlinkId: u.downlinkId,
          });
        current.set(d.id, d);
      }
      const original = new Map(current);
      for (const u of updates)
        current.set(u.downlinkId, await this.applyReport(current.get(u.downlinkId)!, u, stationId));
      let changed = false;
      for (const [id, d] of current) {
        const before = original.get(id)!;
        if (d === before) continue;
        const saved = await this.save(d, before.version);
        if (!saved) throw new SatiotError(STATE, `downlink ${id} changed meanwhile; report again`, { downlinkId: id });
        current.set(id, saved);
        changed = true;
      }
      // A frame that left its contact frees room in it, and an upload moves its terminal's next deliveries.
      if (changed) await this.planLocked();
      return updates.map((u) => current.get(u.downlinkId)!);
    });
  }

  private async applyReport(d: DownlinkRecord, u: StatusUpdate, stationId: string): Promise<DownlinkRecord> {
    const ended = d.state === 'expired' || d.state === 'failed' || d.state === 'acknowledged';
    const step = (extra: Partial<DownlinkStep> = {}): DownlinkStep[] => [
      ...d.history,
      { state: u.status, at: u.at, stationId, ...extra },
    ];
    const refuse = (): never => {
      throw new SatiotError(STATE, `downlink ${d.id} is ${d.state}: it cannot be ${u.status}`, {
        downlinkId: d.id,
        state: d.state,
      });
    };
    switch (u.status) {
      case 'uploaded': {
        if (d.state !== 'queued' && d.state !== 'scheduled') return d; // already on board, or ended
        const plan = await this.onBoardPlan(d, stationId, u.at);
        return {
          ...d,
          state: 'uploaded',
          plan: plan.plan,
          eta: plan.eta,
          history: step({ satelliteId: plan.plan.satelliteId, ...(plan.eta !== null ? { eta: plan.eta } : {}) }),
        };
      }
      case 'transmitted':
        if (d.state === 'queued' || d.state === 'scheduled') return refuse();
        if (d.state !== 'uploaded') return d;
        return { ...d, state: 'transmitted', eta: u.at, history: step({ satelliteId: d.plan?.satelliteId }) };
      case 'failed':
        if (d.state === 'transmitted' || d.state === 'acknowledged') return refuse();
        if (ended) return d;
        return { ...d, state: 'failed', history: step() };
    }
  }

  /**
   * The route of a frame the station reports on board at `at`: the satellite it was scheduled on
   * through this station, delivered at that satellite's next contact with the terminal.
   */
  private async onBoardPlan(
    d: DownlinkRecord,
    stationId: string,
    at: number,
  ): Promise<{ plan: DownlinkPlan; eta: number | null }> {
    const current = d.plan?.stationId === stationId ? d.plan : undefined;
    const satelliteId =
      current?.satelliteId ??
      [...d.history].reverse().find((s) => s.state === 'scheduled' && s.stationId === stationId)!.satelliteId!;
    const entry = this.registry.byDevEui(d.devEui);
    const up: Contact = { id: 'reported', kind: 'station', stationId, satelliteId, start: at, end: at };
    let best: DownlinkRoute | undefined;
    for (const c of entry ? await this.contacts.terminalContacts(entry.record, at, at + this.o.horizonH * HOUR) : []) {
      const r = routeThrough(up, c, { readyAt: at, uploadS: 0, deliveryMarginS: this.o.deliveryMarginS });
      if (r && (!best || r.eta < best.eta)) best = r;
    }
    return {
      plan: {
        stationId,
        satelliteId,
        contactStart: current?.contactStart ?? at,
        contactEnd: current?.contactEnd ?? at,
        uploadAt: at,
        deliveryStart: best?.delivery.start ?? null,
        deliveryEnd: best?.delivery.end ?? null,
      },
      eta: best?.eta ?? null,
    };
  }

  /**
   * Plans every downlink that is queued, or scheduled in an upload contact that has not begun
   * (a schedule is final once its contact starts: the station may be uploading it). Frames already
   * committed take their contacts' capacity first and are delivered first to their terminal.
   */
  private async planLocked(): Promise<number> {
    const now = this.clock.now();
    const open = await this.store.listOpen();
    const movable = (d: DownlinkRecord) =>
      d.expiresAt > now &&
      (d.state === 'queued' || (d.state === 'scheduled' && d.plan !== null && d.plan.contactStart > now));
    // Iridium terminals are reached through the Iridium gateway's queue, not our contacts.
    const plannable = open.filter((d) => {
      const e = movable(d) && this.registry.byDevEui(d.devEui);
      return e && !isIridiumTerminal(e.record);
    });
    if (plannable.length === 0) return 0;
    const committed = open.filter((d) => !movable(d) && (d.state === 'scheduled' || d.state === 'uploaded'));
    const end = now + this.o.horizonH * HOUR;
    const stations = await this.contacts.stationContacts(now, end);
    const contactsOf = new Map<string, readonly Contact[]>();
    for (const d of plannable) {
      if (contactsOf.has(d.terminalId)) continue;
      contactsOf.set(d.terminalId, [
        ...stations,
        ...(await this.contacts.terminalContacts(this.registry.byDevEui(d.devEui)!.record, now, end)),
      ]);
    }
    const used = new Map<string, number>();
    const deliverAfter = new Map<string, number>();
    for (const d of committed) {
      const p = d.plan;
      const c =
        p && p.contactEnd > now
          ? stations.find((s) => overlaps(s, p.stationId, p.satelliteId, p.contactStart, p.contactEnd))
          : undefined;
      if (c) used.set(c.id, (used.get(c.id) ?? 0) + 1);
      if (d.eta !== null) deliverAfter.set(d.terminalId, Math.max(d.eta, deliverAfter.get(d.terminalId) ?? -Infinity));
    }
    const pending: PendingDownlink[] = plannable.map((d) => {
      const missed = d.history.flatMap((s) => (s.missedContact ? [s.missedContact] : []));
      const excluded = new Set(
        stations
          .filter((c) => missed.some((m) => overlaps(c, m.stationId, m.satelliteId, m.start, m.end)))
          .map((c) => c.id),
      );
      return {
        id: d.id,
        terminalKey: d.terminalId,
        priority: d.priority,
        createdAt: d.createdAt,
        deadline: d.expiresAt,
        excluded,
        ...(d.fCntDown !== null ? { sequence: d.fCntDown } : {}),
      };
    });
    const routes = scheduleDownlinks(pending, (k) => contactsOf.get(k) ?? [], {
      now,
      uploadS: this.o.uploadS,
      deliveryMarginS: this.o.deliveryMarginS,
      capacityPerContact: this.o.capacityPerContact,
      used,
      deliverAfter,
    });
    const byId = new Map(plannable.map((d) => [d.id, d]));
    // Counters along each terminal's deliveries (plan order is delivery order): a frame keeps its
    // counter while it is above every counter delivered before it, else it is framed anew.
    const last = new Map<string, number>();
    const idsOf = new Map<string, string[]>();
    for (const d of plannable) idsOf.set(d.terminalId, [...(idsOf.get(d.terminalId) ?? []), d.id]);
    for (const [terminalId, ids] of idsOf) last.set(terminalId, await this.store.maxCounter(terminalId, ids));
    let scheduled = 0;
    for (const { id, route } of routes) {
      const d = byId.get(id)!;
      if (!route) {
        if (d.state === 'scheduled')
          await this.save(
            {
              ...d,
              state: 'queued',
              plan: null,
              eta: null,
              history: [...d.history, { state: 'queued', at: now, reason: 'no-route' }],
            },
            d.version,
          );
        continue;
      }
      scheduled++;
      const floor = last.get(d.terminalId)!;
      let next: DownlinkRecord =
        d.fCntDown !== null && d.fCntDown > floor ? d : this.framed(d, await this.store.nextCounter(d.terminalId));
      const plan: DownlinkPlan = {
        stationId: route.upload.stationId!,
        satelliteId: route.upload.satelliteId,
        contactStart: route.upload.start,
        contactEnd: route.upload.end,
        uploadAt: route.uploadAt,
        deliveryStart: route.delivery.start,
        deliveryEnd: route.delivery.end,
      };
      const same =
        d.state === 'scheduled' &&
        next === d &&
        d.plan !== null &&
        d.eta !== null &&
        samePlan(d.plan, plan) &&
        Math.abs(d.eta - route.eta) < 1000;
      if (!same) {
        const step: DownlinkStep = {
          state: 'scheduled',
          at: now,
          stationId: plan.stationId,
          satelliteId: plan.satelliteId,
          eta: route.eta,
          ...(d.state === 'scheduled' ? { reason: 'replanned' } : {}),
        };
        next =
          (await this.save(
            { ...next, state: 'scheduled', plan, eta: route.eta, history: [...d.history, step] },
            d.version,
          )) ?? d;
      }
      if (next.fCntDown !== null) last.set(d.terminalId, next.fCntDown);
    }
    return scheduled;
  }

  /** `d` as a LoRaWAN data-down frame with counter `fCnt` under its terminal's session keys. */
  private framed(d: DownlinkRecord, fCnt: number): DownlinkRecord {
    const entry = this.registry.byDevEui(d.devEui);
    if (!entry) throw new SatiotError('TERMINAL_NOT_FOUND', `no terminal ${d.devEui}`);
    const phy = buildDataFrame(
      {
        mtype: d.confirmed ? 'confirmed-data-down' : 'unconfirmed-data-down',
        devAddr: entry.record.devAddr,
        fCnt32: fCnt,
        fPort: d.fPort,
        payload: d.payload,
      },
      entry.keys,
    );
    return { ...d, fCntDown: fCnt, phyPayload: phy };
  }

  /**
   * Stores `next` over version `expected` and publishes it; undefined when another writer changed the
   * row first. A counter another downlink took meanwhile is replaced by the next free one.
   */
  private async save(next: DownlinkRecord, expected: number): Promise<DownlinkRecord | undefined> {
    let d: DownlinkRecord = { ...next, version: expected + 1 };
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = d;
      const r = await this.events.run(async (tx, emit) => {
        const u = await tx.downlinks.update(current, expected);
        if (u === 'updated') emit(downlinkEvent(current));
        return u;
      });
      if (r === 'stale') return undefined;
      if (r === 'updated') return d;
      d = this.framed(d, await this.store.nextCounter(d.terminalId));
    }
    throw new Error(`downlink ${d.id}: its counter was taken five times in a row`);
  }

  /**
   * An uplink with the ACK bit acknowledges the terminal's last confirmed downlink on board before
   * the uplink was captured (the highest counter: LoRaWAN acknowledges the last one received).
   */
  handleUplink(m: BusMessage): Promise<void> {
    const e = decodeEvent(m);
    if (e?.type !== 'uplink' || !e.body.ack) return Promise.resolve();
    const { devEui, capturedAt } = e.body;
    return this.serial(async () => {
      const entry = this.registry.byDevEui(devEui);
      if (!entry) return;
      const d = (await this.store.awaitingAck(entry.record.id)).find(
        (x) => (stepAt(x, 'uploaded') ?? Infinity) <= capturedAt,
      );
      if (!d) return;
      await this.save(
        { ...d, state: 'acknowledged', history: [...d.history, { state: 'acknowledged', at: capturedAt }] },
        d.version,
      );
    });
  }

  /** A rule's downlink request: queued once per alarm; a request that can never be queued is dropped. */
  async handleRequest(m: BusMessage): Promise<void> {
    const ev = decodeEvent(m);
    if (ev?.type !== 'downlink-request') return;
    const { alarmId, devEui, fPort, payloadHex, confirmed, priority } = ev.body as unknown as Record<string, unknown>;
    if (
      typeof alarmId !== 'string' ||
      typeof devEui !== 'string' ||
      typeof fPort !== 'number' ||
      typeof payloadHex !== 'string' ||
      !/^(?:[0-9a-fA-F]{2})*$/.test(payloadHex)
    )
      return;
    const decisionId =
      typeof (ev.body as { decisionId?: unknown }).decisionId === 'string'
        ? (ev.body as { decisionId: string }).decisionId
        : undefined;
    const terminal = this.registry.byDevEui(devEui.toLowerCase())?.record;
    const wanted: DownlinkPriority = priority === 'emergency' ? 'emergency' : 'normal';
    if (terminal) {
      try {
        await this.admitRequest(terminal.tenantId, terminal.devEui, wanted);
      } catch (err) {
        if (!isSatiotError(err)) throw err;
        if (decisionId) await this.onRequestRefused?.(decisionId, err.code, err.message);
        return;
      }
    }
    try {
      await this.enqueue(devEui, {
        alarmId,
        fPort,
        payload: new Uint8Array(Buffer.from(payloadHex, 'hex')),
        confirmed: confirmed === true,
        priority: priority === 'emergency' ? 'emergency' : 'normal',
      });
    } catch (err) {
      // Unknown terminal or bad fields: redelivery would not help. The decision that asked is told.
      if (isSatiotError(err)) {
        if (decisionId) await this.onRequestRefused?.(decisionId, err.code, err.message);
        return;
      }
      throw err;
    }
  }

  /** Told when a decision's downlink request is refused (set by the core: the decision then fails). */
  onRequestRefused: ((decisionId: string, code: string, message: string) => Promise<void>) | undefined;
}

function samePlan(a: DownlinkPlan, b: DownlinkPlan): boolean {
  return (
    a.stationId === b.stationId &&
    a.satelliteId === b.satelliteId &&
    Math.abs(a.contactStart - b.contactStart) < 1000 &&
    Math.abs(a.uploadAt - b.uploadAt) < 1000
  );
}

/** A downlink's change as its event (one id per stored version). */
function downlinkEvent(d: DownlinkRecord): OutboxEvent {
  const e: DownlinkEvent = { kind: 'downlink', action: d.state, downlink: downlinkView(d) };
  return {
    id: downlinkEventId(d.id, d.version),
    subject: downlinkSubject(d.tenantId, d.devEui),
    data: Buffer.from(JSON.stringify(e)),
  };
}
