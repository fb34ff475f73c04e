import type { Migration } from '../../migration.js';

/** PostgreSQL migration 9: terminal registration (as SQLite's 009-registration.ts). */
export const POSTGRES_REGISTRATION_MIGRATION: Migration = {
  version: 9,
  name: 'terminal registration',
  sql: `
    ALTER TABLE terminals ADD COLUMN status text NOT NULL DEFAULT 'approved' CHECK (status IN ('pending', 'approved', 'suspended', 'retired'));
    ALTER TABLE terminals ADD COLUMN status_reason text;
    ALTER TABLE terminals ADD COLUMN status_by text;
    ALTER TABLE terminals ADD COLUMN status_at bigint;
    CREATE INDEX terminals_status_idx ON terminals (status, created_at, id);
    CREATE TABLE terminal_registrations (
      terminal_id text NOT NULL,
      tenant_id text NOT NULL,
      owner_kind text NOT NULL CHECK (owner_kind IN ('organisation', 'person')),
      owner_name text NOT NULL,
      id_type text NOT NULL,
      id_number_sealed text NOT NULL,
      id_number_masked text NOT NULL,
      sector text NOT NULL,
      mobility text NOT NULL CHECK (mobility IN ('fixed', 'mobile')),
      region text,
      expected_messages_per_day double precision NOT NULL,
      hardware_id text NOT NULL,
      imei text,
      created_at bigint NOT NULL,
      updated_at bigint NOT NULL,
      CONSTRAINT terminal_registrations_pkey PRIMARY KEY (terminal_id),
      CONSTRAINT terminal_registrations_hardware_id_key UNIQUE (hardware_id),
      CONSTRAINT terminal_registrations_imei_key UNIQUE (imei)
    );
    CREATE INDEX terminal_registrations_tenant_idx ON terminal_registrations (tenant_id);
  `,
};
