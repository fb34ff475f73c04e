import { randomUUID } from 'node:crypto';
import {
  decryptPayload,
  FrameError,
  parseDataFrame,
  rebuildFCnt32,
  verifyMic,
  type DataFrame,
} from '../frame/index.js';
import type { Clock } from './ports/clock.js';
import { SatiotError } from '../errors/satiot-error.js';
import { CounterConflictError, StaleTerminalError, type IngestWrite, type Store } from './ports/store.js';
import type { OutboxEvent } from './ports/outbox-store.js';
import {
  isTerrestrialGateway,
  type ReportedPosition,
  type GroundStationRecord,
  type MessageRecord,
  type Reception,
  type RejectionCode,
  type TerminalCounters,
} from './model.js';
import type { RegistryEntry, TerminalRegistry } from './terminal-registry.js';
import type { IngestMetrics } from './ingest-metrics.js';
import type { ReplayWindow } from './replay-window.js';
import { messageIdOf } from './message-id.js';
import { receptionSummarySubject, rejectionSubject } from './events/subjects.js';
import {
  rejectionEvent,
  SECURITY_REJECTIONS,
  type RejectionContext,
  type RejectionEvent,
} from './events/rejection-event.js';
import { summariseReceptions } from './events/reception-summary-event.js';
import { DEFAULT_MIC_THROTTLE, MicThrottle, type MicThrottlePolicy } from './mic-throttle.js';

/**
 * One frame as a station hands it in: a satellite ground station through the Gateway API, or a
 * terrestrial LoRa gateway through the Semtech UDP server (`satelliteId` empty: no satellite hop;
 * capture = the gateway's GPS time when it has one, downlinked = receipt).
 */
export interface UplinkFrameInput {
  readonly phyPayload: string;
  readonly satelliteId: string;
  readonly capturedAt: string;
  readonly downlinkedAt: string;
  readonly rssi?: number;
  readonly snr?: number;
  readonly frequencyOffsetHz?: number;
  /** Carrier frequency, MHz (terrestrial gateways report it). */
  readonly frequencyMHz?: number;
  /** LoRa data rate, e.g. "SF12BW125" (terrestrial gateways report it). */
  readonly dataRate?: string;
  /**
   * An Iridium SBD session the Iridium gateway handed in over DirectIP (`phyPayload` empty, the
   * station the Iridium gateway's): no LoRaWAN frame — the terminal is known by its IMEI, the
   * network authenticated it, and its 16-bit MOMSN is the uplink counter.
   */
  readonly sbd?: SbdSession;
}

/** What an Iridium MO session carries that a LoRaWAN frame would. */
export interface SbdSession {
  readonly imei: string;
  /** MO message sequence number, u16: extended to 32 bits like a LoRaWAN FCnt. */
  readonly momsn: number;
  readonly payload: Uint8Array;
}

/** Largest Iridium MO payload (the 9522B; the 9602/9603 send at most 340 bytes). */
const MAX_SBD_PAYLOAD = 1_960;

export interface FrameResult {
  readonly status: 'accepted' | 'duplicate' | 'rejected';
  readonly code?: RejectionCode;
  readonly messageId?: string;
}

export interface IngestOptions {
  /** How long a seen counter is merged as a duplicate copy before it counts as a replay (default 48 h). */
  readonly dedupWindowMs?: number;
  /** Tolerated clock skew between station, satellite and core (default 10 min). */
  readonly clockSkewMs?: number;
  /** Oldest capture time accepted, relative to now (default 30 days: store-and-forward, not archaeology). */
  readonly maxAgeMs?: number;
  /**
   * Group commit: batches that queue up while one is being written are decided and committed
   * together, up to this many frames (default 8,000). One transaction then writes each hot index
   * page and each terminal's counters once for the group instead of once per batch.
   */
  readonly maxGroupFrames?: number;
  /**
   * Bad MICs a DevAddr or a station may cost before its frames are refused unchecked as
   * MIC_THROTTLED for a cool-down (src/core/mic-throttle.ts; per node); `false`: never.
   */
  readonly micThrottle?: Partial<MicThrottlePolicy> | false;
}

/** A station's batch waiting for its turn. */
interface Waiting {
  readonly station: GroundStationRecord;
  readonly frames: readonly UplinkFrameInput[];
  readonly resolve: (results: FrameResult[]) => void;
  readonly reject: (e: unknown) => void;
}

/**
 * The sessions of a shared DevAddr in the order to try their MIC: nearest first from the counter
 * each expects next to the frame's (16 bits, forward: a terminal's counter only grows), ties in the
 * registry's order (the last matched first). The frame's own session is then the first tried in the
 * common case: one MIC computation per frame however many terminals share the address.
 */
function likelyFirst(
  candidates: readonly RegistryEntry[],
  fCnt16: number,
  windows: ReadonlyMap<RegistryEntry, ReplayWindow>,
): RegistryEntry[] {
  const gap = (c: RegistryEntry) => (fCnt16 - ((windows.get(c) ?? c.window).top + 1)) & 0xffff;
  return candidates
    .map((c) => ({ c, d: gap(c) }))
    .sort((a, b) => a.d - b.d)
    .map((x) => x.c);
}

/** A group found DevAddrs the registry did not know that the store does: decide it again with them. */
class RegistryRefreshed extends Error {}

/** Security-relevant rejections published per ingest group (the anomaly thresholds are a handful). */
const MAX_REJECTION_EVENTS = 500;
const MAX_PHY_BASE64 = 344; // 255 bytes of base64 (340) plus slack for padding/whitespace

/** The decision about one frame before the batch is written. */
interface Pending {
  readonly index: number;
  readonly entry: RegistryEntry;
  /** The LoRaWAN frame; null for an Iridium session. */
  readonly frame: DataFrame | null;
  /** An Iridium session's payload (in the clear). */
  readonly plain?: Uint8Array;
  readonly fCnt: number;
  /** The counter the message is stored under: the terminal's counter epoch × 2³² + fCnt. */
  readonly counter: number;
  readonly messageId: string;
  readonly reception: Reception;
  /** 'new': first copy; 'seen': counter already accepted, dedup window decides. */
  readonly kind: 'new' | 'seen';
}

/** A group decided and waiting for (or in) its commit. */
interface Decision {
  readonly group: readonly Waiting[];
  readonly write: IngestWrite;
  readonly perBatch: FrameResult[][];
  /** Each touched terminal's window after the group, with what it replaced (to undo a failed commit). */
  readonly windows: ReadonlyArray<{
    entry: RegistryEntry;
    window: ReplayWindow;
    before: ReplayWindow;
    versionBefore: number;
  }>;
  readonly stopTimer?: () => void;
}

/** A group handed to the store, and how its commit ended once it has. */
interface InFlight {
  readonly decision: Decision;
  settled: Promise<void>;
  outcome?: { ok: true } | { ok: false; e: unknown };
}

/**
 * The ingest pipeline: parse → find the session → MIC → de-duplicate → anti-replay → decrypt →
 * store → acknowledge. A batch is decided in memory (the registry holds sessions and counter
 * windows), written in one durable transaction together with its events (uplinks, security
 * rejections, reception summaries: the outbox), and only then answered; the outbox relay publishes
 * the events, and ingest never waits for it — a bus that is down delays events, never ingest.
 * Batches run one at a time per core so that counter windows advance in order; a concurrent writer
 * elsewhere (another core on the same PostgreSQL) is detected by the counters' versions and the
 * batch is decided again, as it is when a terminal it names was deleted or registered through
 * another node (the registry reloads them first).
 */
export class IngestPipeline {
  private readonly dedupWindowMs: number;
  private readonly clockSkewMs: number;
  private readonly maxAgeMs: number;
  private readonly maxGroupFrames: number;
  private readonly micThrottle: MicThrottle | undefined;
  /** Batches waiting for the writer, in arrival order. */
  private waiting: Waiting[] = [];
  private draining = false;
  /** Wakes a drain that waits for a commit when a batch arrives meanwhile. */
  private arrived: (() => void) | undefined;
  /** ingestedAt of recent messages, to judge duplicates without a store round trip. */
  private readonly recent = new Map<string, number>();
  private static readonly RECENT_MAX = 200_000;
  /** Groups handed to a store that commits in call order before the first of them is durable. */
  private static readonly MAX_IN_FLIGHT = 4;

  constructor(
    private readonly store: Store,
    private readonly registry: TerminalRegistry,
    private readonly clock: Clock,
    private readonly metrics?: IngestMetrics,
    opts: IngestOptions = {},
    /** Called after a commit that wrote events (the relay's wake-up). */
    private readonly onEvents: () => void = () => undefined,
  ) {
    this.dedupWindowMs = opts.dedupWindowMs ?? 48 * 3_600_000;
    this.clockSkewMs = opts.clockSkewMs ?? 10 * 60_000;
    this.maxAgeMs = opts.maxAgeMs ?? 30 * 86_400_000;
    this.maxGroupFrames = opts.maxGroupFrames ?? 8000;
    this.micThrottle =
      opts.micThrottle === false ? undefined : new MicThrottle({ ...DEFAULT_MIC_THROTTLE, ...opts.micThrottle });
  }

  /**
   * Stores where another network placed terminals for messages it just handed in (Iridium's MO
   * location), before the handing in is confirmed. Throws MESSAGE_NOT_FOUND for a message that is not stored.
   */
  async reportPositions(
    ps: ReadonlyArray<{ readonly messageId: string; readonly position: ReportedPosition }>,
  ): Promise<void> {
    const missing = await this.store.messages.saveReportedPositions(ps);
    if (missing.length > 0)
      throw new SatiotError('MESSAGE_NOT_FOUND', `No message ${missing[0]}.`, { messageId: missing[0] });
  }

  /** Counts frames refused before any processing because the station was not recognised. */
  countUnauthorized(frames: number): void {
    this.metrics?.frames.inc({ status: 'rejected', code: 'UNAUTHORIZED_STATION', station: '' }, frames);
  }

  /**
   * Processes a batch; resolves with one result per frame, in order, once accepted frames and their
   * events are durable. Batches are decided and committed one group at a time, in arrival order, so
   * counter windows advance in order.
   */
  ingest(station: GroundStationRecord, frames: readonly UplinkFrameInput[]): Promise<FrameResult[]> {
    return new Promise<FrameResult[]>((resolve, reject) => {
      this.waiting.push({ station, frames, resolve, reject });
      this.arrived?.();
      if (!this.draining) void this.drain();
    });
  }

  /**
   * Writes waiting batches, a group at a time, until none is left. Deciding and committing overlap:
   * while a group's commit is in flight (on the store's writer thread, or a database round trip
   * away), the next group is decided on top of that group's outcome, taken as given (windows and
   * recent message ids moved forward at once). A store that commits in call order
   * (`Store.ingestInOrder`) is handed up to MAX_IN_FLIGHT groups at once, so its writer goes from
   * one to the next without waiting for this thread; any other store gets the next group once the
   * one before is durable. A commit that fails undoes every group decided on top of it (they fail
   * too, or have not been handed over), settles its own group alone, and puts the others back at the
   * head of the queue to be decided again.
   */
  private async drain(): Promise<void> {
    this.draining = true;
    const inFlight: InFlight[] = [];
    /** Decided, waiting for room in flight. */
    let ready: Decision | undefined;
    /** A group that could not be decided: settled batch by batch after the groups ahead of it. */
    let undecided: { group: readonly Waiting[]; e: unknown } | undefined;
    const room = this.store.ingestInOrder ? IngestPipeline.MAX_IN_FLIGHT : 1;
    try {
      while (this.waiting.length > 0 || inFlight.length > 0 || ready || undecided) {
        // Durable groups are answered in order; a failed one undoes everything decided after it.
        while (inFlight[0]?.outcome) {
          const head = inFlight.shift()!,
            outcome = head.outcome!;
          if (outcome.ok) {
            this.finish(head.decision).forEach((rs, k) => head.decision.group[k]!.resolve(rs));
            continue;
          }
          const later = inFlight.splice(0);
          // Handed over after the failed one: the store fails them too; wait for that before deciding them again.
          await Promise.all(later.map((x) => x.settled));
          const redo = [...later.map((x) => x.decision), ...(ready ? [ready] : [])];
          ready = undefined;
          for (const d of [...redo].reverse()) this.undo(d);
          this.undo(head.decision);
          this.waiting.unshift(...redo.flatMap((d) => d.group));
          await this.settle(head.decision.group, outcome.e);
        }
        if (undecided) {
          await this.settle(undecided.group, undecided.e);
          undecided = undefined;
        }
        if (ready && inFlight.length < room) {
          inFlight.push(this.handOver(ready));
          ready = undefined;
        }
        if (!ready && this.waiting.length > 0) {
          // Let batches that arrived in the same tick join the group.
          await new Promise<void>((r) => setImmediate(r));
          const group = this.takeGroup(inFlight.length === 0);
          try {
            ready = await this.decide(group);
            this.apply(ready);
          } catch (e) {
            // Deciding reads the store only for lookups; when even that fails, each batch is tried alone once the
            // commits ahead are answered.
            await Promise.all(inFlight.map((x) => x.settled));
            undecided = { group, e };
          }
          continue;
        }
        if (inFlight.length > 0) {
          // Whichever comes first: the oldest commit, or (with room to decide) a new batch.
          const waits: Array<Promise<unknown>> = [inFlight[0]!.settled];
          if (!ready)
            waits.push(
              new Promise<void>((r) => {
                this.arrived = r;
              }),
            );
          await Promise.race(waits);
          this.arrived = undefined;
        }
      }
    } finally {
      this.draining = false;
    }
  }

  /** Starts a decided group's commit, remembering its outcome. */
  private handOver(decision: Decision): InFlight {
    const x: InFlight = { decision, settled: Promise.resolve() };
    x.settled = this.commit(decision).then(
      () => {
        x.outcome = { ok: true };
      },
      (e: unknown) => {
        x.outcome = { ok: false, e };
      },
    );
    return x;
  }

  /**
   * The next group: waiting batches in arrival order, up to maxGroupFrames (at least one batch).
   * `idle` (no commit in flight): only the first half of them, so that the other half is decided
   * while the first commits rather than after it — the two stages overlap from the start.
   */
  private takeGroup(idle: boolean): Waiting[] {
    const most = idle && this.waiting.length > 1 ? Math.ceil(this.waiting.length / 2) : this.waiting.length;
    let take = 1,
      n = this.waiting[0]!.frames.length;
    while (take < most && n + this.waiting[take]!.frames.length <= this.maxGroupFrames)
      n += this.waiting[take++]!.frames.length;
    return this.waiting.splice(0, take);
  }

  /**
   * A group whose first commit failed with `first`: after the reload that error calls for, decided
   * and committed again on its own (ingestGroup's retries); when that fails too, each of its batches
   * alone, so one batch's failure does not fail the others it was grouped with.
   */
  private async settle(group: readonly Waiting[], first: unknown): Promise<void> {
    try {
      if (!(await this.reloadFor(first))) throw first;
      const outs = await this.ingestGroup(group);
      group.forEach((w, k) => w.resolve(outs[k]!));
    } catch (e) {
      if (group.length === 1) {
        group[0]!.reject(e);
        return;
      }
      for (const w of group) {
        try {
          w.resolve((await this.ingestGroup([w]))[0]!);
        } catch (e1) {
          w.reject(e1);
        }
      }
    }
  }

  /** Reloads what a failed commit found stale; false when the error is not one a reload cures. */
  private async reloadFor(e: unknown): Promise<boolean> {
    if (e instanceof CounterConflictError)
      await Promise.all(e.terminalIds.map((id) => this.registry.reloadCounters(id)));
    else if (e instanceof StaleTerminalError)
      await Promise.all(e.terminalIds.map((id) => this.registry.reloadById(id)));
    else return false;
    return true;
  }

  /** Decides, commits and finishes one group alone, deciding again after a conflict (at most 5 commits). */
  private async ingestGroup(group: readonly Waiting[]): Promise<FrameResult[][]> {
    for (let attempt = 0; ; attempt++) {
      const d = await this.decide(group);
      this.apply(d);
      try {
        await this.commit(d);
      } catch (e) {
        this.undo(d);
        if (attempt >= 4 || !(await this.reloadFor(e))) throw e;
        continue;
      }
      return this.finish(d);
    }
  }

  /** Decides a group; when it named DevAddrs the store knows and the registry did not, once more with them loaded. */
  private async decide(group: readonly Waiting[]): Promise<Decision> {
    const stopTimer = this.metrics?.batchSeconds.startTimer();
    try {
      return { ...(await this.decideGroup(group, true)), stopTimer };
    } catch (e) {
      if (!(e instanceof RegistryRefreshed)) throw e;
      return { ...(await this.decideGroup(group, false)), stopTimer };
    }
  }

  /** Takes a decided group as given: its windows and new message ids become the state the next group is decided on. */
  private apply(d: Decision): void {
    for (const { entry, window } of d.windows) {
      entry.window = window;
      entry.version += 1;
    }
    for (const m of d.write.newMessages) this.remember(m.id, m.ingestedAt);
  }

  /** Undoes apply() of a group whose commit failed (entries reloaded meanwhile are left as reloaded). */
  private undo(d: Decision): void {
    for (let k = d.windows.length - 1; k >= 0; k--) {
      const { entry, window, before, versionBefore } = d.windows[k]!;
      if (entry.window === window) {
        entry.window = before;
        entry.version = versionBefore;
      }
    }
    for (const m of d.write.newMessages) this.recent.delete(m.id);
  }

  private async commit(d: Decision): Promise<void> {
    await this.store.commitIngest(d.write);
    if (d.write.events?.length || d.write.newMessages.length > 0) this.onEvents();
  }

  /** A group is durable: count it; its results per batch. */
  private finish(d: Decision): FrameResult[][] {
    if (this.metrics) {
      // A message first heard by a terrestrial gateway had no satellite hop: its latency is a path of its own.
      const ground = new Set<string>();
      d.group.forEach((w, k) => {
        const path = isTerrestrialGateway(w.station) ? 'terrestrial' : 'satellite';
        this.metrics!.countBatch(w.station.id, d.perBatch[k]!, path);
        if (path === 'terrestrial')
          for (const r of d.perBatch[k]!) if (r.status === 'accepted' && r.messageId) ground.add(r.messageId);
      });
      for (const m of d.write.newMessages) {
        if (ground.has(m.id)) this.metrics.observeTerrestrial(Math.max(0, (m.ingestedAt - m.capturedAt) / 1000));
        else
          this.metrics.observeHops(
            Math.max(0, (m.downlinkedAt - m.capturedAt) / 1000),
            Math.max(0, (m.ingestedAt - m.downlinkedAt) / 1000),
          );
      }
    }
    d.stopTimer?.();
    return d.perBatch;
  }

  /**
   * Decides a group of batches as one sequence of frames (in arrival order): the one transaction
   * that will write it, and each batch's results. Changes nothing here (apply() does). `lookUp`:
   * DevAddrs nobody here knows are looked up in the store first (a terminal registered through
   * another node a moment ago); when that finds any, RegistryRefreshed says to decide again.
   */
  private async decideGroup(group: readonly Waiting[], lookUp: boolean): Promise<Omit<Decision, 'stopTimer'>> {
    const now = this.clock.now();
    const total = group.reduce((n, w) => n + w.frames.length, 0);
    const results: FrameResult[] = new Array(total);
    const pending: Pending[] = [];
    // Windows as they stand after the frames already decided in this group.
    const windows = new Map<RegistryEntry, ReplayWindow>();
    // Security-relevant rejections go on the bus (satiot.rejected.<station>) for anomaly detection.
    const rejected: RejectionEvent[] = [];
    const reject = (i: number, code: RejectionCode, ctx?: RejectionContext): void => {
      results[i] = { status: 'rejected', code };
      // At most MAX_REJECTION_EVENTS a group: a flood of forged frames must not become a flood of publishes (thresholds
      // are far lower).
      if (ctx && SECURITY_REJECTIONS.has(code) && rejected.length < MAX_REJECTION_EVENTS)
        rejected.push({ kind: 'rejected', code, receivedAt: now, ...ctx });
    };

    let i = 0;
    const unknownAddrs = new Set<string>();
    for (const { station, frames } of group) {
      this.micThrottle?.heard(station.id, frames.length, now);
      for (const f of frames) this.decideFrame(f, i++, station, now, windows, pending, reject, unknownAddrs);
    }
    if (lookUp && unknownAddrs.size > 0 && (await this.registry.loadByDevAddr([...unknownAddrs])) > 0)
      throw new RegistryRefreshed();

    // Seen counters: a copy of a message is a duplicate while the message is recent, a replay after.
    const newInBatch = new Set(pending.filter((p) => p.kind === 'new').map((p) => p.messageId));
    const unknown = pending
      .filter((p) => p.kind === 'seen' && !newInBatch.has(p.messageId) && !this.recent.has(p.messageId))
      .map((p) => p.messageId);
    const looked = unknown.length
      ? await this.store.messages.ingestedAt([...new Set(unknown)])
      : new Map<string, number>();

    const receptions: Reception[] = [];
    const earlier = new Map<string, { messageId: string; capturedAt: number; downlinkedAt: number }>();
    /** New messages in first-seen order (a Map keeps insertion order when a record is replaced). */
    const newById = new Map<string, MessageRecord>();
    for (const p of pending) {
      if (p.kind === 'new' && !newById.has(p.messageId)) {
        const m: MessageRecord = {
          id: p.messageId,
          tenantId: p.entry.record.tenantId,
          terminalId: p.entry.record.id,
          devEui: p.entry.record.devEui,
          fCnt: p.counter,
          fPort: p.frame?.fPort ?? null,
          payload: p.frame ? decryptPayload(p.frame, p.fCnt, p.entry.keys) : p.plain!,
          confirmed: p.frame?.mtype === 'confirmed-data-up',
          ack: p.frame?.ack ?? false,
          capturedAt: p.reception.capturedAt,
          downlinkedAt: p.reception.downlinkedAt,
          ingestedAt: now,
        };
        newById.set(m.id, m);
        receptions.push(p.reception);
        results[p.index] = { status: 'accepted', messageId: p.messageId };
        continue;
      }
      const first = newById.get(p.messageId);
      const ingestedAt = first ? first.ingestedAt : (this.recent.get(p.messageId) ?? looked.get(p.messageId));
      if (ingestedAt === undefined || now - ingestedAt > this.dedupWindowMs) {
        // Accepted once but gone from the store, or older than the dedup window: a replay.
        reject(p.index, 'REPLAYED_COUNTER', {
          stationId: p.reception.stationId,
          satelliteId: p.reception.satelliteId,
          capturedAt: p.reception.capturedAt,
          downlinkedAt: p.reception.downlinkedAt,
          devAddr: p.frame?.devAddr ?? '',
          devEui: p.entry.record.devEui,
          tenantId: p.entry.record.tenantId,
          fCnt: p.fCnt,
        });
        continue;
      }
      receptions.push(p.reception);
      if (first) {
        // A second copy in the same group: keep the earliest hop times on the new record.
        if (p.reception.capturedAt < first.capturedAt || p.reception.downlinkedAt < first.downlinkedAt) {
          const m = {
            ...first,
            capturedAt: Math.min(first.capturedAt, p.reception.capturedAt),
            downlinkedAt: Math.min(first.downlinkedAt, p.reception.downlinkedAt),
          };
          newById.set(m.id, m);
        }
      } else {
        const e = earlier.get(p.messageId);
        earlier.set(p.messageId, {
          messageId: p.messageId,
          capturedAt: Math.min(e?.capturedAt ?? Infinity, p.reception.capturedAt),
          downlinkedAt: Math.min(e?.downlinkedAt ?? Infinity, p.reception.downlinkedAt),
        });
      }
      results[p.index] = { status: 'duplicate', messageId: p.messageId };
    }

    const counters: Array<{ state: TerminalCounters; expectedVersion: number }> = [];
    for (const [entry, w] of windows) {
      counters.push({
        state: {
          terminalId: entry.record.id,
          fCntUpTop: w.top,
          windowBits: w.toHex(),
          fCntDown: entry.fCntDown,
          version: entry.version + 1,
        },
        expectedVersion: entry.version,
      });
    }
    // Each batch's results, and its rejections tallied per station and code.
    const perBatch: FrameResult[][] = [];
    const tallies = new Map<string, Map<RejectionCode, number>>();
    let at = 0;
    for (const { station, frames } of group) {
      const rs = results.slice(at, (at += frames.length));
      perBatch.push(rs);
      let t = tallies.get(station.id);
      if (!t) tallies.set(station.id, (t = new Map()));
      for (const r of rs) if (r.status === 'rejected') t.set(r.code!, (t.get(r.code!) ?? 0) + 1);
    }
    const newMessages = [...newById.values()];
    const events: OutboxEvent[] = [];
    for (const r of rejected)
      events.push({ id: `rejected:${randomUUID()}`, subject: rejectionSubject(r.stationId), data: rejectionEvent(r) });
    if (receptions.length > 0) {
      for (const e of summariseReceptions(receptions, now))
        events.push({
          id: `received:${randomUUID()}`,
          subject: receptionSummarySubject(e.stationId),
          data: Buffer.from(JSON.stringify(e)),
        });
    }
    const write: IngestWrite = {
      newMessages,
      uplinkEvents: true,
      receptions,
      earlierTimes: [...earlier.values()],
      counters,
      rejections: [...tallies].flatMap(([stationId, t]) => [...t].map(([code, count]) => ({ stationId, code, count }))),
      events,
      eventsAt: Date.now(),
      at: this.clock.now(),
    };
    return {
      group,
      write,
      perBatch,
      windows: [...windows].map(([entry, window]) => ({
        entry,
        window,
        before: entry.window,
        versionBefore: entry.version,
      })),
    };
  }

  /** One frame's decision: rejected now, or pending with its session, counter and kind. */
  private decideFrame(
    f: UplinkFrameInput,
    i: number,
    station: GroundStationRecord,
    now: number,
    windows: Map<RegistryEntry, ReplayWindow>,
    pending: Pending[],
    reject: (i: number, code: RejectionCode, ctx?: RejectionContext) => void,
    unknownAddrs: Set<string>,
  ): void {
    const meta = this.checkReception(f, station, now);
    if (typeof meta === 'string') return reject(i, meta);
    if (f.sbd) return this.decideSbd(f, f.sbd, i, station, meta, now, windows, pending, reject);
    let frame: DataFrame;
    try {
      frame = parseDataFrame(meta.bytes);
    } catch (e) {
      if (e instanceof FrameError) return reject(i, (e as FrameError).code);
      throw e;
    }
    if (!frame.uplink) return reject(i, 'UNSUPPORTED_FRAME');
    const candidates = this.registry.byDevAddr(frame.devAddr);
    if (candidates.length === 0) {
      unknownAddrs.add(frame.devAddr);
      return reject(i, 'UNKNOWN_TERMINAL');
    }
    if (this.micThrottle?.throttled(frame.devAddr, station.id, now)) return reject(i, 'MIC_THROTTLED');
    let entry: RegistryEntry | undefined,
      fCnt = 0;
    for (const c of candidates.length > 1 ? likelyFirst(candidates, frame.fCnt16, windows) : candidates) {
      const w = windows.get(c) ?? c.window;
      const n = rebuildFCnt32(frame.fCnt16, w.top);
      if (verifyMic(frame, n, c.keys)) {
        entry = c;
        fCnt = n;
        break;
      }
    }
    if (entry && candidates.length > 1) this.registry.matched(entry);
    const ctx = (e?: RegistryEntry, n?: number): RejectionContext => ({
      stationId: station.id,
      satelliteId: f.satelliteId,
      capturedAt: meta.capturedAt,
      downlinkedAt: meta.downlinkedAt,
      devAddr: frame.devAddr,
      ...(e ? { devEui: e.record.devEui, tenantId: e.record.tenantId } : {}),
      ...(n !== undefined ? { fCnt: n } : {}),
    });
    // A bad MIC names the terminal when only one has this DevAddr.
    if (!entry) {
      this.micThrottle?.failed(frame.devAddr, station.id, now);
      return reject(i, 'BAD_MIC', ctx(candidates.length === 1 ? candidates[0] : undefined));
    }
    this.admit(f, i, station, meta, now, entry, fCnt, { frame }, windows, pending, (code) =>
      reject(i, code, ctx(entry, fCnt)),
    );
  }

  /**
   * The checks every copy passes once its terminal and counter are known (a LoRaWAN frame after its
   * MIC, an Iridium session by its IMEI): station, lifecycle, anti-replay window; then pending with
   * its reception.
   */
  private admit(
    f: UplinkFrameInput,
    i: number,
    station: GroundStationRecord,
    meta: { capturedAt: number; downlinkedAt: number },
    now: number,
    entry: RegistryEntry,
    fCnt: number,
    body: { frame: DataFrame } | { plain: Uint8Array },
    windows: Map<RegistryEntry, ReplayWindow>,
    pending: Pending[],
    refuse: (code: RejectionCode) => void,
  ): void {
    // A tenant's own gateway is that tenant's: it carries no other tenant's terminals.
    if (station.tenantId !== undefined && station.tenantId !== entry.record.tenantId)
      return refuse('UNAUTHORIZED_STATION');
    if (entry.record.status !== 'approved') return refuse('TERMINAL_NOT_APPROVED');
    if (!entry.record.enabled) return refuse('TERMINAL_DISABLED');
    let w = windows.get(entry);
    if (!w) {
      w = entry.window.clone();
      windows.set(entry, w);
    }
    const cls = w.classify(fCnt);
    if (cls === 'below') return refuse('REPLAYED_COUNTER');
    const counter = entry.epoch * 2 ** 32 + fCnt;
    const messageId = messageIdOf(entry.record.id, counter);
    const reception: Reception = {
      messageId,
      stationId: station.id,
      satelliteId: f.satelliteId,
      capturedAt: meta.capturedAt,
      downlinkedAt: meta.downlinkedAt,
      receivedAt: now,
      rssi: f.rssi ?? null,
      snr: f.snr ?? null,
      frequencyOffsetHz: f.frequencyOffsetHz ?? null,
      ...(f.frequencyMHz !== undefined ? { frequencyMHz: f.frequencyMHz } : {}),
      ...(f.dataRate !== undefined ? { dataRate: f.dataRate } : {}),
    };
    if (cls === 'new') w.acceptInPlace(fCnt);
    pending.push({
      index: i,
      entry,
      ...('frame' in body ? { frame: body.frame } : { frame: null, plain: body.plain }),
      fCnt,
      counter,
      messageId,
      reception,
      kind: cls,
    });
  }

  /**
   * An Iridium session's decision: the terminal by IMEI, the MOMSN extended to 32 bits over its
   * window (a session the gateway delivers again — it does until we confirm — is a duplicate copy).
   */
  private decideSbd(
    f: UplinkFrameInput,
    sbd: SbdSession,
    i: number,
    station: GroundStationRecord,
    meta: { capturedAt: number; downlinkedAt: number },
    now: number,
    windows: Map<RegistryEntry, ReplayWindow>,
    pending: Pending[],
    reject: (i: number, code: RejectionCode, ctx?: RejectionContext) => void,
  ): void {
    const entry = this.registry.byImei(sbd.imei);
    if (!entry) return reject(i, 'UNKNOWN_TERMINAL');
    const fCnt = rebuildFCnt32(sbd.momsn, (windows.get(entry) ?? entry.window).top);
    const ctx: RejectionContext = {
      stationId: station.id,
      satelliteId: f.satelliteId,
      capturedAt: meta.capturedAt,
      downlinkedAt: meta.downlinkedAt,
      devAddr: '',
      devEui: entry.record.devEui,
      tenantId: entry.record.tenantId,
      fCnt,
    };
    this.admit(f, i, station, meta, now, entry, fCnt, { plain: sbd.payload }, windows, pending, (code) =>
      reject(i, code, ctx),
    );
  }

  /** Reception metadata and payload size checks; the decoded bytes and times when all is well. */
  private checkReception(
    f: UplinkFrameInput,
    station: GroundStationRecord,
    now: number,
  ):
    | { bytes: Uint8Array; capturedAt: number; downlinkedAt: number }
    | 'FRAME_TOO_LARGE'
    | 'MALFORMED_FRAME'
    | 'INVALID_RECEPTION' {
    // An Iridium session comes only from the Iridium gateway, and the Iridium gateway hands in nothing else.
    if ((f.sbd !== undefined) !== (station.network === 'iridium-sbd')) return 'INVALID_RECEPTION';
    if (
      f.sbd &&
      (!(f.sbd.payload instanceof Uint8Array) ||
        !Number.isInteger(f.sbd.momsn) ||
        f.sbd.momsn < 0 ||
        f.sbd.momsn > 0xffff)
    )
      return 'MALFORMED_FRAME';
    if (f.sbd && f.sbd.payload.length > MAX_SBD_PAYLOAD) return 'FRAME_TOO_LARGE';
    if (typeof f.phyPayload !== 'string') return 'MALFORMED_FRAME';
    if (f.phyPayload.length > MAX_PHY_BASE64) return 'FRAME_TOO_LARGE';
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(f.phyPayload) || f.phyPayload.length % 4 === 1) return 'MALFORMED_FRAME';
    const bytes = new Uint8Array(Buffer.from(f.phyPayload, 'base64'));
    if (bytes.length > 255) return 'FRAME_TOO_LARGE';
    if (typeof f.capturedAt !== 'string' || typeof f.downlinkedAt !== 'string') return 'INVALID_RECEPTION';
    for (const [v, lim] of [
      [f.rssi, 200],
      [f.snr, 50],
      [f.frequencyOffsetHz, 1e6],
      [f.frequencyMHz, 10_000],
    ] as const) {
      if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v) || Math.abs(v) > lim))
        return 'INVALID_RECEPTION';
    }
    const capturedAt = Date.parse(f.capturedAt),
      downlinkedAt = Date.parse(f.downlinkedAt);
    if (!Number.isFinite(capturedAt) || !Number.isFinite(downlinkedAt)) return 'INVALID_RECEPTION';
    // A terrestrial gateway's copy had no satellite hop; a ground station's always names its satellite.
    if (
      typeof f.satelliteId !== 'string' ||
      f.satelliteId.length > 64 ||
      (f.satelliteId.length === 0) !== isTerrestrialGateway(station)
    )
      return 'INVALID_RECEPTION';
    if (
      f.dataRate !== undefined &&
      (typeof f.dataRate !== 'string' || f.dataRate.length === 0 || f.dataRate.length > 32)
    )
      return 'INVALID_RECEPTION';
    // Hops happen in order (allowing for clock skew) and not in the future or the distant past.
    if (
      capturedAt > downlinkedAt + this.clockSkewMs ||
      downlinkedAt > now + this.clockSkewMs ||
      capturedAt < now - this.maxAgeMs
    )
      return 'INVALID_RECEPTION';
    return { bytes, capturedAt, downlinkedAt };
  }

  private remember(id: string, ingestedAt: number): void {
    if (this.recent.size >= IngestPipeline.RECENT_MAX) {
      // Drop the oldest quarter (Map iterates in insertion order).
      let n = IngestPipeline.RECENT_MAX / 4;
      for (const k of this.recent.keys()) {
        this.recent.delete(k);
        if (--n <= 0) break;
      }
    }
    this.recent.set(id, ingestedAt);
  }
}
