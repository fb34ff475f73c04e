import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { attemptErrorText } from '../../src/core/delivery/attempt-error.js';
import { assertPublicHost, isInternalHost } from '../../src/integrations/internal-address.js';
import { HttpWebhookTransport } from '../../src/integrations/http-webhook-transport.js';
import { MqttIntegrationPublisher } from '../../src/integrations/mqtt-integration-publisher.js';

/** A resolver answering `answers` in turn (the last one again once they run out), counting calls. */
function scriptedResolver(...answers: string[][]) {
  const r = Object.assign(
    async (host: string) => {
      const a = answers[Math.min(r.calls.length, answers.length - 1)]!;
      r.calls.push(host);
      return a.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    },
    { calls: [] as string[] },
  );
  return r;
}

describe('delivery to internal addresses', () => {
  it('refuses a host that is an internal address, whatever created the integration', async () => {
    expect(() => assertPublicHost('127.0.0.1')).toThrow(/internal address/);
    expect(() => assertPublicHost('localhost')).toThrow(/internal address/);
    expect(() => assertPublicHost('[::1]')).toThrow(/internal address/);
    expect(() => assertPublicHost('no-such-host.invalid')).not.toThrow(); // resolved (and checked) when connecting
    await expect(new HttpWebhookTransport().post('http://localhost:9/hook', {}, new Uint8Array(), 500)).rejects.toThrow(
      /internal address/,
    );
    const p = new MqttIntegrationPublisher();
    await expect(p.publish({ url: 'mqtt://127.1:1883' }, 'a/b', new Uint8Array(), 500)).rejects.toThrow(
      /internal address/,
    );
    expect(p.size).toBe(0);
    await p.close();
  });

  it('counts IPv4 embedded in IPv6 (mapped, compatible, NAT64), 6to4, Teredo, site-local, benchmarking, multicast and reserved ranges as internal', () => {
    for (const h of [
      '::7f00:1',
      '::127.0.0.1',
      '::ffff:7f00:1',
      '::ffff:10.0.0.1',
      '64:ff9b::7f00:1',
      '64:ff9b::10.0.0.5',
      '64:ff9b::a9fe:a9fe',
      '64:ff9b:1::1',
      '2002:7f00:1::1',
      '2002:0808:0808::1',
      '2001:0:4136:e378::1',
      'fec0::1',
      'feff::1',
      '198.18.0.1',
      '198.19.255.255',
      '224.0.0.1',
      '239.255.255.250',
      'ff02::1',
      'ff05::2',
      '240.0.0.1',
      '255.255.255.255',
      '100::1',
      'fe80::1%eth0',
      '[fd00::1]',
      '::',
    ]) {
      expect(isInternalHost(h), h).toBe(true);
    }
    for (const h of [
      '64:ff9b::808:808',
      '64:ff9b::8.8.8.8',
      '198.17.255.255',
      '198.20.0.1',
      '223.255.255.255',
      '2606:4700:4700::1111',
      '2001:db8::1',
      '::ffff:8.8.8.8',
    ]) {
      expect(isInternalHost(h), h).toBe(false);
    }
  });
});

describe('the resolved address is pinned for the connection (no DNS rebinding between check and connect)', () => {
  let server: Server | undefined;
  let hits = 0;
  const listen = async (): Promise<number> => {
    hits = 0;
    server = createServer((_req, res) => {
      hits++;
      res.end();
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    return (server.address() as AddressInfo).port;
  };
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((r) => (server ? server.close(r) : r(undefined)));
    server = undefined;
  });

  it('refuses a webhook whose name resolves to an internal address, checking every address the resolver answers', async () => {
    const port = await listen();
    for (const answer of [['127.0.0.1'], ['203.0.113.9', '127.0.0.1'], ['64:ff9b::7f00:1']]) {
      const resolve = scriptedResolver(answer);
      const t = new HttpWebhookTransport({ resolve });
      const e = await t.post(`http://hooks.test:${port}/hook`, {}, new Uint8Array(), 1000).catch((x: unknown) => x);
      expect([attemptErrorText(e), resolve.calls], answer.join()).toEqual([
        'blocked: internal address',
        ['hooks.test'],
      ]);
      await t.close();
    }
    expect(hits).toBe(0);
  });

  it('connects a webhook to the address it checked: a name answering a public address, then the loopback, is resolved once', async () => {
    const port = await listen();
    // 203.0.113.9 (TEST-NET-3) is not reachable: the attempt fails instead of reaching the loopback.
    const resolve = scriptedResolver(['203.0.113.9'], ['127.0.0.1']);
    const t = new HttpWebhookTransport({ resolve });
    const e = await t.post(`http://rebind.test:${port}/hook`, {}, new Uint8Array(), 300).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(Error);
    expect(attemptErrorText(e)).not.toBe('blocked: internal address');
    expect(resolve.calls).toEqual(['rebind.test']);
    expect(hits).toBe(0);
    await t.close();
  });

  it('resolves and checks a broker name again at every MQTT reconnect, never connecting to an internal answer', async () => {
    let connections = 0;
    const broker = createTcpServer((s) => {
      connections++;
      s.destroy();
    });
    await new Promise<void>((r) => broker.listen(0, '127.0.0.1', r));
    const port = (broker.address() as AddressInfo).port;
    const resolve = scriptedResolver(['127.0.0.1']);
    const p = new MqttIntegrationPublisher({ resolve, reconnectMs: 50 });
    const e = await p
      .publish({ url: `mqtt://broker.test:${port}` }, 'a/b', new Uint8Array(), 600)
      .catch((x: unknown) => x);
    expect(attemptErrorText(e)).toBe('blocked: internal address');
    expect(resolve.calls.length).toBeGreaterThanOrEqual(2);
    expect(new Set(resolve.calls)).toEqual(new Set(['broker.test']));
    expect(connections).toBe(0);
    await p.close();
    await new Promise((r) => broker.close(r));
  });

  it('checks the resolved address of TLS and WebSocket brokers too', async () => {
    for (const scheme of ['mqtts', 'ws', 'wss']) {
      const resolve = scriptedResolver(['10.0.0.5']);
      const p = new MqttIntegrationPublisher({ resolve });
      const e = await p
        .publish({ url: `${scheme}://broker.test:8883` }, 'a/b', new Uint8Array(), 400)
        .catch((x: unknown) => x);
      expect([attemptErrorText(e), resolve.calls[0]], scheme).toEqual(['blocked: internal address', 'broker.test']);
      await p.close();
    }
  });
});
