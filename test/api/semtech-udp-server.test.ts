/**
 * Terrestrial LoRa gateways over the Semtech UDP packet-forwarder protocol, end to end over real
 * UDP: a peer socket plays the gateway, writing datagrams laid out by hand from the protocol's
 * document (version · token · identifier · EUI · JSON), never through our encoder.
 */
import { createSocket, type Socket } from 'node:dgram';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { buildApp } from '../../src/api/app.js';
import { SemtechUdpServer } from '../../src/api/semtech-udp/semtech-udp-server.js';
import { sha256Hex } from '../../src/core/provisioning.js';
import { buildDataFrame } from '../../src/frame/index.js';
import { coreFixture, T0, uplink, type CoreFixture, type TestTerminal } from '../support/core-fixture.js';
import { until } from '../support/until.js';
import type { FastifyInstance } from 'fastify';
import { loraPacket } from '../frame/helpers.js';

const KEY = 'sat_operator_test_key';
const auth = { authorization: `Bearer ${KEY}` };
const EUI = 'aa555a0000000101';

/** A datagram as the protocol document lays it out: [0] version, [1-2] token, [3] identifier, [4-11] EUI, then JSON. */
function datagram(identifier: number, token: number, eui: string | undefined, json?: unknown, version = 2): Buffer {
  return Buffer.concat([
    Buffer.from([version, token >> 8, token & 0xff, identifier]),
    eui ? Buffer.from(eui, 'hex') : Buffer.alloc(0),
    json === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(json)),
  ]);
}

/** An rxpk entry like a gateway's (GPS time, CRC ok, LoRa SF10 on a CN470 channel). */
function rxpk(phy: Uint8Array, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    time: new Date(T0 - 2_000).toISOString().replace('Z', '000Z'),
    tmst: 3512348611,
    chan: 2,
    rfch: 0,
    freq: 470.7,
    stat: 1,
    modu: 'LORA',
    datr: 'SF10BW125',
    codr: '4/5',
    rssi: -35,
    lsnr: 5.1,
    size: phy.length,
    data: Buffer.from(phy).toString('base64'),
    ...over,
  };
}

describe('Semtech UDP server', () => {
  let f: CoreFixture;
  let app: FastifyInstance;
  let server: SemtechUdpServer;
  let gw: Socket;
  let t: TestTerminal;
  const got: Buffer[] = [];

  beforeEach(async () => {
    f = await coreFixture();
    app = await buildApp({ core: f.core, adminKeyHash: sha256Hex(KEY) });
    t = await f.addTerminal();
    server = await SemtechUdpServer.start(f.core, { port: 0, host: '127.0.0.1', packetsPerSecond: 50 });
    gw = createSocket('udp4');
    got.length = 0;
    gw.on('message', (m) => got.push(m));
    await new Promise<void>((r) => gw.bind(0, '127.0.0.1', () => r()));
  });
  afterEach(async () => {
    gw.close();
    await server.close();
    await app.close();
    await f.close();
  });

  const send = (b: Buffer) =>
    new Promise<void>((res, rej) => gw.send(b, server.address().port, '127.0.0.1', (e) => (e ? rej(e) : res())));
  const reply = async (n = 1, ms = 3_000): Promise<Buffer[]> => {
    const until = Date.now() + ms;
    while (got.length < n && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    return got.splice(0, got.length);
  };
  const metric = async (name: string) => await f.core.metrics.getSingleMetricAsString(name);
  /** Datagrams of `type` the server has taken, whatever their outcome. */
  const counted = async (type: string): Promise<number> =>
    [
      ...(await metric('satiot_semtech_udp_packets_total')).matchAll(
        new RegExp(`type="${type}",outcome="[^"]+"} (\\d+)`, 'g'),
      ),
    ].reduce((n, m) => n + Number(m[1]), 0);
  const register = async (eui = EUI) => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/gateways',
      headers: auth,
      payload: { gatewayEui: eui.toUpperCase(), name: 'river bank', lat: 30.1, lon: 114.2 },
    });
    expect(res.statusCode).toBe(201);
    return res.json() as { id: string; gatewayEui: string };
  };
  const frame = (fCnt: number, text: string) =>
    buildDataFrame(
      { mtype: 'unconfirmed-data-up', devAddr: t.devAddr, fCnt32: fCnt, fPort: 7, payload: Buffer.from(text) },
      t.keys,
    );

  it("stores a registered gateway's frame as a terrestrial reception and answers PUSH_ACK with the same token once it is durable", async () => {
    const g = await register();
    expect(g.gatewayEui).toBe(EUI);
    await send(datagram(0x00, 0xbeef, EUI, { rxpk: [rxpk(frame(1, 'river level 3.2'))] }));
    const [ack] = await reply();
    expect([...ack!]).toEqual([2, 0xbe, 0xef, 0x01]);
    const m = await f.core.messageQueries.getMessage(`${t.id}.1`);
    expect(Buffer.from(m!.payload).toString()).toBe('river level 3.2');
    expect(m!.receptions).toHaveLength(1);
    expect(m!.receptions[0]).toMatchObject({
      stationId: g.id,
      satelliteId: '',
      gatewayEui: EUI,
      rssi: -35,
      snr: 5.1,
      frequencyMHz: 470.7,
      dataRate: 'SF10BW125',
      capturedAt: T0 - 2_000,
      downlinkedAt: T0,
    });
  });

  it("merges a copy heard on the ground with the satellite's copy an hour later into one message with both paths", async () => {
    const g = await register();
    const phy = frame(5, 'both paths');
    await send(datagram(0x00, 1, EUI, { rxpk: [rxpk(phy)] }));
    await reply();
    f.clock.advance(3_600_000);
    const sat = {
      ...uplink(t, 5, Buffer.from('both paths')),
      phyPayload: Buffer.from(phy).toString('base64'),
      capturedAt: new Date(T0 - 1_000).toISOString(),
      downlinkedAt: new Date(T0 + 3_000_000).toISOString(),
    };
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/gateway/uplinks',
      headers: { authorization: `Bearer ${f.token}` },
      payload: { frames: [sat] },
    });
    expect(res.json().results).toEqual([{ status: 'duplicate', messageId: `${t.id}.5` }]);
    const api = await app.inject({ method: 'GET', url: `/api/v1/terminals/${t.devEui}/messages`, headers: auth });
    expect(api.json().items).toHaveLength(1);
    const receptions = api.json().items[0].receptions as Array<Record<string, unknown>>;
    expect(receptions.map((r) => [r.path, r.gatewayEui ?? r.stationId])).toEqual([
      ['terrestrial', EUI],
      ['satellite', f.station.id],
    ]);
    expect(receptions[0]).toMatchObject({ frequencyMHz: 470.7, dataRate: 'SF10BW125', stationId: g.id });
    // Counted per path, and the ground copy's latency kept apart from the satellites' hops.
    const counted = await metric('satiot_ingest_receptions_total');
    expect(counted).toMatch(/path="terrestrial",status="accepted"} 1/);
    expect(counted).toMatch(/path="satellite",status="duplicate"} 1/);
    expect(await metric('satiot_message_hop_seconds')).toMatch(/satiot_message_hop_seconds_count{hop="terrestrial"} 1/);
    expect(await metric('satiot_message_hop_seconds')).not.toMatch(
      /satiot_message_hop_seconds_count{hop="onboard"} [1-9]/,
    );
  });

  it("keeps the gateway's last datagram and its latest stat report, shown with the gateway", async () => {
    const g = await register();
    expect(
      (await app.inject({ method: 'GET', url: `/api/v1/gateways/${g.id}`, headers: auth })).json().lastSeenAt,
    ).toBeUndefined();
    const stat = {
      time: '2026-01-15 11:59:58 GMT',
      lati: 30.59,
      long: 114.3,
      alti: 21,
      rxnb: 12,
      rxok: 10,
      rxfw: 10,
      ackr: 100.0,
      dwnb: 1,
      txnb: 1,
      temp: 41.5,
    };
    await send(datagram(0x00, 1, EUI, { stat }));
    await reply();
    const shown = (await app.inject({ method: 'GET', url: `/api/v1/gateways/${g.id}`, headers: auth })).json();
    expect(shown.lastSeenAt).toBe(new Date(T0).toISOString());
    expect(shown.stat).toEqual({
      time: '2026-01-15 11:59:58 GMT',
      lat: 30.59,
      lon: 114.3,
      altM: 21,
      rxReceived: 12,
      rxOk: 10,
      rxForwarded: 10,
      ackPercent: 100,
      downlinksReceived: 1,
      txEmitted: 1,
      temperatureC: 41.5,
    });
  });

  it('drops packets from an unregistered EUI without an answer, and counts them', async () => {
    await send(datagram(0x00, 7, '0102030405060708', { rxpk: [rxpk(frame(1, 'x'))] }));
    await send(datagram(0x02, 8, '0102030405060708'));
    await until(
      async () => (await counted('PUSH_DATA')) + (await counted('PULL_DATA')) === 2,
      'both datagrams counted',
    );
    await server.idle();
    expect(got).toEqual([]);
    expect(await f.core.messageQueries.getMessage(`${t.id}.1`)).toBeUndefined();
    expect(await metric('satiot_semtech_udp_packets_total')).toMatch(/type="PUSH_DATA",outcome="UNKNOWN_GATEWAY"} 1/);
    expect(await metric('satiot_semtech_udp_packets_total')).toMatch(/type="PULL_DATA",outcome="UNKNOWN_GATEWAY"} 1/);
  });

  it("answers PULL_DATA with PULL_ACK and remembers the gateway's return path", async () => {
    await register();
    await send(datagram(0x02, 0x1234, EUI));
    const [ack] = await reply();
    expect([...ack!]).toEqual([2, 0x12, 0x34, 0x04]);
    expect(server.pathOf(EUI)).toMatchObject({ address: '127.0.0.1', port: gw.address().port });
  });

  it('ingests only CRC-checked LoRa packets, keeps the good entries of a push with a bad one, and survives garbage', async () => {
    await register();
    await send(Buffer.from('not a packet at all'));
    await send(datagram(0x00, 9, EUI, undefined).subarray(0, 6));
    await send(Buffer.concat([datagram(0x00, 10, EUI), Buffer.from('{"rxpk":[')]));
    await send(
      datagram(0x00, 11, EUI, {
        rxpk: [rxpk(frame(2, 'bad crc'), { stat: -1 }), { tmst: 'soon' }, rxpk(frame(3, 'good'))],
      }),
    );
    const acks = await reply();
    expect(acks.map((a) => a.readUInt16BE(1))).toEqual([11]);
    expect(await f.core.messageQueries.getMessage(`${t.id}.2`)).toBeUndefined();
    expect(Buffer.from((await f.core.messageQueries.getMessage(`${t.id}.3`))!.payload).toString()).toBe('good');
    const rx = await metric('satiot_semtech_udp_rxpk_total');
    expect(rx).toMatch(new RegExp(`gateway="${EUI}",outcome="CRC_BAD"} 1`));
    expect(rx).toMatch(new RegExp(`gateway="${EUI}",outcome="accepted"} 1`));
    expect(rx).toMatch(new RegExp(`gateway="${EUI}",outcome="SEMTECH_BAD_RXPK"} 1`));
    expect(await metric('satiot_semtech_udp_packets_total')).toMatch(/outcome="SEMTECH_/);
  });

  it('survives arbitrary datagrams over real UDP and still answers a good one after them', async () => {
    await register();
    const header = datagram(0x00, 1, EUI);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 600 }),
          fc.uint8Array({ maxLength: 600 }).map((b) => Buffer.concat([header, b])),
          fc.json().map((j) => Buffer.concat([header, Buffer.from(j)])),
          fc.anything().map((x) => Buffer.concat([header, Buffer.from(JSON.stringify({ rxpk: [x], stat: x }) ?? '')])),
        ),
        async (b) => {
          await send(Buffer.from(b));
        },
      ),
      { numRuns: 80 },
    );
    await send(datagram(0x00, 0x4242, EUI, { rxpk: [rxpk(frame(9, 'still here'))] }));
    // Answers to the random datagrams that happened to be valid arrive too: look for this one's.
    await until(
      () => got.some((a) => a.readUInt16BE(1) === 0x4242 && a[3] === 0x01),
      'the PUSH_ACK of the good datagram',
    );
    expect(Buffer.from((await f.core.messageQueries.getMessage(`${t.id}.9`))!.payload).toString()).toBe('still here');
  });

  it('refuses to start on a port another socket holds, naming the cause', async () => {
    await expect(SemtechUdpServer.start(f.core, { port: server.address().port, host: '127.0.0.1' })).rejects.toThrow(
      /EADDRINUSE/,
    );
  });

  it('stops answering a source that floods, within its burst', async () => {
    await register();
    for (let i = 0; i < 400; i++) await send(datagram(0x02, i, EUI));
    const acks = await reply(400, 1_500);
    expect(acks.length).toBeGreaterThanOrEqual(100);
    expect(acks.length).toBeLessThan(200);
    expect(await metric('satiot_semtech_udp_packets_total')).toMatch(/outcome="RATE_LIMITED"} [1-9]/);
  });

  /** The JSON of a PULL_RESP as the document lays it out: 4 header bytes, then {"txpk":{…}}. */
  const txpkOf = (b: Buffer) => {
    expect(b[0]).toBe(2);
    expect(b[3]).toBe(0x03);
    return (JSON.parse(b.subarray(4).toString()) as { txpk: Record<string, unknown> }).txpk;
  };
  const txAck = (token: number, error?: string) =>
    datagram(0x05, token, EUI, error === undefined ? undefined : { txpk_ack: { error } });

  it('sends a queued downlink in RX1 of the next uplink a gateway hears, which an independent LoRaWAN library decodes, and marks it transmitted on TX_ACK', async () => {
    const g = await register();
    await send(datagram(0x02, 1, EUI));
    await reply();
    const d = await f.core.downlinks.enqueue(t.devEui, { fPort: 9, payload: Buffer.from('open gate 2') });
    expect(d.state).toBe('queued'); // no satellites: no route through space
    await send(datagram(0x00, 2, EUI, { rxpk: [rxpk(frame(1, 'level 4.1'), { tmst: 4_294_000_000 })] }));
    const [ack, resp] = await reply(2);
    expect(ack![3]).toBe(0x01);
    const txpk = txpkOf(resp!);
    // RX1: one second after the uplink (the counter wraps at 2^32), on downlink channel (470.7 MHz = uplink channel 2) → 500.7 MHz, same data rate.
    expect(txpk).toMatchObject({
      imme: false,
      tmst: (4_294_000_000 + 1_000_000) % 2 ** 32,
      freq: 500.7,
      rfch: 0,
      modu: 'LORA',
      datr: 'SF10BW125',
      codr: '4/5',
      ipol: true,
    });
    const phy = Buffer.from(txpk.data as string, 'base64');
    expect(txpk.size).toBe(phy.length);
    const p = loraPacket.fromWire(phy);
    expect(p.getDir()).toBe('down');
    expect(p.getFCnt()).toBe(0);
    expect(p.getBuffers().DevAddr?.toString('hex')).toBe(t.devAddr);
    expect(loraPacket.verifyMIC(p, Buffer.from(t.keys.nwkSKey))).toBe(true);
    expect(loraPacket.decrypt(p, Buffer.from(t.keys.appSKey), Buffer.from(t.keys.nwkSKey)).toString()).toBe(
      'open gate 2',
    );
    expect((await f.core.downlinks.get(d.id)).state).toBe('uploaded');
    await send(txAck(resp!.readUInt16BE(1), 'NONE'));
    await until(async () => (await f.core.downlinks.get(d.id)).state === 'transmitted', 'the downlink transmitted');
    const done = await f.core.downlinks.get(d.id);
    expect(done.history.map((h) => [h.state, h.stationId, h.satelliteId])).toEqual([
      ['queued', undefined, undefined],
      ['uploaded', g.id, ''],
      ['transmitted', g.id, ''],
    ]);
    expect(await metric('satiot_semtech_udp_downlinks_total')).toMatch(
      new RegExp(`gateway="${EUI}",outcome="transmitted"} 1`),
    );
  });

  it('sends the downlink through the gateway that heard the uplink best, when several heard it', async () => {
    const OTHER = 'aa555a0000000202';
    await register();
    await register(OTHER);
    const other = createSocket('udp4');
    const otherGot: Buffer[] = [];
    other.on('message', (m) => otherGot.push(m));
    await new Promise<void>((r) => other.bind(0, '127.0.0.1', () => r()));
    try {
      const sendFrom = (s: Socket, b: Buffer) =>
        new Promise<void>((res, rej) => s.send(b, server.address().port, '127.0.0.1', (e) => (e ? rej(e) : res())));
      await send(datagram(0x02, 1, EUI));
      await sendFrom(other, datagram(0x02, 1, OTHER));
      await reply();
      await until(() => otherGot.length > 0, 'PULL_ACK of the second gateway');
      otherGot.length = 0;
      const d = await f.core.downlinks.enqueue(t.devEui, { fPort: 9, payload: Buffer.from('x') });
      const phy = frame(1, 'heard twice');
      await send(datagram(0x00, 2, EUI, { rxpk: [rxpk(phy, { lsnr: -7.5 })] }));
      await sendFrom(other, datagram(0x00, 3, OTHER, { rxpk: [rxpk(phy, { lsnr: 9.25, tmst: 77_000_000 })] }));
      await until(() => otherGot.some((b) => b[3] === 0x03), 'a PULL_RESP to the gateway with the better SNR');
      const resp = otherGot.find((b) => b[3] === 0x03)!;
      expect(txpkOf(resp).tmst).toBe(78_000_000); // its own counter: one second after it heard the uplink
      expect(got.filter((b) => b[3] === 0x03)).toEqual([]);
      expect((await f.core.downlinks.get(d.id)).plan?.stationId).toBe(
        (await f.core.gateways.list()).find((g) => g.gatewayEui === OTHER)!.id,
      );
    } finally {
      other.close();
    }
  });

  it('takes a TX_ACK only from where its PULL_RESP went, and keeps a live path from being moved by a PULL_DATA from elsewhere', async () => {
    await register();
    await send(datagram(0x02, 1, EUI));
    await reply();
    const intruder = createSocket('udp4');
    const intruderGot: Buffer[] = [];
    intruder.on('message', (m) => intruderGot.push(m));
    await new Promise<void>((r) => intruder.bind(0, '127.0.0.1', () => r()));
    try {
      const fromIntruder = (b: Buffer) =>
        new Promise<void>((res, rej) =>
          intruder.send(b, server.address().port, '127.0.0.1', (e) => (e ? rej(e) : res())),
        );
      await fromIntruder(datagram(0x02, 2, EUI)); // claims the gateway's EUI
      await until(async () => (await counted('PULL_DATA')) === 2, "the intruder's PULL_DATA counted");
      await server.idle();
      expect(intruderGot).toEqual([]);
      expect(server.pathOf(EUI)?.port).toBe(gw.address().port);
      expect(await metric('satiot_semtech_udp_packets_total')).toMatch(/type="PULL_DATA",outcome="PATH_IN_USE"} 1/);
      const d = await f.core.downlinks.enqueue(t.devEui, { fPort: 9, payload: Buffer.from('x') });
      await send(datagram(0x00, 3, EUI, { rxpk: [rxpk(frame(1, 'a'))] }));
      const resp = (await reply(2)).find((b) => b[3] === 0x03)!;
      await fromIntruder(txAck(resp.readUInt16BE(1), 'NONE'));
      await until(async () => (await counted('TX_ACK')) === 1, "the intruder's TX_ACK counted");
      await server.idle();
      expect((await f.core.downlinks.get(d.id)).state).toBe('uploaded');
      await send(txAck(resp.readUInt16BE(1), 'NONE'));
      await until(
        async () => (await f.core.downlinks.get(d.id)).state === 'transmitted',
        "the gateway's own TX_ACK taken",
      );
    } finally {
      intruder.close();
    }
  });

  it("keeps a tenant's gateway to that tenant's terminals", async () => {
    const other = await f.core.provisioning.createTenant('other');
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/gateways',
      headers: auth,
      payload: { gatewayEui: EUI, lat: 30, lon: 114, tenantId: other.id },
    });
    expect(res.statusCode).toBe(201);
    await send(datagram(0x00, 5, EUI, { rxpk: [rxpk(frame(1, 'not yours'))] }));
    await reply();
    expect(await f.core.messageQueries.getMessage(`${t.id}.1`)).toBeUndefined();
    expect(await metric('satiot_semtech_udp_rxpk_total')).toMatch(
      new RegExp(`gateway="${EUI}",outcome="UNAUTHORIZED_STATION"} 1`),
    );
  });

  it('queues a downlink again when the gateway refuses it, and sends it at the next uplink', async () => {
    await register();
    await send(datagram(0x02, 1, EUI));
    await reply();
    const d = await f.core.downlinks.enqueue(t.devEui, { fPort: 9, payload: Buffer.from('x') });
    await send(datagram(0x00, 2, EUI, { rxpk: [rxpk(frame(1, 'a'))] }));
    const first = (await reply(2)).find((b) => b[3] === 0x03)!;
    await send(txAck(first.readUInt16BE(1), 'TOO_LATE'));
    await until(async () => (await f.core.downlinks.get(d.id)).state === 'queued', 'the downlink queued again');
    expect((await f.core.downlinks.get(d.id)).history.at(-1)).toMatchObject({
      state: 'queued',
      reason: 'tx-ack-too-late',
    });
    await send(datagram(0x00, 3, EUI, { rxpk: [rxpk(frame(2, 'b'))] }));
    const again = (await reply(2)).find((b) => b[3] === 0x03)!;
    const p = loraPacket.fromWire(Buffer.from(txpkOf(again).data as string, 'base64'));
    expect(p.getFCnt()).toBe(1); // framed anew: a counter is never sent twice
    await send(txAck(again.readUInt16BE(1)));
    await until(async () => (await f.core.downlinks.get(d.id)).state === 'transmitted', 'the downlink transmitted');
  });

  it('sends nothing to a gateway that never sent PULL_DATA, and nothing when no downlink waits', async () => {
    await register();
    const d = await f.core.downlinks.enqueue(t.devEui, { fPort: 9, payload: Buffer.from('x') });
    await send(datagram(0x00, 2, EUI, { rxpk: [rxpk(frame(1, 'a'))] }));
    expect((await reply()).map((b) => b[3])).toEqual([0x01]);
    await server.idle();
    expect(got).toEqual([]);
    expect(await metric('satiot_semtech_udp_downlinks_total')).not.toMatch(/outcome="sent_/);
    expect((await f.core.downlinks.get(d.id)).state).toBe('queued');
    await send(datagram(0x02, 3, EUI));
    await reply();
    const other = await f.addTerminal();
    await send(
      datagram(0x00, 4, EUI, {
        rxpk: [
          rxpk(
            buildDataFrame(
              { mtype: 'unconfirmed-data-up', devAddr: other.devAddr, fCnt32: 1, fPort: 7, payload: Buffer.from('z') },
              other.keys,
            ),
          ),
        ],
      }),
    );
    expect((await reply()).map((b) => b[3])).toEqual([0x01]);
    await server.idle(); // its copies gathered, its receive window offered to a queue with nothing for it
    expect(got).toEqual([]);
    expect(await metric('satiot_semtech_udp_downlinks_total')).not.toMatch(/outcome="sent_/);
  });

  it('lets operators register, list, read and delete gateways, refuses a second EUI, and keeps one that heard messages', async () => {
    const g = await register();
    const dup = await app.inject({
      method: 'POST',
      url: '/api/v1/gateways',
      headers: auth,
      payload: { gatewayEui: EUI, lat: 1, lon: 2 },
    });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.code).toBe('GATEWAY_EXISTS');
    const bad = await app.inject({
      method: 'POST',
      url: '/api/v1/gateways',
      headers: auth,
      payload: { gatewayEui: 'xyz', lat: 1, lon: 2 },
    });
    expect(bad.statusCode).toBe(400);
    const list = await app.inject({ method: 'GET', url: '/api/v1/gateways', headers: auth });
    expect(list.json().items.map((x: { id: string }) => x.id)).toEqual([g.id]);
    const stations = await app.inject({ method: 'GET', url: '/api/v1/ground-stations', headers: auth });
    expect(stations.json().items.map((x: { id: string }) => x.id)).not.toContain(g.id);
    expect((await app.inject({ method: 'GET', url: `/api/v1/gateways/${g.id}`, headers: auth })).json()).toMatchObject({
      gatewayEui: EUI,
      name: 'river bank',
    });
    await send(datagram(0x00, 1, EUI, { rxpk: [rxpk(frame(1, 'heard'))] }));
    await reply();
    const kept = await app.inject({ method: 'DELETE', url: `/api/v1/gateways/${g.id}`, headers: auth });
    expect(kept.json().error.code).toBe('GATEWAY_HAS_RECEPTIONS');
    const other = await register('00000000000000ff');
    expect(
      (await app.inject({ method: 'DELETE', url: `/api/v1/gateways/${other.id}`, headers: auth })).statusCode,
    ).toBe(204);
    expect(
      (await app.inject({ method: 'GET', url: `/api/v1/gateways/${other.id}`, headers: auth })).json().error.code,
    ).toBe('GATEWAY_NOT_FOUND');
  });

  it('idle() resolves only once the datagrams taken are handled', async () => {
    await register();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const byEui = f.core.gateways.byEui.bind(f.core.gateways);
    const held = vi.spyOn(f.core.gateways, 'byEui').mockImplementation(async (eui) => {
      await gate;
      return byEui(eui);
    });
    await send(datagram(0x02, 7, EUI));
    await until(() => held.mock.calls.length === 1, 'the PULL_DATA taken');
    let idle = false;
    const idled = server.idle().then(() => (idle = true));
    try {
      for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
      expect(idle).toBe(false);
    } finally {
      release();
    }
    await idled;
    expect(await metric('satiot_semtech_udp_packets_total')).toMatch(/type="PULL_DATA",outcome="ok"} 1/);
    expect(server.pathOf(EUI)?.port).toBe(gw.address().port);
  });

  it('idle() waits for an uplink gathering its copies to offer its receive window', async () => {
    await register();
    await send(datagram(0x02, 1, EUI));
    await reply();
    const d = await f.core.downlinks.enqueue(t.devEui, { fPort: 9, payload: Buffer.from('x') });
    await send(datagram(0x00, 2, EUI, { rxpk: [rxpk(frame(1, 'a'))] }));
    await until(async () => (await counted('PUSH_DATA')) === 1, 'the PUSH_DATA taken');
    await server.idle();
    expect(await metric('satiot_semtech_udp_downlinks_total')).toMatch(/outcome="sent_rx[12]"} 1/);
    expect((await f.core.downlinks.get(d.id)).state).toBe('uploaded');
  });
});
