import type { Database, Transaction } from 'better-sqlite3';
import { CounterConflictError, StaleTerminalError } from '../../core/ports/store.js';
import { SatiotError } from '../../errors/satiot-error.js';
import { uplinkOutboxEvent, type UplinkVia } from '../../core/events/uplink-event.js';
import { asBuffer } from '../row-mapping.js';
import { UNIQUE_EVENT_ID_PREDICATE } from '../outbox-unique-ids.js';
import { messageIdOf, parseMessageId } from '../message-key.js';
import { MESSAGE_FIELDS, orNull, RECEPTION_FIELDS, type IngestBatch, type IngestSeqsFound } from './ingest-batch.js';

/**
 * The ingest write as one IMMEDIATE transaction over statements prepared once (the schema must
 * exist), on whichever thread holds `db`. Counters go first: on a version mismatch the transaction
 * throws before anything else is written, and better-sqlite3 rolls it back. Terminal and station ids
 * resolve to their seqs from the batch's known ones, the rest by one indexed lookup each (returned,
 * for the caller's caches); message ids resolve to message seqs by (terminal_seq, f_cnt), from the
 * batch's own inserts first.
 */
export function ingestTransaction(db: Database): Transaction<(b: IngestBatch) => IngestSeqsFound> {
  const s = {
    terminalSeq: db.prepare<[string], number>('SELECT seq FROM terminals WHERE id = ?').pluck(),
    stationSeq: db.prepare<[string], number>('SELECT seq FROM ground_stations WHERE id = ?').pluck(),
    insertCounter: db.prepare<
      [number, number, string, number, number]
    >(`INSERT INTO terminal_counters (terminal_seq, f_cnt_up_top, window_bits, f_cnt_down, version)
      VALUES (?, ?, ?, ?, ?) ON CONFLICT (terminal_seq) DO NOTHING`),
    updateCounter: db.prepare<
      [number, string, number, number, number, number]
    >(`UPDATE terminal_counters SET f_cnt_up_top = ?, window_bits = ?, f_cnt_down = ?, version = ?
      WHERE terminal_seq = ? AND version = ?`),
    insertMessage: db
      .prepare<[string, number, string, number, number | null, Buffer, number, number, number, number, number], number>(
        `INSERT INTO messages (tenant_id, terminal_seq, dev_eui, f_cnt, f_port, payload, confirmed, ack,
      captured_at, downlinked_at, ingested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (terminal_seq, f_cnt) DO NOTHING RETURNING seq`,
      )
      .pluck(),
    messageSeq: db
      .prepare<[number, number], number>('SELECT seq FROM messages WHERE terminal_seq = ? AND f_cnt = ?')
      .pluck(),
    insertReception: db.prepare<
      [
        number,
        number,
        string,
        number,
        number,
        number,
        number | null,
        number | null,
        number | null,
        number | null,
        string | null,
      ]
    >(`INSERT INTO receptions (message_seq, station_seq, satellite_id, captured_at, downlinked_at,
      received_at, rssi, snr, frequency_offset_hz, frequency_mhz, data_rate) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`),
    lowerTimes: db.prepare<
      [number, number, number, number]
    >(`UPDATE messages SET captured_at = min(captured_at, ?), downlinked_at = min(downlinked_at, ?)
      WHERE terminal_seq = ? AND f_cnt = ?`),
    addRejections: db.prepare<
      [string, string, number]
    >(`INSERT INTO rejection_tallies (station_id, code, count) VALUES (?, ?, ?)
      ON CONFLICT (station_id, code) DO UPDATE SET count = count + excluded.count`),
    addRejectionHour: db.prepare<
      [number, string, string, number]
    >(`INSERT INTO rejection_hours (hour, station_id, code, count) VALUES (?, ?, ?, ?)
      ON CONFLICT (hour, station_id, code) DO UPDATE SET count = count + excluded.count`),
    addTrafficHour: db.prepare<
      [number, number, string, number]
    >(`INSERT INTO traffic_hours (hour, station_seq, satellite_id, shard, receptions) VALUES (?, ?, ?, 0, ?)
      ON CONFLICT (hour, station_seq, satellite_id, shard) DO UPDATE SET receptions = receptions + excluded.receptions`),
    insertEvent: db.prepare<
      [string, string, Buffer, number]
    >(`INSERT INTO outbox (event_id, subject, data, created_at) VALUES (?, ?, ?, ?)
      ON CONFLICT (event_id) WHERE ${UNIQUE_EVENT_ID_PREDICATE} DO NOTHING`),
    // A new message's uplink event: written only with the message, so its id needs no index of its own.
    insertUplinkEvent: db.prepare<[string, string, Buffer, number]>(
      'INSERT INTO outbox (event_id, subject, data, created_at) VALUES (?, ?, ?, ?)',
    ),
  };

  return db.transaction((b: IngestBatch): IngestSeqsFound => {
    const terminalSeqs = new Map(b.terminalSeqs),
      stationSeqs = new Map(b.stationSeqs);
    const found: IngestSeqsFound = { terminals: [], stations: [] };
    const terminalSeq = (id: string): number | undefined => {
      let seq = terminalSeqs.get(id);
      if (seq === undefined && (seq = s.terminalSeq.get(id)) !== undefined) {
        terminalSeqs.set(id, seq);
        found.terminals.push([id, seq]);
      }
      return seq;
    };
    const stationSeq = (id: string): number | undefined => {
      let seq = stationSeqs.get(id);
      if (seq === undefined && (seq = s.stationSeq.get(id)) !== undefined) {
        stationSeqs.set(id, seq);
        found.stations.push([id, seq]);
      }
      return seq;
    };

    // Terminals deleted meanwhile (through another process on the file) change nothing: the caller reloads them.
    const stale = new Set<string>();
    for (const id of [...b.counters.map((c) => c.state.terminalId), ...b.messageTerminals])
      if (terminalSeq(id) === undefined) stale.add(id);
    if (stale.size > 0) throw new StaleTerminalError([...stale]);
    const conflicts: string[] = [];
    for (const { state: c, expectedVersion } of b.counters) {
      const seq = terminalSeq(c.terminalId)!;
      const r =
        expectedVersion === -1
          ? s.insertCounter.run(seq, c.fCntUpTop, c.windowBits, c.fCntDown, c.version)
          : s.updateCounter.run(c.fCntUpTop, c.windowBits, c.fCntDown, c.version, seq, expectedVersion);
      if (r.changes !== 1) conflicts.push(c.terminalId);
    }
    if (conflicts.length > 0) throw new CounterConflictError(conflicts);

    const { bytes, ends } = b;
    // The first copy's path of each message, for its uplink event.
    const via = new Map<string, UplinkVia>();
    if (b.uplinkEvents) {
      for (let i = 0; i < b.receptionMessages.length; i++) {
        const m = b.receptionMessages[i]!;
        if (!via.has(m)) via.set(m, { stationId: b.receptionStations[i]!, satelliteId: b.receptionSatellites[i]! });
      }
    }
    const messageSeqs = new Map<string, number>();
    const mn = b.messageNumbers;
    for (let i = 0, from = 0; i < b.messageTerminals.length; i++) {
      const o = i * MESSAGE_FIELDS,
        terminalId = b.messageTerminals[i]!,
        tSeq = terminalSeqs.get(terminalId)!,
        fCnt = mn[o]!;
      const payload = asBuffer(bytes.subarray(from, ends[i]!)),
        id = messageIdOf(terminalId, fCnt);
      const inserted = s.insertMessage.get(
        b.messageTenants[i]!,
        tSeq,
        b.messageDevEuis[i]!,
        fCnt,
        orNull(mn[o + 1]!),
        payload,
        mn[o + 2]!,
        mn[o + 3]!,
        mn[o + 4]!,
        mn[o + 5]!,
        mn[o + 6]!,
      );
      const seq = inserted ?? s.messageSeq.get(tSeq, fCnt);
      from = ends[i]!;
      if (seq !== undefined) messageSeqs.set(id, seq);
      if (b.uplinkEvents && inserted !== undefined) {
        const e = uplinkOutboxEvent(
          {
            id,
            tenantId: b.messageTenants[i]!,
            terminalId,
            devEui: b.messageDevEuis[i]!,
            fCnt,
            fPort: orNull(mn[o + 1]!),
            payload,
            confirmed: mn[o + 2] === 1,
            ack: mn[o + 3] === 1,
            capturedAt: mn[o + 4]!,
            downlinkedAt: mn[o + 5]!,
            ingestedAt: mn[o + 6]!,
          },
          via.get(id),
        );
        s.insertUplinkEvent.run(e.id, e.subject, asBuffer(e.data), b.eventsAt);
      }
    }
    const traffic = new Map<string, number>(); // [hour, station seq, satellite] → copies stored
    const rn = b.receptionNumbers;
    for (let i = 0; i < b.receptionMessages.length; i++) {
      const messageId = b.receptionMessages[i]!,
        stationId = b.receptionStations[i]!;
      let seq = messageSeqs.get(messageId);
      if (seq === undefined) {
        const key = parseMessageId(messageId);
        const tSeq = key && terminalSeq(key.terminalId);
        seq = key && tSeq !== undefined ? s.messageSeq.get(tSeq, key.fCnt) : undefined;
        if (seq === undefined)
          throw new SatiotError('INVALID_ARGUMENT', `No message ${messageId} for a reception.`, { messageId });
        messageSeqs.set(messageId, seq);
      }
      const sSeq = stationSeq(stationId);
      if (sSeq === undefined)
        throw new SatiotError('INVALID_ARGUMENT', `No ground station ${stationId}.`, { stationId });
      const o = i * RECEPTION_FIELDS;
      const added = s.insertReception.run(
        seq,
        sSeq,
        b.receptionSatellites[i]!,
        rn[o]!,
        rn[o + 1]!,
        rn[o + 2]!,
        orNull(rn[o + 3]!),
        orNull(rn[o + 4]!),
        orNull(rn[o + 5]!),
        orNull(rn[o + 6]!),
        b.receptionDataRates[i]!,
      );
      // A copy stored for the first time counts in its hour's traffic (one written again by a retry does not).
      if (added.changes === 1) {
        const key = JSON.stringify([Math.floor(rn[o + 2]! / 3_600_000), sSeq, b.receptionSatellites[i]!]);
        traffic.set(key, (traffic.get(key) ?? 0) + 1);
      }
    }
    for (const t of b.earlierTimes) {
      const key = parseMessageId(t.messageId);
      const tSeq = key && terminalSeq(key.terminalId);
      if (key && tSeq !== undefined) s.lowerTimes.run(t.capturedAt, t.downlinkedAt, tSeq, key.fCnt);
    }
    for (const j of b.rejections) {
      s.addRejections.run(j.stationId, j.code, j.count);
      s.addRejectionHour.run(b.rejectionHour, j.stationId, j.code, j.count);
    }
    for (const [key, n] of traffic) {
      const [hour, sSeq, satelliteId] = JSON.parse(key) as [number, number, string];
      s.addTrafficHour.run(hour, sSeq, satelliteId, n);
    }
    const firstEvent = b.messageTerminals.length;
    for (let i = 0; i < b.eventIds.length; i++) {
      const k = firstEvent + i;
      s.insertEvent.run(
        b.eventIds[i]!,
        b.eventSubjects[i]!,
        asBuffer(bytes.subarray(k === 0 ? 0 : ends[k - 1]!, ends[k]!)),
        b.eventsAt,
      );
    }
    return found;
  });
}
