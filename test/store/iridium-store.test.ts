/**
 * Iridium in the store (migration 15): terminals with a transport and a unique IMEI, the Iridium
 * gateway's station kept out of our ground stations, and the position the Iridium network reports
 * per message — one suite against every backend (PostgreSQL when SATIOT_TEST_POSTGRES_URL is set).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/core/ports/store.js';
import {
  POSTGRES_URL,
  SQLITE_FILE,
  SQLITE_MEMORY,
  message,
  postgresCase,
  reception,
  station,
  tenant,
  terminal,
  write,
  type BackendCase,
  type StoreHarness,
} from './helpers.js';
import { isSatiotError } from '../../src/errors/satiot-error.js';

const BACKENDS: BackendCase[] = [SQLITE_MEMORY, SQLITE_FILE, ...(POSTGRES_URL ? [postgresCase(POSTGRES_URL)] : [])];
const iridium = (id: string, imei: string, n: number) => ({
  ...terminal(id, 'acme', n),
  devAddr: '',
  nwkSKeySealed: '',
  appSKeySealed: '',
  transport: 'iridium-sbd' as const,
  imei,
});

for (const backend of BACKENDS) {
  describe(`Iridium store: ${backend.name}`, () => {
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

    it("keeps an Iridium terminal's transport and IMEI, a LoRaWAN terminal has neither; a second IMEI is TERMINAL_EXISTS", async () => {
      await store.terminals.create(iridium('sbd-1', '300234010753370', 1));
      await store.terminals.create(terminal('lora-1', 'acme', 2));
      const all = await store.terminals.listAll();
      expect(all.find((t) => t.id === 'sbd-1')).toMatchObject({
        transport: 'iridium-sbd',
        imei: '300234010753370',
        devAddr: '',
      });
      const lora = all.find((t) => t.id === 'lora-1')!;
      expect(lora.transport).toBeUndefined();
      expect(lora.imei).toBeUndefined();
      const e = await store.terminals.create(iridium('sbd-2', '300234010753370', 3)).catch((x: unknown) => x);
      expect(isSatiotError(e) && e.code).toBe('TERMINAL_EXISTS');
    });

    it("lists the Iridium gateway's station with none of our ground stations, and names it in a reception", async () => {
      await store.groundStations.create(station('gs'));
      await store.groundStations.create(
        station('iridium-gw', { tokenHash: 'network:iridium-sbd', network: 'iridium-sbd' }),
      );
      expect((await store.groundStations.list()).map((g) => g.id)).toEqual(['gs']);
      expect(await store.groundStations.getByTokenHash('network:iridium-sbd')).toMatchObject({
        id: 'iridium-gw',
        network: 'iridium-sbd',
      });
      const t = iridium('sbd-1', '300234010753370', 1);
      await store.terminals.create(t);
      const m = message(t, 7);
      await store.commitIngest(
        write({ newMessages: [m], receptions: [reception(m, 'iridium-gw', { satelliteId: 'iridium' })] }),
      );
      expect((await store.messages.get(m.id))!.receptions.map((r) => [r.stationId, r.satelliteId])).toEqual([
        ['iridium-gw', 'iridium'],
      ]);
    });

    it('stores one reported position per message, a second write replacing the first, and names messages that do not exist', async () => {
      const t = iridium('sbd-1', '300234010753370', 1);
      await store.terminals.create(t);
      await store.groundStations.create(station('gs'));
      const m = message(t, 1),
        other = message(t, 2);
      await store.commitIngest(
        write({ newMessages: [m, other], receptions: [reception(m, 'gs'), reception(other, 'gs')] }),
      );
      expect(
        await store.messages.saveReportedPositions([
          { messageId: m.id, position: { lat: 30.5, lon: 114.25, cepKm: 3, source: 'iridium' } },
        ]),
      ).toEqual([]);
      expect(
        await store.messages.saveReportedPositions([
          { messageId: m.id, position: { lat: 30.6, lon: 114.3, cepKm: 2, source: 'iridium' } },
          { messageId: `${t.id}.99`, position: { lat: 0, lon: 0, cepKm: 1, source: 'iridium' } },
        ]),
      ).toEqual([`${t.id}.99`]);
      expect((await store.messages.get(m.id))!.reportedPosition).toEqual({
        lat: 30.6,
        lon: 114.3,
        cepKm: 2,
        source: 'iridium',
      });
      const page = await store.messages.list({ terminalId: t.id, limit: 10 });
      expect(page.items.map((x) => [x.fCnt, x.reportedPosition?.lat])).toEqual([
        [2, undefined],
        [1, 30.6],
      ]);
    });
  });
}
