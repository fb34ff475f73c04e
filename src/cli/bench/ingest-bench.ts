import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { buildDataFrame, decryptPayload, parseDataFrame, verifyMic, type SessionKeys } from '../../frame/index.js';
import { Core } from '../../core/core.js';
import { KeyVault } from '../../core/key-vault.js';
import type { UplinkFrameInput } from '../../core/ingest-pipeline.js';
import { openStore } from '../../store/open-store.js';
import { dropPostgresSchema } from '../../store/postgres/drop-schema.js';
import { openBus } from '../../bus/open-bus.js';
import { buildApp } from '../../api/app.js';
import { sha256Hex } from '../../core/provisioning.js';

export interface IngestBenchOptions {
  frames: number;
  terminals: number;
  store: string;
  bus: string;
  via: 'inproc' | 'http';
  batch: number;
  /** Concurrent callers (stations posting at once). */
  clients: number;
  onProgress?: (done: number, total: number) => void;
}

export interface IngestBenchResult {
  framesPerSecond: number;
  cryptoOnlyFramesPerSecond: number;
  ratio: number;
  frames: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  seconds: number;
  store: string;
  bus: string;
  via: string;
  batch: number;
  terminals: number;
}

/**
 * Pushes real encrypted LoRaWAN frames through the whole pipeline (HTTP or in-process → MIC →
 * dedup → anti-replay → decrypt → durable store → publish): ~10 % duplicate copies from other
 * satellites, ~0.5 % bad frames (a broken MIC or truncated bytes), counters slightly out of order as
 * store-and-forward delivers them. Measures, in the same run, the crypto-only rate (parse + MIC +
 * decrypt of the same frames, one thread) for the ratio.
 */
export async function runIngestBench(o: IngestBenchOptions): Promise<IngestBenchResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'satiot-bench-'));
  // PostgreSQL: a throwaway schema per run, dropped at the end, so runs never meet each other's data.
  const schema = `satiot_bench_${randomBytes(4).toString('hex')}`;
  const pg = /^postgres(ql)?:\/\//.test(o.store);
  const storeSpec = pg ? `${o.store}${o.store.includes('?') ? '&' : '?'}schema=${schema}` : o.store;
  const store = await openStore(storeSpec, { dataDir });
  const bus = await openBus(o.bus).catch(async (e: unknown) => { await store.close(); throw e; });
  const core = await Core.start({ store, bus, vault: new KeyVault(randomBytes(32)) }).catch(async (e: unknown) => { await bus.close(); await store.close(); throw e; });
  try {
    const tenant = await core.provisioning.createTenant('bench');
    const { station, token } = await core.provisioning.createGroundStation({ name: 'bench-gs', lat: 40, lon: 116 });
    const runTag = randomBytes(2).toString('hex');
    const terms: Array<{ devAddr: string; keys: SessionKeys }> = [];
    for (let k = 0; k < o.terminals; k++) {
      const nwk = randomBytes(16), app = randomBytes(16);
      const devAddr = (0x26000000 + k).toString(16).padStart(8, '0');
      await core.provisioning.createTerminal({
        tenantId: tenant.id, devEui: `${runTag}${k.toString(16).padStart(12, '0')}`, devAddr,
        nwkSKey: nwk.toString('hex'), appSKey: app.toString('hex'), suite: 'aes128', profile: 'fixed-collector',
      });
      terms.push({ devAddr, keys: { suite: 'aes128', nwkSKey: nwk, appSKey: app } });
    }

    // Frames: terminal i % K sends counter ⌊i / K⌋; neighbours swapped now and then (out of order).
    const t0 = Date.now() - 3_600_000;
    const unique = Math.round(o.frames / 1.1);
    const frames: UplinkFrameInput[] = [];
    const payload = randomBytes(40);
    for (let i = 0; i < unique; i++) {
      const term = terms[i % o.terminals]!;
      const phy = buildDataFrame({ mtype: 'unconfirmed-data-up', devAddr: term.devAddr, fCnt32: Math.floor(i / o.terminals), fPort: 10, payload }, term.keys);
      const capturedAt = new Date(t0 + i).toISOString();
      frames.push({ phyPayload: Buffer.from(phy).toString('base64'), satelliteId: `SAT-${i % 24}`, capturedAt, downlinkedAt: new Date(t0 + i + 600_000).toISOString(), rssi: -120, snr: -5 });
      if (i % 10 === 5) frames.push({ ...frames[frames.length - 1]!, satelliteId: `SAT-${(i + 7) % 24}` });
      if (i % 200 === 17) {
        const bad = Buffer.from(phy);
        if (i % 400 === 17) bad[bad.length - 1]! ^= 0xff; // broken MIC
        frames.push({ ...frames[frames.length - 1]!, phyPayload: (i % 400 === 17 ? bad : bad.subarray(0, 7)).toString('base64') });
      }
      if (i % 97 === 3 && frames.length >= 2) {
        const a = frames.length - 1;
        [frames[a - 1], frames[a]] = [frames[a]!, frames[a - 1]!];
      }
    }

    // Crypto only: what the pipeline cannot avoid doing per frame.
    let cryptoCount = 0;
    const c0 = performance.now();
    for (const f of frames) {
      try {
        const fr = parseDataFrame(Buffer.from(f.phyPayload, 'base64'));
        const term = terms[parseInt(fr.devAddr, 16) - 0x26000000];
        if (term && verifyMic(fr, fr.fCnt16, term.keys)) { decryptPayload(fr, fr.fCnt16, term.keys); cryptoCount++; }
      } catch { /* bad frames count as work done */ }
    }
    const cryptoSeconds = (performance.now() - c0) / 1000;

    let accepted = 0, duplicates = 0, rejected = 0;
    const tally = (results: ReadonlyArray<{ status: string }>): void => {
      for (const r of results) { if (r.status === 'accepted') accepted++; else if (r.status === 'duplicate') duplicates++; else rejected++; }
    };
    const batches: UplinkFrameInput[][] = [];
    for (let i = 0; i < frames.length; i += o.batch) batches.push(frames.slice(i, i + o.batch));
    let done = 0;
    const s0 = performance.now();
    if (o.via === 'inproc') {
      let next = 0;
      await Promise.all(Array.from({ length: o.clients }, async () => {
        while (next < batches.length) {
          const b = batches[next++]!;
          tally(await core.pipeline.ingest(station, b));
          done += b.length; o.onProgress?.(done, frames.length);
        }
      }));
    } else {
      const app = await buildApp({ core, adminKeyHash: sha256Hex(randomBytes(16).toString('hex')) });
      const address = await app.listen({ port: 0, host: '127.0.0.1' });
      try {
        const bodies = batches.map((b) => JSON.stringify({ frames: b }));
        let next = 0;
        await Promise.all(Array.from({ length: o.clients }, async () => {
          while (next < bodies.length) {
            const i = next++;
            const res = await fetch(`${address}/api/v1/gateway/uplinks`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: bodies[i] });
            if (!res.ok) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
            tally(((await res.json()) as { results: Array<{ status: string }> }).results);
            done += batches[i]!.length; o.onProgress?.(done, frames.length);
          }
        }));
      } finally {
        await app.close();
      }
    }
    const seconds = (performance.now() - s0) / 1000;
    const fps = frames.length / seconds;
    const cfps = frames.length / cryptoSeconds;
    void cryptoCount;
    return {
      framesPerSecond: Math.round(fps), cryptoOnlyFramesPerSecond: Math.round(cfps), ratio: Number((fps / cfps).toFixed(3)),
      frames: frames.length, accepted, duplicates, rejected, seconds: Number(seconds.toFixed(2)),
      store: store.backend, bus: bus.kind, via: o.via, batch: o.batch, terminals: o.terminals,
    };
  } finally {
    await core.close();
    rmSync(dataDir, { recursive: true, force: true });
    if (pg) await dropPostgresSchema(o.store, schema);
  }
}
