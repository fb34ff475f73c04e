import type { Migration } from '../../migration.js';

/**
 * Migration 7 in PostgreSQL's dialect: the schema of SQLite's 007-delivery.ts (see there), with
 * named constraints and "C"-collated keys like the other PostgreSQL migrations.
 */
export const POSTGRES_DELIVERY_MIGRATION: Migration = {
  version: 7,
  name: 'webhooks and integrations',
  sql: `
    CREATE TABLE integrations (
      id text COLLATE "C" NOT NULL,
      kind text NOT NULL CHECK (kind IN ('webhook', 'mqtt')),
      tenant_id text COLLATE "C" NOT NULL,
      url text NOT NULL,
      events text NOT NULL,
      username text,
      topic_prefix text,
      secret_sealed text,
      disabled_at bigint,
      disabled_reason text,
      consecutive_failures integer NOT NULL,
      created_at bigint NOT NULL,
      updated_at bigint NOT NULL,
      CONSTRAINT integrations_pkey PRIMARY KEY (id),
      CONSTRAINT integrations_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id)
    );
    CREATE INDEX integrations_tenant_idx ON integrations (tenant_id, kind, created_at);

    CREATE TABLE pending_deliveries (
      seq bigint GENERATED ALWAYS AS IDENTITY,
      id text COLLATE "C" NOT NULL,
      integration_id text COLLATE "C" NOT NULL,
      event_kind text NOT NULL,
      subject text NOT NULL,
      message_id text COLLATE "C",
      body text NOT NULL,
      attempts integer NOT NULL,
      next_attempt_at bigint NOT NULL,
      created_at bigint NOT NULL,
      CONSTRAINT pending_deliveries_pkey PRIMARY KEY (seq),
      CONSTRAINT pending_deliveries_id_key UNIQUE (id),
      CONSTRAINT pending_deliveries_integration_id_fkey FOREIGN KEY (integration_id) REFERENCES integrations (id) ON DELETE CASCADE
    );
    CREATE INDEX pending_deliveries_integration_due_idx ON pending_deliveries (integration_id, next_attempt_at, seq);
    CREATE INDEX pending_deliveries_due_idx ON pending_deliveries (next_attempt_at);

    CREATE TABLE delivery_attempts (
      seq bigint GENERATED ALWAYS AS IDENTITY,
      integration_id text COLLATE "C" NOT NULL,
      delivery_id text COLLATE "C" NOT NULL,
      event_kind text NOT NULL,
      message_id text COLLATE "C",
      attempt integer NOT NULL,
      outcome text NOT NULL CHECK (outcome IN ('delivered', 'retrying', 'failed')),
      status_code integer,
      error text,
      duration_ms integer NOT NULL,
      at bigint NOT NULL,
      CONSTRAINT delivery_attempts_pkey PRIMARY KEY (seq),
      CONSTRAINT delivery_attempts_integration_id_fkey FOREIGN KEY (integration_id) REFERENCES integrations (id) ON DELETE CASCADE
    );
    CREATE INDEX delivery_attempts_integration_idx ON delivery_attempts (integration_id, seq);
    CREATE INDEX delivery_attempts_at_idx ON delivery_attempts (at);

    CREATE TABLE message_deliveries (
      message_id text COLLATE "C" NOT NULL,
      integration_kind text NOT NULL,
      integration_id text COLLATE "C" NOT NULL,
      delivered_at bigint NOT NULL,
      CONSTRAINT message_deliveries_pkey PRIMARY KEY (message_id, integration_kind, integration_id)
    );
  `,
};
