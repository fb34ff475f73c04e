import { SatiotError } from '../errors/satiot-error.js';
import type { Page, Store } from './ports/store.js';
import type {
  GroundStationRecord,
  SatelliteRecord,
  Tenant,
  TerminalCounters,
  TerminalRecord,
  UserCodecRecord,
} from './model.js';

/**
 * Read-only view of the registry for the edges (API, CLI, twin, supervision). Writes go through
 * Provisioning, RegistrationService and the other services instead, because they also write the
 * registry-change events other nodes apply in the same transaction; handing edges this view rather
 * than the store keeps them from writing around those events. Reads come from the store, not the
 * in-memory TerminalRegistry, so listings show every node's changes at once.
 */
export class RegistryQueries {
  constructor(private readonly store: Store) {}

  listTenants(): Promise<Tenant[]> {
    return this.store.tenants.list();
  }

  /** The tenant, or TENANT_NOT_FOUND: every edge that works on a tenant refuses an unknown one the same way. */
  async requireTenant(id: string): Promise<Tenant> {
    const t = await this.store.tenants.get(id);
    if (!t) throw new SatiotError('TENANT_NOT_FOUND', `no tenant ${id}`);
    return t;
  }

  /** Paged, so a tenant with many terminals is listed without loading them all. */
  listTerminals(q: { tenantId?: string; limit: number; cursor?: string }): Promise<Page<TerminalRecord>> {
    return this.store.terminals.list(q);
  }

  /** By lower-case DevEUI; any tenant's (the caller checks the tenant). */
  getTerminalByDevEui(devEui: string): Promise<TerminalRecord | undefined> {
    return this.store.terminals.getByDevEui(devEui);
  }

  listGroundStations(): Promise<GroundStationRecord[]> {
    return this.store.groundStations.list();
  }

  /** The stored catalogue, by catalog number (the contact plan keeps its own propagated copy). */
  listSatellites(): Promise<SatelliteRecord[]> {
    return this.store.satellites.list();
  }

  listUserCodecs(tenantId: string): Promise<UserCodecRecord[]> {
    return this.store.userCodecs.list(tenantId);
  }

  /** Any tenant's codec (the caller checks the tenant). */
  getUserCodec(id: string): Promise<UserCodecRecord | undefined> {
    return this.store.userCodecs.get(id);
  }

  /** Every terminal's uplink counters as stored (the twin resumes its frame counters from them). */
  listAllCounters(): Promise<TerminalCounters[]> {
    return this.store.counters.listAll();
  }
}
