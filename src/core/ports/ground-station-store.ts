import type { GatewayStatus, GroundStationRecord } from '../model.js';

/**
 * Satellite ground stations, and the other receivers kept as ground-station records: terrestrial
 * LoRa gateways (with a `gatewayEui`) and the Iridium gateway (with a `network`).
 */
export interface GroundStationStore {
  /** A taken id or token is INVALID_ARGUMENT; a gateway's taken EUI is GATEWAY_EXISTS. */
  create(g: GroundStationRecord): Promise<void>;
  getByTokenHash(tokenHash: string): Promise<GroundStationRecord | undefined>;
  /**
   * Replaces a satellite ground station's token hash (rotation, or a revocation's marker no SHA-256
   * matches); false when no such station (terrestrial and Iridium gateways are never changed here).
   */
  setTokenHash(id: string, tokenHash: string): Promise<boolean>;
  /** The satellite ground stations, oldest first (terrestrial gateways are listed by listGateways). */
  list(): Promise<GroundStationRecord[]>;
  /** Terrestrial LoRa gateways: ground-station records with a `gatewayEui` (created by create). */
  listGateways(): Promise<GroundStationRecord[]>;
  /** Records a gateway's last datagram and, when it sent one, its latest `stat` report. */
  recordGatewaySeen(id: string, at: number, stat?: GatewayStatus): Promise<void>;
  /** Deletes a gateway that heard nothing; one whose receptions are stored stays ('has-receptions'). */
  deleteGateway(id: string): Promise<'deleted' | 'not-found' | 'has-receptions'>;
}
