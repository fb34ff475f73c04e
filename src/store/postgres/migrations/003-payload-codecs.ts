import type { Migration } from '../../migration.js';

/**
 * Migration 3 in PostgreSQL's dialect: the schema of SQLite's 003-payload-codecs.ts (see there),
 * with named constraints and "C"-collated keys.
 */
export const POSTGRES_PAYLOAD_CODECS_MIGRATION: Migration = {
  version: 3,
  name: 'payload codecs and decoded messages',
  sql: `
      ALTER TABLE terminals ADD COLUMN codec text;

      CREATE TABLE message_decodes (
        message_seq bigint NOT NULL REFERENCES messages (seq),
        codec text NOT NULL,
        decoded text,
        error_code text,
        error_message text,
        decoded_at bigint NOT NULL,
        CONSTRAINT message_decodes_pkey PRIMARY KEY (message_seq),
        CHECK ((decoded IS NULL) <> (error_code IS NULL))
      );

      CREATE TABLE user_codecs (
        id text NOT NULL,
        tenant_id text NOT NULL REFERENCES tenants (id),
        name text NOT NULL,
        script text NOT NULL,
        created_at bigint NOT NULL,
        CONSTRAINT user_codecs_pkey PRIMARY KEY (id),
        CONSTRAINT user_codecs_tenant_name_key UNIQUE (tenant_id, name)
      );
    `,
};
