import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.js';
import { Core } from '../../src/core/core.js';
import { KeyVault } from '../../src/core/key-vault.js';
import type { Clock } from '../../src/core/ports/clock.js';
import { sha256Hex } from '../../src/core/provisioning.js';
import { openStore } from '../../src/store/open-store.js';
import { openBus } from '../../src/bus/open-bus.js';
import { buildDataFrame, type SessionKeys } from '../../src/frame/index.js';
import { encodeSl651Report } from '../../src/codecs/sl651/index.js';
import { FakePublisher, FakeTransport } from '../core/delivery/helpers.js';
import { createTwinClock, LiveTwin, loadScenario } from '../../src/twin/index.js';
import { createAuditLog } from '../../src/cli/audit-setup.js';
import { SemtechUdpServer } from '../../src/api/semtech-udp/semtech-udp-server.js';
import { createSocket } from 'node:dgram';
import { augursEngine } from '../../src/integrations/augurs-engine.js';

/** Simulated time running `speed` times faster than the wall clock, from now (as the twin's clock does). */
export class SpeedClock implements Clock {
  private readonly wall0 = Date.now();
  constructor(
    readonly speed: number,
    private readonly start = Date.now(),
  ) {}
  now(): number {
    return this.start + (Date.now() - this.wall0) * this.speed;
  }
}

export interface LiveServer {
  readonly baseUrl: string;
  readonly operatorKey: string;
  /** A tenant-user key of the tenant. */
  readonly userKey: string;
  readonly tenantId: string;
  readonly devEui: string;
  /** A terminal the tenant's admin registered, waiting for an operator's review (twin traffic only). */
  readonly pendingDevEui?: string;
  /**
   * A gauge with three days of hourly levels (a daily cycle on a rising river, one dropout to 0): its
   * page has a forecast and an unusual value, and its crest pre-alarm proposed a decision.
   */
  readonly historyDevEui: string;
  readonly clock: Clock;
  /** Frames the ground stations have posted so far. */
  sent(): number;
  close(): Promise<void>;
}

type Call = (method: string, path: string, body?: unknown, token?: string) => Promise<Record<string, unknown>>;

/** The tenant's decision policy is `suggest`; the water solution (warning line 3.5 m) sends a crest command through a decision. */
async function waterSolution(call: Call, tenantId: string, guaranteedLevelM: number): Promise<void> {
  await call('PUT', '/api/v1/decisions/policy', { tenantId, policy: 'suggest' });
  await call('POST', `/api/v1/tenants/${tenantId}/solutions/water`, {
    warningLevelM: 3.5,
    guaranteedLevelM,
    crestDownlink: { fPort: 5, payloadHex: '0c01' },
  });
}

/** A timed SL 651 report of station `station` (water level, battery) as a LoRaWAN uplink, captured at `at`. */
function gaugeFrame(
  station: string,
  fCnt: number,
  at: number,
  levelM: number,
  devAddr: string,
  keys: SessionKeys,
): Uint8Array {
  const stamp = (ms: number) => new Date(Math.floor(ms / 60_000) * 60_000).toISOString().replace('.000', '');
  const report = encodeSl651Report({
    centre: 1,
    station,
    password: '1234',
    functionCode: 0x32,
    serial: fCnt % 65536,
    sentAt: stamp(at),
    stationTypeCode: 'H',
    observations: [
      {
        observedAt: stamp(at),
        elements: [
          { id: 0x39, value: Math.round(levelM * 100) / 100 },
          { id: 0x38, value: 12.6 },
        ],
      },
    ],
  });
  return buildDataFrame({ mtype: 'unconfirmed-data-up', devAddr, fCnt32: fCnt, fPort: 2, payload: report }, keys);
}

/** Registers a gauge and posts 72 hourly reports ending an hour ago (see LiveServer.historyDevEui). */
async function seedHistory(call: Call, tenantId: string, stationToken: string, now: number): Promise<string> {
  const keys: SessionKeys = { suite: 'aes128', nwkSKey: randomBytes(16), appSKey: randomBytes(16) };
  const devEui = randomBytes(8).toString('hex'),
    devAddr = randomBytes(4).toString('hex');
  await call('POST', '/api/v1/terminals', {
    tenantId,
    devEui,
    devAddr,
    nwkSKey: Buffer.from(keys.nwkSKey).toString('hex'),
    appSKey: Buffer.from(keys.appSKey).toString('hex'),
    codec: 'sl651',
    location: { lat: 30.3, lon: 112.2, altM: 30 },
  });
  const H = 3_600_000,
    start = Math.floor(now / H) * H - 72 * H;
  const frames = Array.from({ length: 72 }, (_, h) => {
    const at = start + h * H;
    const level = h === 50 ? 0 : 2.3 + 0.012 * h + 0.45 * Math.sin((2 * Math.PI * h) / 24);
    return {
      phyPayload: Buffer.from(gaugeFrame('0012345679', h + 1, at, level, devAddr, keys)).toString('base64'),
      satelliteId: '1',
      capturedAt: new Date(at).toISOString(),
      downlinkedAt: new Date(at + 30 * 60_000).toISOString(),
      rssi: -117,
      snr: -2,
    };
  });
  for (let i = 0; i < frames.length; i += 24)
    await call('POST', '/api/v1/gateway/uplinks', { frames: frames.slice(i, i + 24) }, stationToken);
  return devEui;
}

/**
 * A real server for the browser: a Core on SQLite in a temporary folder, the whole app listening on an
 * ephemeral port, its clock `speed` times faster than real time, with live traffic:
 *
 * - `twin` (default): the digital twin (LiveTwin, scenario china-trial) provisions tenants, ground
 *   stations, satellites and terminals and posts what its ground stations receive through the HTTP
 *   gateway, as `satiot demo` does; the hydrology tenant's first terminal is the one the test uses;
 * - `gateway`: provisioned through the API here (tenant, an SL 651 water-level terminal, three ground
 *   stations, a Walker constellation with today's epoch), one ground station posting a real LoRaWAN
 *   uplink of the terminal every `everyMs` (`SATIOT_E2E_TRAFFIC=gateway`: the browser test without the twin).
 *
 * Either way the tenant gets the water solution's rules (warning line 3.5 m), so alarms are raised, and
 * its decision policy is `suggest` with a crest command, so a forecast crest waits for approval.
 */
export async function startLiveServer(opts: {
  speed: number;
  everyMs: number;
  traffic?: 'twin' | 'gateway';
}): Promise<LiveServer> {
  const traffic = opts.traffic ?? 'twin';
  const dir = mkdtempSync(join(tmpdir(), 'satiot-web-'));
  const operatorKey = `sat_operator_${randomBytes(8).toString('hex')}`;
  const clock = traffic === 'twin' ? createTwinClock(opts.speed) : new SpeedClock(opts.speed);
  const store = await openStore('sqlite', { dataDir: dir });
  // As `satiot serve --registration-review` runs it: tenants' registrations wait for review, and the audit chain records.
  const core = await Core.start({
    store,
    bus: await openBus('memory'),
    vault: new KeyVault(randomBytes(32)),
    clock,
    delivery: { transport: new FakeTransport(), publisher: new FakePublisher() },
    registration: { reviewTenantRegistrations: true },
    audit: createAuditLog(store, dir, clock),
    forecastEngine: augursEngine(),
  });
  const app: FastifyInstance = await buildApp({ core, adminKeyHash: sha256Hex(operatorKey), eventHeartbeatMs: 5000 });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const call: Call = async (method, path, body, token = operatorKey) => {
    const res = await fetch(baseUrl + path, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const json = (await res.json()) as Record<string, unknown>;
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };

  // A terrestrial LoRa gateway on the Yangtze at Wuhan, its packet forwarder keeping in touch over
  // real UDP (PULL_DATA every second): the map shows the ground path beside the satellites.
  const udp = await SemtechUdpServer.start(core, { port: 0, host: '127.0.0.1' });
  const forwarder = createSocket('udp4');
  forwarder.on('message', () => undefined);
  let keepAlive: NodeJS.Timeout | undefined;
  const heard = async () => {
    await call('POST', '/api/v1/gateways', {
      gatewayEui: 'aa555a0000000101',
      name: 'Wuhan river bank',
      lat: 30.59,
      lon: 114.3,
    });
    const pull = () =>
      forwarder.send(
        Buffer.concat([Buffer.from([2, 0, 1, 0x02]), Buffer.from('aa555a0000000101', 'hex')]),
        udp.address().port,
        '127.0.0.1',
      );
    pull();
    keepAlive = setInterval(pull, 1_000);
  };
  const stopGateway = async () => {
    clearInterval(keepAlive);
    forwarder.close();
    await udp.close();
  };

  if (traffic === 'twin') {
    await heard();
    const twin = await LiveTwin.start({
      scenario: loadScenario('china-trial'),
      core,
      clock: clock as ReturnType<typeof createTwinClock>,
      gateway: 'http',
      baseUrl,
      tickMs: 500,
    });
    const tenants = (await call('GET', '/api/v1/tenants'))['items'] as Array<{ id: string; name: string }>;
    const tenantId = (tenants.find((t) => /hydrolog/i.test(t.name)) ?? tenants[0])!.id;
    const terminals = (await call('GET', `/api/v1/terminals?tenantId=${tenantId}`))['items'] as Array<{
      devEui: string;
      location?: unknown;
    }>;
    const devEui = (terminals.find((t) => t.location) ?? terminals[0])!.devEui;
    const userKey = (await call('POST', '/api/v1/api-keys', { tenantId, role: 'tenant-user', name: 'dashboard test' }))[
      'key'
    ] as string;
    await waterSolution(call, tenantId, 45);
    const historyToken = (await call('POST', '/api/v1/ground-stations', { name: 'Jingzhou', lat: 30.35, lon: 112.19 }))[
      'token'
    ] as string;
    const historyDevEui = await seedHistory(call, tenantId, historyToken, clock.now());
    const adminKey = (
      await call('POST', '/api/v1/api-keys', { tenantId, role: 'tenant-admin', name: 'dashboard test' })
    )['key'] as string;
    const pending = await call(
      'POST',
      '/api/v1/terminals',
      {
        tenantId,
        devEui: randomBytes(8).toString('hex'),
        devAddr: randomBytes(4).toString('hex'),
        nwkSKey: randomBytes(16).toString('hex'),
        appSKey: randomBytes(16).toString('hex'),
        codec: 'sl651',
        location: { lat: 29.6, lon: 106.5, altM: 250 },
      },
      adminKey,
    );
    return {
      baseUrl,
      operatorKey,
      userKey,
      tenantId,
      devEui,
      pendingDevEui: pending['devEui'] as string,
      historyDevEui,
      clock,
      sent: () => twin.stats().framesPosted,
      async close() {
        await twin.stop();
        await stopGateway();
        await app.close();
        await core.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }

  await heard();
  const tenantId = (await call('POST', '/api/v1/tenants', { name: 'hydrology' }))['id'] as string;
  const userKey = (await call('POST', '/api/v1/api-keys', { tenantId, role: 'tenant-user', name: 'dashboard test' }))[
    'key'
  ] as string;
  const stationToken = (await call('POST', '/api/v1/ground-stations', { name: 'Beijing', lat: 40.0, lon: 116.3 }))[
    'token'
  ] as string;
  await call('POST', '/api/v1/ground-stations', { name: 'Kashgar', lat: 39.5, lon: 76.0 });
  await call('POST', '/api/v1/ground-stations', { name: 'Sanya', lat: 18.3, lon: 109.5 });
  const walker = await fetch(
    `${baseUrl}/api/v1/constellations/walker?walker=${encodeURIComponent('53:24/6/1')}&altitudeKm=550&format=tle&epoch=${new Date(clock.now()).toISOString()}`,
  );
  await call('POST', '/api/v1/satellites', { tle: await walker.text() });
  const keys: SessionKeys = { suite: 'aes128', nwkSKey: randomBytes(16), appSKey: randomBytes(16) };
  const devEui = randomBytes(8).toString('hex');
  const devAddr = randomBytes(4).toString('hex');
  await call('POST', '/api/v1/terminals', {
    tenantId,
    devEui,
    devAddr,
    nwkSKey: Buffer.from(keys.nwkSKey).toString('hex'),
    appSKey: Buffer.from(keys.appSKey).toString('hex'),
    codec: 'sl651',
    location: { lat: 30.6, lon: 104.1, altM: 500 },
    name: 'Gauge Chengdu',
  });

  // Water-conservancy rules: the level oscillates between 2 and 4 m, so the warning line (3.5 m) is crossed.
  await waterSolution(call, tenantId, 4.5);
  const historyDevEui = await seedHistory(call, tenantId, stationToken, clock.now());

  // A terminal the tenant's admin registered: it waits for the operator's review.
  const adminKey = (await call('POST', '/api/v1/api-keys', { tenantId, role: 'tenant-admin', name: 'dashboard test' }))[
    'key'
  ] as string;
  const pending = await call(
    'POST',
    '/api/v1/terminals',
    {
      tenantId,
      devEui: randomBytes(8).toString('hex'),
      devAddr: randomBytes(4).toString('hex'),
      name: 'Gauge Chongqing (new)',
      nwkSKey: randomBytes(16).toString('hex'),
      appSKey: randomBytes(16).toString('hex'),
      codec: 'sl651',
      location: { lat: 29.6, lon: 106.5, altM: 250 },
    },
    adminKey,
  );

  let fCnt = 0;
  const post = async () => {
    fCnt++;
    const now = clock.now();
    // A hydrological station's timed report (SL 651): water level rising and falling, battery voltage.
    const phy = gaugeFrame('0012345678', fCnt, now - 20 * 60_000, 3 + Math.sin(fCnt / 3), devAddr, keys);
    await call(
      'POST',
      '/api/v1/gateway/uplinks',
      {
        frames: [
          {
            phyPayload: Buffer.from(phy).toString('base64'),
            satelliteId: '1',
            capturedAt: new Date(now - 20 * 60_000).toISOString(),
            downlinkedAt: new Date(now - 60_000).toISOString(),
            rssi: -118,
            snr: -3.5,
            frequencyOffsetHz: 900,
          },
        ],
      },
      stationToken,
    );
  };
  for (let i = 0; i < 5; i++) await post();
  let stopped = false;
  const timer = setInterval(() => {
    if (!stopped)
      post().catch((e: unknown) => {
        if (!stopped) console.error('uplink failed', e);
      });
  }, opts.everyMs);

  return {
    baseUrl,
    operatorKey,
    userKey,
    tenantId,
    devEui,
    pendingDevEui: pending['devEui'] as string,
    historyDevEui,
    clock,
    sent: () => fCnt,
    async close() {
      stopped = true;
      clearInterval(timer);
      await stopGateway();
      await app.close();
      await core.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
