/**
 * The cluster's guarantees inside one process, fast and deterministic: two cores on one SQLite file
 * and one in-process bus (two nodes in miniature), a bus that refuses publishes, a consumer that
 * fails. test/cluster runs the same guarantees with real processes, PostgreSQL and NATS.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Core } from '../../src/core/core.js';
import { KeyVault } from '../../src/core/key-vault.js';
import { ManualClock } from '../../src/core/ports/clock.js';
import type { Bus, BusMessage, PublishOptions } from '../../src/core/ports/bus.js';
import { MemoryBus } from '../../src/bus/memory/bus.js';
import { openStore } from '../../src/store/open-store.js';
import { deadLetterSink } from '../../src/core/dead-letters.js';
import { DECODED_SUBJECTS, UPLINK_SUBJECTS } from '../../src/core/events/subjects.js';
import { RULES_CONSUMER } from '../../src/core/rule-runner.js';
import { parseRule } from '../../src/rules/index.js';
import { T0, uplink, type TestTerminal } from '../support/core-fixture.js';
import { until } from '../support/until.js';

const dirs: string[] = [];
const cores: Core[] = [];
afterEach(async () => {
  for (const c of cores.splice(0).reverse()) await c.close().catch(() => undefined);
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const vault = new KeyVault(randomBytes(32));

/** A core on the SQLite file in `dir`, on `bus`, named `node`. */
async function startCore(
  dir: string,
  bus: Bus,
  node: string,
  over: Partial<Parameters<typeof Core.start>[0]> = {},
): Promise<Core> {
  const store = await openStore('sqlite', { dataDir: dir });
  const core = await Core.start({
    store,
    bus,
    vault,
    clock: new ManualClock(T0),
    node: { nodeId: node },
    leases: { ttlMs: 600, renewMs: 100 },
    onError: () => undefined,
    ...over,
  });
  cores.push(core);
  return core;
}

let n = 0;
async function terminal(core: Core, tenantId: string, codec?: string): Promise<TestTerminal> {
  const nwk = randomBytes(16),
    app = randomBytes(16);
  n++;
  const devEui = (0x70b3d5cc00000000n + BigInt(n)).toString(16).padStart(16, '0');
  const devAddr = (0x02200000 + n).toString(16).padStart(8, '0');
  const v = await core.provisioning.createTerminal({
    tenantId,
    devEui,
    devAddr,
    nwkSKey: nwk.toString('hex'),
    appSKey: app.toString('hex'),
    ...(codec ? { codec } : {}),
  });
  return { devEui, devAddr, id: v.id, keys: { suite: 'aes128', nwkSKey: nwk, appSKey: app } };
}

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'satiot-cluster-core-'));
  dirs.push(d);
  return d;
}

describe('two cores on one store and one bus', () => {
  it("apply each other's registry changes: a terminal made on A is known to B, its suspension refused by B", async () => {
    const dir = tempDir();
    const bus = new MemoryBus();
    const a = await startCore(dir, bus, 'a');
    const b = await startCore(dir, bus, 'b');
    const tenant = await a.provisioning.createTenant('t');
    const gs = await a.provisioning.createGroundStation({ name: 'gs', lat: 40, lon: 116 });
    const t = await terminal(a, tenant.id);
    await until(() => b.registry.byDevEui(t.devEui) !== undefined, 'B to learn the terminal from its registry event');
    expect((await b.pipeline.ingest(gs.station, [uplink(t, 1, Uint8Array.of(1))]))[0]!.status).toBe('accepted');
    await a.registration.suspend(t.devEui, { kind: 'operator' }, 'test');
    await until(() => b.registry.byDevEui(t.devEui)?.record.status === 'suspended', 'B to see the suspension');
    expect((await b.pipeline.ingest(gs.station, [uplink(t, 2, Uint8Array.of(2))]))[0]!.code).toBe(
      'TERMINAL_NOT_APPROVED',
    );
    // Deleted on B (never sent through B? it did: so disabled instead), a new terminal on B is known to A.
    await b.provisioning.setTerminalEnabled(t.devEui, false);
    await until(() => a.registry.byDevEui(t.devEui)?.record.enabled === false, 'A to see the terminal disabled');
    expect(b.registrySync.applied).toBeGreaterThan(0);
    expect(a.registrySync.applied).toBeGreaterThan(0);
  });

  it('applies a bulk registration made on A on B: one registry event per transaction names every terminal', async () => {
    const dir = tempDir();
    const bus = new MemoryBus();
    const a = await startCore(dir, bus, 'a');
    const b = await startCore(dir, bus, 'b');
    const tenant = await a.provisioning.createTenant('t');
    const rows = Array.from({ length: 2_500 }, (_, i) => ({
      tenantId: tenant.id,
      devEui: (0x70b3d5dd00000000n + BigInt(i)).toString(16).padStart(16, '0'),
      devAddr: (0x02400000 + i).toString(16).padStart(8, '0'),
      nwkSKey: randomBytes(16).toString('hex'),
      appSKey: randomBytes(16).toString('hex'),
    }));
    const applied = b.registrySync.applied;
    const out = await a.registration.createTerminals(rows, { kind: 'operator', id: 'op' });
    expect(out.every((r) => !(r instanceof Error))).toBe(true);
    await until(
      () => rows.every((r) => b.registry.byDevEui(r.devEui) !== undefined),
      'B to learn every terminal of the bulk registration',
    );
    // Two transactions (2,000 + 500): two events, not 2,500.
    expect(b.registrySync.applied - applied).toBe(2);
  });

  it('takes a frame of a terminal registered through the other core a moment ago, before its registry event arrives', async () => {
    const dir = tempDir();
    // Two buses: B never hears A's registry events, so only the store lookup can find the terminal.
    const a = await startCore(dir, new MemoryBus(), 'a');
    const b = await startCore(dir, new MemoryBus(), 'b');
    const tenant = await a.provisioning.createTenant('t');
    const gs = await a.provisioning.createGroundStation({ name: 'gs', lat: 40, lon: 116 });
    const t = await terminal(a, tenant.id);
    expect(b.registry.byDevEui(t.devEui)).toBeUndefined();
    expect((await b.pipeline.ingest(gs.station, [uplink(t, 1, Uint8Array.of(1))]))[0]!.status).toBe('accepted');
    // A frame of an address nobody has is refused as before, and not looked up again for a second.
    const stranger: TestTerminal = { ...t, devAddr: 'fedcba98', id: 'x' };
    expect((await b.pipeline.ingest(gs.station, [uplink(stranger, 1, Uint8Array.of(1))]))[0]!.code).toBe(
      'UNKNOWN_TERMINAL',
    );
  });

  it('refuses only the frames of a terminal whose keys its master key cannot open, reporting why; the rest of the batch goes on', async () => {
    const dir = tempDir();
    const a = await startCore(dir, new MemoryBus(), 'a');
    const errors: string[] = [];
    const b = await startCore(dir, new MemoryBus(), 'b', {
      vault: new KeyVault(randomBytes(32)),
      onError: (e) => errors.push((e as { code?: string }).code ?? String(e)),
    });
    const tenant = await b.provisioning.createTenant('t');
    const gs = await b.provisioning.createGroundStation({ name: 'gs', lat: 40, lon: 116 });
    const mine = await terminal(b, tenant.id);
    const sealedElsewhere = await terminal(a, tenant.id);
    const results = await b.pipeline.ingest(gs.station, [
      uplink(mine, 1, Uint8Array.of(1)),
      uplink(sealedElsewhere, 1, Uint8Array.of(2)),
    ]);
    expect(results.map((r) => (r.status === 'accepted' ? 'accepted' : r.code))).toEqual([
      'accepted',
      'UNKNOWN_TERMINAL',
    ]);
    expect(errors).toContain('MASTER_KEY_MISMATCH');
  });

  it('runs the outbox relay on one core at a time, and on the other within the lease once its holder stops', async () => {
    const dir = tempDir();
    const bus = new MemoryBus();
    const a = await startCore(dir, bus, 'a');
    const b = await startCore(dir, bus, 'b');
    expect([a.relay.running, b.relay.running]).toEqual([true, false]);
    expect(a.leases.held()).toEqual(['outbox-relay']);
    cores.splice(cores.indexOf(a), 1);
    await a.close(); // a clean stop gives the lease up
    await until(() => b.relay.running, 'B to take the relay', 3_000);
    expect((await b.cluster.status()).leases.find((l) => l.name === 'outbox-relay')).toMatchObject({
      holder: 'b',
      epoch: 2,
    });
  });
});

/** A bus whose publishes fail while `down`. */
class FlakyBus implements Bus {
  down = true;
  attempts = 0;
  constructor(private readonly inner: MemoryBus) {}
  get kind() {
    return this.inner.kind;
  }
  get connected() {
    return !this.down;
  }
  async publish(subject: string, data: Uint8Array, opts?: PublishOptions): Promise<void> {
    this.attempts++;
    if (this.down) throw new Error('no responders');
    return this.inner.publish(subject, data, opts);
  }
  subscribe(...args: Parameters<Bus['subscribe']>) {
    return this.inner.subscribe(...args);
  }
  consumerLag() {
    return this.inner.consumerLag();
  }
  close() {
    return this.inner.close();
  }
}

describe('the outbox', () => {
  it("keeps a batch's events while the bus refuses them, and publishes them in order once it takes them", async () => {
    const bus = new FlakyBus(new MemoryBus());
    const store = await openStore('sqlite::memory:', { dataDir: '/nonexistent' });
    const core = await Core.start({
      store,
      bus,
      vault,
      clock: new ManualClock(T0),
      relay: { minBackoffMs: 10, maxBackoffMs: 50 },
      onError: () => undefined,
    });
    cores.push(core);
    const tenant = await core.provisioning.createTenant('t');
    const gs = await core.provisioning.createGroundStation({ name: 'gs', lat: 40, lon: 116 });
    const t = await terminal(core, tenant.id);
    const seen: string[] = [];
    await bus.subscribe(UPLINK_SUBJECTS, async (m) => {
      seen.push(String((JSON.parse(Buffer.from(m.data).toString()) as { fCnt: number }).fCnt));
    });
    const results = await core.pipeline.ingest(
      gs.station,
      [1, 2, 3].map((f) => uplink(t, f, Uint8Array.of(f))),
    );
    expect(results.map((r) => r.status)).toEqual(['accepted', 'accepted', 'accepted']); // ingest never waits for the bus
    await until(() => bus.attempts > 3, 'the relay to try');
    expect((await store.outbox.lag()).pending).toBeGreaterThanOrEqual(3);
    bus.down = false;
    await core.flush();
    await until(() => seen.length === 3, 'the three uplinks');
    expect(seen).toEqual(['1', '2', '3']);
  });

  it('writes nothing, event included, when the transaction of a change fails', async () => {
    const store = await openStore('sqlite::memory:', { dataDir: '/nonexistent' });
    const core = await Core.start({
      store,
      bus: new MemoryBus(),
      vault,
      clock: new ManualClock(T0),
      onError: () => undefined,
    });
    cores.push(core);
    await core.flush();
    const before = (await store.outbox.lag()).pending;
    await expect(
      core.events.run(async (tx, emit) => {
        emit(core.events.registryChange('rules', 'x'));
        await tx.tenants.create({ id: 'dup', name: 'a', createdAt: 0 });
        await tx.tenants.create({ id: 'dup', name: 'b', createdAt: 0 });
      }),
    ).rejects.toThrow();
    expect((await store.outbox.lag()).pending).toBe(before);
    expect(await store.tenants.get('dup')).toBeUndefined();
  });
});

describe('consumers', () => {
  it('evaluate a decoded event once, however often the bus delivers it', async () => {
    const store = await openStore('sqlite::memory:', { dataDir: '/nonexistent' });
    const bus = new MemoryBus();
    const core = await Core.start({ store, bus, vault, clock: new ManualClock(T0), onError: () => undefined });
    cores.push(core);
    const tenant = await core.provisioning.createTenant('t');
    const t = await terminal(core, tenant.id);
    const rule = parseRule({
      id: 'r1',
      tenantId: tenant.id,
      name: 'every message',
      severity: 'info',
      condition: { kind: 'threshold', field: 'meta.fPort', op: '>=', value: 0 },
    });
    await core.rules.save(rule);
    const event: BusMessage = {
      subject: DECODED_SUBJECTS.replace('>', `0.${tenant.id}.${t.devEui}`),
      msgId: 'm1:decoded',
      data: Buffer.from(
        JSON.stringify({
          kind: 'decoded',
          messageId: `${t.id}.1`,
          tenantId: tenant.id,
          devEui: t.devEui,
          fCnt: 1,
          fPort: 7,
          capturedAt: new Date(T0).toISOString(),
          codec: null,
          decoded: null,
          error: null,
        }),
      ),
    };
    // Count the rule-state writes each delivery makes.
    let writes = 0;
    const atomically = store.atomically.bind(store);
    store.atomically = ((fn: Parameters<typeof store.atomically>[0]) =>
      atomically((tx) =>
        fn(
          Object.assign(Object.create(tx) as typeof tx, {
            rules: new Proxy(tx.rules, {
              get: (target, key, recv) =>
                key === 'saveStates'
                  ? (states: Parameters<typeof target.saveStates>[0]) => {
                      writes += states.length;
                      return target.saveStates(states);
                    }
                  : Reflect.get(target, key, recv),
            }),
          }),
        ),
      )) as typeof store.atomically;
    await core.rules.handle(event);
    expect(writes).toBe(1);
    await core.rules.handle(event);
    await core.rules.handle(event);
    expect(writes).toBe(1); // delivered three times, evaluated once
    await core.rules.handle({ ...event, msgId: 'm2:decoded' });
    expect(writes).toBe(2);
    expect((await store.alarms.list({ tenantId: tenant.id, limit: 10 })).items).toHaveLength(1);
  });

  it("record what they give up in the store's dead letters, and an operator's replay resolves it", async () => {
    const store = await openStore('sqlite::memory:', { dataDir: '/nonexistent' });
    const bus = new MemoryBus({
      retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
      deadLetterSink: deadLetterSink(store.deadLetters),
    });
    const core = await Core.start({ store, bus, vault, clock: new ManualClock(T0), onError: () => undefined });
    cores.push(core);
    const tenant = await core.provisioning.createTenant('t');
    const gs = await core.provisioning.createGroundStation({ name: 'gs', lat: 40, lon: 116 });
    const t = await terminal(core, tenant.id);
    await core.rules.save(
      parseRule({
        id: 'r1',
        tenantId: tenant.id,
        name: 'any',
        severity: 'info',
        condition: { kind: 'threshold', field: 'meta.fPort', op: '>=', value: 0 },
      }),
    );
    // The rules' reads of their state fail for a while (only the rules read rule states): the decoded
    // event is retried, then given up.
    let failing = true;
    const atomically = store.atomically.bind(store);
    store.atomically = ((fn: Parameters<typeof store.atomically>[0]) =>
      atomically((tx) =>
        fn(
          Object.assign(Object.create(tx) as typeof tx, {
            rules: new Proxy(tx.rules, {
              get: (target, key, recv) =>
                key === 'getStates' && failing
                  ? () => Promise.reject(new Error('database failover'))
                  : Reflect.get(target, key, recv),
            }),
          }),
        ),
      )) as typeof store.atomically;
    await core.pipeline.ingest(gs.station, [uplink(t, 1, Uint8Array.of(1))]);
    const dead = await until(async () => (await core.deadLetters.list({ limit: 10 })).items[0], 'the dead letter');
    expect(dead).toMatchObject({ consumer: RULES_CONSUMER, attempts: 3, error: 'database failover', resolvedAt: null });
    expect(await core.deadLetters.countOpen()).toBe(1);
    await expect(core.deadLetters.replay(dead.id)).rejects.toMatchObject({ code: 'REPLAY_FAILED' });
    failing = false;
    const replayed = await core.deadLetters.replay(dead.id);
    expect(replayed).toMatchObject({ replays: 2, lastReplayError: null });
    expect(replayed.resolvedAt).not.toBeNull();
    expect((await store.alarms.list({ tenantId: tenant.id, limit: 10 })).items).toHaveLength(1);
    // A second replay of an event that got through changes nothing (the inbox).
    await core.deadLetters.replay(dead.id);
    expect((await store.alarms.list({ tenantId: tenant.id, limit: 10 })).items[0]!.count).toBe(1);
  });
});
