/**
 * Terrestrial gateways in the store (migration 14): ground-station records with an EUI, kept apart
 * from the satellite stations' listing, and the radio facts of their receptions — one suite against
 * every backend (PostgreSQL when SATIOT_TEST_POSTGRES_URL is set).
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
const byEui = async (store: Store, eui: string) =>
  (await store.groundStations.listGateways()).find((g) => g.gatewayEui === eui);
const gateway = (id: string, eui: string, tenantId?: string) =>
  station(id, { tokenHash: `gateway:${eui}`, gatewayEui: eui, ...(tenantId ? { tenantId } : {}) });

for (const backend of BACKENDS) {
  describe(`Gateway store: ${backend.name}`, () => {
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

    it('keeps gateways apart from the satellite ground stations, found by EUI, with their owning tenant', async () => {
      await store.groundStations.create(station('gs'));
      await store.groundStations.create(gateway('gw-1', 'aa555a0000000101', 'acme'));
      await store.groundStations.create(gateway('gw-2', 'aa555a0000000102'));
      expect((await store.groundStations.list()).map((g) => g.id)).toEqual(['gs']);
      expect((await store.groundStations.listGateways()).map((g) => [g.id, g.gatewayEui, g.tenantId])).toEqual([
        ['gw-1', 'aa555a0000000101', 'acme'],
        ['gw-2', 'aa555a0000000102', undefined],
      ]);
      expect(await byEui(store, 'aa555a0000000102')).toMatchObject({ id: 'gw-2', name: 'Station gw-2' });
      expect(await byEui(store, '0000000000000000')).toBeUndefined();
    });

    it("records a gateway's last datagram and keeps its latest stat report until a newer one comes", async () => {
      await store.groundStations.create(gateway('gw-1', 'aa555a0000000101'));
      await store.groundStations.recordGatewaySeen('gw-1', 1_000, { rxReceived: 5, temperatureC: 40 });
      await store.groundStations.recordGatewaySeen('gw-1', 2_000);
      expect(await byEui(store, 'aa555a0000000101')).toMatchObject({
        lastSeenAt: 2_000,
        gatewayStat: { rxReceived: 5, temperatureC: 40 },
      });
    });

    it('refuses a second gateway with the same EUI with GATEWAY_EXISTS', async () => {
      await store.groundStations.create(gateway('gw-1', 'aa555a0000000101'));
      const e = await store.groundStations.create(gateway('gw-9', 'aa555a0000000101')).catch((x: unknown) => x);
      expect(isSatiotError(e) && e.code).toBe('GATEWAY_EXISTS');
    });

    it("stores a terrestrial reception's frequency and data rate and names its gateway when read back", async () => {
      const t = terminal('term-1', 'acme', 1);
      await store.terminals.create(t);
      await store.groundStations.create(station('gs'));
      await store.groundStations.create(gateway('gw-1', 'aa555a0000000101'));
      const m = message(t, 1);
      await store.commitIngest(
        write({
          newMessages: [m],
          receptions: [
            reception(m, 'gw-1', {
              satelliteId: '',
              frequencyMHz: 470.7,
              dataRate: 'SF10BW125',
              receivedAt: m.ingestedAt - 10,
            }),
            reception(m, 'gs'),
          ],
        }),
      );
      const got = await store.messages.get(m.id);
      expect(
        got!.receptions.map((r) => [r.stationId, r.satelliteId, r.gatewayEui, r.frequencyMHz, r.dataRate]),
      ).toEqual([
        ['gw-1', '', 'aa555a0000000101', 470.7, 'SF10BW125'],
        ['gs', 'SAT-1', undefined, undefined, undefined],
      ]);
    });

    it('deletes a gateway that heard nothing and keeps one whose receptions are stored', async () => {
      const t = terminal('term-1', 'acme', 1);
      await store.terminals.create(t);
      await store.groundStations.create(gateway('gw-1', 'aa555a0000000101'));
      await store.groundStations.create(gateway('gw-2', 'aa555a0000000102'));
      await store.groundStations.create(station('gs'));
      const m = message(t, 1);
      await store.commitIngest(write({ newMessages: [m], receptions: [reception(m, 'gw-1', { satelliteId: '' })] }));
      expect(await store.groundStations.deleteGateway('gw-1')).toBe('has-receptions');
      expect(await store.groundStations.deleteGateway('gw-2')).toBe('deleted');
      expect(await store.groundStations.deleteGateway('gw-2')).toBe('not-found');
      expect(await store.groundStations.deleteGateway('gs')).toBe('not-found'); // a satellite station is not a gateway
      expect((await store.groundStations.listGateways()).map((g) => g.id)).toEqual(['gw-1']);
    });
  });
}
