/** Learned models in the store (migration 17), one suite against every backend (PostgreSQL when SATIOT_TEST_POSTGRES_URL is set). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/core/ports/store.js';
import type { ModelDraft } from '../../src/core/ports/model-store.js';
import {
  POSTGRES_URL,
  SQLITE_FILE,
  SQLITE_MEMORY,
  postgresCase,
  tenant,
  type BackendCase,
  type StoreHarness,
} from './helpers.js';

const BACKENDS: BackendCase[] = [SQLITE_MEMORY, SQLITE_FILE, ...(POSTGRES_URL ? [postgresCase(POSTGRES_URL)] : [])];
const fit = (trainedTo: number, over: Partial<ModelDraft> = {}): ModelDraft => ({
  tenantId: 'acme',
  subject: 't-1',
  kind: 'forecast',
  field: 'values.waterLevelM',
  params: { kind: 'mstl-ets', periods: [24], stepMs: 3_600_000, level: 0.8, interval: 'backtest', quantile: 'upper' },
  trainedFrom: 1_000,
  trainedTo,
  observations: 96,
  ...over,
});

for (const backend of BACKENDS) {
  describe(`Model store: ${backend.name}`, () => {
    let h: StoreHarness;
    let store: Store;
    beforeEach(async () => {
      h = await backend.open();
      store = h.store;
      await store.tenants.create(tenant('acme'));
      await store.tenants.create(tenant('other'));
    });
    afterEach(async () => {
      await h.dispose();
    });

    it("numbers each series' refits 1, 2, … and gives the same fit judged twice its existing version", async () => {
      const v1 = await store.models.save(fit(5_000), 10);
      expect(v1).toMatchObject({ version: 1, trainedFrom: 1_000, trainedTo: 5_000, observations: 96, createdAt: 10 });
      expect(await store.models.save(fit(5_000), 11)).toEqual(v1);
      const v2 = await store.models.save(fit(6_000), 12);
      expect(v2.version).toBe(2);
      expect(v2.id).not.toBe(v1.id);
      // Another field, terminal or tenant is a series of its own.
      expect((await store.models.save(fit(6_000, { field: 'values.rain1hMm' }), 13)).version).toBe(1);
      expect((await store.models.save(fit(6_000, { subject: 't-2' }), 14)).version).toBe(1);
      expect((await store.models.save(fit(6_000, { tenantId: 'other' }), 15)).version).toBe(1);
      expect(await store.models.get(v2.id)).toEqual(v2);
      expect(await store.models.get('nope')).toBeUndefined();
    });

    it('gives concurrent saves of one series versions of their own', async () => {
      const saved = await Promise.all([1, 2, 3, 4].map((i) => store.models.save(fit(10_000 + i), 20 + i)));
      expect(saved.map((m) => m.version).sort()).toEqual([1, 2, 3, 4]);
    });

    it('lists newest first by tenant, subject, kind and field, in pages', async () => {
      for (let i = 0; i < 5; i++) await store.models.save(fit(2_000 + i, i % 2 ? { kind: 'anomaly' } : {}), 100 + i);
      await store.models.save(fit(9_000, { tenantId: 'other' }), 200);
      const first = await store.models.list({ tenantId: 'acme', limit: 2 });
      expect(first.items.map((m) => [m.kind, m.trainedTo])).toEqual([
        ['forecast', 2_004],
        ['anomaly', 2_003],
      ]);
      const second = await store.models.list({ tenantId: 'acme', limit: 2, cursor: first.nextCursor! });
      expect(second.items.map((m) => m.trainedTo)).toEqual([2_002, 2_001]);
      expect(
        (await store.models.list({ tenantId: 'acme', kind: 'anomaly', limit: 10 })).items.map((m) => m.version),
      ).toEqual([2, 1]);
      expect((await store.models.list({ subject: 't-1', field: 'values.waterLevelM', limit: 10 })).items).toHaveLength(
        6,
      );
    });
  });
}
