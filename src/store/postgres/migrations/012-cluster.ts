import type { Migration } from '../../migration.js';

/**
 * Migration 12 in PostgreSQL's dialect: the schema of SQLite's 012-cluster.ts (see there), with
 * named constraints and "C"-collated keys like the other PostgreSQL migrations. Lease times are
 * the database server's clock (`clock_timestamp()`), so nodes whose clocks disagree still agree on
 * who holds a lease.
 */
export const POSTGRES_CLUSTER_MIGRATION: Migration = {
  version: 12,
  name: 'cluster: outbox, inbox, dead letters, leases, nodes, shared limits',
  sql: `
    CREATE TABLE outbox (
      seq bigint GENERATED ALWAYS AS IDENTITY,
      event_id text COLLATE "C" NOT NULL,
      subject text COLLATE "C" NOT NULL,
      data bytea NOT NULL,
      created_at bigint NOT NULL,
      published_at bigint,
      CONSTRAINT outbox_pkey PRIMARY KEY (seq),
      CONSTRAINT outbox_event_id_key UNIQUE (event_id)
    );
    CREATE INDEX outbox_unpublished_idx ON outbox (seq) WHERE published_at IS NULL;
    CREATE INDEX outbox_published_idx ON outbox (published_at) WHERE published_at IS NOT NULL;

    CREATE TABLE consumer_inbox (
      consumer text COLLATE "C" NOT NULL,
      event_id text COLLATE "C" NOT NULL,
      processed_at bigint NOT NULL,
      CONSTRAINT consumer_inbox_pkey PRIMARY KEY (consumer, event_id)
    );
    CREATE INDEX consumer_inbox_processed_idx ON consumer_inbox (processed_at);

    CREATE TABLE dead_letters (
      id text COLLATE "C" NOT NULL,
      consumer text COLLATE "C" NOT NULL,
      subject text COLLATE "C" NOT NULL,
      event_id text COLLATE "C",
      data bytea NOT NULL,
      attempts integer NOT NULL,
      error text NOT NULL,
      failed_at bigint NOT NULL,
      replays integer NOT NULL,
      replayed_at bigint,
      last_replay_error text,
      resolved_at bigint,
      CONSTRAINT dead_letters_pkey PRIMARY KEY (id)
    );
    CREATE INDEX dead_letters_failed_idx ON dead_letters (failed_at, id);

    CREATE TABLE leases (
      name text COLLATE "C" NOT NULL,
      holder text COLLATE "C" NOT NULL,
      epoch bigint NOT NULL,
      acquired_at bigint NOT NULL,
      expires_at bigint NOT NULL,
      CONSTRAINT leases_pkey PRIMARY KEY (name)
    );

    CREATE TABLE cluster_nodes (
      node_id text COLLATE "C" NOT NULL,
      address text,
      host text NOT NULL,
      pid integer NOT NULL,
      version text NOT NULL,
      started_at bigint NOT NULL,
      heartbeat_at bigint NOT NULL,
      stopped_at bigint,
      CONSTRAINT cluster_nodes_pkey PRIMARY KEY (node_id)
    );

    CREATE TABLE limit_counters (
      key text COLLATE "C" NOT NULL,
      window_start bigint NOT NULL,
      count bigint NOT NULL,
      CONSTRAINT limit_counters_pkey PRIMARY KEY (key)
    );
    CREATE INDEX limit_counters_window_idx ON limit_counters (window_start);

    CREATE TABLE lockouts (
      source text COLLATE "C" NOT NULL,
      until bigint NOT NULL,
      CONSTRAINT lockouts_pkey PRIMARY KEY (source)
    );
  `,
};
