/** Decisions in the store (migrations 16–17), one suite against every backend (PostgreSQL when SATIOT_TEST_POSTGRES_URL is set). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/core/ports/store.js';
import type { Decision } from '../../src/core/ports/decision-store.js';
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
const decision = (id: string, alarmId: string, createdAt: number, over: Partial<Decision> = {}): Decision => ({
  id,
  tenantId: 'acme',
  terminalId: 't-1',
  devEui: '0011223344556677',
  ruleId: 'r-1',
  alarmId,
  action: { kind: 'downlink', fPort: 5, payloadHex: '01', confirmed: false, priority: 'normal' },
  inputs: { conditions: [{ kind: 'anomaly', score: 0.8 }] },
  model: 'rule/anomaly:local-median',
  modelId: null,
  confidence: 0.8,
  policy: 'suggest',
  state: 'proposed',
  createdAt,
  decidedBy: null,
  decidedAt: null,
  reason: null,
  undoneBy: null,
  undoneAt: null,
  version: 0,
  ...over,
});

for (const backend of BACKENDS) {
  describe(`Decision store: ${backend.name}`, () => {
    let h: StoreHarness;
    let store: Store;
    beforeEach(async () => {
      h = await backend.open();
      store = h.store;
      await store.tenants.create(tenant('acme'));
    });
    afterEach(async () => {
      await h.dispose();
    });

    it('keeps one decision per alarm, reads it back whole, and updates it only at the version read', async () => {
      expect(await store.decisions.create(decision('d-1', 'a-1', 1_000))).toBe(true);
      expect(await store.decisions.create(decision('d-2', 'a-1', 2_000))).toBe(false);
      const d = (await store.decisions.get('d-1'))!;
      expect(d).toEqual(decision('d-1', 'a-1', 1_000));
      const approved = { ...d, state: 'executed' as const, decidedBy: 'api-key:k1', decidedAt: 3_000 };
      expect(await store.decisions.update(approved, 0)).toBe(true);
      expect(await store.decisions.update({ ...approved, state: 'rejected' }, 0)).toBe(false);
      expect(await store.decisions.get('d-1')).toMatchObject({
        state: 'executed',
        decidedBy: 'api-key:k1',
        decidedAt: 3_000,
        version: 1,
      });
    });

    it("lists newest first by tenant and state, in pages, and keeps each tenant's policy", async () => {
      for (let i = 0; i < 5; i++)
        await store.decisions.create(decision(`d-${i}`, `a-${i}`, 1_000 + i, i % 2 ? { state: 'executed' } : {}));
      const first = await store.decisions.list({ tenantId: 'acme', limit: 2 });
      expect(first.items.map((d) => d.id)).toEqual(['d-4', 'd-3']);
      const second = await store.decisions.list({ tenantId: 'acme', limit: 2, cursor: first.nextCursor! });
      expect(second.items.map((d) => d.id)).toEqual(['d-2', 'd-1']);
      expect((await store.decisions.list({ state: 'executed', limit: 10 })).items.map((d) => d.id)).toEqual([
        'd-3',
        'd-1',
      ]);
      expect(await store.decisions.policy('acme')).toBeUndefined();
      await store.decisions.setPolicy('acme', 'suggest', 1);
      await store.decisions.setPolicy('acme', 'auto', 2);
      expect(await store.decisions.policy('acme')).toBe('auto');
    });
  });
}
