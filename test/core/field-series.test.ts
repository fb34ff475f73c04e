/** A terminal's series (src/core/field-series.ts) over a store's pages of messages, newest first. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fieldSeries } from '../../src/core/field-series.js';
import type { Store } from '../../src/core/ports/store.js';
import type { MessageWithReceptions } from '../../src/core/model.js';
import { parseElementSets } from '../../src/orbit/parse-element-sets.js';
import { Satellite } from '../../src/orbit/satellite.js';
import { T0 } from '../support/core-fixture.js';

const TLE = readFileSync(new URL('../fixtures/tle/reference-leo.tle', import.meta.url), 'utf8')
  .split('\n')
  .slice(0, 3)
  .join('\n');
const sat = new Satellite(parseElementSets(TLE).sets[0]!);

const msg = (fCnt: number, capturedAt: number, decoded: unknown): MessageWithReceptions =>
  ({
    id: `t.${fCnt}`,
    tenantId: 'acme',
    terminalId: 't',
    devEui: '00',
    fCnt,
    fPort: 2,
    payload: new Uint8Array(),
    confirmed: false,
    ack: false,
    capturedAt,
    downlinkedAt: capturedAt,
    ingestedAt: capturedAt,
    receptions: [
      {
        messageId: `t.${fCnt}`,
        stationId: 'gs',
        satelliteId: 'REF',
        capturedAt,
        downlinkedAt: capturedAt,
        receivedAt: capturedAt,
        rssi: -120,
        snr: -5,
        frequencyOffsetHz: null,
      },
    ],
    ...(decoded ? { decode: { codec: 'x', decoded, error: null, decodedAt: capturedAt } } : {}),
  }) as unknown as MessageWithReceptions;

/** Just what fieldSeries reads: one page of messages, newest first. */
const storeOf = (ms: MessageWithReceptions[]) =>
  ({
    messages: {
      list: async () => ({ items: [...ms].sort((a, b) => b.capturedAt - a.capturedAt || b.fCnt - a.fCnt) }),
    },
  }) as unknown as Store;

describe('field series', () => {
  it('of two messages captured at one time, takes the one that has the value, the newer when both have', async () => {
    const s = await fieldSeries(
      storeOf([
        msg(1, T0, { values: { levelM: 1 } }),
        msg(2, T0, { values: { rainMm: 5 } }),
        msg(3, T0 + 1000, { values: { levelM: 2 } }),
        msg(4, T0 + 1000, { values: { levelM: 3 } }),
      ]),
      't',
      'values.levelM',
      {},
    );
    expect([s.t, s.y]).toEqual([
      [T0, T0 + 1000],
      [1, 3],
    ]);
  });

  it('places the satellite from a reported position only for keys that may see payloads, else from the registered one alone', async () => {
    const ms = [0, 1, 2].map((i) => msg(i + 1, T0 + i * 60_000, { position: { lat: 30.5, lon: 114.3 } }));
    const link = { satellite: async () => sat };
    expect(
      (await fieldSeries(storeOf(ms), 't', 'meta.elevationDeg', {}, { ...link, reportedPositions: true })).t,
    ).toHaveLength(3);
    expect(
      (await fieldSeries(storeOf(ms), 't', 'meta.elevationDeg', {}, { ...link, reportedPositions: false })).t,
    ).toHaveLength(0);
    const registered = await fieldSeries(
      storeOf(ms),
      't',
      'meta.elevationDeg',
      {},
      { ...link, reportedPositions: false, location: { lat: 40, lon: 116 } },
    );
    const reported = await fieldSeries(
      storeOf(ms),
      't',
      'meta.elevationDeg',
      {},
      { ...link, reportedPositions: true, location: { lat: 40, lon: 116 } },
    );
    expect(registered.y).toHaveLength(3);
    expect(registered.y).not.toEqual(reported.y); // the reported position (Wuhan), not the registered one (Beijing), placed it
  });
});
