import type { Migration } from '../../migration.js';

/** Migration 8 in SQLite's dialect: each tenant's monthly quotas and what happens past them. */
export const SQLITE_TENANT_QUOTAS_MIGRATION: Migration = {
  version: 8,
  name: 'tenant quotas',
  sql: `
      CREATE TABLE tenant_quotas (
        tenant_id TEXT NOT NULL PRIMARY KEY REFERENCES tenants (id),
        monthly_uplink_messages INTEGER,
        monthly_downlinks INTEGER,
        action TEXT NOT NULL CHECK (action IN ('warn', 'refuse-downlinks')),
        updated_at INTEGER NOT NULL
      ) STRICT;
    `,
};
