import type { Migration } from '../../migration.js';

/**
 * Migration 20 in SQLite's dialect: how many times an operator reset a terminal's uplink counters
 * (POST /api/v1/terminals/{devEui}/counters/reset). Messages are keyed (terminal, counter), so a
 * terminal that counts from 0 again stores its messages at up_epoch × 2³² + FCnt: the earlier ones
 * keep their ids and the new ones are not taken for their duplicates.
 */
export const SQLITE_COUNTER_EPOCH_MIGRATION: Migration = {
  version: 20,
  name: 'uplink counter resets',
  sql: `
    ALTER TABLE terminal_counters ADD COLUMN up_epoch INTEGER NOT NULL DEFAULT 0;
  `,
};
