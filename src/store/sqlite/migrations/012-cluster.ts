import type { Migration } from '../../migration.js';

/**
 * Migration 12 in SQLite's dialect: what lets several nodes (or one node across a crash) act as one
 * service (docs/cluster.md). PostgreSQL's 012-cluster.ts is the same schema.
 *
 * - `outbox`: events written in the transaction of the change that caused them; the relay publishes
 *   them in `seq` order and stamps `published_at`. The partial index keeps the relay's scan to the
 *   unpublished rows however many published ones wait for pruning.
 * - `consumer_inbox`: the events each durable consumer has handled, written in the consumer's own
 *   transaction, so a redelivered event changes nothing twice.
 * - `dead_letters`: events a consumer gave up on after its retries, kept for operators to inspect
 *   and replay.
 * - `leases`: named singleton work (the relay, sweeps, checkpoints, retention) held by one node
 *   until `expires_at`; `epoch` grows with every change of holder (a fencing token).
 * - `cluster_nodes`: each node's heartbeat.
 * - `limit_counters` and `lockouts`: rate limits and lock-outs shared by every node.
 */
export const SQLITE_CLUSTER_MIGRATION: Migration = {
  version: 12,
  name: 'cluster: outbox, inbox, dead letters, leases, nodes, shared limits',
  sql: `
    CREATE TABLE outbox (
      seq INTEGER PRIMARY KEY,
      event_id TEXT NOT NULL UNIQUE,
      subject TEXT NOT NULL,
      data BLOB NOT NULL,
      created_at INTEGER NOT NULL,
      published_at INTEGER
    ) STRICT;
    CREATE INDEX outbox_unpublished_idx ON outbox (seq) WHERE published_at IS NULL;
    CREATE INDEX outbox_published_idx ON outbox (published_at) WHERE published_at IS NOT NULL;

    CREATE TABLE consumer_inbox (
      consumer TEXT NOT NULL,
      event_id TEXT NOT NULL,
      processed_at INTEGER NOT NULL,
      PRIMARY KEY (consumer, event_id)
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX consumer_inbox_processed_idx ON consumer_inbox (processed_at);

    CREATE TABLE dead_letters (
      id TEXT NOT NULL PRIMARY KEY,
      consumer TEXT NOT NULL,
      subject TEXT NOT NULL,
      event_id TEXT,
      data BLOB NOT NULL,
      attempts INTEGER NOT NULL,
      error TEXT NOT NULL,
      failed_at INTEGER NOT NULL,
      replays INTEGER NOT NULL,
      replayed_at INTEGER,
      last_replay_error TEXT,
      resolved_at INTEGER
    ) STRICT;
    CREATE INDEX dead_letters_failed_idx ON dead_letters (failed_at, id);

    CREATE TABLE leases (
      name TEXT NOT NULL PRIMARY KEY,
      holder TEXT NOT NULL,
      epoch INTEGER NOT NULL,
      acquired_at INTEGER NOT NULL,
      expires_at INTEGER NOT NULL
    ) STRICT;

    CREATE TABLE cluster_nodes (
      node_id TEXT NOT NULL PRIMARY KEY,
      address TEXT,
      host TEXT NOT NULL,
      pid INTEGER NOT NULL,
      version TEXT NOT NULL,
      started_at INTEGER NOT NULL,
      heartbeat_at INTEGER NOT NULL,
      stopped_at INTEGER
    ) STRICT;

    CREATE TABLE limit_counters (
      key TEXT NOT NULL PRIMARY KEY,
      window_start INTEGER NOT NULL,
      count INTEGER NOT NULL
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX limit_counters_window_idx ON limit_counters (window_start);

    CREATE TABLE lockouts (
      source TEXT NOT NULL PRIMARY KEY,
      until INTEGER NOT NULL
    ) STRICT, WITHOUT ROWID;
  `,
};
