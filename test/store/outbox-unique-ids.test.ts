/**
 * Migration 13: the outbox's event ids unique for every event but messages' uplink events
 * (src/store/outbox-unique-ids.ts). The predicate is checked against the subjects' own builders,
 * and the migration against a database written at migration 12.
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { UNIQUE_EVENT_ID_PREDICATE } from '../../src/store/outbox-unique-ids.js';
import { SQLITE_MIGRATIONS, migrateSqlite } from '../../src/store/sqlite/migrations.js';
import {
  TERMINAL_EVENT_TOKENS,
  anomalySubject,
  receptionSummarySubject,
  registrySubject,
  rejectionSubject,
  terminalSubject,
  uplinkSubject,
  type TerminalEventKind,
} from '../../src/core/events/subjects.js';

describe("the outbox's unique event ids", () => {
  const covered = (db: Database.Database, subject: string): boolean =>
    db.prepare(`SELECT ${UNIQUE_EVENT_ID_PREDICATE} AS c FROM (SELECT ? AS subject)`).pluck().get(subject) === 1;

  it('leave out exactly the uplink events, of any tenant and terminal', () => {
    const db = new Database(':memory:');
    expect(covered(db, uplinkSubject({ tenantId: 'acme', devEui: '0011223344556677' }))).toBe(false);
    expect(covered(db, uplinkSubject({ tenantId: 'x', devEui: 'ffffffffffffffff' }))).toBe(false);
    for (const kind of Object.keys(TERMINAL_EVENT_TOKENS) as TerminalEventKind[]) {
      if (kind !== 'uplink') expect(covered(db, terminalSubject(kind, 'acme', '0011223344556677')), kind).toBe(true);
    }
    for (const s of [
      rejectionSubject('gs-1'),
      receptionSummarySubject('gs-1'),
      anomalySubject('replay'),
      registrySubject('terminal'),
    ])
      expect(covered(db, s), s).toBe(true);
    expect(covered(db, 'satiot.upx.1')).toBe(true);
    db.close();
  });

  it('migrate a database written at migration 12 keeping every row and seq; uplink ids then are not indexed, the rest still are', () => {
    const db = new Database(':memory:');
    migrateSqlite(
      db,
      SQLITE_MIGRATIONS.filter((m) => m.version <= 12),
    );
    const ins = db.prepare(
      'INSERT INTO outbox (seq, event_id, subject, data, created_at, published_at) VALUES (?, ?, ?, ?, ?, ?)',
    );
    const up = uplinkSubject({ tenantId: 'acme', devEui: '0011223344556677' });
    ins.run(5, 't.1', up, Buffer.from('a'), 10, 11);
    ins.run(9, 'reg-1', registrySubject('terminal'), Buffer.from('b'), 12, null);
    migrateSqlite(db);
    expect(
      db.prepare('SELECT seq, event_id, subject, created_at, published_at FROM outbox ORDER BY seq').all(),
    ).toEqual([
      { seq: 5, event_id: 't.1', subject: up, created_at: 10, published_at: 11 },
      { seq: 9, event_id: 'reg-1', subject: registrySubject('terminal'), created_at: 12, published_at: null },
    ]);
    const indexes = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'outbox' ORDER BY name")
      .pluck()
      .all();
    expect(indexes).toEqual(['outbox_event_id_idx', 'outbox_published_idx', 'outbox_unpublished_idx']);
    expect(() => ins.run(10, 'reg-1', registrySubject('terminal'), Buffer.from('c'), 13, null)).toThrow(/UNIQUE/);
    ins.run(10, 't.1', up, Buffer.from('c'), 13, null); // not indexed: the message's key keeps it unique
    // The next seq stays above every one handed out (INTEGER PRIMARY KEY: max(seq) + 1).
    expect(
      db
        .prepare(
          "INSERT INTO outbox (event_id, subject, data, created_at) VALUES ('n', 's.n', x'00', 14) RETURNING seq",
        )
        .pluck()
        .get(),
    ).toBe(11);
    db.close();
  });
});
