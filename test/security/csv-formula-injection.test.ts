/**
 * CSV formula injection: a value an attacker controls (here a satellite id in a gateway batch's
 * frame metadata) must reach a tenant's CSV export as text, never as a spreadsheet formula.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { auth, useApi } from '../api/api-fixture.js';
import { uplink } from '../support/core-fixture.js';

const EVIL = '=HYPERLINK("http://evil","x")';

describe('CSV formula injection', () => {
  const api = useApi();

  it('exports a satellite id of =HYPERLINK(…) from frame metadata as quote-prefixed text', async () => {
    const t = await api.f.addTerminal();
    await api.f.core.pipeline.ingest(api.f.station, [uplink(t, 1, new Uint8Array([1]), { satelliteId: EVIL })]);
    const res = await api.app.inject({
      method: 'GET',
      url: `/api/v1/terminals/${t.devEui}/messages.csv`,
      headers: auth,
    });
    expect(res.statusCode).toBe(200);
    const rows = parse(res.body, { columns: true }) as Array<Record<string, string>>;
    expect(rows.map((r) => r['satellites'])).toEqual([`'${EVIL}`]);
    // No cell of the raw text opens with the formula, quoted or not.
    expect(res.body).not.toMatch(/(^|[,\n])"?=HYPERLINK/);
  });
});
