import type { Migration } from '../../migration.js';

/**
 * Migration 5 in SQLite's dialect: API keys (hashed), each with its role and, for tenant roles, its
 * tenant.
 */
export const SQLITE_API_KEYS_MIGRATION: Migration = {
  version: 5,
  name: 'api keys',
  sql: `
      CREATE TABLE api_keys (
        id TEXT NOT NULL PRIMARY KEY,
        tenant_id TEXT REFERENCES tenants (id),
        role TEXT NOT NULL CHECK (role IN ('operator', 'tenant-admin', 'tenant-user', 'regulator')),
        name TEXT NOT NULL,
        key_hash TEXT NOT NULL UNIQUE,
        prefix TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER,
        revoked_at INTEGER,
        CHECK ((tenant_id IS NULL) = (role IN ('operator', 'regulator')))
      ) STRICT;
      CREATE INDEX api_keys_tenant_idx ON api_keys (tenant_id, created_at);
    `,
};
