import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, runCli } from './helpers.js';
import { registrationBody } from '../supervision/registration-fixture.js';

/** The registration and master-key CLI against a real `satiot serve --registration-review`. */
const KEY = 'sat_cli_registration_operator_key';
let server: ChildProcess | undefined;
let url = '';
let dataDir = '';

async function start(): Promise<void> {
  server = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--data', dataDir, '--registration-review'], {
    env: { ...process.env, SATIOT_ADMIN_KEY: KEY },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  url = await new Promise<string>((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${err}`)), 20_000);
    server!.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
  });
}
async function stop(): Promise<void> {
  if (server) {
    server.kill('SIGTERM');
    await new Promise((r) => server!.once('exit', r));
    server = undefined;
  }
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'satiot-cli-reg-'));
  await start();
}, 30_000);
afterAll(async () => {
  await stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const cli = (args: string[], key: string = KEY) => runCli([...args, '--url', url, '--key', key]);
const json = <T>(s: string) => JSON.parse(s) as T;

describe('satiot registrations … and master-key …', () => {
  it('imports as a tenant (pending), reviews as an operator, suspends, reports; rotates the master key and re-wraps online', async () => {
    const tenantId = json<{ id: string }>(
      (await cli(['tenants', 'add', '--name', 'Water Co', '--format', 'json'])).stdout,
    ).id;
    const admin = json<{ key: string }>(
      (await cli(['api-keys', 'add', '--role', 'tenant-admin', '--tenant', tenantId, '--format', 'json'])).stdout,
    ).key;
    const a = registrationBody(tenantId),
      b = registrationBody(tenantId);
    const line = (r: typeof a) =>
      `${r.devEui},${r.devAddr},${r.nwkSKey},${r.appSKey},${r.owner.kind},${r.owner.name},${r.owner.idType},${r.owner.idNumber},water,fixed,24,${r.binding.imei}`;
    const file = join(dataDir, 'fleet.csv');
    writeFileSync(
      file,
      `devEui,devAddr,nwkSKey,appSKey,ownerKind,ownerName,idType,idNumber,sector,mobility,expectedMessagesPerDay,imei\n${line(a)}\n${line(b)}\n${line(a)}\n`,
    );
    const imp = await cli(['registrations', 'import', '--tenant', tenantId, file], admin);
    expect(imp.code).toBe(2); // one row rejected
    expect(imp.stdout).toContain('2 registered, 1 rejected');
    expect(imp.stdout).toContain('HARDWARE_ID_BOUND'); // the repeated row's IMEI is checked first
    const queue = json<{ items: Array<{ devEui: string; status: string }> }>(
      (await cli(['registrations', 'queue', '--format', 'json'])).stdout,
    );
    expect(queue.items.map((r) => r.devEui).sort()).toEqual([a.devEui, b.devEui].sort());
    const denied = await cli(['registrations', 'approve', a.devEui], admin);
    expect(denied.code).toBe(5); // review is for operators: a tenant key is refused outright
    expect(denied.stderr).toContain('FORBIDDEN');
    expect(
      (await cli(['registrations', 'approve', a.devEui, b.devEui, '--reason', 'documents checked'])).stdout,
    ).toContain('2 done, 0 failed');
    expect((await cli(['registrations', 'retire', a.devEui, '--reason', 'decommissioned'])).stdout).toContain(
      'retired',
    );
    expect((await cli(['registrations', 'suspend', b.devEui])).code).not.toBe(0); // --reason is required
    expect((await cli(['registrations', 'suspend', b.devEui, '--reason', 'stolen'])).stdout).toContain('suspended');
    const retiredTwice = await cli(['registrations', 'reinstate', a.devEui]);
    expect(retiredTwice.code).toBe(6);
    expect(retiredTwice.stderr).toContain('INVALID_TRANSITION');
    const report = await cli(['registrations', 'report']);
    expect(report.stdout).toMatch(/water\s+2\s+0\s+0\s+1\s+1/);
    expect(report.stdout).toContain('stolen');
    expect(report.stdout).not.toContain(a.owner.idNumber);

    // Rotation: new file key (the server keeps running on the old one), restart, re-wrap, status.
    const before = json<{ keyId: string; terminalKeys: { total: number; stale: number } }>(
      (await cli(['master-key', 'status', '--format', 'json'])).stdout,
    );
    expect(before.terminalKeys).toEqual({ total: 4, stale: 0 });
    const oldKey = readFileSync(join(dataDir, 'master.key'), 'utf8').trim();
    const rot = await runCli(['master-key', 'rotate', '--data', dataDir]);
    expect(rot.code).toBe(0);
    expect(rot.stdout).toContain(`master key rotated: ${before.keyId} -> `);
    expect(rot.stdout).not.toContain(oldKey);
    expect(existsSync(join(dataDir, 'master.key.previous'))).toBe(true);
    await stop();
    await start();
    const mid = json<{
      keyId: string;
      keyIds: string[];
      terminalKeys: { stale: number };
      identityNumbers: { stale: number };
    }>((await cli(['master-key', 'status', '--format', 'json'])).stdout);
    expect(mid.keyIds).toEqual([mid.keyId, before.keyId]);
    expect([mid.terminalKeys.stale, mid.identityNumbers.stale]).toEqual([4, 2]);
    const rewrap = await cli(['master-key', 'rewrap']);
    expect(rewrap.stdout).toContain(`re-wrapped under ${mid.keyId}: 2 terminal key pairs, 2 identity numbers`);
    const after = json<{ terminalKeys: { stale: number }; identityNumbers: { stale: number } }>(
      (await cli(['master-key', 'status', '--format', 'json'])).stdout,
    );
    expect([after.terminalKeys.stale, after.identityNumbers.stale]).toEqual([0, 0]);
    // Without the previous key, the server still starts and opens everything.
    rmSync(join(dataDir, 'master.key.previous'));
    await stop();
    await start();
    expect(json<{ keyIds: string[] }>((await cli(['master-key', 'status', '--format', 'json'])).stdout).keyIds).toEqual(
      [mid.keyId],
    );
    expect(
      json<{ status: string }>((await cli(['registrations', 'show', b.devEui, '--format', 'json'])).stdout).status,
    ).toBe('suspended');
  }, 180_000);
});
