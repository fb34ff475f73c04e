import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { uplink, T0 } from '../support/core-fixture.js';
import { auth, KEY, useApi } from './api-fixture.js';

const K = '00112233445566778899aabbccddeeff';

describe('API: CSV import of terminals and CSV export of messages', () => {
  const api = useApi();

  const post = (csv: string, tenantId = api.f.tenantId, key = KEY) =>
    api.app.inject({
      method: 'POST',
      url: `/api/v1/terminals/import?tenantId=${tenantId}`,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'text/csv' },
      payload: csv,
    });

  it('creates every good row and reports each bad one with its line and stable code', async () => {
    const csv = [
      'devEui,devAddr,nwkSKey,appSKey,suite,profile,codec,lat,lon,altM,expectedMessagesPerDay',
      `70b3d50000000101,26000101,${K},${K},sm4,fixed-collector,sl651,30.59,114.3,25,24`,
      `70b3d50000000102,26000102,${K},${K},,vehicle,jt808,,,,`,
      `70b3d5000000010,26000103,${K},${K},,,,,,,`,
      `70b3d50000000101,26000104,${K},${K},,,,,,,`,
      `70b3d50000000105,26000105,${K},${K},des,,,,,,`,
      `"70b3d50000000106","26000106","${K}","${K}",aes128,wearable,,"31.2",121.5,,`,
      `70b3d50000000107,26000107,${K},${K},,,,91,0,,`,
    ].join('\n');
    const res = await post(csv);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ created: 3, rejected: 4 });
    expect(
      res.json().results.map((r: { line: number; status: string; code?: string }) => [r.line, r.code ?? r.status]),
    ).toEqual([
      [2, 'created'],
      [3, 'created'],
      [4, 'INVALID_ARGUMENT'],
      [5, 'TERMINAL_EXISTS'],
      [6, 'INVALID_ARGUMENT'],
      [7, 'created'],
      [8, 'INVALID_ARGUMENT'],
    ]);
    const t = (
      await api.app.inject({ method: 'GET', url: '/api/v1/terminals/70b3d50000000101', headers: auth })
    ).json();
    expect(t).toMatchObject({
      suite: 'sm4',
      codec: 'sl651',
      location: { lat: 30.59, lon: 114.3, altM: 25 },
      expectedMessagesPerDay: 24,
    });
  });

  it('refuses unknown columns, a CSV that does not parse, another tenant and a tenant user', async () => {
    expect((await post('devEui,colour\n70b3d50000000101,red')).json().error.code).toBe('INVALID_ARGUMENT');
    expect((await post('devEui,devAddr\n"70b3d5,x')).json().error.code).toBe('INVALID_ARGUMENT');
    const other = await api.f.core.provisioning.createTenant('other');
    const admin = (
      await api.app.inject({
        method: 'POST',
        url: '/api/v1/api-keys',
        headers: auth,
        payload: { tenantId: api.f.tenantId, role: 'tenant-admin' },
      })
    ).json().key;
    const user = (
      await api.app.inject({
        method: 'POST',
        url: '/api/v1/api-keys',
        headers: auth,
        payload: { tenantId: api.f.tenantId, role: 'tenant-user' },
      })
    ).json().key;
    expect((await post('devEui\n', other.id, admin)).statusCode).toBe(404);
    expect((await post('devEui\n', api.f.tenantId, user)).statusCode).toBe(403);
  });

  it("exports a terminal's messages oldest first with hop times and receptions, without payloads for regulators", async () => {
    const t = await api.f.addTerminal();
    await api.f.core.pipeline.ingest(api.f.station, [
      uplink(t, 2, new Uint8Array([2]), { capturedAt: T0 - 2 * 3_600_000 }),
      uplink(t, 1, new Uint8Array([1]), { capturedAt: T0 - 3 * 3_600_000 }),
      uplink(t, 1, new Uint8Array([1]), { capturedAt: T0 - 3 * 3_600_000, satelliteId: 'SAT-7' }),
    ]);
    const res = await api.app.inject({
      method: 'GET',
      url: `/api/v1/terminals/${t.devEui}/messages.csv`,
      headers: auth,
    });
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    const rows = parse(res.body, { columns: true }) as Array<Record<string, string>>;
    expect(rows.map((r) => [r['fCnt'], r['payloadHex'], r['receptions'], r['capturedAt']])).toEqual([
      ['1', '01', '2', new Date(T0 - 3 * 3_600_000).toISOString()],
      ['2', '02', '1', new Date(T0 - 2 * 3_600_000).toISOString()],
    ]);
    const reg = (
      await api.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: auth, payload: { role: 'regulator' } })
    ).json().key;
    const redacted = parse(
      (
        await api.app.inject({
          method: 'GET',
          url: `/api/v1/terminals/${t.devEui}/messages.csv`,
          headers: { authorization: `Bearer ${reg}` },
        })
      ).body,
      { columns: true },
    ) as Array<Record<string, string>>;
    expect(redacted.map((r) => r['payloadHex'])).toEqual(['', '']);
  });

  it('serves the browsable API reference offline at /api/docs', async () => {
    const page = await api.app.inject({ method: 'GET', url: '/api/docs' });
    expect([page.statusCode, page.headers['content-type']]).toEqual([200, expect.stringMatching(/^text\/html/)]);
    const css = await api.app.inject({ method: 'GET', url: '/api/docs/static/swagger-ui.css' });
    expect(css.statusCode).toBe(200);
    const spec = (await api.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining(['/api/v1/terminals/import', '/api/v1/api-keys', '/api/v1/terminals/{devEui}/passes']),
    );
  });
});
