import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import type { BusMessage } from '../../src/core/ports/bus.js';
import { MemoryBus } from '../../src/bus/memory/bus.js';
import { DEV_EUI, OTHER_TENANT, TENANT, eventMessage, uplinkMessage } from '../core/delivery/helpers.js';
import { KEY, auth, deliveryApp, type DeliveryApp } from './delivery-app.js';

/** A connected client and every text frame it received, parsed. */
interface Client {
  readonly ws: WebSocket;
  readonly frames: Array<Record<string, unknown>>;
}

describe('event stream over a real WebSocket (ws client)', () => {
  let h: DeliveryApp;
  let base: string;
  const clients: WebSocket[] = [];

  beforeEach(async () => {
    h = await deliveryApp();
    await h.app.listen({ port: 0, host: '127.0.0.1' });
    base = `ws://127.0.0.1:${(h.app.server.address() as AddressInfo).port}/api/v1/events`;
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.terminate();
    await h.close();
  });

  /** Connects and resolves after the ready frame. */
  async function connect(query: string, headers: Record<string, string> = {}): Promise<Client> {
    const ws = new WebSocket(`${base}?${query}`, { headers });
    clients.push(ws);
    const frames: Array<Record<string, unknown>> = [];
    ws.on('message', (data, isBinary) => {
      expect(isBinary).toBe(false);
      frames.push(JSON.parse(String(data)) as Record<string, unknown>);
    });
    await vi.waitFor(() => expect(frames[0]?.kind).toBe('ready'), { timeout: 5000 });
    return { ws, frames };
  }

  /** The HTTP status a refused upgrade was answered with. */
  function refusal(query: string, headers: Record<string, string> = {}): Promise<number> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`${base}?${query}`, { headers });
      clients.push(ws);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => reject(new Error('the upgrade was accepted')));
      ws.on('error', () => undefined);
    });
  }

  async function publish(...ms: BusMessage[]): Promise<void> {
    for (const m of ms) await h.bus.publish(m.subject, m.data);
  }

  /** Resolves once the event hub's bus subscription has handled everything published. */
  function busIdle(): Promise<void> {
    if (!(h.bus instanceof MemoryBus)) throw new Error('the delivery app runs on the in-process bus');
    return h.bus.idle();
  }

  it("streams the tenant's events as JSON text frames, exactly as published, after a ready frame", async () => {
    const c = await connect(`tenantId=${TENANT}&key=${KEY}`);
    expect(c.frames[0]).toEqual({ kind: 'ready', tenantId: TENANT, devEui: null, kinds: null });
    const up = uplinkMessage(1);
    await publish(
      up,
      eventMessage('alarm', { action: 'raised' }, OTHER_TENANT),
      eventMessage('decoded', { messageId: 'term-1.1' }),
    );
    await vi.waitFor(() => expect(c.frames).toHaveLength(3));
    expect(c.frames[1]).toEqual(JSON.parse(Buffer.from(up.data).toString('utf8')));
    expect(c.frames.map((f) => f.kind)).toEqual(['ready', 'uplink', 'decoded']);
  });

  it('filters by terminal and kinds, and takes the operator key as a bearer header too', async () => {
    const c = await connect(`tenantId=${TENANT}&devEui=${DEV_EUI.toUpperCase()}&kinds=alarm,decoded`, auth);
    expect(c.frames[0]).toEqual({ kind: 'ready', tenantId: TENANT, devEui: DEV_EUI, kinds: ['decoded', 'alarm'] });
    await publish(
      uplinkMessage(1),
      eventMessage('alarm', { action: 'raised', n: 1 }),
      eventMessage('alarm', { action: 'raised', n: 2 }, TENANT, '70b3d50000000002'),
      eventMessage('decoded', { messageId: 'term-1.1' }),
    );
    await vi.waitFor(() => expect(c.frames).toHaveLength(3));
    // Once the hub has dispatched everything, a last matching event: any frame sent for the others is ahead of it.
    await busIdle();
    await publish(eventMessage('decoded', { messageId: 'term-1.2', n: 'last' }));
    await vi.waitFor(() => expect(c.frames.at(-1)?.n).toBe('last'));
    expect(c.frames.slice(1).map((f) => [f.kind, f.n])).toEqual([
      ['alarm', 1],
      ['decoded', undefined],
      ['decoded', 'last'],
    ]);
  });

  it('refuses the upgrade without the operator key, with a bad filter, or for an unknown tenant', async () => {
    expect(await refusal(`tenantId=${TENANT}`)).toBe(401);
    expect(await refusal(`tenantId=${TENANT}&key=wrong`)).toBe(401);
    expect(await refusal(`tenantId=${TENANT}`, { authorization: 'Bearer wrong' })).toBe(401);
    expect(await refusal(`tenantId=${TENANT}&key=${KEY}&kinds=telemetry`)).toBe(400);
    expect(await refusal(`tenantId=${TENANT}&key=${KEY}&devEui=xyz`)).toBe(400);
    expect(await refusal(`tenantId=a.b&key=${KEY}`)).toBe(400);
    expect(await refusal(`tenantId=nobody&key=${KEY}`)).toBe(404);
  });

  it('answers a plain GET (no upgrade) with INVALID_ARGUMENT', async () => {
    const res = await h.app.inject({ method: 'GET', url: `/api/v1/events?tenantId=${TENANT}`, headers: auth });
    expect([res.statusCode, res.json().error.code]).toEqual([400, 'INVALID_ARGUMENT']);
  });

  it("stops the client's subscription when it disconnects", async () => {
    const a = await connect(`tenantId=${TENANT}&key=${KEY}`);
    await connect(`tenantId=${TENANT}&key=${KEY}&kinds=alarm`);
    expect(h.svc.stream.listenerCount).toBe(2);
    a.ws.close();
    await vi.waitFor(() => expect(h.svc.stream.listenerCount).toBe(1));
  });

  it('closes a client that leaves more than 1 MiB unread with code 1013', async () => {
    const c = await connect(`tenantId=${TENANT}&key=${KEY}`);
    const closed = new Promise<number>((r) => c.ws.on('close', (code) => r(code)));
    (c.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    const big = 'x'.repeat(1024 * 1024);
    for (let i = 0; i < 40; i++) await publish(eventMessage('alarm', { action: 'raised', i, big }));
    await busIdle(); // every event handed to the socket (or refused once it was closed) before the client reads
    (c.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    expect(await closed).toBe(1013);
    expect(c.frames.length).toBeLessThan(41);
  });
});
