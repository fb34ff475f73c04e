import type { Page } from './page.js';
import type { TerminalStatus } from '../model.js';
import type { GeoJsonPolygon, IdDocumentType } from '../registration-identity.js';

/** What a terminal's owner declared about it (migration 9: `terminal_registrations`). */
export interface RegistrationRecord {
  readonly terminalId: string;
  readonly tenantId: string;
  readonly ownerKind: 'organisation' | 'person';
  readonly ownerName: string;
  readonly idType: IdDocumentType;
  /** The identity number sealed under the master key (context `registration:<terminalId>:idNumber`). */
  readonly idNumberSealed: string;
  /** What those allowed see: `3201**********1234`. */
  readonly idNumberMasked: string;
  readonly sector: string;
  readonly mobility: 'fixed' | 'mobile';
  readonly region: GeoJsonPolygon | null;
  readonly expectedMessagesPerDay: number;
  /** Upper case; one hardware id is bound to one terminal. */
  readonly hardwareId: string;
  readonly imei: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** A terminal's lifecycle state as stored on its row, with the last change's reason and author. */
export interface TerminalStatusRow {
  readonly terminalId: string;
  readonly tenantId: string;
  readonly devEui: string;
  readonly status: TerminalStatus;
  readonly statusReason: string | null;
  /** Who made the last change (an audit actor, as `kind:id`). */
  readonly statusBy: string | null;
  readonly statusAt: number | null;
  readonly createdAt: number;
}

export interface StatusCount {
  readonly status: TerminalStatus;
  /** The declared sector; `undeclared` for terminals without a registration. */
  readonly sector: string;
  readonly count: number;
}

/**
 * Registrations and the terminals' lifecycle columns, on the same database as the Store (both
 * adapters). A second registration of a bound hardware id or IMEI is SatiotError HARDWARE_ID_BOUND.
 */
export interface RegistrationStore {
  /** Inserts or replaces the registration of `r.terminalId`. */
  save(r: RegistrationRecord): Promise<void>;
  get(terminalId: string): Promise<RegistrationRecord | undefined>;
  /** Every registration (loaded once by the core; re-wrapped on master-key rotation). */
  listAll(): Promise<RegistrationRecord[]>;
  delete(terminalId: string): Promise<void>;
  /** Sets a terminal's lifecycle state when it is still `from` (compare-and-set); false otherwise. */
  setStatus(
    terminalId: string,
    from: TerminalStatus,
    to: TerminalStatus,
    change: { reason: string | null; by: string; at: number },
  ): Promise<boolean>;
  getStatus(terminalId: string): Promise<TerminalStatusRow | undefined>;
  /** Terminals in `status` (oldest first), one tenant's or all. */
  listByStatus(q: {
    status: TerminalStatus;
    tenantId?: string;
    limit: number;
    cursor?: string;
  }): Promise<Page<TerminalStatusRow>>;
  /** Terminal counts by lifecycle state and declared sector. */
  countByStatusAndSector(): Promise<StatusCount[]>;
  /** Replaces a sealed identity number if it is still `oldSealed`; false otherwise (a concurrent change). */
  replaceSealedIdNumber(terminalId: string, oldSealed: string, newSealed: string): Promise<boolean>;
  /** Integrations' sealed secrets (webhook secrets, broker passwords), for master-key rotation. */
  listSealedIntegrationSecrets(): Promise<Array<{ readonly integrationId: string; readonly sealed: string }>>;
  /** Replaces an integration's sealed secret if it is still `oldSealed`; false otherwise. */
  replaceSealedIntegrationSecret(integrationId: string, oldSealed: string, newSealed: string): Promise<boolean>;
  /** Replaces a terminal's sealed session keys if they are still the old ones; false otherwise. */
  replaceSealedSessionKeys(
    terminalId: string,
    old: { nwk: string; app: string },
    next: { nwk: string; app: string },
  ): Promise<boolean>;
}
