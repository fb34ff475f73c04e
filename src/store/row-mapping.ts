import type { Insertable, Selectable, SqlBool } from 'kysely';
import type {
  GatewayStatus,
  GroundStationRecord,
  MessageDecode,
  MessageRecord,
  UserCodecRecord,
  Reception,
  Tenant,
  TerminalCounters,
  TerminalRecord,
} from '../core/model.js';
import { messageIdOf } from './message-key.js';
import type { StoreCapabilities } from './store-capabilities.js';
import type {
  GroundStationsTable,
  MessageDecodesTable,
  MessagesTable,
  UserCodecsTable,
  ReceptionsTable,
  TenantsTable,
  TerminalCountersTable,
  TerminalsTable,
} from './store-schema.js';

/**
 * Rows to records and back, for both backends. Numbers go through `Number()` (a driver that hands
 * back an int8 as a string still yields a number), booleans through `Boolean()` (0/1 or true/false),
 * bytes are copied into a plain Uint8Array (no Buffer, no shared pool memory).
 */

export function sqlBool(caps: StoreCapabilities, v: boolean): SqlBool {
  return caps.nativeBooleans ? v : v ? 1 : 0;
}

/** A Buffer view of the same bytes (what both drivers bind as BLOB/bytea), without copying. */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function toTenant(r: Selectable<TenantsTable>): Tenant {
  return { id: r.id, name: r.name, createdAt: Number(r.created_at) };
}

export function terminalRow(caps: StoreCapabilities, t: TerminalRecord): Insertable<TerminalsTable> {
  return {
    id: t.id,
    tenant_id: t.tenantId,
    dev_eui: t.devEui,
    dev_addr: t.devAddr,
    suite: t.suite,
    profile: t.profile,
    expected_messages_per_day: t.expectedMessagesPerDay,
    enabled: sqlBool(caps, t.enabled),
    status: t.status,
    location_lat: t.location?.lat ?? null,
    location_lon: t.location?.lon ?? null,
    location_alt_m: t.location?.altM ?? null,
    codec: t.codec ?? null,
    nwk_s_key_sealed: t.nwkSKeySealed,
    app_s_key_sealed: t.appSKeySealed,
    created_at: t.createdAt,
    transport: t.transport ?? 'lorawan',
    imei: t.imei ?? null,
    name: t.name ?? null,
  };
}

export function toTerminal(r: Selectable<TerminalsTable>): TerminalRecord {
  const base = {
    id: r.id,
    tenantId: r.tenant_id,
    devEui: r.dev_eui,
    devAddr: r.dev_addr,
    suite: r.suite,
    profile: r.profile,
    expectedMessagesPerDay: Number(r.expected_messages_per_day),
    enabled: Boolean(r.enabled),
    status: r.status,
    nwkSKeySealed: r.nwk_s_key_sealed,
    appSKeySealed: r.app_s_key_sealed,
    createdAt: Number(r.created_at),
    ...(r.codec !== null ? { codec: r.codec } : {}),
    ...(r.transport === 'iridium-sbd' ? { transport: 'iridium-sbd' as const } : {}),
    ...(r.imei !== null && r.imei !== undefined ? { imei: r.imei } : {}),
    ...(r.name !== null && r.name !== undefined ? { name: r.name } : {}),
  };
  if (r.location_lat === null || r.location_lon === null || r.location_alt_m === null) return base;
  return {
    ...base,
    location: { lat: Number(r.location_lat), lon: Number(r.location_lon), altM: Number(r.location_alt_m) },
  };
}

/** A counters row with its terminal's id (joined). */
export type CountersRow = Omit<Selectable<TerminalCountersTable>, 'terminal_seq'> & { terminal_id: string };

export function toCounters(r: CountersRow): TerminalCounters {
  return {
    terminalId: r.terminal_id,
    fCntUpTop: Number(r.f_cnt_up_top),
    windowBits: r.window_bits,
    fCntDown: Number(r.f_cnt_down),
    version: Number(r.version),
    ...(Number(r.up_epoch) !== 0 ? { upEpoch: Number(r.up_epoch) } : {}),
  };
}

export function groundStationRow(caps: StoreCapabilities, g: GroundStationRecord): Insertable<GroundStationsTable> {
  return {
    id: g.id,
    name: g.name,
    lat: g.lat,
    lon: g.lon,
    alt_m: g.altM,
    token_hash: g.tokenHash,
    enabled: sqlBool(caps, g.enabled),
    created_at: g.createdAt,
    gateway_eui: g.gatewayEui ?? null,
    tenant_id: g.tenantId ?? null,
    network: g.network ?? null,
  };
}

export function toGroundStation(r: Selectable<GroundStationsTable>): GroundStationRecord {
  return {
    id: r.id,
    name: r.name,
    lat: Number(r.lat),
    lon: Number(r.lon),
    altM: Number(r.alt_m),
    tokenHash: r.token_hash,
    enabled: Boolean(r.enabled),
    createdAt: Number(r.created_at),
    ...(r.gateway_eui !== null ? { gatewayEui: r.gateway_eui } : {}),
    ...(r.tenant_id !== null ? { tenantId: r.tenant_id } : {}),
    ...(r.last_seen_at !== null && r.last_seen_at !== undefined ? { lastSeenAt: Number(r.last_seen_at) } : {}),
    ...(r.gateway_stat ? { gatewayStat: JSON.parse(r.gateway_stat) as GatewayStatus } : {}),
    ...(r.network === 'iridium-sbd' ? { network: 'iridium-sbd' as const } : {}),
  };
}

/** A message row with its terminal's id (joined); the message id derives from both. */
export type MessageRow = Selectable<MessagesTable> & { terminal_id: string };

export function toMessage(r: MessageRow): MessageRecord {
  return {
    id: messageIdOf(r.terminal_id, Number(r.f_cnt)),
    tenantId: r.tenant_id,
    terminalId: r.terminal_id,
    devEui: r.dev_eui,
    fCnt: Number(r.f_cnt),
    fPort: r.f_port === null ? null : Number(r.f_port),
    payload: new Uint8Array(r.payload),
    confirmed: Boolean(r.confirmed),
    ack: Boolean(r.ack),
    capturedAt: Number(r.captured_at),
    downlinkedAt: Number(r.downlinked_at),
    ingestedAt: Number(r.ingested_at),
  };
}

/** A reception row with its station's id and, for a terrestrial gateway, its EUI (joined). */
export type ReceptionRow = Selectable<ReceptionsTable> & { station_id: string; gateway_eui: string | null };

export function toReception(messageId: string, r: ReceptionRow): Reception {
  return {
    messageId,
    stationId: r.station_id,
    satelliteId: r.satellite_id,
    capturedAt: Number(r.captured_at),
    downlinkedAt: Number(r.downlinked_at),
    receivedAt: Number(r.received_at),
    rssi: r.rssi === null ? null : Number(r.rssi),
    snr: r.snr === null ? null : Number(r.snr),
    frequencyOffsetHz: r.frequency_offset_hz === null ? null : Number(r.frequency_offset_hz),
    ...(r.frequency_mhz !== null ? { frequencyMHz: Number(r.frequency_mhz) } : {}),
    ...(r.data_rate !== null ? { dataRate: r.data_rate } : {}),
    ...(r.gateway_eui !== null ? { gatewayEui: r.gateway_eui } : {}),
  };
}

export function messageDecodeRow(messageSeq: number, d: MessageDecode): Insertable<MessageDecodesTable> {
  return {
    message_seq: messageSeq,
    codec: d.codec,
    decoded: d.decoded === null ? null : JSON.stringify(d.decoded),
    error_code: d.error?.code ?? null,
    error_message: d.error?.message ?? null,
    decoded_at: d.decodedAt,
  };
}

export function toMessageDecode(messageId: string, r: Selectable<MessageDecodesTable>): MessageDecode {
  return {
    messageId,
    codec: r.codec,
    decoded: r.decoded === null ? null : (JSON.parse(r.decoded) as Record<string, unknown>),
    error: r.error_code === null ? null : { code: r.error_code, message: r.error_message ?? '' },
    decodedAt: Number(r.decoded_at),
  };
}

export function toUserCodec(r: Selectable<UserCodecsTable>): UserCodecRecord {
  return { id: r.id, tenantId: r.tenant_id, name: r.name, script: r.script, createdAt: Number(r.created_at) };
}
