import type { Migration } from '../../migration.js';

/**
 * Migration 7 in SQLite's dialect: integrations (webhooks and tenants' MQTT brokers), the delivery
 * queue, the delivery log, and when messages were delivered. PostgreSQL's 007-delivery.ts is the
 * same schema; src/store/kysely/delivery-store.ts runs the same SQL on both.
 */
export const SQLITE_DELIVERY_MIGRATION: Migration = {
  version: 7,
  name: 'webhooks and integrations',
  sql: `
    -- One table for both kinds: url and events for all, username and topic_prefix for mqtt.
    -- secret_sealed is the webhook signing secret or the broker password, sealed by the key vault.
    -- Enabled is disabled_at IS NULL (no boolean column: the same SQL runs on both backends).
    CREATE TABLE integrations (
      id TEXT NOT NULL PRIMARY KEY,
      kind TEXT NOT NULL CHECK (kind IN ('webhook', 'mqtt')),
      tenant_id TEXT NOT NULL REFERENCES tenants (id),
      url TEXT NOT NULL,
      events TEXT NOT NULL,
      username TEXT,
      topic_prefix TEXT,
      secret_sealed TEXT,
      disabled_at INTEGER,
      disabled_reason TEXT,
      consecutive_failures INTEGER NOT NULL,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX integrations_tenant_idx ON integrations (tenant_id, kind, created_at);

    -- The outbox: a row per event and integration until delivered or given up. next_attempt_at is
    -- also the lease of the node attempting it; seq keeps deliveries due together in queue order.
    CREATE TABLE pending_deliveries (
      seq INTEGER PRIMARY KEY,
      id TEXT NOT NULL UNIQUE,
      integration_id TEXT NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
      event_kind TEXT NOT NULL,
      subject TEXT NOT NULL,
      message_id TEXT,
      body TEXT NOT NULL,
      attempts INTEGER NOT NULL,
      next_attempt_at INTEGER NOT NULL,
      created_at INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX pending_deliveries_integration_due_idx ON pending_deliveries (integration_id, next_attempt_at, seq);
    CREATE INDEX pending_deliveries_due_idx ON pending_deliveries (next_attempt_at);

    CREATE TABLE delivery_attempts (
      seq INTEGER PRIMARY KEY,
      integration_id TEXT NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
      delivery_id TEXT NOT NULL,
      event_kind TEXT NOT NULL,
      message_id TEXT,
      attempt INTEGER NOT NULL,
      outcome TEXT NOT NULL CHECK (outcome IN ('delivered', 'retrying', 'failed')),
      status_code INTEGER,
      error TEXT,
      duration_ms INTEGER NOT NULL,
      at INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX delivery_attempts_integration_idx ON delivery_attempts (integration_id, seq);
    CREATE INDEX delivery_attempts_at_idx ON delivery_attempts (at);

    -- No foreign keys: a message's delivery stays part of its history after the integration is gone.
    CREATE TABLE message_deliveries (
      message_id TEXT NOT NULL,
      integration_kind TEXT NOT NULL,
      integration_id TEXT NOT NULL,
      delivered_at INTEGER NOT NULL,
      PRIMARY KEY (message_id, integration_kind, integration_id)
    ) STRICT, WITHOUT ROWID;
  `,
};
