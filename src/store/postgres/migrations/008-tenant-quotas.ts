import type { Migration } from '../../migration.js';

/**
 * Migration 8 in PostgreSQL's dialect: the schema of SQLite's 008-tenant-quotas.ts (see there),
 * with named constraints and "C"-collated keys.
 */
export const POSTGRES_TENANT_QUOTAS_MIGRATION: Migration = {
  version: 8,
  name: 'tenant quotas',
  sql: `
      CREATE TABLE tenant_quotas (
        tenant_id text NOT NULL REFERENCES tenants (id),
        monthly_uplink_messages bigint,
        monthly_downlinks bigint,
        action text NOT NULL CHECK (action IN ('warn', 'refuse-downlinks')),
        updated_at bigint NOT NULL,
        CONSTRAINT tenant_quotas_pkey PRIMARY KEY (tenant_id)
      );
    `,
};
