import type { DownlinkPriority } from '../../plan/downlink-route.js';
import type { UsageRow, Page } from './page.js';

/**
 * A downlink's life: queued (no route yet) → scheduled (a route through a station contact) →
 * uploaded (on board a satellite) → transmitted (sent to the terminal) → acknowledged (a confirmed
 * downlink the terminal's next uplink acknowledged). expired and failed end it early. A scheduled
 * downlink whose upload contact passed unreported goes back to queued and is planned again.
 */
export type DownlinkState = 'queued' | 'scheduled' | 'uploaded' | 'transmitted' | 'acknowledged' | 'expired' | 'failed';
export const DOWNLINK_STATES: readonly DownlinkState[] = [
  'queued',
  'scheduled',
  'uploaded',
  'transmitted',
  'acknowledged',
  'expired',
  'failed',
];

export type { DownlinkPriority };

/** The route a downlink is scheduled on (times Unix ms). */
export interface DownlinkPlan {
  /** The station that uploads the frame, to this satellite (catalog number as a string). */
  readonly stationId: string;
  readonly satelliteId: string;
  /** The upload contact. */
  readonly contactStart: number;
  readonly contactEnd: number;
  /** When the upload starts (planned; the reported time once uploaded). */
  readonly uploadAt: number;
  /** The satellite's contact with the terminal the frame is transmitted in; null when none is known yet. */
  readonly deliveryStart: number | null;
  readonly deliveryEnd: number | null;
}

/** A contact a station did not use (its upload was never reported): re-planning avoids it. */
export interface MissedContact {
  readonly stationId: string;
  readonly satelliteId: string;
  readonly start: number;
  readonly end: number;
}

/** One entry of a downlink's history: the state it entered and when (ms). */
export interface DownlinkStep {
  readonly state: DownlinkState;
  readonly at: number;
  /** scheduled, uploaded and reports: through which station and satellite. */
  readonly stationId?: string;
  readonly satelliteId?: string;
  /** scheduled and uploaded: the ETA then (ms; absent when none is known). */
  readonly eta?: number;
  /**
   * Why a downlink went back to queued or was re-planned (`missed-contact`, `no-route`, `replanned`,
   * `no-tx-ack`), which path took it (`terrestrial`, `directip`), or why it failed (a stable code).
   */
  readonly reason?: string;
  readonly missedContact?: MissedContact;
  /**
   * Iridium: the message's place in the gateway's queue for the terminal (1..50) and the gateway's reference for it.
   */
  readonly queuePosition?: number;
  readonly autoIdReference?: number;
  /** Iridium: the MT sequence number the terminal's session reported it under (transmitted). */
  readonly mtmsn?: number;
}

export interface DownlinkRecord {
  readonly id: string;
  readonly tenantId: string;
  readonly terminalId: string;
  readonly devEui: string;
  /** 1..223. */
  readonly fPort: number;
  /** Application payload, plaintext. */
  readonly payload: Uint8Array;
  readonly confirmed: boolean;
  readonly priority: DownlinkPriority;
  /** The rule alarm that asked for it (automatic downlinks): one downlink per alarm. */
  readonly alarmId: string | null;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly state: DownlinkState;
  /**
   * The frame's downlink counter, given when the downlink is first scheduled (and given anew when a
   * re-plan would otherwise deliver it after a frame with a higher counter); null before.
   */
  readonly fCntDown: number | null;
  /** The LoRaWAN data-down frame (PHYPayload) with that counter; null while fCntDown is. */
  readonly phyPayload: Uint8Array | null;
  /** The current route; null while queued and once the downlink ended without one. */
  readonly plan: DownlinkPlan | null;
  /** When the frame reaches the terminal (ms): planned, or reported once transmitted; null when unknown. */
  readonly eta: number | null;
  /** Oldest first. */
  readonly history: readonly DownlinkStep[];
  /** Increases with every write: updates are conditional on it (optimistic concurrency). */
  readonly version: number;
}

export type DownlinkUpdate = 'updated' | 'stale' | 'counter-taken';

/**
 * The downlink queue's storage port. One adapter (src/store/kysely/downlink-store.ts) serves SQLite
 * and PostgreSQL with the same queries.
 */
export interface DownlinkStore {
  /** Inserts a new downlink; 'alarm-exists' (nothing written) when another one has its alarmId. */
  create(d: DownlinkRecord): Promise<'created' | 'alarm-exists'>;
  get(id: string): Promise<DownlinkRecord | undefined>;
  /** A terminal's downlinks, newest first (createdAt, then id); limit 1..1000. */
  listByTerminal(
    terminalId: string,
    q: { readonly limit: number; readonly cursor?: string },
  ): Promise<Page<DownlinkRecord>>;
  /**
   * Writes `d` (state, counter, frame, plan, ETA, history) with version `expectedVersion + 1` if the
   * stored row still has `expectedVersion`: 'stale' otherwise (nothing written), 'counter-taken'
   * when another downlink of the terminal holds `d.fCntDown`.
   */
  update(d: DownlinkRecord, expectedVersion: number): Promise<DownlinkUpdate>;
  /**
   * Downlinks not yet ended: queued, scheduled, uploaded, and confirmed ones transmitted but not yet
   * acknowledged. Oldest first.
   */
  listOpen(): Promise<DownlinkRecord[]>;
  /**
   * Whether the terminal has a downlink queued or scheduled (one index probe: asked for each uplink a terrestrial
   * gateway hears).
   */
  hasWaiting(terminalId: string): Promise<boolean>;
  /** The terminal's next free downlink counter: the highest it has used + 1 (0 for the first). */
  nextCounter(terminalId: string): Promise<number>;
  /** The terminal's highest counter over its downlinks except `exceptIds`; −1 when there is none. */
  maxCounter(terminalId: string, exceptIds: readonly string[]): Promise<number>;
  findByAlarmId(alarmId: string): Promise<DownlinkRecord | undefined>;
  /**
   * Downlinks still on the ground (queued or scheduled) expiring before `before`, soonest first, at most `limit`; one
   * tenant's or all.
   */
  listExpiring(q: {
    readonly tenantId?: string;
    readonly before: number;
    readonly limit: number;
  }): Promise<DownlinkRecord[]>;
  /**
   * Downlinks scheduled through a station whose upload contact overlaps [from, to] (ms), by contact
   * start, emergency first within a contact, then oldest first (one terminal's frames by counter).
   */
  stationSchedule(stationId: string, from: number, to: number): Promise<DownlinkRecord[]>;
  /** A terminal's confirmed downlinks that are on board or transmitted (awaiting the terminal's ACK). */
  awaitingAck(terminalId: string): Promise<DownlinkRecord[]>;
  /** Downlinks queued per terminal and UTC day of queuing in [from, to): count and payload bytes. */
  usage(q: {
    readonly tenantId?: string;
    readonly terminalId?: string;
    readonly from: number;
    readonly to: number;
  }): Promise<UsageRow[]>;
}
