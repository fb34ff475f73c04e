import { randomBytes } from 'node:crypto';
import { benchTerminalRow, benchTerminals } from './bench-frames.js';
import { Core } from '../../core/core.js';
import { KeyVault } from '../../core/key-vault.js';
import { systemClock } from '../../core/ports/clock.js';
import { openBus } from '../../bus/open-bus.js';
import { buildApp } from '../../api/app.js';
import { sha256Hex } from '../../core/provisioning.js';
import { createAuditLog } from '../audit-setup.js';
import { openScratchStore } from './scratch-store.js';
import { writeCsv } from '../../report/csv-writer.js';

export interface ProvisionBenchOptions {
  terminals: number;
  store: string;
  /** The bulk path measured: the core's call, CSV import over HTTP, or JSON bulk over HTTP. */
  via: 'inproc' | 'csv' | 'json';
  /** Terminals created one request at a time first, for the ratio (0: none). */
  baseline: number;
  onProgress?: (phase: string, done: number, total: number) => void;
}

export interface ProvisionBenchResult {
  terminals: number;
  created: number;
  seconds: number;
  terminalsPerSecond: number;
  /** One POST /api/v1/terminals per terminal, in the same run (over HTTP; in-process for inproc). */
  oneByOne?: { terminals: number; terminalsPerSecond: number };
  ratioToOneByOne?: number;
  /** Records the audit chain gained during the bulk run (one per terminal). */
  auditRecords: number;
  store: string;
  via: string;
}

/**
 * Registers a fleet the way an operator does — the bulk API (JSON or CSV over HTTP, or the core's
 * call) under the registration policy, with the audit chain of `satiot serve` (hash-chained,
 * checkpoints signed) — and, in the same run, a few terminals one request at a time for the
 * ratio. Checks the count afterwards: every terminal in the registry, one audit record each.
 */
export async function runProvisionBench(o: ProvisionBenchOptions): Promise<ProvisionBenchResult> {
  const scratch = await openScratchStore(o.store);
  const { store } = scratch;
  const bus = await openBus('memory');
  const audit = createAuditLog(store, scratch.dataDir, systemClock, {});
  const core = await Core.start({
    store,
    bus,
    audit,
    vault: new KeyVault(randomBytes(32)),
    onError: () => undefined,
  }).catch(async (e: unknown) => {
    await bus.close();
    await store.close();
    await scratch.cleanUp();
    throw e;
  });
  const adminKey = randomBytes(16).toString('hex');
  const app = await buildApp({ core, adminKeyHash: sha256Hex(adminKey) });
  try {
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    const tenant = await core.provisioning.createTenant('bench');
    const all = benchTerminals(o.terminals + o.baseline);
    const rows = all.map((t) => benchTerminalRow(tenant.id, t));
    const post = async (path: string, body: string, type: string): Promise<unknown> => {
      const res = await fetch(`${address}${path}`, {
        method: 'POST',
        headers: { 'content-type': type, authorization: `Bearer ${adminKey}` },
        body,
      });
      if (!res.ok) throw new Error(`POST ${path}: HTTP ${res.status}: ${await res.text()}`);
      return res.json();
    };

    let oneByOne: ProvisionBenchResult['oneByOne'];
    if (o.baseline > 0) {
      const b0 = performance.now();
      for (const [i, r] of rows.slice(o.terminals).entries()) {
        if (o.via === 'inproc') await core.registration.createTerminal(r, { kind: 'cli', id: 'bench' });
        else await post('/api/v1/terminals', JSON.stringify(r), 'application/json');
        if (i % 100 === 99) o.onProgress?.('one by one', i + 1, o.baseline);
      }
      const s = (performance.now() - b0) / 1000;
      oneByOne = { terminals: o.baseline, terminalsPerSecond: Math.round(o.baseline / s) };
    }

    const bulk = rows.slice(0, o.terminals);
    await audit.flush();
    const auditBefore = (await store.audit.head()).seq;
    o.onProgress?.(`bulk (${o.via})`, 0, o.terminals);
    const s0 = performance.now();
    let created: number;
    if (o.via === 'inproc') {
      const out = await core.registration.createTerminals(bulk, { kind: 'cli', id: 'bench' });
      created = out.filter((r) => !(r instanceof Error)).length;
    } else if (o.via === 'json') {
      created = (
        (await post('/api/v1/terminals/bulk', JSON.stringify({ terminals: bulk }), 'application/json')) as {
          created: number;
        }
      ).created;
    } else {
      const csv = writeCsv(
        ['devEui', 'devAddr', 'nwkSKey', 'appSKey', 'suite', 'profile'],
        bulk.map((r) => [r.devEui, r.devAddr, r.nwkSKey, r.appSKey, 'aes128', 'fixed-collector']),
      );
      created = ((await post(`/api/v1/terminals/import?tenantId=${tenant.id}`, csv, 'text/csv')) as { created: number })
        .created;
    }
    await audit.flush();
    const seconds = (performance.now() - s0) / 1000;
    o.onProgress?.(`bulk (${o.via})`, o.terminals, o.terminals);
    const inRegistry = bulk.filter((r) => core.registry.byDevEui(r.devEui) !== undefined).length;
    if (created !== o.terminals || inRegistry !== o.terminals)
      throw new Error(`bulk created ${created} and the registry holds ${inRegistry} of ${o.terminals} terminals`);
    const auditRecords = (await store.audit.head()).seq - auditBefore;
    const terminalsPerSecond = Math.round(o.terminals / seconds);
    return {
      terminals: o.terminals,
      created,
      seconds: Number(seconds.toFixed(2)),
      terminalsPerSecond,
      ...(oneByOne
        ? { oneByOne, ratioToOneByOne: Number((terminalsPerSecond / oneByOne.terminalsPerSecond).toFixed(1)) }
        : {}),
      auditRecords,
      store: store.backend,
      via: o.via,
    };
  } finally {
    await app.close();
    await audit.flush().catch(() => undefined);
    await core.close(); // closes the bus and the store
    await scratch.cleanUp();
  }
}
