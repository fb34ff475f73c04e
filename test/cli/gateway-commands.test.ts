import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, runCli } from './helpers.js';

/** `satiot serve --semtech-udp` and `satiot gateways …` against a real server process. */
const KEY = 'sat_cli_test_operator_key';
let server: ChildProcess | undefined;
let url = '';
let udpPort = 0;
let dataDir = '';

describe('satiot gateways, and serve --semtech-udp', () => {
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'satiot-cli-gw-'));
    server = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--data', dataDir, '--semtech-udp', '0'], {
      env: { ...process.env, SATIOT_ADMIN_KEY: KEY },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    await new Promise<void>((resolve, reject) => {
      let err = '';
      const timer = setTimeout(() => reject(new Error(`server did not start: ${err}`)), 15_000);
      server!.stderr!.on('data', (d: Buffer) => {
        err += d.toString();
        const m = /listening on (http:\/\/\S+).*Semtech UDP [\d.]+:(\d+)/.exec(err);
        if (m) {
          clearTimeout(timer);
          url = m[1]!;
          udpPort = Number(m[2]);
          resolve();
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

  const cli = (args: string[]) => runCli([...args, '--url', url, '--key', KEY]);
  /** A PULL_DATA as the protocol lays it out: version 2, token, 0x02, the EUI. */
  const pullData = (token: number, eui: string) =>
    Buffer.concat([Buffer.from([2, token >> 8, token & 0xff, 0x02]), Buffer.from(eui, 'hex')]);
  const ask = (b: Buffer) =>
    new Promise<Buffer | undefined>((resolve) => {
      const s = createSocket('udp4');
      const timer = setTimeout(() => {
        s.close();
        resolve(undefined);
      }, 1_500);
      s.once('message', (m) => {
        clearTimeout(timer);
        s.close();
        resolve(m);
      });
      s.send(b, udpPort, '127.0.0.1');
    });

  it('hears a gateway once it is registered, lists it, and refuses to register its EUI twice', async () => {
    expect(await ask(pullData(0x0102, 'aa555a0000000101'))).toBeUndefined(); // unknown EUI: no answer
    const add = await cli([
      'gateways',
      'add',
      '--eui',
      'AA555A0000000101',
      '--lat',
      '30.59',
      '--lon',
      '114.30',
      '--name',
      'Hankou river bank',
      '--format',
      'json',
    ]);
    expect(add.code, add.stderr).toBe(0);
    const g = JSON.parse(add.stdout) as { id: string; gatewayEui: string };
    expect(g.gatewayEui).toBe('aa555a0000000101');
    const ack = await ask(pullData(0x0304, 'aa555a0000000101'));
    expect(ack && [...ack]).toEqual([2, 0x03, 0x04, 0x04]);
    const list = await cli(['gateways', 'list']);
    expect(list.stdout).toContain('Hankou river bank');
    const again = await cli(['gateways', 'add', '--eui', 'aa555a0000000101', '--lat', '1', '--lon', '2']);
    expect(again.code).toBe(6);
    expect(again.stderr).toContain('GATEWAY_EXISTS');
    expect((await cli(['gateways', 'delete', g.id])).code).toBe(0);
  });
});
