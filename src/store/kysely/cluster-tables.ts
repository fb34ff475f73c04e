import type { Generated } from 'kysely';

/** The tables of migration 12 ({sqlite,postgres}/migrations/012-cluster.ts), as Kysely sees them. */
export interface ClusterTables {
  outbox: {
    seq: Generated<number>;
    event_id: string;
    subject: string;
    data: Uint8Array;
    created_at: number;
    published_at: number | null;
  };
  consumer_inbox: { consumer: string; event_id: string; processed_at: number };
  dead_letters: {
    id: string;
    consumer: string;
    subject: string;
    event_id: string | null;
    data: Uint8Array;
    attempts: number;
    error: string;
    failed_at: number;
    replays: number;
    replayed_at: number | null;
    last_replay_error: string | null;
    resolved_at: number | null;
  };
  leases: { name: string; holder: string; epoch: number; acquired_at: number; expires_at: number };
  cluster_nodes: {
    node_id: string;
    address: string | null;
    host: string;
    pid: number;
    version: string;
    started_at: number;
    heartbeat_at: number;
    stopped_at: number | null;
  };
  limit_counters: { key: string; window_start: number; count: number };
  lockouts: { source: string; until: number };
}
