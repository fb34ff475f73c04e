import { sql, type RawBuilder } from 'kysely';
import type { StoreCapabilities } from '../store-capabilities.js';

/**
 * "Now" as the store sees it, Unix ms: the database server's clock where there is one (so nodes
 * whose clocks disagree agree on lease expiry and heartbeats), else this process's.
 */
export function storeNow(caps: StoreCapabilities): RawBuilder<number> {
  return caps.serverClock
    ? sql<number>`(extract(epoch from clock_timestamp()) * 1000)::bigint`
    : sql<number>`${Date.now()}`;
}
