/**
 * Iridium SBD over DirectIP, end to end over real TCP: a peer plays the Iridium gateway, laying its
 * MO messages out by hand from the published field layout and parsing our MT messages the same way
 * (test/support/directip-peer.ts, which shares no code with src/frame/iridium-sbd/).
 */
import { connect, createServer } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import { DirectIpMoServer } from '../../src/api/directip/directip-mo-server.js';
import { DirectIpMtClient } from '../../src/api/directip/directip-mt-client.js';
import { parseAllowList } from '../../src/api/directip/allow-list.js';
import { sha256Hex } from '../../src/core/provisioning.js';
import { coreFixture, T0, uplink, type CoreFixture } from '../support/core-fixture.js';
import { moMessageBytes, sendMo, startMtGateway, type MtGateway, type ParsedMt } from '../support/directip-peer.js';
import { until } from '../support/until.js';
import type { FastifyInstance } from 'fastify';

const KEY = 'sat_operator_test_key';
const auth = { authorization: `Bearer ${KEY}` };
const IMEI = '300234010753370';
const S = (ms: number) => Math.floor(ms / 1000);

describe('Iridium SBD DirectIP', () => {
  let f: CoreFixture;
  let app: FastifyInstance;
  let mo: DirectIpMoServer;
  let devEui: string;

  beforeEach(async () => {
    f = await coreFixture();
    app = await buildApp({ core: f.core, adminKeyHash: sha256Hex(KEY) });
    const r = await app.inject({
      method: 'POST',
      url: '/api/v1/terminals',
      headers: auth,
      payload: { tenantId: f.tenantId, transport: 'iridium-sbd', imei: IMEI, profile: 'vessel' },
    });
    expect(r.statusCode, r.body).toBe(201);
    devEui = r.json().devEui;
    mo = await DirectIpMoServer.start(f.core, { port: 0, host: '127.0.0.1', idleMs: 500 });
  });
  afterEach(async () => {
    await mo.close();
    await app.close();
    await f.close();
  });

  const messages = async () =>
    (await app.inject({ method: 'GET', url: `/api/v1/terminals/${devEui}/messages?limit=100`, headers: auth })).json()
      .items as Array<{
      fCnt: number;
      receptions: Array<Record<string, unknown>>;
      reportedPosition?: Record<string, unknown>;
    }>;
  const metric = async (name: string) => f.core.metrics.getSingleMetricAsString(name);

  it('registers an Iridium terminal by IMEI: no DevAddr, no keys, its DevEUI from the IMEI; a second with the IMEI is refused', async () => {
    expect(devEui).toBe(`0${IMEI}`);
    const got = (await app.inject({ method: 'GET', url: `/api/v1/terminals/${devEui}`, headers: auth })).json();
    expect(got).toMatchObject({ transport: 'iridium-sbd', imei: IMEI, devAddr: '' });
    const again = await app.inject({
      method: 'POST',
      url: '/api/v1/terminals',
      headers: auth,
      payload: { tenantId: f.tenantId, devEui: '00000000000000aa', transport: 'iridium-sbd', imei: IMEI },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('TERMINAL_EXISTS');
    const keys = await app.inject({
      method: 'POST',
      url: '/api/v1/terminals',
      headers: auth,
      payload: { tenantId: f.tenantId, transport: 'iridium-sbd', imei: '300234010753371', devAddr: '01020304' },
    });
    expect(keys.statusCode).toBe(400);
    const noImei = await app.inject({
      method: 'POST',
      url: '/api/v1/terminals',
      headers: auth,
      payload: { tenantId: f.tenantId, transport: 'iridium-sbd' },
    });
    expect(noImei.statusCode).toBe(400);
    expect(noImei.json().error.message).toMatch(/imei/);
  });

  it('stores an MO session before confirming it, with the Iridium location as its reported position; a redelivery is one message', async () => {
    const sessionTimeS = S(T0 - 120_000);
    const bytes = moMessageBytes({
      cdr: 0x01020304,
      imei: IMEI,
      momsn: 7,
      sessionTimeS,
      payload: Buffer.from('level=3.2'),
      location: { lat: 30.5, lon: 114.25, cepKm: 3 },
    });
    // Split mid-header and mid-payload: the server reassembles the stream.
    const first = await sendMo(mo.address().port, bytes, { split: [2, 20, 40] });
    expect(first.confirmation).toBe(1);
    expect(first.closed).toBe(true);
    let items = await messages();
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      fCnt: 7,
      fPort: null,
      payload: Buffer.from('level=3.2').toString('base64'),
      capturedAt: new Date(sessionTimeS * 1000).toISOString(),
    });
    expect(items[0]!.receptions[0]).toMatchObject({ path: 'satellite', satelliteId: 'iridium' });
    expect(items[0]!.reportedPosition).toEqual({ lat: 30.5, lon: 114.25, cepKm: 3, source: 'iridium' });

    // The gateway delivers the session again (our confirmation was lost): confirmed, still one message with one copy.
    const again = await sendMo(mo.address().port, bytes);
    expect(again.confirmation).toBe(1);
    items = await messages();
    expect(items).toHaveLength(1);
    expect(items[0]!.receptions).toHaveLength(1);
    expect(await metric('satiot_directip_mo_total')).toMatch(/outcome="accepted"} 1/);
    expect(await metric('satiot_directip_mo_total')).toMatch(/outcome="duplicate"} 1/);
  });

  it('extends the 16-bit MOMSN past its wrap, as a LoRaWAN counter', async () => {
    for (const momsn of [65_534, 65_535, 0, 1]) {
      const r = await sendMo(
        mo.address().port,
        moMessageBytes({
          cdr: momsn,
          imei: IMEI,
          momsn,
          sessionTimeS: S(T0 - 60_000) + (momsn % 7),
          payload: Buffer.from([momsn & 0xff]),
        }),
      );
      expect(r.confirmation).toBe(1);
    }
    expect((await messages()).map((m) => m.fCnt).sort((a, b) => a - b)).toEqual([65_534, 65_535, 65_536, 65_537]);
  });

  it('answers status 0 for an unknown IMEI, confirms sessions refused for good (disabled, old MOMSN) so they stop coming, and stores none of them', async () => {
    const unknown = await sendMo(
      mo.address().port,
      moMessageBytes({
        cdr: 1,
        imei: '300234010000000',
        momsn: 1,
        sessionTimeS: S(T0 - 60_000),
        payload: Buffer.from('x'),
      }),
    );
    expect(unknown.confirmation).toBe(0);
    expect(await metric('satiot_directip_mo_total')).toMatch(/outcome="UNKNOWN_TERMINAL"} 1/);

    expect(
      (
        await sendMo(
          mo.address().port,
          moMessageBytes({ cdr: 2, imei: IMEI, momsn: 5_000, sessionTimeS: S(T0 - 60_000), payload: Buffer.from('a') }),
        )
      ).confirmation,
    ).toBe(1);
    // 4,000 sessions back: below the replay window.
    const old = await sendMo(
      mo.address().port,
      moMessageBytes({ cdr: 3, imei: IMEI, momsn: 1_000, sessionTimeS: S(T0 - 50_000), payload: Buffer.from('b') }),
    );
    expect(old.confirmation).toBe(1);
    expect(await metric('satiot_directip_mo_total')).toMatch(/outcome="REPLAYED_COUNTER"} 1/);

    expect(
      (
        await app.inject({
          method: 'PATCH',
          url: `/api/v1/terminals/${devEui}`,
          headers: auth,
          payload: { enabled: false },
        })
      ).statusCode,
    ).toBe(200);
    const disabled = await sendMo(
      mo.address().port,
      moMessageBytes({ cdr: 4, imei: IMEI, momsn: 5_001, sessionTimeS: S(T0 - 40_000), payload: Buffer.from('c') }),
    );
    expect(disabled.confirmation).toBe(1);
    expect(await metric('satiot_directip_mo_total')).toMatch(/outcome="TERMINAL_DISABLED"} 1/);
    expect((await messages()).map((m) => m.fCnt)).toEqual([5_000]);
  });

  it('keeps no location the gateway calls unacceptable (session status 2), and still stores the session', async () => {
    const r = await sendMo(
      mo.address().port,
      moMessageBytes({
        cdr: 1,
        imei: IMEI,
        sessionStatus: 2,
        momsn: 1,
        sessionTimeS: S(T0 - 60_000),
        payload: Buffer.from('p'),
        location: { lat: 1, lon: 2, cepKm: 900 },
      }),
    );
    expect(r.confirmation).toBe(1);
    const [m] = await messages();
    expect(m!.fCnt).toBe(1);
    expect(m!.reportedPosition).toBeUndefined();
  });

  it('holds no connection slot past its deadline: a trickling peer and a peer that never closes are cut off, and a real session gets through', async () => {
    const tight = await DirectIpMoServer.start(f.core, { port: 0, host: '127.0.0.1', idleMs: 600, maxConnections: 2 });
    try {
      const port = tight.address().port;
      // A peer that sends a byte every 200 ms (never idle for the 600 ms) and one that never closes after our confirmation.
      const trickle = connect({ host: '127.0.0.1', port });
      const bytes = moMessageBytes({
        cdr: 1,
        imei: IMEI,
        momsn: 1,
        sessionTimeS: S(T0 - 60_000),
        payload: Buffer.from('t'),
      });
      let k = 0;
      const timer = setInterval(() => {
        if (k < 8) trickle.write(bytes.subarray(k, ++k));
      }, 200);
      const halfOpen = connect({ host: '127.0.0.1', port, allowHalfOpen: true });
      halfOpen.write(
        moMessageBytes({ cdr: 2, imei: IMEI, momsn: 2, sessionTimeS: S(T0 - 60_000), payload: Buffer.from('h') }),
      );
      trickle.on('error', () => undefined);
      halfOpen.on('error', () => undefined);
      // Both slots are taken now: a third connection is refused.
      await until(() => tight.openConnections === 2, 'both connections accepted');
      expect(
        (
          await sendMo(
            port,
            moMessageBytes({ cdr: 3, imei: IMEI, momsn: 3, sessionTimeS: S(T0 - 60_000), payload: Buffer.from('x') }),
          )
        ).confirmation,
      ).toBeUndefined();
      expect(await metric('satiot_directip_mo_total')).toMatch(/outcome="TOO_MANY_CONNECTIONS"} 1/);
      // Past the deadline and the grace after our confirmation both slots are free again, though neither peer closed.
      await until(() => tight.openConnections === 0, 'both slots free again', 5_000);
      clearInterval(timer);
      const [a, b] = await Promise.all(
        [4, 5].map((n) =>
          sendMo(
            port,
            moMessageBytes({ cdr: n, imei: IMEI, momsn: n, sessionTimeS: S(T0 - 60_000), payload: Buffer.from([n]) }),
          ),
        ),
      );
      expect([a!.confirmation, b!.confirmation]).toEqual([1, 1]);
      trickle.destroy();
      halfOpen.destroy();
    } finally {
      await tight.close();
    }
  });

  it('closes malformed streams, strangers and idle connections without an answer, counted by code, and keeps serving', async () => {
    const bad = await sendMo(mo.address().port, Buffer.from([0x02, 0x00, 0x05, 1, 2, 3, 4, 5]));
    expect(bad.confirmation).toBeUndefined();
    expect(bad.closed).toBe(true);
    // A well-framed message whose header element is one byte short.
    const short = moMessageBytes({ cdr: 1, imei: IMEI, momsn: 1, sessionTimeS: S(T0) });
    const broken = Buffer.concat([Buffer.from([1, 0, 30, 0x01, 0, 27]), short.subarray(6, 6 + 27)]);
    expect((await sendMo(mo.address().port, broken)).confirmation).toBeUndefined();
    // An MT confirmation sent the wrong way.
    const mtConf = Buffer.concat([
      Buffer.from([1, 0, 28, 0x44, 0, 25]),
      Buffer.from('ABCD'),
      Buffer.from(IMEI),
      Buffer.from([0, 0, 0, 1, 0, 1]),
    ]);
    expect((await sendMo(mo.address().port, mtConf)).confirmation).toBeUndefined();
    // Half a message, then silence: closed after the idle time.
    const idle = await sendMo(
      mo.address().port,
      moMessageBytes({ cdr: 1, imei: IMEI, momsn: 1, sessionTimeS: S(T0) }).subarray(0, 10),
      { timeoutMs: 3_000 },
    );
    expect(idle.closed).toBe(true);
    const text = await metric('satiot_directip_mo_total');
    expect(text).toMatch(/outcome="SBD_BAD_REVISION"} 1/);
    expect(text).toMatch(/outcome="SBD_BAD_IE"} 1/);
    expect(text).toMatch(/outcome="UNEXPECTED"} 1/);
    expect(text).toMatch(/outcome="TIMEOUT"} 1/);
    const ok = await sendMo(
      mo.address().port,
      moMessageBytes({ cdr: 9, imei: IMEI, momsn: 9, sessionTimeS: S(T0 - 1_000), payload: Buffer.from('ok') }),
    );
    expect(ok.confirmation).toBe(1);

    const strict = await DirectIpMoServer.start(f.core, {
      port: 0,
      host: '127.0.0.1',
      allow: ['12.47.179.11', '10.0.0.0/8'],
    });
    try {
      const refused = await sendMo(
        strict.address().port,
        moMessageBytes({ cdr: 10, imei: IMEI, momsn: 10, sessionTimeS: S(T0 - 1_000), payload: Buffer.from('x') }),
      );
      expect(refused.confirmation).toBeUndefined();
      expect(await metric('satiot_directip_mo_total')).toMatch(/outcome="NOT_ALLOWED"} 1/);
    } finally {
      await strict.close();
    }
  });

  it('parses allow lists of addresses and CIDR blocks, v4-mapped addresses included, and names a bad entry', () => {
    const list = parseAllowList(['12.47.179.11', '10.0.0.0/8', '2001:db8::/32']);
    expect(list.check('10.1.2.3', 'ipv4')).toBe(true);
    expect(list.check('12.47.179.12', 'ipv4')).toBe(false);
    expect(list.check('2001:db8::1', 'ipv6')).toBe(true);
    expect(() => parseAllowList(['10.0.0.0/33'])).toThrow(/10\.0\.0\.0\/33/);
    expect(() => parseAllowList(['gateway.example'])).toThrow(/gateway\.example/);
  });

  it('an Iridium session and a LoRaWAN frame do not cross: the Iridium gateway hands in no LoRaWAN frame, a ground station no session', async () => {
    const lora = await f.addTerminal();
    const station = await f.core.provisioning.iridiumGateway();
    const [r] = await f.core.pipeline.ingest(station, [
      uplink(lora, 1, new Uint8Array([1]), { satelliteId: 'iridium' }),
    ]);
    expect(r).toMatchObject({ status: 'rejected', code: 'INVALID_RECEPTION' });
    const [s] = await f.core.pipeline.ingest(f.station, [
      {
        phyPayload: '',
        satelliteId: 'SAT-1',
        capturedAt: new Date(T0 - 1000).toISOString(),
        downlinkedAt: new Date(T0).toISOString(),
        sbd: { imei: IMEI, momsn: 1, payload: new Uint8Array([1]) },
      },
    ]);
    expect(s).toMatchObject({ status: 'rejected', code: 'INVALID_RECEPTION' });
    // The Iridium gateway is not one of our ground stations: no contact is planned through it.
    expect((await f.core.registryQueries.listGroundStations()).map((g) => g.id)).not.toContain(station.id);
  });

  describe('MT', () => {
    let gateway: MtGateway;
    let mt: DirectIpMtClient;
    let answer: (req: ParsedMt) => ReturnType<Parameters<typeof startMtGateway>[0]>;

    beforeEach(async () => {
      answer = () => 1;
      gateway = await startMtGateway((req) => answer(req));
      mt = new DirectIpMtClient(f.core, await f.core.provisioning.iridiumGateway(), {
        host: '127.0.0.1',
        port: gateway.port,
        timeoutMs: 500,
      });
    });
    afterEach(async () => {
      await mt.close();
      await gateway.close();
    });

    const enqueue = async (payload: Buffer, extra: Record<string, unknown> = {}) => {
      const r = await app.inject({
        method: 'POST',
        url: `/api/v1/terminals/${devEui}/downlinks`,
        headers: auth,
        payload: { fPort: 1, payload: payload.toString('base64'), ...extra },
      });
      expect(r.statusCode, r.body).toBe(201);
      return r.json() as { id: string; state: string };
    };
    const downlink = async (id: string) =>
      (await app.inject({ method: 'GET', url: `/api/v1/downlinks/${id}`, headers: auth })).json();

    it('hands a downlink to the gateway (header, payload, priority for an emergency), follows its confirmation, and marks it transmitted when a session reports its MTMSN', async () => {
      const d = await enqueue(Buffer.from('open valve'), { priority: 'emergency', confirmed: true });
      expect(d.state).toBe('queued'); // no satellite plan for an Iridium terminal
      answer = () => ({ status: 2, autoId: 4242 });
      await mt.kick();
      expect(gateway.received).toHaveLength(1);
      const req = gateway.received[0]!;
      expect(req.imei).toBe(IMEI);
      expect(req.payload?.toString()).toBe('open valve');
      expect(req.priority).toBe(1);
      expect(req.clientMessageId).toHaveLength(4);
      let got = await downlink(d.id);
      expect(got.state).toBe('uploaded');
      expect(got.history.at(-1)).toMatchObject({
        state: 'uploaded',
        reason: 'directip-queued',
        queuePosition: 2,
        autoIdReference: 4242,
      });

      // A later MO session reports MTMSN 17: the MT message went out (a confirmed one is acknowledged).
      const at = S(T0 - 5_000);
      expect(
        (
          await sendMo(
            mo.address().port,
            moMessageBytes({ cdr: 5, imei: IMEI, momsn: 3, mtmsn: 17, sessionTimeS: at, payload: Buffer.from('ack') }),
          )
        ).confirmation,
      ).toBe(1);
      got = await downlink(d.id);
      expect(got.state).toBe('acknowledged');
      expect(got.history.at(-1)).toMatchObject({
        state: 'acknowledged',
        mtmsn: 17,
        at: new Date(at * 1000).toISOString(),
      });
      // The same session delivered again changes nothing.
      await sendMo(
        mo.address().port,
        moMessageBytes({ cdr: 5, imei: IMEI, momsn: 3, mtmsn: 17, sessionTimeS: at, payload: Buffer.from('ack') }),
      );
      expect((await downlink(d.id)).history).toHaveLength(got.history.length);
    });

    it('a mailbox check (no MO payload) with an MTMSN marks the oldest queued message transmitted, in order', async () => {
      const a = await enqueue(Buffer.from('one'));
      f.clock.advance(1_000);
      const b = await enqueue(Buffer.from('two'));
      await mt.kick();
      expect(gateway.received.map((r) => r.payload?.toString())).toEqual(['one', 'two']);
      expect(
        (
          await sendMo(
            mo.address().port,
            moMessageBytes({ cdr: 6, imei: IMEI, momsn: 4, mtmsn: 1, sessionTimeS: S(T0 - 3_000) }),
          )
        ).confirmation,
      ).toBe(1);
      expect((await downlink(a.id)).state).toBe('transmitted');
      expect((await downlink(b.id)).state).toBe('uploaded');
      expect(await messages()).toHaveLength(0);
    });

    it("fails a downlink the gateway refuses with the status's stable code", async () => {
      const d = await enqueue(Buffer.from('x'));
      answer = () => -5;
      await mt.kick();
      const got = await downlink(d.id);
      expect(got.state).toBe('failed');
      expect(got.history.at(-1)).toMatchObject({ state: 'failed', reason: 'SBD_MT_QUEUE_FULL' });
      expect(await metric('satiot_directip_mt_total')).toMatch(/outcome="SBD_MT_QUEUE_FULL"} 1/);
    });

    it('keeps a downlink queued while the gateway cannot be reached or does not confirm, and sends it once it does', async () => {
      const d = await enqueue(Buffer.from('later'));
      answer = () => 'close';
      await mt.kick();
      let got = await downlink(d.id);
      expect(got.state).toBe('queued');
      expect(got.history.at(-1)).toMatchObject({ state: 'queued', reason: 'SBD_NO_CONFIRMATION' });

      answer = () => 'hang';
      await mt.kick();
      expect((await downlink(d.id)).state).toBe('queued');

      // Nobody listening: nothing is claimed, the history does not grow.
      const port = gateway.port;
      await gateway.close();
      const before = (await downlink(d.id)).history.length;
      const dead = new DirectIpMtClient(f.core, await f.core.provisioning.iridiumGateway(), {
        host: '127.0.0.1',
        port,
        timeoutMs: 500,
      });
      await dead.kick();
      await dead.close();
      got = await downlink(d.id);
      expect(got.state).toBe('queued');
      expect(got.history).toHaveLength(before);
      expect(await metric('satiot_directip_mt_total')).toMatch(/outcome="SBD_GATEWAY_UNREACHABLE"} 1/);

      gateway = await startMtGateway(() => 1);
      const back = new DirectIpMtClient(f.core, await f.core.provisioning.iridiumGateway(), {
        host: '127.0.0.1',
        port: gateway.port,
        timeoutMs: 500,
      });
      await back.kick();
      await back.close();
      await until(async () => (await downlink(d.id)).state === 'uploaded', 'the downlink handed over');
      expect(gateway.received.map((r) => r.payload?.toString())).toEqual(['later']);
    });

    it('refuses a downlink larger than an MT message carries, or an empty one', async () => {
      const r = await app.inject({
        method: 'POST',
        url: `/api/v1/terminals/${devEui}/downlinks`,
        headers: auth,
        payload: { fPort: 1, payload: Buffer.alloc(1_891).toString('base64') },
      });
      expect(r.statusCode).toBe(400);
      const empty = await app.inject({
        method: 'POST',
        url: `/api/v1/terminals/${devEui}/downlinks`,
        headers: auth,
        payload: { fPort: 1, payload: '' },
      });
      expect(empty.statusCode).toBe(400);
      await enqueue(Buffer.alloc(1_890, 7));
    });
  });

  it('a downlink the gateway has queued does not expire (the gateway still sends it); the next MTMSN is credited to it', async () => {
    const gateway = await startMtGateway(() => 1);
    const mt = new DirectIpMtClient(f.core, await f.core.provisioning.iridiumGateway(), {
      host: '127.0.0.1',
      port: gateway.port,
      timeoutMs: 500,
    });
    try {
      const a = await f.core.downlinks.enqueue(devEui, {
        fPort: 1,
        payload: new Uint8Array([1]),
        expiresAt: T0 + 60_000,
      });
      f.clock.advance(1_000);
      const b = await f.core.downlinks.enqueue(devEui, { fPort: 1, payload: new Uint8Array([2]) });
      await mt.kick();
      f.clock.advance(120_000);
      await f.core.downlinks.sweep();
      expect((await f.core.downlinks.get(a.id)).state).toBe('uploaded');
      await sendMo(
        mo.address().port,
        moMessageBytes({ cdr: 1, imei: IMEI, momsn: 1, mtmsn: 5, sessionTimeS: S(T0 + 100_000) }),
      );
      expect((await f.core.downlinks.get(a.id)).state).toBe('transmitted');
      expect((await f.core.downlinks.get(b.id)).state).toBe('uploaded');
    } finally {
      await mt.close();
      await gateway.close();
    }
  });

  it('a gateway reset while a downlink is being claimed does not end the process; a gateway that never confirms fails the downlink after five hand-overs', async () => {
    // The gateway resets every connection 30 ms after accepting it, while the claim (a slow store: 100 ms) is being written.
    const server = createServer((s) => {
      setTimeout(() => s.resetAndDestroy(), 30);
    });
    const handOff = f.core.downlinks.iridiumHandOff.bind(f.core.downlinks);
    vi.spyOn(f.core.downlinks, 'iridiumHandOff').mockImplementation(async (id, station) => {
      await new Promise((r) => setTimeout(r, 100));
      return handOff(id, station);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    const mt = new DirectIpMtClient(f.core, await f.core.provisioning.iridiumGateway(), {
      host: '127.0.0.1',
      port,
      timeoutMs: 300,
    });
    try {
      const d = await f.core.downlinks.enqueue(devEui, { fPort: 1, payload: new Uint8Array([9]) });
      for (let i = 0; i < 6; i++) await mt.kick();
      const got = await f.core.downlinks.get(d.id);
      expect(got.state).toBe('failed');
      expect(got.history.filter((s) => s.reason === 'directip')).toHaveLength(5);
    } finally {
      await mt.close();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it("takes a session of a terminal registered through another node a moment ago (not yet in this node's registry)", async () => {
    const other = '300234010753999';
    await f.store.terminals.create({
      id: 'iridium-other-node',
      tenantId: f.tenantId,
      devEui: `0${other}`,
      devAddr: '',
      suite: 'aes128',
      profile: 'vessel',
      expectedMessagesPerDay: 24,
      enabled: true,
      status: 'approved',
      createdAt: T0,
      nwkSKeySealed: '',
      appSKeySealed: '',
      transport: 'iridium-sbd',
      imei: other,
    });
    expect(f.core.registry.byImei(other)).toBeUndefined();
    const r = await sendMo(
      mo.address().port,
      moMessageBytes({ cdr: 1, imei: other, momsn: 1, sessionTimeS: S(T0 - 60_000), payload: Buffer.from('hi') }),
    );
    expect(r.confirmation).toBe(1);
    expect(f.core.registry.byImei(other)?.record.id).toBe('iridium-other-node');
  });

  it('an MT client told it may not send (another node holds the downlink lease) leaves the queue alone', async () => {
    const gateway = await startMtGateway(() => 1);
    const idle = new DirectIpMtClient(f.core, await f.core.provisioning.iridiumGateway(), {
      host: '127.0.0.1',
      port: gateway.port,
      onlyWhen: () => false,
    });
    try {
      const d = await f.core.downlinks.enqueue(devEui, { fPort: 1, payload: new Uint8Array([1]) });
      await idle.kick();
      expect(gateway.received).toHaveLength(0);
      expect((await f.core.downlinks.get(d.id)).state).toBe('queued');
    } finally {
      await idle.close();
      await gateway.close();
    }
  });

  it('serve wires it: a refused connection attempt never crashes the server', async () => {
    // A connection that resets right after opening.
    await new Promise<void>((resolve) => {
      const s = connect({ host: '127.0.0.1', port: mo.address().port }, () => {
        s.resetAndDestroy();
        resolve();
      });
    });
    const ok = await sendMo(
      mo.address().port,
      moMessageBytes({ cdr: 11, imei: IMEI, momsn: 11, sessionTimeS: S(T0 - 1_000), payload: Buffer.from('y') }),
    );
    expect(ok.confirmation).toBe(1);
  });
});
