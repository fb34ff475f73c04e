/**
 * Load on the message list: `wrk` (Debian's package) against GET /api/v1/terminals/{devEui}/messages
 * for a terminal holding 100,000 messages (each with one reception), on the embedded SQLite store,
 * through the whole HTTP stack (API-key authentication, schema serialisation). Prints JSON with
 * requests/s and the latency percentiles wrk measured.
 *
 *   npm run build && npm run bench:messages [-- --messages 100000 --seconds 15 --connections 32 --limit 100]
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../dist/api/app.js';
import { Core } from '../dist/core/core.js';
import { KeyVault } from '../dist/core/key-vault.js';
import { sha256Hex } from '../dist/core/provisioning.js';
import { openStore } from '../dist/store/open-store.js';
import { openBus } from '../dist/bus/open-bus.js';
import { flag } from './bench-util.js';

const messages = Number(flag('messages', '100000'));
const seconds = Number(flag('seconds', '15'));
const connections = Number(flag('connections', '32'));
const limit = Number(flag('limit', '100'));

if (spawnSync('wrk', ['--version']).error) {
  process.stderr.write('wrk is not installed (Debian: apt-get install wrk)\n');
  process.exit(2);
}

const dir = mkdtempSync(join(tmpdir(), 'satiot-bench-list-'));
const store = await openStore('sqlite', { dataDir: dir });
const core = await Core.start({ store, bus: await openBus('memory'), vault: new KeyVault(randomBytes(32)) });
const key = 'sat_bench_operator_key';
const app = await buildApp({ core, adminKeyHash: sha256Hex(key) });
try {
  const tenant = await core.provisioning.createTenant('bench');
  const { station } = await core.provisioning.createGroundStation({ name: 'gs', lat: 40, lon: 116 });
  const t = await core.provisioning.createTerminal({
    tenantId: tenant.id,
    devEui: '70b3d5000000be01',
    devAddr: '26be0001',
    nwkSKey: '00'.repeat(16),
    appSKey: '11'.repeat(16),
  });
  const t0 = Date.now() - 30 * 86_400_000;
  const payload = randomBytes(24);
  for (let i = 0; i < messages; i += 5000) {
    const batch = Array.from({ length: Math.min(5000, messages - i) }, (_, k) => {
      const n = i + k,
        at = t0 + n * 20_000;
      const m = {
        id: `${t.id}.${n}`,
        tenantId: tenant.id,
        terminalId: t.id,
        devEui: t.devEui,
        fCnt: n,
        fPort: 10,
        payload,
        confirmed: false,
        ack: false,
        capturedAt: at,
        downlinkedAt: at + 600_000,
        ingestedAt: at + 601_000,
      };
      return {
        m,
        r: {
          messageId: m.id,
          stationId: station.id,
          satelliteId: `SAT-${n % 24}`,
          capturedAt: at,
          downlinkedAt: at + 600_000,
          receivedAt: at + 601_000,
          rssi: -120,
          snr: -5,
          frequencyOffsetHz: 0,
        },
      };
    });
    await store.commitIngest({
      newMessages: batch.map((b) => b.m),
      receptions: batch.map((b) => b.r),
      earlierTimes: [],
      counters: [],
      rejections: [],
    });
  }
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `${address}/api/v1/terminals/${t.devEui}/messages?limit=${limit}`;
  // Asynchronously: the server answers on this process's event loop while wrk runs.
  const out = await new Promise<string>((resolve, reject) => {
    const wrk = spawn('wrk', [
      '-t2',
      `-c${connections}`,
      `-d${seconds}s`,
      '--latency',
      '-H',
      `Authorization: Bearer ${key}`,
      url,
    ]);
    let text = '';
    wrk.stdout.on('data', (d: Buffer) => {
      text += d.toString();
    });
    wrk.on('error', reject);
    wrk.on('close', () => resolve(text));
  });
  const pct = (p: string) => {
    const m = new RegExp(`^\\s*${p}%\\s+([\\d.]+)(us|ms|s)`, 'm').exec(out);
    return m ? Number(m[1]) * (m[2] === 'us' ? 0.001 : m[2] === 's' ? 1000 : 1) : null;
  };
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN);
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
  process.stdout.write(
    `${JSON.stringify(
      {
        messages,
        limit,
        connections,
        seconds,
        requestsPerSecond: rps,
        latencyMs: { p50: pct('50'), p75: pct('75'), p90: pct('90'), p99: pct('99') },
        non2xx,
        messagesPerSecond: Math.round(rps * limit),
      },
      null,
      2,
    )}\n`,
  );
  if (non2xx > 0 || !(rps > 0)) {
    process.stderr.write(out);
    process.exitCode = 1;
  }
} finally {
  await app.close();
  await core.close();
  rmSync(dir, { recursive: true, force: true });
}
