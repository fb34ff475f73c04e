/**
 * commitIngest throughput in batches of 1,000 frames (each frame: a new message and its
 * receptions; each batch also advances the counters of the terminals it touched), on an empty
 * database and on one that already holds 200,000 messages.
 *
 *   node --import tsx test/store/ingest-throughput.bench.ts
 *   SATIOT_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test node --import tsx test/store/ingest-throughput.bench.ts
 *
 * SQLite runs on a file in the OS temp directory (WAL, synchronous = FULL: every batch is fsynced).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MessageRecord, Reception } from '../../src/core/model.js';
import type { IngestWrite, Store } from '../../src/core/ports/store.js';
import { PostgresStore } from '../../src/store/postgres/store.js';
import { SqliteStore } from '../../src/store/sqlite/store.js';
import { POSTGRES_URL, T0, counters, dropSchema, station, tenant, terminal } from './helpers.js';

const BATCH = 1000;

interface Scenario {
  readonly name: string;
  readonly terminals: number;
  readonly receptionsPerFrame: number;
  /** Frames committed (untimed) before the measured batches: the database's size. */
  readonly prefill: number;
  readonly batches: number;
}

const SCENARIOS: Scenario[] = [
  {
    name: 'empty db, 100 terminals, 1 reception/frame',
    terminals: 100,
    receptionsPerFrame: 1,
    prefill: 0,
    batches: 40,
  },
  {
    name: 'empty db, 10,000 terminals, 2 receptions/frame',
    terminals: 10_000,
    receptionsPerFrame: 2,
    prefill: 0,
    batches: 40,
  },
  {
    name: '200k messages, 10,000 terminals, 1 reception/frame',
    terminals: 10_000,
    receptionsPerFrame: 1,
    prefill: 200_000,
    batches: 40,
  },
];

/**
 * Frames come from terminals drawn at random (ids are UUIDs and message ids `${terminalId}.${fCnt}`,
 * as the core makes them); each batch advances the counters of the terminals it touched.
 */
async function run(store: Store, sc: Scenario): Promise<number> {
  await store.tenants.create(tenant('bench'));
  for (const id of ['gs-a', 'gs-b']) await store.groundStations.create(station(id));
  const ts = Array.from({ length: sc.terminals }, (_, i) => terminal(randomUUID(), 'bench', i + 1));
  for (const t of ts) await store.terminals.create(t);
  const version = new Map<string, number>();
  const fCnt = new Map<string, number>();
  const payload = randomBytes(24);
  let frame = 0;

  function nextWrite(): IngestWrite {
    const newMessages: MessageRecord[] = [];
    const receptions: Reception[] = [];
    const touched = new Set<string>();
    for (let i = 0; i < BATCH; i += 1, frame += 1) {
      const t = ts[Math.floor(Math.random() * ts.length)]!;
      const n = (fCnt.get(t.id) ?? -1) + 1;
      fCnt.set(t.id, n);
      touched.add(t.id);
      const at = T0 + frame * 10;
      const m: MessageRecord = {
        id: `${t.id}.${n}`,
        tenantId: t.tenantId,
        terminalId: t.id,
        devEui: t.devEui,
        fCnt: n,
        fPort: 1,
        payload: new Uint8Array(payload),
        confirmed: false,
        ack: false,
        capturedAt: at,
        downlinkedAt: at + 600_000,
        ingestedAt: at + 610_000,
      };
      newMessages.push(m);
      for (let r = 0; r < sc.receptionsPerFrame; r += 1) {
        receptions.push({
          messageId: m.id,
          stationId: r === 0 ? 'gs-a' : 'gs-b',
          satelliteId: 'SAT-1',
          capturedAt: m.capturedAt,
          downlinkedAt: m.downlinkedAt,
          receivedAt: m.ingestedAt,
          rssi: -120,
          snr: -5,
          frequencyOffsetHz: 1000,
        });
      }
    }
    const cs = [...touched].map((id) => {
      const expectedVersion = version.get(id) ?? -1;
      const next = expectedVersion === -1 ? 1 : expectedVersion + 1;
      version.set(id, next);
      return { state: counters(id, fCnt.get(id)!, next), expectedVersion };
    });
    return { newMessages, receptions, earlierTimes: [], counters: cs, rejections: [] };
  }

  for (let i = 0; i < sc.prefill / BATCH; i += 1) await store.commitIngest(nextWrite());
  await store.commitIngest(nextWrite()); // warm-up: statements prepared, caches filled
  // Build the measured batches first: only commitIngest is timed.
  const writes = Array.from({ length: sc.batches }, nextWrite);
  const start = performance.now();
  for (const w of writes) await store.commitIngest(w);
  const ms = performance.now() - start;
  return (sc.batches * BATCH) / (ms / 1000);
}

function report(backend: string, sc: Scenario, fps: number): void {
  console.log(
    `${backend.padEnd(13)} ${sc.name.padEnd(52)} ${Math.round(fps).toLocaleString('en').padStart(8)} frames/s  (${((BATCH / fps) * 1000).toFixed(1)} ms per batch of ${BATCH})`,
  );
}

async function main(): Promise<void> {
  for (const sc of SCENARIOS) {
    const dir = mkdtempSync(join(tmpdir(), 'satiot-bench-'));
    const sqlite = new SqliteStore(join(dir, 'satiot.db'));
    await sqlite.migrate();
    try {
      const fps = await run(sqlite, sc);
      report('sqlite (file)', sc, fps);
    } finally {
      await sqlite.close();
      rmSync(dir, { recursive: true, force: true });
    }

    if (POSTGRES_URL) {
      const schema = `satiot_bench_${randomBytes(4).toString('hex')}`;
      const pgStore = new PostgresStore(POSTGRES_URL, { schema });
      await pgStore.migrate();
      try {
        const fps = await run(pgStore, sc);
        report('postgres', sc, fps);
      } finally {
        await pgStore.close();
        await dropSchema(POSTGRES_URL, schema);
      }
    }
  }
}

await main();
