import { sql, type Kysely } from 'kysely';
import type { NodeRecord, NodeStore } from '../../core/ports/node-store.js';
import type { StoreDatabase } from '../store-schema.js';
import type { ClusterTables } from './cluster-tables.js';
import type { StoreCapabilities } from '../store-capabilities.js';
import { storeNow } from './store-clock.js';

/** Nodes' heartbeats (migration 12). */
export class KyselyNodeStore implements NodeStore {
  private readonly db: Kysely<ClusterTables>;

  constructor(
    db: Kysely<StoreDatabase>,
    private readonly caps: StoreCapabilities,
  ) {
    this.db = db as unknown as Kysely<ClusterTables>;
  }

  async heartbeat(n: Omit<NodeRecord, 'heartbeatAt' | 'stoppedAt'>): Promise<void> {
    const now = storeNow(this.caps);
    await sql`
      INSERT INTO cluster_nodes (node_id, address, host, pid, version, started_at, heartbeat_at, stopped_at)
      VALUES (${n.nodeId}, ${n.address}, ${n.host}, ${n.pid}, ${n.version}, ${n.startedAt}, ${now}, NULL)
      ON CONFLICT (node_id) DO UPDATE SET address = excluded.address, host = excluded.host, pid = excluded.pid, version = excluded.version,
        started_at = excluded.started_at, heartbeat_at = excluded.heartbeat_at, stopped_at = NULL`.execute(this.db);
  }

  async stopped(nodeId: string): Promise<void> {
    await sql`UPDATE cluster_nodes SET stopped_at = ${storeNow(this.caps)} WHERE node_id = ${nodeId}`.execute(this.db);
  }

  async list(since: number): Promise<NodeRecord[]> {
    const rows = await this.db
      .selectFrom('cluster_nodes')
      .selectAll()
      .where('heartbeat_at', '>=', since)
      .orderBy('node_id')
      .execute();
    return rows.map((r) => ({
      nodeId: r.node_id,
      address: r.address,
      host: r.host,
      pid: Number(r.pid),
      version: r.version,
      startedAt: Number(r.started_at),
      heartbeatAt: Number(r.heartbeat_at),
      stoppedAt: r.stopped_at === null ? null : Number(r.stopped_at),
    }));
  }
}
