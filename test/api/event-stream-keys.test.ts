import WebSocket from 'ws';
import { describe, expect, it } from 'vitest';
import { auth, keyFor, openApi } from './api-fixture.js';
import { FakePublisher, FakeTransport } from '../core/delivery/helpers.js';

describe('the event stream and its key', () => {
  it('closes an open stream (1008) once its key is revoked, on the next heartbeat', async () => {
    const { f, app, close } = await openApi(
      { delivery: { transport: new FakeTransport(), publisher: new FakePublisher() } },
      { eventHeartbeatMs: 100 },
    );
    try {
      const address = await app.listen({ port: 0, host: '127.0.0.1' });
      const key = await keyFor(app, 'tenant-user', f.tenantId);
      const ws = new WebSocket(`${address.replace('http', 'ws')}/api/v1/events?tenantId=${f.tenantId}`, {
        headers: { authorization: `Bearer ${key}` },
      });
      const ready = new Promise<string>((resolve, reject) => {
        ws.once('message', (d) => resolve(String(d)));
        ws.once('error', reject);
      });
      expect(JSON.parse(await ready)).toMatchObject({ kind: 'ready', tenantId: f.tenantId });
      const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
      const list = await app.inject({ method: 'GET', url: `/api/v1/api-keys?tenantId=${f.tenantId}`, headers: auth });
      const id = list.json().items.find((k: { prefix: string }) => key.startsWith(k.prefix)).id as string;
      expect((await app.inject({ method: 'DELETE', url: `/api/v1/api-keys/${id}`, headers: auth })).statusCode).toBe(
        200,
      );
      expect(await closed).toBe(1008);
    } finally {
      await close();
    }
  });
});
