import type { Migration } from '../../migration.js';

/**
 * Migration 5 in PostgreSQL's dialect: the schema of SQLite's 005-api-keys.ts (see there),
 * with named constraints and "C"-collated keys.
 */
export const POSTGRES_API_KEYS_MIGRATION: Migration = {
  version: 5,
  name: 'api keys',
  sql: `
      CREATE TABLE api_keys (
        id text NOT NULL,
        tenant_id text REFERENCES tenants (id),
        role text NOT NULL CHECK (role IN ('operator', 'tenant-admin', 'tenant-user', 'regulator')),
        name text NOT NULL,
        key_hash text NOT NULL,
        prefix text NOT NULL,
        created_at bigint NOT NULL,
        expires_at bigint,
        revoked_at bigint,
        CONSTRAINT api_keys_pkey PRIMARY KEY (id),
        CONSTRAINT api_keys_key_hash_key UNIQUE (key_hash),
        CHECK ((tenant_id IS NULL) = (role IN ('operator', 'regulator')))
      );
      CREATE INDEX api_keys_tenant_idx ON api_keys (tenant_id, created_at);
    `,
};
