import { randomBytes } from 'node:crypto';
import type { Store } from './ports/store.js';
import type { Clock } from './ports/clock.js';
import type { AuditActor, AuditLog } from './ports/audit-log.js';
import type { EventWriter } from './event-writer.js';
import type { GroundStationRecord } from './model.js';
import { sha256Hex } from './provisioning.js';
import { SatiotError } from '../errors/satiot-error.js';

/** The prefix of a revoked station's token hash: no SHA-256 (hex) matches it, so no token works until a rotation. */
const REVOKED = 'revoked:';

/** Whether a ground station's token was revoked (and not rotated since). */
export const isTokenRevoked = (g: Pick<GroundStationRecord, 'tokenHash'>): boolean => g.tokenHash.startsWith(REVOKED);

const notFound = (id: string) =>
  new SatiotError('GROUND_STATION_NOT_FOUND', `no ground station ${id}`, { stationId: id });

/**
 * Rotation and revocation of satellite ground stations' bearer tokens. Both take effect on every
 * node from the commit on: a node verifies a token against the store (Provisioning.stationForToken
 * keeps no cache of tokens), and the registry event tells the others' station caches. Terrestrial
 * gateways and the Iridium gateway have no token and are not found here.
 */
export class StationTokens {
  constructor(
    private readonly store: Store,
    private readonly events: EventWriter,
    private readonly clock: Clock,
    private readonly audit: () => AuditLog,
  ) {}

  /**
   * A new token for the station, returned once and stored as its hash; the old one (or the
   * revocation) ends. Audited as `ground-station.token-rotate`.
   */
  async rotate(id: string, by: AuditActor): Promise<{ station: GroundStationRecord; token: string }> {
    const old = await this.station(id);
    const token = `gst_${randomBytes(24).toString('base64url')}`;
    const station = await this.replace(old, sha256Hex(token));
    await this.audit().append({
      actor: by,
      action: 'ground-station.token-rotate',
      target: { kind: 'station', id },
      outcome: 'ok',
      details: { wasRevoked: isTokenRevoked(old) },
      at: this.clock.now(),
    });
    return { station, token };
  }

  /**
   * Ends the station's token until a rotation issues a new one; the station and what it received
   * stay. Audited as `ground-station.token-revoke`.
   */
  async revoke(id: string, by: AuditActor): Promise<GroundStationRecord> {
    const old = await this.station(id);
    if (isTokenRevoked(old))
      throw new SatiotError('STATION_TOKEN_REVOKED', `the token of ground station ${id} is already revoked`, {
        stationId: id,
      });
    const station = await this.replace(old, `${REVOKED}${id}`);
    await this.audit().append({
      actor: by,
      action: 'ground-station.token-revoke',
      target: { kind: 'station', id },
      outcome: 'ok',
      at: this.clock.now(),
    });
    return station;
  }

  private async replace(old: GroundStationRecord, tokenHash: string): Promise<GroundStationRecord> {
    await this.events.run(async (tx, emit) => {
      if (!(await tx.groundStations.setTokenHash(old.id, tokenHash))) throw notFound(old.id);
      emit(this.events.registryChange('station', old.id));
    });
    return { ...old, tokenHash };
  }

  private async station(id: string): Promise<GroundStationRecord> {
    const s = (await this.store.groundStations.list()).find((g) => g.id === id);
    if (!s) throw notFound(id);
    return s;
  }
}
