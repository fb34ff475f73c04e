import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { buildDataFrame } from '../../src/frame/index.js';
import { seededRandom } from '../support/test-seed.js';

/**
 * "Acknowledged means durable", tested with a real process: a server on SQLite takes batches from a
 * client that records every frame answered `accepted`; it is killed with SIGKILL at a random moment
 * and started again on the same data directory; every acknowledged message must be there — and
 * decoded: the events its ingest wrote to the outbox and the in-process bus had not handled before
 * the kill are published again by the restarted relay.
 */
const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const ADMIN = 'sat_test_admin_key_for_kill9';
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function startServer(dataDir: string): Promise<{ proc: ChildProcess; url: string; exited: Promise<unknown> }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--data', dataDir], {
      env: { ...process.env, SATIOT_ADMIN_KEY: ADMIN, SATIOT_MASTER_KEY: 'ab'.repeat(32) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Nobody reads the server's request log: drain it, or a full pipe blocks the server's exit (its
    // logger flushes synchronously then) once enough requests were logged.
    proc.stdout!.resume();
    const exited = new Promise((r) => proc.once('exit', r));
    let err = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${err}`)), 15_000);
    proc.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve({ proc, url: m[1]!, exited });
      }
    });
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited ${code}: ${err}`));
    });
  });
}

async function api<T>(url: string, method: string, path: string, body: unknown, token = ADMIN): Promise<T> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json() as Promise<T>;
}

describe('kill -9', () => {
  it('loses no acknowledged frame when the server is killed at a random moment', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'satiot-kill9-'));
    dirs.push(dataDir);
    let { proc, url, exited } = await startServer(dataDir);
    const tenant = await api<{ id: string }>(url, 'POST', '/api/v1/tenants', { name: 'k9' });
    const nwk = randomBytes(16),
      app = randomBytes(16);
    const devEui = '00000000000000aa',
      devAddr = '260000aa';
    const codec = await api<{ id: string }>(url, 'POST', '/api/v1/user-codecs', {
      tenantId: tenant.id,
      name: 'text',
      script: 'function decodeUplink(bytes) { return { first: bytes[0] }; }',
    });
    await api(url, 'POST', '/api/v1/terminals', {
      tenantId: tenant.id,
      devEui,
      devAddr,
      nwkSKey: nwk.toString('hex'),
      appSKey: app.toString('hex'),
      codec: `user:${codec.id}`,
    });
    const gs = await api<{ token: string }>(url, 'POST', '/api/v1/ground-stations', { name: 'gs', lat: 40, lon: 116 });

    const acked = new Set<string>();
    let fCnt = 0;
    let killed = false;
    const now = Date.now();
    const killAt = 300 + seededRandom('kill -9 timing').int(700);
    setTimeout(() => {
      killed = true;
      proc.kill('SIGKILL');
    }, killAt);
    while (!killed) {
      const frames = Array.from({ length: 50 }, () => {
        fCnt++;
        const phy = buildDataFrame(
          { mtype: 'unconfirmed-data-up', devAddr, fCnt32: fCnt, fPort: 1, payload: Buffer.from(`m${fCnt}`) },
          { suite: 'aes128', nwkSKey: nwk, appSKey: app },
        );
        return {
          phyPayload: Buffer.from(phy).toString('base64'),
          satelliteId: 'S1',
          capturedAt: new Date(now - 60_000).toISOString(),
          downlinkedAt: new Date(now - 30_000).toISOString(),
        };
      });
      try {
        const r = await api<{ results: Array<{ status: string; messageId?: string }> }>(
          url,
          'POST',
          '/api/v1/gateway/uplinks',
          { frames },
          gs.token,
        );
        for (const x of r.results) if (x.status === 'accepted') acked.add(x.messageId!);
      } catch {
        break; // the connection died with the server: nothing of this batch was acknowledged
      }
    }
    await exited;
    expect(acked.size).toBeGreaterThan(0);

    ({ proc, url, exited } = await startServer(dataDir));
    try {
      const stored = async (): Promise<Map<string, boolean>> => {
        const out = new Map<string, boolean>();
        let cursor: string | undefined;
        do {
          const page = await api<{ items: Array<{ id: string; decode?: unknown }>; nextCursor?: string }>(
            url,
            'GET',
            `/api/v1/terminals/${devEui}/messages?limit=1000${cursor ? `&cursor=${cursor}` : ''}`,
            undefined,
          );
          for (const m of page.items) out.set(m.id, m.decode !== undefined);
          cursor = page.nextCursor;
        } while (cursor);
        return out;
      };
      const first = await stored();
      expect([...acked].filter((id) => !first.has(id))).toEqual([]);
      // Every stored message is decoded once the restarted relay has caught up.
      const deadline = Date.now() + 60_000; // the decoder works through the replayed backlog (a sandboxed codec per message)
      let undecoded: string[] = [];
      do {
        const now = await stored();
        undecoded = [...now].filter(([, decoded]) => !decoded).map(([id]) => id);
        if (undecoded.length === 0) break;
        await new Promise((r) => setTimeout(r, 200));
      } while (Date.now() < deadline);
      expect(undecoded).toEqual([]);
    } finally {
      proc.kill('SIGTERM');
      await exited;
    }
  }, 120_000);
});
