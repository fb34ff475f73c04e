import type { GeoPoint, TerminalProfile, TerminalRecord } from '../model.js';
import type { Page } from './page.js';

/** What may change about a registered terminal: null clears the codec or the location. */
export interface TerminalChanges {
  readonly profile?: TerminalProfile;
  readonly expectedMessagesPerDay?: number;
  readonly codec?: string | null;
  readonly location?: GeoPoint | null;
  /** null clears it. */
  readonly name?: string | null;
}

/** Registered terminals (their counters: counter-store.ts; their lifecycle: registration-store.ts). */
export interface TerminalStore {
  /**
   * Fails with TERMINAL_EXISTS when the devEui (or IMEI) is taken, TENANT_NOT_FOUND when the tenant
   * is unknown.
   */
  create(t: TerminalRecord): Promise<void>;
  /**
   * Inserts many terminals with multi-row statements (bulk provisioning); all or nothing within the
   * caller's transaction. Fails with TERMINAL_EXISTS when a devEui is taken, without saying which.
   */
  createMany(ts: readonly TerminalRecord[]): Promise<void>;
  getByDevEui(devEui: string): Promise<TerminalRecord | undefined>;
  /** Every terminal (the core keeps the registry in memory). */
  listAll(): Promise<TerminalRecord[]>;
  /** The terminals that have one of these DevAddrs (lower-case hex). */
  byDevAddr(devAddrs: readonly string[]): Promise<TerminalRecord[]>;
  /** The Iridium terminal with this IMEI, if one is registered. */
  byImei(imei: string): Promise<TerminalRecord | undefined>;
  /** Oldest first (by createdAt, then id). */
  list(q: { tenantId?: string; limit: number; cursor?: string }): Promise<Page<TerminalRecord>>;
  setEnabled(devEui: string, enabled: boolean): Promise<boolean>;
  /**
   * Deletes a terminal that never sent a message (a registration made by mistake), with its counters
   * and downlinks: 'deleted', 'not-found', or 'has-messages' (its data is kept: disable it instead).
   */
  delete(devEui: string): Promise<'deleted' | 'not-found' | 'has-messages'>;
  /** Changes a terminal's descriptive fields (not its keys nor addresses); false when there is none. */
  update(devEui: string, changes: TerminalChanges): Promise<boolean>;
}
