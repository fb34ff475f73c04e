import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, runCli } from './helpers.js';

/** The provisioning CLI against a real `satiot serve` on a temporary data directory. */
const KEY = 'sat_cli_test_operator_key';
let server: ChildProcess | undefined;
let url = '';
let dataDir = '';

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'satiot-cli-'));
  server = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--data', dataDir], {
    env: { ...process.env, SATIOT_ADMIN_KEY: KEY },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  url = await new Promise<string>((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${err}`)), 15_000);
    server!.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
  });
});
afterAll(async () => {
  if (server) {
    server.kill('SIGTERM');
    await new Promise((r) => server!.once('exit', r));
  }
  rmSync(dataDir, { recursive: true, force: true });
});

const cli = (args: string[], key: string | undefined = KEY) =>
  runCli([...args, '--url', url, ...(key ? ['--key', key] : [])]);

describe('satiot tenants|terminals|ground-stations', () => {
  it('adds and lists a tenant, a terminal and a ground station through the running server', async () => {
    const t = await cli(['tenants', 'add', '--name', 'Grid West', '--format', 'json']);
    expect(t.code).toBe(0);
    const tenantId = (JSON.parse(t.stdout) as { id: string }).id;
    const add = await cli([
      'terminals',
      'add',
      '--tenant',
      tenantId,
      '--dev-eui',
      '70B3D57ED0000001',
      '--dev-addr',
      '26011BDA',
      '--nwk-s-key',
      '00'.repeat(16),
      '--app-s-key',
      '11'.repeat(16),
      '--suite',
      'sm4',
      '--profile',
      'vehicle',
    ]);
    expect(add.code).toBe(0);
    expect(add.stdout).toContain('70b3d57ed0000001');
    const list = await cli(['terminals', 'list', '--format', 'json']);
    const items = (JSON.parse(list.stdout) as { items: Array<Record<string, unknown>> }).items;
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      devEui: '70b3d57ed0000001',
      devAddr: '26011bda',
      suite: 'sm4',
      profile: 'vehicle',
      tenantId,
    });
    expect(list.stdout).not.toContain('00'.repeat(16));
    const gs = await cli(['ground-stations', 'add', '--name', 'Kashi', '--lat', '39.5', '--lon', '76']);
    expect(gs.stdout).toMatch(/token \(shown once\): gst_/);
    const table = await cli(['ground-stations', 'list']);
    expect(table.stdout).toMatch(/Kashi\s+39\.5\s+76/);
  });

  it("rotates a ground station's token (the new one printed once) and revokes it; the list shows which", async () => {
    const id = (
      JSON.parse(
        (
          await cli([
            'ground-stations',
            'add',
            '--name',
            'Sanya',
            '--lat',
            '18.3',
            '--lon',
            '109.5',
            '--format',
            'json',
          ])
        ).stdout,
      ) as { id: string }
    ).id;
    const rotated = await cli(['ground-stations', 'rotate-token', id]);
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(rotated.stdout).toMatch(/token \(shown once\): gst_/);
    const revoked = await cli(['ground-stations', 'revoke-token', id]);
    expect([revoked.code, revoked.stdout]).toEqual([0, expect.stringContaining('token revoked')]);
    expect((await cli(['ground-stations', 'list'])).stdout).toMatch(/Sanya.*revoked/);
    const again = await cli(['ground-stations', 'revoke-token', id]);
    expect([again.code, again.stderr]).toEqual([6, expect.stringMatching(/^error STATION_TOKEN_REVOKED: /)]);
    const help = await runCli(['ground-stations', 'rotate-token', '--help']);
    expect(help.stdout).toMatch(/stops\s+working\s+on\s+every\s+node\s+at\s+once/);
  });

  it('imports terminals from a CSV file: the good rows registered, the bad ones listed with line and code, exit 2', async () => {
    const tenantId = (
      JSON.parse((await cli(['tenants', 'add', '--name', 'Fleet', '--format', 'json'])).stdout) as { id: string }
    ).id;
    const file = join(dataDir, 'fleet.csv');
    const k = 'ab'.repeat(16);
    writeFileSync(
      file,
      [
        'devEui,devAddr,nwkSKey,appSKey,profile',
        `70b3d57ed0000101,26020101,${k},${k},vehicle`,
        `70b3d57ed0000102,26020102,${k},nothex,`,
        `70b3d57ed0000103,26020103,${k},${k},`,
      ].join('\n'),
    );
    const r = await cli(['terminals', 'import', '--tenant', tenantId, file]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/3\s+70b3d57ed0000102\s+INVALID_ARGUMENT/);
    expect(r.stdout).toContain('2 terminals registered, 1 rejected');
    const list = JSON.parse((await cli(['terminals', 'list', '--tenant', tenantId, '--format', 'json'])).stdout) as {
      items: Array<{ devEui: string }>;
    };
    expect(list.items.map((t) => t.devEui).sort()).toEqual(['70b3d57ed0000101', '70b3d57ed0000103']);
  });

  it("exits non-zero with the server's error code: duplicate terminal, bad key, no key, unreachable server", async () => {
    const tenantId = (
      JSON.parse((await cli(['tenants', 'add', '--name', 'x', '--format', 'json'])).stdout) as { id: string }
    ).id;
    const args = [
      'terminals',
      'add',
      '--tenant',
      tenantId,
      '--dev-eui',
      '70b3d57ed0000002',
      '--dev-addr',
      '26011bdb',
      '--nwk-s-key',
      '22'.repeat(16),
      '--app-s-key',
      '33'.repeat(16),
    ];
    expect((await cli(args)).code).toBe(0);
    const dup = await cli(args);
    expect([dup.code, dup.stderr.trim()]).toEqual([6, expect.stringMatching(/^error TERMINAL_EXISTS: /)]);
    const wrong = await cli(['tenants', 'list'], 'sat_wrong');
    expect([wrong.code, wrong.stderr]).toEqual([5, expect.stringMatching(/^error UNAUTHORIZED: /)]);
    const none = await runCli(['tenants', 'list', '--url', url]);
    expect(none.stderr).toMatch(/--key or SATIOT_ADMIN_KEY/);
    const down = await runCli(['tenants', 'list', '--url', 'http://127.0.0.1:9', '--key', KEY]);
    expect(down.code).not.toBe(0);
    expect(down.stderr).toMatch(/cannot reach http:\/\/127\.0\.0\.1:9/);
  });

  it('creates a tenant key that sees only its tenant, lists keys without the key, and revokes it', async () => {
    const tenantId = (
      JSON.parse((await cli(['tenants', 'add', '--name', 'Water', '--format', 'json'])).stdout) as { id: string }
    ).id;
    await cli(['tenants', 'add', '--name', 'Someone else']);
    const add = await cli([
      'api-keys',
      'add',
      '--role',
      'tenant-user',
      '--tenant',
      tenantId,
      '--name',
      'dashboard',
      '--format',
      'json',
    ]);
    expect(add.code).toBe(0);
    const k = JSON.parse(add.stdout) as { id: string; key: string };
    const mine = await cli(['tenants', 'list', '--format', 'json'], k.key);
    expect((JSON.parse(mine.stdout) as { items: Array<{ id: string }> }).items.map((t) => t.id)).toEqual([tenantId]);
    const list = await cli(['api-keys', 'list', '--tenant', tenantId]);
    expect(list.stdout).toMatch(/tenant-user/);
    expect(list.stdout).not.toContain(k.key);
    expect((await cli(['api-keys', 'revoke', k.id])).code).toBe(0);
    const after = await cli(['tenants', 'list'], k.key);
    expect([after.code, after.stderr]).toEqual([5, expect.stringMatching(/^error UNAUTHORIZED: /)]);
    const bad = await cli(['api-keys', 'add', '--role', 'king']);
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringMatching(/^error INVALID_ARGUMENT: --role/)]);
  });
});
