/**
 * `satiot serve` failing to start: it names the cause with its code and ends, closing what it had
 * opened (a NATS connection left open would keep the process alive after its error).
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Core } from '../../src/core/core.js';
import { KeyVault } from '../../src/core/key-vault.js';
import { openStore } from '../../src/store/open-store.js';
import { openBus } from '../../src/bus/open-bus.js';
import { errorCode, runCli, tempDir } from './helpers.js';

const NATS_URL = process.env.SATIOT_TEST_NATS_URL;

describe('satiot serve, failing to start', () => {
  for (const bus of ['memory', ...(NATS_URL ? [NATS_URL] : [])]) {
    it(`exits with MASTER_KEY_MISMATCH (exit 10) when its master key does not open the stored secrets (bus ${bus === 'memory' ? 'in-process' : 'NATS'})`, async () => {
      const { dir, cleanup } = tempDir('serve-key');
      try {
        // A terminal sealed under one key…
        const store = await openStore('sqlite', { dataDir: dir });
        const core = await Core.start({
          store,
          bus: await openBus('memory'),
          vault: new KeyVault(randomBytes(32)),
          onError: () => undefined,
        });
        const tenant = await core.provisioning.createTenant('acme');
        await core.provisioning.createTerminal({
          tenantId: tenant.id,
          devEui: '70b3d57ed0000001',
          devAddr: '26000001',
          nwkSKey: '00'.repeat(16),
          appSKey: '11'.repeat(16),
        });
        await core.close();
        // …and a node started with another.
        writeFileSync(join(dir, 'master.key'), `${randomBytes(32).toString('hex')}\n`, { mode: 0o600 });
        const r = await runCli(['serve', '--data', dir, '--port', '0', '--bus', bus]);
        expect(errorCode(r), r.stderr).toBe('MASTER_KEY_MISMATCH');
        expect(r.code).toBe(10);
      } finally {
        cleanup();
      }
    });
  }
});
