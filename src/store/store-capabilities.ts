/**
 * What differs between the store backends, as named flags and hooks. Shared code asks these; it
 * never branches on the backend's name.
 */
export interface StoreCapabilities {
  /**
   * The driver binds and returns SQL booleans (PostgreSQL). Without it booleans are stored as 0/1
   * integers (SQLite: better-sqlite3 refuses to bind `true`).
   */
  readonly nativeBooleans: boolean;
  /**
   * The database has a clock of its own that every node reads (PostgreSQL's `clock_timestamp()`):
   * leases and heartbeats use it. Without it (SQLite, one machine) the process's clock is used.
   */
  readonly serverClock: boolean;
}

/** The unique keys of the schema that callers can collide with. */
export type UniqueKey =
  | 'tenants.id'
  | 'terminals.id'
  | 'terminals.dev_eui'
  | 'terminals.imei'
  | 'ground_stations.id'
  | 'ground_stations.token_hash'
  | 'ground_stations.gateway_eui'
  | 'user_codecs.tenant_id+name';

/** A driver's constraint error, in the schema's terms (see each backend's `constraintViolation`). */
export type ConstraintViolation =
  { readonly kind: 'unique'; readonly key: UniqueKey | undefined } | { readonly kind: 'foreign-key' };
