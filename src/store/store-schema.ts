import type { Generated, SqlBool } from 'kysely';
import type { CryptoSuite, RejectionCode, Role, TerminalProfile, TerminalStatus } from '../core/model.js';

/**
 * The table design both store backends share, as Kysely sees it. Each backend writes its own DDL
 * (sqlite/migrations.ts, postgres/migrations.ts) for these tables and columns.
 *
 * Conventions: times are bigint Unix milliseconds; counters are bigint (they come back as JS
 * numbers: every value fits in 2^53); booleans are SQL booleans in PostgreSQL and 0/1 integers in
 * SQLite (`SqlBool`: the `nativeBooleans` capability says which to write); bytes are BLOB/bytea.
 */
export interface StoreDatabase {
  schema_migrations: SchemaMigrationsTable;
  tenants: TenantsTable;
  terminals: TerminalsTable;
  terminal_counters: TerminalCountersTable;
  ground_stations: GroundStationsTable;
  satellites: SatellitesTable;
  messages: MessagesTable;
  receptions: ReceptionsTable;
  rejection_tallies: RejectionTalliesTable;
  message_decodes: MessageDecodesTable;
  message_positions: MessagePositionsTable;
  user_codecs: UserCodecsTable;
  rules: RulesTable;
  rule_states: RuleStatesTable;
  alarms: AlarmsTable;
  api_keys: ApiKeysTable;
  tenant_quotas: TenantQuotasTable;
}

/** Migration 15: where another network placed the terminal when it sent the message (key message_seq). */
export interface MessagePositionsTable {
  message_seq: number;
  lat: number;
  lon: number;
  cep_km: number;
  source: string;
}

export interface TenantQuotasTable {
  tenant_id: string;
  monthly_uplink_messages: number | null;
  monthly_downlinks: number | null;
  action: 'warn' | 'refuse-downlinks';
  updated_at: number;
}

/** Unique key_hash; tenant_id null exactly for operator and regulator keys. */
export interface ApiKeysTable {
  id: string;
  tenant_id: string | null;
  role: Role;
  name: string;
  key_hash: string;
  prefix: string;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
}

/** body: the rule as JSON (src/rules/rule.ts). */
export interface RulesTable {
  id: string;
  tenant_id: string;
  body: string;
  created_at: number;
  updated_at: number;
}

/** Key (rule_id, terminal_id); state: the engine's RuleState as JSON. */
export interface RuleStatesTable {
  rule_id: string;
  terminal_id: string;
  state: string;
}

/** body: the whole alarm as JSON; the other columns are what listings filter and sort on. */
export interface AlarmsTable {
  id: string;
  tenant_id: string;
  rule_id: string;
  terminal_id: string;
  dev_eui: string;
  severity: string;
  state: 'raised' | 'acknowledged' | 'cleared';
  raised_at: number;
  body: string;
}

/** Key message_seq; exactly one of decoded (JSON text) and error_code is set. */
export interface MessageDecodesTable {
  message_seq: number;
  codec: string;
  decoded: string | null;
  error_code: string | null;
  error_message: string | null;
  decoded_at: number;
}

/** Unique (tenant_id, name). */
export interface UserCodecsTable {
  id: string;
  tenant_id: string;
  name: string;
  script: string;
  created_at: number;
}

export interface SchemaMigrationsTable {
  version: number;
  name: string;
  applied_at: number;
}

/** Primary key norad_id; element_set is the TLE's two lines or an OMM record's JSON. */
export interface SatellitesTable {
  norad_id: number;
  name: string;
  format: 'tle' | 'omm';
  element_set: string;
  epoch: number;
  updated_at: number;
}

export interface TenantsTable {
  id: string;
  name: string;
  created_at: number;
}

/**
 * Integer surrogate key `seq` (what every other table references); unique id and dev_eui; indexed
 * dev_addr (the ingest path resolves terminals by address).
 */
export interface TerminalsTable {
  seq: Generated<number>;
  id: string;
  tenant_id: string;
  dev_eui: string;
  dev_addr: string;
  suite: CryptoSuite;
  profile: TerminalProfile;
  expected_messages_per_day: number;
  enabled: SqlBool;
  /** Lifecycle state (migration 9; src/store/kysely/registration-store.ts owns its other columns). */
  status: TerminalStatus;
  /** A fixed terminal's position: all three set, or all three null. */
  location_lat: number | null;
  location_lon: number | null;
  location_alt_m: number | null;
  /** A built-in codec's name or `user:<id>`; null: no decoding. */
  codec: string | null;
  nwk_s_key_sealed: string;
  app_s_key_sealed: string;
  created_at: number;
  /** Migration 15: `lorawan` or `iridium-sbd`, and an Iridium terminal's IMEI (unique where set). */
  transport: Generated<string>;
  imei: string | null;
  /** Migration 18: what people call it; null: none given. */
  name: string | null;
}

/** Key terminal_seq. */
export interface TerminalCountersTable {
  terminal_seq: number;
  f_cnt_up_top: number;
  window_bits: string;
  f_cnt_down: number;
  version: number;
  /** Migration 20: uplink counter resets so far. */
  up_epoch: Generated<number>;
}

/** Integer surrogate key `seq`; unique id and token_hash. */
export interface GroundStationsTable {
  seq: Generated<number>;
  id: string;
  name: string;
  lat: number;
  lon: number;
  alt_m: number;
  token_hash: string;
  enabled: SqlBool;
  created_at: number;
  /** Migration 14: a terrestrial gateway's EUI (unique where set), and the tenant owning it. */
  gateway_eui: string | null;
  tenant_id: string | null;
  /** A gateway's last datagram (ms) and its latest `stat` report as JSON. */
  last_seen_at: Generated<number | null>;
  gateway_stat: Generated<string | null>;
  /** Migration 15: another operator's gateway (`iridium-sbd`); null for our own stations and gateways. */
  network: Generated<string | null>;
}

/**
 * Integer key `seq`. The message id of the port is not stored: it is `${terminal id}.${f_cnt}`
 * (core/message-id.ts), so unique (terminal_seq, f_cnt) is the id's uniqueness. Index
 * (terminal_seq, captured_at desc, f_cnt desc): the newest-first listing.
 */
export interface MessagesTable {
  seq: Generated<number>;
  tenant_id: string;
  terminal_seq: number;
  dev_eui: string;
  f_cnt: number;
  f_port: number | null;
  payload: Uint8Array;
  confirmed: SqlBool;
  ack: SqlBool;
  captured_at: number;
  downlinked_at: number;
  ingested_at: number;
}

/** Unique (message_seq, station_seq, satellite_id, captured_at): a re-posted copy is ignored. */
export interface ReceptionsTable {
  message_seq: number;
  station_seq: number;
  satellite_id: string;
  captured_at: number;
  downlinked_at: number;
  received_at: number;
  rssi: number | null;
  snr: number | null;
  frequency_offset_hz: number | null;
  /** Migration 14. */
  frequency_mhz: number | null;
  data_rate: string | null;
}

/** Key (station_id, code); an upsert adds to count. */
export interface RejectionTalliesTable {
  station_id: string;
  code: RejectionCode;
  count: number;
}
