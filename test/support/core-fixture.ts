/**
 * The core wired for a test: in-memory store and bus (or the ones given), a manual clock at `T0`, a
 * ground station and a terminal, plus frame and event helpers. Shared by the core, API, security,
 * supervision and solutions tests, so it lives here rather than in test/core.
 */
import { randomBytes } from 'node:crypto';
import { buildDataFrame, type DataMType, type SessionKeys } from '../../src/frame/index.js';
import { Core, type CoreDeps } from '../../src/core/core.js';
import { KeyVault } from '../../src/core/key-vault.js';
import { ManualClock } from '../../src/core/ports/clock.js';
import type { UplinkFrameInput } from '../../src/core/ingest-pipeline.js';
import type { GroundStationRecord } from '../../src/core/model.js';
import type { Store } from '../../src/core/ports/store.js';
import type { Bus } from '../../src/core/ports/bus.js';
import { openStore } from '../../src/store/open-store.js';
import { openBus } from '../../src/bus/open-bus.js';
import type { PayloadCodec } from '../../src/codecs/codec.js';

export const T0 = Date.parse('2026-01-15T12:00:00Z');

export interface TestTerminal {
  devEui: string;
  devAddr: string;
  keys: SessionKeys;
  id: string;
}

export interface CoreFixture {
  core: Core;
  store: Store;
  bus: Bus;
  clock: ManualClock;
  vault: KeyVault;
  tenantId: string;
  station: GroundStationRecord;
  station2: GroundStationRecord;
  token: string;
  addTerminal(opts?: {
    suite?: 'aes128' | 'sm4';
    devAddr?: string;
    codec?: string;
    location?: { lat: number; lon: number; altM: number };
  }): Promise<TestTerminal>;
  close(): Promise<void>;
}

let seq = 0;

/** A core on an in-memory SQLite store and the in-memory bus, with a tenant and two stations. */
export async function coreFixture(
  opts: {
    store?: Store;
    bus?: Bus;
    vault?: KeyVault;
    dedupWindowMs?: number;
    codecs?: ReadonlyMap<string, PayloadCodec>;
    delivery?: CoreDeps['delivery'];
    audit?: CoreDeps['audit'];
    registration?: CoreDeps['registration'];
    forecastEngine?: CoreDeps['forecastEngine'];
  } = {},
): Promise<CoreFixture> {
  const store = opts.store ?? (await openStore('sqlite::memory:', { dataDir: '/nonexistent' }));
  const bus = opts.bus ?? (await openBus('memory'));
  const clock = new ManualClock(T0);
  const vault = opts.vault ?? new KeyVault(randomBytes(32));
  const core = await Core.start({
    store,
    bus,
    vault,
    clock,
    ...(opts.dedupWindowMs ? { ingest: { dedupWindowMs: opts.dedupWindowMs } } : {}),
    ...(opts.codecs ? { codecs: opts.codecs } : {}),
    ...(opts.delivery ? { delivery: opts.delivery } : {}),
    ...(opts.audit ? { audit: opts.audit } : {}),
    ...(opts.registration ? { registration: opts.registration } : {}),
    ...(opts.forecastEngine ? { forecastEngine: opts.forecastEngine } : {}),
  });
  const tenant = await core.provisioning.createTenant('t1');
  const a = await core.provisioning.createGroundStation({ name: 'gs-a', lat: 40, lon: 116 });
  const b = await core.provisioning.createGroundStation({ name: 'gs-b', lat: 30, lon: 104 });
  return {
    core,
    store,
    bus,
    clock,
    vault,
    tenantId: tenant.id,
    station: a.station,
    station2: b.station,
    token: a.token,
    async addTerminal(o = {}) {
      const n = ++seq;
      const nwk = randomBytes(16),
        app = randomBytes(16);
      const devAddr = o.devAddr ?? (0x01000000 + n).toString(16).padStart(8, '0');
      const devEui = (0x70b3d50000000000n + BigInt(n)).toString(16).padStart(16, '0');
      const v = await core.provisioning.createTerminal({
        tenantId: tenant.id,
        devEui,
        devAddr,
        nwkSKey: nwk.toString('hex'),
        appSKey: app.toString('hex'),
        suite: o.suite ?? 'aes128',
        ...(o.codec ? { codec: o.codec } : {}),
        ...(o.location ? { location: o.location } : {}),
      });
      return { devEui, devAddr, keys: { suite: o.suite ?? 'aes128', nwkSKey: nwk, appSKey: app }, id: v.id };
    },
    close: () => core.close(),
  };
}

/** A base64 uplink with reception metadata (captured `ageMs` before the clock's now). */
export function uplink(
  t: TestTerminal,
  fCnt32: number,
  payload: Uint8Array,
  o: {
    satelliteId?: string;
    capturedAt?: number;
    downlinkedAt?: number;
    mtype?: DataMType;
    rssi?: number;
    ack?: boolean;
    fPort?: number | null;
  } = {},
): UplinkFrameInput {
  const phy = buildDataFrame(
    {
      mtype: o.mtype ?? 'unconfirmed-data-up',
      devAddr: t.devAddr,
      fCnt32,
      fPort: o.fPort === undefined ? 7 : o.fPort,
      payload,
      ...(o.ack ? { ack: true } : {}),
    },
    t.keys,
  );
  const capturedAt = o.capturedAt ?? T0 - 3_600_000;
  return {
    phyPayload: Buffer.from(phy).toString('base64'),
    satelliteId: o.satelliteId ?? 'SAT-1',
    capturedAt: new Date(capturedAt).toISOString(),
    downlinkedAt: new Date(o.downlinkedAt ?? capturedAt + 600_000).toISOString(),
    rssi: o.rssi ?? -120.5,
    snr: -4.2,
    frequencyOffsetHz: 1234,
  };
}

/** Resolves with the first `n` bus messages on `pattern` (subscribed before `trigger` runs). */
export async function collect(
  bus: Bus,
  pattern: string,
  n: number,
  trigger: () => Promise<unknown>,
): Promise<Array<Record<string, unknown>>> {
  const got: Array<Record<string, unknown>> = [];
  let done!: () => void;
  const all = new Promise<void>((r) => {
    done = r;
  });
  const sub = await bus.subscribe(pattern, async (m) => {
    got.push(JSON.parse(Buffer.from(m.data).toString('utf8')) as Record<string, unknown>);
    if (got.length === n) done();
  });
  try {
    await trigger();
    await Promise.race([
      all,
      new Promise((_, rej) => setTimeout(() => rej(new Error(`${got.length} of ${n} events on ${pattern}`)), 5000)),
    ]);
    return got;
  } finally {
    await sub.close();
  }
}
