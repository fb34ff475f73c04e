import { randomUUID } from 'node:crypto';
import type { Store } from './ports/store.js';
import type { Clock } from './ports/clock.js';
import type { EventWriter } from './event-writer.js';
import type { GatewayStatus, GroundStationRecord } from './model.js';
import { SatiotError } from '../errors/satiot-error.js';

/** What an operator (or a tenant, for its own) says of a new terrestrial gateway. */
export interface NewGateway {
  /** 16 hex digits, any case (stored lower case). */
  readonly gatewayEui: string;
  readonly name?: string;
  readonly lat: number;
  readonly lon: number;
  readonly altM?: number;
  /** The owning tenant; absent: the operator's. */
  readonly tenantId?: string;
}

const EUI = /^[0-9a-f]{16}$/;
/** How often the gateways are loaded again even without a change event (a missed one heals), ms. */
const RELOAD_MS = 60_000;
const SEEN_WRITE_MS = 30_000;

/**
 * Terrestrial LoRa gateways (docs/interop.md): registered by EUI, stored as ground-station records
 * with `gatewayEui` so their copies of a frame are receptions like any other. A gateway carries no
 * token — UDP has no authentication — so only registered, enabled EUIs are heard.
 */
export class TerrestrialGateways {
  /** Every gateway by EUI (they are few): a datagram from an unknown or random EUI costs no query. */
  private byEuiMap: Promise<Map<string, GroundStationRecord>> | undefined;
  private loadedAt = -Infinity;
  /**
   * When each gateway's last datagram was last written (ms): at most one write per SEEN_WRITE_MS without a stat report.
   */
  private readonly seenWritten = new Map<string, number>();

  constructor(
    private readonly store: Store,
    private readonly events: EventWriter,
    private readonly clock: Clock,
  ) {}

  async create(n: NewGateway): Promise<GroundStationRecord> {
    const eui = typeof n.gatewayEui === 'string' ? n.gatewayEui.toLowerCase() : '';
    if (!EUI.test(eui))
      throw new SatiotError('INVALID_ARGUMENT', 'gatewayEui must be 16 hex digits', { field: 'gatewayEui' });
    const name = n.name ?? `gateway ${eui}`;
    if (name.length === 0 || name.length > 200)
      throw new SatiotError('INVALID_ARGUMENT', 'name must be 1–200 characters', { field: 'name' });
    if (!(Math.abs(n.lat) <= 90) || !(Math.abs(n.lon) <= 180))
      throw new SatiotError('INVALID_ARGUMENT', 'lat must be within ±90 and lon within ±180', { field: 'lat' });
    if (n.altM !== undefined && !(Math.abs(n.altM) <= 100_000))
      throw new SatiotError('INVALID_ARGUMENT', 'altM must be within ±100 km', { field: 'altM' });
    if (n.tenantId !== undefined && !(await this.store.tenants.get(n.tenantId)))
      throw new SatiotError('TENANT_NOT_FOUND', `no tenant ${n.tenantId}`);
    const gateway: GroundStationRecord = {
      id: randomUUID(),
      name,
      lat: n.lat,
      lon: n.lon,
      altM: n.altM ?? 0,
      tokenHash: `gateway:${eui}`,
      enabled: true,
      createdAt: this.clock.now(),
      gatewayEui: eui,
      ...(n.tenantId !== undefined ? { tenantId: n.tenantId } : {}),
    };
    await this.events.run(async (tx, emit) => {
      await tx.groundStations.create(gateway);
      emit(this.events.registryChange('station', gateway.id));
    });
    this.forget();
    return gateway;
  }

  list(): Promise<GroundStationRecord[]> {
    return this.store.groundStations.listGateways();
  }

  async get(id: string): Promise<GroundStationRecord | undefined> {
    return (await this.store.groundStations.listGateways()).find((g) => g.id === id);
  }

  /**
   * The enabled gateway with this EUI (lower case), or undefined — from memory: all gateways are
   * loaded at once and again after a change (here, or through another node: forget()) or RELOAD_MS.
   */
  async byEui(gatewayEui: string): Promise<GroundStationRecord | undefined> {
    if (!this.byEuiMap || performance.now() - this.loadedAt > RELOAD_MS) {
      this.loadedAt = performance.now();
      const loading = this.store.groundStations
        .listGateways()
        .then((all) => new Map(all.map((g) => [g.gatewayEui!, g])));
      this.byEuiMap = loading;
      loading.catch(() => {
        if (this.byEuiMap === loading) this.byEuiMap = undefined;
      }); // a failed load is tried again by the next datagram
    }
    const g = (await this.byEuiMap).get(gatewayEui);
    return g?.enabled ? g : undefined;
  }

  /** Deletes a gateway that heard nothing (GATEWAY_HAS_RECEPTIONS otherwise: its receptions are kept). */
  async delete(id: string): Promise<void> {
    const r = await this.events.run(async (tx, emit) => {
      const out = await tx.groundStations.deleteGateway(id);
      if (out === 'deleted') emit(this.events.registryChange('station', id));
      return out;
    });
    if (r === 'not-found') throw new SatiotError('GATEWAY_NOT_FOUND', `no gateway ${id}`);
    if (r === 'has-receptions')
      throw new SatiotError('GATEWAY_HAS_RECEPTIONS', `gateway ${id} heard messages: their receptions are kept`);
    this.forget();
  }

  /**
   * A datagram came from `gateway` (its `stat` report with it, if any): its last-seen time is
   * written at most every 30 s, a stat report whenever one comes (a gateway sends one every 30 s).
   */
  async seen(gateway: GroundStationRecord, stat?: GatewayStatus): Promise<void> {
    const now = this.clock.now();
    if (!stat && now - (this.seenWritten.get(gateway.id) ?? -Infinity) < SEEN_WRITE_MS) return;
    this.seenWritten.set(gateway.id, now);
    await this.store.groundStations.recordGatewaySeen(gateway.id, now, stat);
  }

  /** Forgets what was loaded (a gateway changed, here or through another node). */
  forget(): void {
    this.byEuiMap = undefined;
  }
}
