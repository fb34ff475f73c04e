import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KeyVault, masterKeyId } from '../../src/core/key-vault.js';
import { openStore } from '../../src/store/open-store.js';
import { openBus } from '../../src/bus/open-bus.js';
import { resolveMasterKey, rotateMasterKeyFile } from '../../src/cli/secrets.js';
import { sealContext } from '../../src/core/delivery/integration-catalog.js';
import { coreFixture, uplink, T0, type TestTerminal } from '../support/core-fixture.js';
import { ManualClock } from '../../src/core/ports/clock.js';
import { FakePublisher, FakeTransport } from '../core/delivery/helpers.js';
import { MemoryAudit, newRegistration } from './registration-fixture.js';
import type { SatiotError } from '../../src/errors/satiot-error.js';

const CTX = 'terminal:t1:nwkSKey';
const errorCode = (fn: () => unknown) => {
  try {
    fn();
    return 'none';
  } catch (e) {
    return (e as SatiotError).code;
  }
};

describe('KeyVault', () => {
  it('uses the standard SM4 and SM3 (GB/T 32907 and GB/T 32905 examples) for the sm4 suite', () => {
    const k = Buffer.from('0123456789abcdeffedcba9876543210', 'hex');
    const c = createCipheriv('sm4-ecb', k, null);
    c.setAutoPadding(false);
    expect(Buffer.concat([c.update(k), c.final()]).toString('hex')).toBe('681edf34d206965e86b3e94f536e4246');
    expect(createHash('sm3').update('abc').digest('hex')).toBe(
      '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0',
    );
  });

  for (const cipher of ['aes-256-gcm', 'sm4'] as const) {
    it(`${cipher}: seals with the key id, opens only with the same context, detects any changed character`, () => {
      const key = randomBytes(32);
      const v = new KeyVault(key, { cipher });
      const sealed = v.seal(Buffer.from('secret-value'), CTX);
      expect(sealed.split('.').slice(0, 3)).toEqual(['v2', masterKeyId(key), cipher === 'sm4' ? 's' : 'a']);
      expect(Buffer.from(v.open(sealed, CTX)).toString()).toBe('secret-value');
      expect(errorCode(() => v.open(sealed, 'terminal:t2:nwkSKey'))).toBe('INTERNAL');
      const parts = sealed.split('.');
      for (const i of [3, 4, 5]) {
        const p = parts[i]!;
        const flipped = [...parts];
        flipped[i] = `${p[0] === 'A' ? 'B' : 'A'}${p.slice(1)}`;
        expect(
          errorCode(() => v.open(flipped.join('.'), CTX)),
          `field ${i}`,
        ).toBe('INTERNAL');
      }
      expect(v.isStale(sealed)).toBe(false);
    });
  }

  for (const cipher of ['aes-256-gcm', 'sm4'] as const) {
    it(`${cipher}: never repeats an IV across the random pool's refills, and every value opens`, () => {
      const v = new KeyVault(randomBytes(32), { cipher });
      const ivs = new Set<string>();
      const n = 5_000; // several refills of the 4 KiB pool
      for (let i = 0; i < n; i++) {
        const sealed = v.seal(Buffer.from(`value-${i}`), `${CTX}:${i}`);
        ivs.add(sealed.split('.')[3]!);
        if (i % 997 === 0) expect(Buffer.from(v.open(sealed, `${CTX}:${i}`)).toString()).toBe(`value-${i}`);
      }
      expect(ivs.size).toBe(n);
    });
  }

  it('opens values of the original v1 format and of previous keys; without the previous key it names the missing key id', () => {
    const oldKey = randomBytes(32),
      newKey = randomBytes(32);
    // v1 as the first release wrote it: v1.<iv>.<tag>.<ct>, AES-256-GCM with the context as AAD.
    const iv = randomBytes(12),
      c = createCipheriv('aes-256-gcm', oldKey, iv);
    c.setAAD(Buffer.from(CTX));
    const ct = Buffer.concat([c.update(Buffer.from('legacy')), c.final()]);
    const v1 = ['v1', iv.toString('base64url'), c.getAuthTag().toString('base64url'), ct.toString('base64url')].join(
      '.',
    );
    const underOld = new KeyVault(oldKey).seal(Buffer.from('old'), CTX);
    const rotating = new KeyVault(newKey, { previous: [oldKey] });
    expect(Buffer.from(rotating.open(v1, CTX)).toString()).toBe('legacy');
    expect(Buffer.from(rotating.open(underOld, CTX)).toString()).toBe('old');
    expect(rotating.isStale(v1) && rotating.isStale(underOld)).toBe(true);
    const rewrapped = rotating.rewrap(underOld, CTX);
    expect(KeyVault.keyIdOf(rewrapped)).toBe(masterKeyId(newKey));
    const onlyNew = new KeyVault(newKey);
    expect(Buffer.from(onlyNew.open(rewrapped, CTX)).toString()).toBe('old');
    let msg = '';
    try {
      onlyNew.open(underOld, CTX);
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).toContain(masterKeyId(oldKey));
    expect(msg).not.toContain(oldKey.toString('hex'));
    expect(errorCode(() => onlyNew.open(underOld, CTX))).toBe('MASTER_KEY_MISMATCH');
    expect(errorCode(() => onlyNew.open(v1, CTX))).toBe('MASTER_KEY_MISMATCH');
    expect(errorCode(() => KeyVault.fromHex('zz'))).toBe('INVALID_ARGUMENT');
  });
});

describe('master-key rotation', () => {
  const dirs: string[] = [];
  const tmp = () => {
    const d = mkdtempSync(join(tmpdir(), 'satiot-mk-'));
    dirs.push(d);
    return d;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('re-wraps terminal keys, identity numbers and integration secrets while the core runs; afterwards the old key is not needed', async () => {
    const dir = tmp();
    const oldKey = randomBytes(32),
      newKey = randomBytes(32);
    const delivery = () => ({ transport: new FakeTransport(), publisher: new FakePublisher() });
    // Before: everything sealed under the old key.
    const a = await coreFixture({
      store: await openStore('sqlite', { dataDir: dir }),
      vault: new KeyVault(oldKey),
      delivery: delivery(),
    });
    const legacy = await a.addTerminal();
    const reg = newRegistration(a.tenantId);
    await a.core.registration.register(reg, { kind: 'operator' });
    const hook = await a.core.delivery!.catalog.createWebhook({
      tenantId: a.tenantId,
      url: 'https://receiver.example/hook',
    });
    // An Iridium terminal has no session keys: nothing of it to count or re-wrap.
    await a.core.provisioning.createTerminal({
      tenantId: a.tenantId,
      transport: 'iridium-sbd',
      imei: '300234010753370',
    });
    await a.close();

    // During: the node holds the new key and the old one as previous, and keeps serving while it re-wraps.
    const audit = new MemoryAudit();
    const store = await openStore('sqlite', { dataDir: dir });
    const { Core } = await import('../../src/core/core.js');
    const b = await Core.start({
      store,
      bus: await openBus('memory'),
      vault: new KeyVault(newKey, { previous: [oldKey] }),
      audit,
      delivery: delivery(),
      clock: new ManualClock(T0),
    });
    const stationB = await b.provisioning.createGroundStation({ name: 'gs', lat: 0, lon: 0 });
    const before = await b.masterKey.inventory();
    expect(before).toMatchObject({
      keyId: masterKeyId(newKey),
      terminalKeys: { total: 4, stale: 4 },
      identityNumbers: { total: 1, stale: 1 },
      integrationSecrets: { total: 1, stale: 1 },
      unknownKeyIds: [],
    });
    expect((await b.pipeline.ingest(stationB.station, [uplink(legacy, 1, new Uint8Array([1]))]))[0]).toMatchObject({
      status: 'accepted',
    });
    const result = await b.masterKey.rewrap({ kind: 'cli', id: 'test' });
    expect(result).toEqual({
      keyId: masterKeyId(newKey),
      terminalKeys: 2,
      identityNumbers: 1,
      integrationSecrets: 1,
      skipped: 0,
    });
    expect((await b.pipeline.ingest(stationB.station, [uplink(legacy, 2, new Uint8Array([2]))]))[0]).toMatchObject({
      status: 'accepted',
    });
    expect(await b.masterKey.inventory()).toMatchObject({
      terminalKeys: { stale: 0 },
      identityNumbers: { stale: 0 },
      integrationSecrets: { stale: 0 },
    });
    expect(audit.entries.find((e) => e.action === 'master-key.rewrap')).toMatchObject({
      outcome: 'ok',
      target: { kind: 'master-key', id: masterKeyId(newKey) },
      details: { terminalKeys: 2 },
    });
    expect(JSON.stringify(audit.entries)).not.toContain(oldKey.toString('hex'));
    expect(JSON.stringify(audit.entries)).not.toContain(newKey.toString('hex'));
    // A second run has nothing to do.
    expect((await b.masterKey.rewrap({ kind: 'cli' })).terminalKeys).toBe(0);
    await b.close();

    // After: the new key alone opens everything.
    const c = await Core.start({
      store: await openStore('sqlite', { dataDir: dir }),
      bus: await openBus('memory'),
      vault: new KeyVault(newKey),
      delivery: delivery(),
      clock: new ManualClock(T0),
    });
    try {
      const t: TestTerminal = { ...legacy };
      const st = (await c.store.groundStations.list())[0]!;
      expect((await c.pipeline.ingest(st, [uplink(t, 3, new Uint8Array([3]))]))[0]).toMatchObject({
        status: 'accepted',
      });
      const [r] = await c.store.registrations.listAll();
      expect(
        Buffer.from(new KeyVault(newKey).open(r!.idNumberSealed, `registration:${r!.terminalId}:idNumber`)).toString(),
      ).toBe(reg.owner.idNumber);
      const stored = await c.store.deliveries.getIntegration(hook.webhook.id);
      expect(
        Buffer.from(new KeyVault(newKey).open(stored!.secretSealed!, sealContext(hook.webhook.id))).toString(),
      ).toBe(hook.secret);
    } finally {
      await c.close();
    }
  });

  it('rotates the file-held key: new master.key, old one kept as previous (mode 0600), ids reported, no key printed', () => {
    const dir = tmp();
    const before = resolveMasterKey(dir, {});
    const r = rotateMasterKeyFile(dir);
    expect(r.oldKeyId).toBe(before.keyId);
    expect(r.newKeyId).not.toBe(before.keyId);
    const after = resolveMasterKey(dir, {});
    expect(after.keyIds).toEqual([r.newKeyId, before.keyId]);
    expect(statSync(join(dir, 'master.key')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'master.key.previous')).mode & 0o777).toBe(0o600);
    const sealedBefore = before.seal(Buffer.from('x'), CTX);
    expect(Buffer.from(after.open(sealedBefore, CTX)).toString()).toBe('x');
    expect(JSON.stringify(r)).not.toContain(readFileSync(join(dir, 'master.key'), 'utf8').trim());
    // A second rotation keeps both older keys.
    const r2 = rotateMasterKeyFile(dir);
    expect(resolveMasterKey(dir, {}).keyIds).toEqual([r2.newKeyId, r.newKeyId, before.keyId]);
    expect(errorCode(() => rotateMasterKeyFile(join(dir, 'nothing-here')))).toBe('FILE_NOT_READABLE');
    expect(resolveMasterKey(dir, { SATIOT_MASTER_KEY_CIPHER: 'sm4' }).cipher).toBe('sm4');
    expect(errorCode(() => resolveMasterKey(dir, { SATIOT_MASTER_KEY_CIPHER: 'rot13' }))).toBe('INVALID_ARGUMENT');
  });
});
