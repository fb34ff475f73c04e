import type { IngestWrite } from '../../core/ports/store.js';

const HOUR_MS = 3_600_000;

/** Numbers per new message in `IngestBatch.messageNumbers`. */
export const MESSAGE_FIELDS = 7; // fCnt, fPort, confirmed, ack, capturedAt, downlinkedAt, ingestedAt
/** Numbers per reception in `IngestBatch.receptionNumbers`. */
export const RECEPTION_FIELDS = 7; // capturedAt, downlinkedAt, receivedAt, rssi, snr, frequencyOffsetHz, frequencyMHz

/**
 * An ingest write in columns, as the SQLite ingest transaction reads it: strings in arrays, numbers
 * in Float64Arrays (NaN for null), every byte string (payloads, then event data) in one buffer.
 * It crosses to the writer thread as a handful of arrays and three transferred buffers instead of
 * thousands of small objects, and a Buffer sliced from Node's shared pool never drags its whole
 * 8 KiB slab along. A message's id is not sent: it is `${terminalId}.${fCnt}` (checkIngestWrite).
 */
export interface IngestBatch {
  readonly messageTenants: string[];
  readonly messageTerminals: string[];
  readonly messageDevEuis: string[];
  readonly messageNumbers: Float64Array;
  readonly receptionMessages: string[];
  readonly receptionStations: string[];
  readonly receptionSatellites: string[];
  readonly receptionNumbers: Float64Array;
  /** Each reception's data rate (terrestrial gateways report it), null when absent. */
  readonly receptionDataRates: Array<string | null>;
  readonly earlierTimes: IngestWrite['earlierTimes'];
  readonly counters: IngestWrite['counters'];
  readonly rejections: IngestWrite['rejections'];
  /** The hour (Unix ms / 3,600,000) the rejections are counted in. */
  readonly rejectionHour: number;
  /** Write each new message's uplink event too (IngestWrite.uplinkEvents), ahead of the events below. */
  readonly uplinkEvents: boolean;
  readonly eventIds: string[];
  readonly eventSubjects: string[];
  readonly eventsAt: number;
  /** Message payloads, then event data, back to back; `ends[k]` is where the k-th one ends. */
  readonly bytes: Uint8Array;
  readonly ends: Uint32Array;
  /** Surrogate keys the caller already knows (saves the transaction a lookup each). */
  readonly terminalSeqs: Array<[string, number]>;
  readonly stationSeqs: Array<[string, number]>;
}

/** Seqs the transaction had to look up (for the caller's caches). */
export interface IngestSeqsFound {
  readonly terminals: Array<[string, number]>;
  readonly stations: Array<[string, number]>;
}

const nullable = (v: number | null | undefined): number => v ?? NaN;
export const orNull = (v: number): number | null => (Number.isNaN(v) ? null : v);

/** `w` in columns; `terminalSeq`/`stationSeq` answer from the caller's caches (undefined: unknown). */
export function packIngestWrite(
  w: IngestWrite,
  terminalSeq: (id: string) => number | undefined,
  stationSeq: (id: string) => number | undefined,
): IngestBatch {
  const ms = w.newMessages,
    rs = w.receptions,
    es = w.events ?? [];
  let size = 0;
  for (const m of ms) size += m.payload.byteLength;
  for (const e of es) size += e.data.byteLength;
  const bytes = new Uint8Array(size);
  const ends = new Uint32Array(ms.length + es.length);
  let at = 0,
    k = 0;
  const mNum = new Float64Array(ms.length * MESSAGE_FIELDS);
  const terminals = new Map<string, number>();
  const known = (id: string): void => {
    if (terminals.has(id)) return;
    const seq = terminalSeq(id);
    if (seq !== undefined) terminals.set(id, seq);
  };
  for (let i = 0; i < ms.length; i++) {
    const m = ms[i]!;
    bytes.set(m.payload, at);
    ends[k++] = at += m.payload.byteLength;
    const o = i * MESSAGE_FIELDS;
    mNum[o] = m.fCnt;
    mNum[o + 1] = nullable(m.fPort);
    mNum[o + 2] = m.confirmed ? 1 : 0;
    mNum[o + 3] = m.ack ? 1 : 0;
    mNum[o + 4] = m.capturedAt;
    mNum[o + 5] = m.downlinkedAt;
    mNum[o + 6] = m.ingestedAt;
    known(m.terminalId);
  }
  for (const c of w.counters) known(c.state.terminalId);
  for (const e of es) {
    bytes.set(e.data, at);
    ends[k++] = at += e.data.byteLength;
  }
  const rNum = new Float64Array(rs.length * RECEPTION_FIELDS);
  const stations = new Map<string, number>();
  for (let i = 0; i < rs.length; i++) {
    const r = rs[i]!;
    const o = i * RECEPTION_FIELDS;
    rNum[o] = r.capturedAt;
    rNum[o + 1] = r.downlinkedAt;
    rNum[o + 2] = r.receivedAt;
    rNum[o + 3] = nullable(r.rssi);
    rNum[o + 4] = nullable(r.snr);
    rNum[o + 5] = nullable(r.frequencyOffsetHz);
    rNum[o + 6] = nullable(r.frequencyMHz);
    if (!stations.has(r.stationId)) {
      const seq = stationSeq(r.stationId);
      if (seq !== undefined) stations.set(r.stationId, seq);
    }
  }
  return {
    messageTenants: ms.map((m) => m.tenantId),
    messageTerminals: ms.map((m) => m.terminalId),
    messageDevEuis: ms.map((m) => m.devEui),
    messageNumbers: mNum,
    receptionMessages: rs.map((r) => r.messageId),
    receptionStations: rs.map((r) => r.stationId),
    receptionSatellites: rs.map((r) => r.satelliteId),
    receptionNumbers: rNum,
    receptionDataRates: rs.map((r) => r.dataRate ?? null),
    earlierTimes: w.earlierTimes,
    counters: w.counters,
    rejections: w.rejections,
    rejectionHour: Math.floor((w.at ?? Date.now()) / HOUR_MS),
    uplinkEvents: w.uplinkEvents === true,
    eventIds: es.map((e) => e.id),
    eventSubjects: es.map((e) => e.subject),
    eventsAt: w.eventsAt ?? Date.now(),
    bytes,
    ends,
    terminalSeqs: [...terminals],
    stationSeqs: [...stations],
  };
}

/** The buffers a batch can hand over to another thread instead of copying. */
export function transferablesOf(b: IngestBatch): ArrayBuffer[] {
  return [b.messageNumbers.buffer, b.receptionNumbers.buffer, b.bytes.buffer, b.ends.buffer] as ArrayBuffer[];
}
