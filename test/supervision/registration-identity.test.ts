import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkRegion,
  isValidImei,
  luhnCheckDigit,
  maskIdNumber,
  normaliseIdNumber,
  residentIdCheck,
  usccCheck,
  ID_DOCUMENT_TYPES,
} from '../../src/core/registration-identity.js';
import { parseRegistrationCsv, parseRegionCell } from '../../src/supervision/registration-csv.js';
import { terminalFromRow } from '../../src/api/routes/csv-routes.js';
import { SatiotError } from '../../src/errors/satiot-error.js';
import { errorOf } from '../support/error-of.js';
import { inPolygon } from '../../src/supervision/anomaly-geometry.js';

const digits = (n: number) =>
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((d) => d.join(''));
const date = fc
  .date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2025-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10).replaceAll('-', ''));
/** A resident identity number built independently of the code under test's parser: region, birth date, sequence, check. */
const residentId = fc
  .tuple(digits(6), date, digits(3))
  .map(([r, d, s]) => `${r}${d}${s}`)
  .map((first) => `${first}${residentIdCheck(first)}`);

describe('identity documents: published examples', () => {
  it("accepts the standards' own examples and the IMEI of ITU/GSMA documentation", () => {
    // GB 11643-1999 example, and the widely cited example with an 1880 birth date.
    expect(normaliseIdNumber('resident-id', '11010519491231002X')).toBe('11010519491231002X');
    expect(normaliseIdNumber('resident-id', '440524188001010014')).toBe('440524188001010014');
    expect(normaliseIdNumber('resident-id', '11010519491231002x')).toBe('11010519491231002X');
    // GB 32100-2015 unified social credit code example.
    expect(normaliseIdNumber('business-licence', '91350100M000100Y43')).toBe('91350100M000100Y43');
    // IMEI example of 3GPP TS 23.003 / Wikipedia: 49-015420-323751-8.
    expect(isValidImei('490154203237518')).toBe(true);
    expect(luhnCheckDigit('49015420323751')).toBe(8);
  });

  it('refuses wrong check characters, impossible birth dates and wrong lengths without echoing the number', () => {
    for (const [type, bad] of [
      ['resident-id', '110105194912310021'],
      ['resident-id', '110105194902300029'],
      ['resident-id', '1101051949123100'],
      ['business-licence', '91350100M000100Y44'],
      ['business-licence', '91350100M000100I43'],
      ['passport', 'ab'],
      ['passport', 'E1234567;DROP'],
    ] as const) {
      const e = errorOf(() => normaliseIdNumber(type, bad));
      expect(e.code, bad).toBe('INVALID_ARGUMENT');
      expect(e.message).not.toContain(bad);
    }
    expect(isValidImei('490154203237519')).toBe(false);
    expect(isValidImei('49015420323751')).toBe(false);
  });
});

describe('identity documents: properties', () => {
  it('every well-formed resident identity number is accepted, and every single-digit change to it is refused', () => {
    fc.assert(
      fc.property(residentId, fc.integer({ min: 0, max: 16 }), fc.integer({ min: 1, max: 9 }), (id, pos, delta) => {
        expect(normaliseIdNumber('resident-id', id)).toBe(id);
        const changed = `${id.slice(0, pos)}${(Number(id[pos]) + delta) % 10}${id.slice(pos + 1)}`;
        // MOD 11-2 catches every single substitution; a change in the date may also make it impossible.
        expect(() => normaliseIdNumber('resident-id', changed)).toThrow(SatiotError);
      }),
      { numRuns: 300 },
    );
  });

  it('every valid IMEI passes and every single-digit change fails (Luhn catches all single errors)', () => {
    fc.assert(
      fc.property(digits(14), fc.integer({ min: 0, max: 14 }), fc.integer({ min: 1, max: 9 }), (body, pos, delta) => {
        const imei = `${body}${luhnCheckDigit(body)}`;
        expect(isValidImei(imei)).toBe(true);
        expect(isValidImei(`${imei.slice(0, pos)}${(Number(imei[pos]) + delta) % 10}${imei.slice(pos + 1)}`)).toBe(
          false,
        );
      }),
      { numRuns: 300 },
    );
  });

  it('unified social credit codes: the check character makes a valid code, and any other last character is refused', () => {
    const alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...alphabet), { minLength: 17, maxLength: 17 }),
        fc.constantFrom(...alphabet),
        (chars, last) => {
          const first = chars.join('');
          expect(() => normaliseIdNumber('business-licence', `${first}${usccCheck(first)}`)).not.toThrow();
          if (last !== usccCheck(first))
            expect(() => normaliseIdNumber('business-licence', `${first}${last}`)).toThrow(SatiotError);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('any input either normalises or fails with INVALID_ARGUMENT (never another error)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ID_DOCUMENT_TYPES), fc.string({ maxLength: 40 }), (type, s) => {
        try {
          normaliseIdNumber(type, s);
        } catch (e) {
          expect((e as SatiotError).code).toBe('INVALID_ARGUMENT');
        }
      }),
      { numRuns: 500 },
    );
  });

  it('a mask keeps the length and shows at most the first four and last four characters', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 32 }), (s) => {
        const m = maskIdNumber(s);
        expect(m).toHaveLength(s.length);
        const shown = [...m].filter((c, i) => c === s[i] && c !== '*').length;
        expect(shown).toBeLessThanOrEqual(8);
        if (s.length >= 12) expect(m.slice(4, -4)).toBe('*'.repeat(s.length - 8));
      }),
    );
    expect(maskIdNumber('320102199001011234')).toBe('3201**********1234');
  });
});

describe('declared regions', () => {
  it('checks GeoJSON polygons and answers point-in-polygon (holes excluded)', () => {
    const square = checkRegion({
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [10, 0],
          [10, 10],
          [0, 10],
          [0, 0],
        ],
        [
          [4, 4],
          [6, 4],
          [6, 6],
          [4, 6],
          [4, 4],
        ],
      ],
    });
    expect(inPolygon({ lon: 1, lat: 1 }, square)).toBe(true);
    expect(inPolygon({ lon: 5, lat: 5 }, square)).toBe(false);
    expect(inPolygon({ lon: 11, lat: 1 }, square)).toBe(false);
    for (const bad of [
      null,
      { type: 'Point', coordinates: [0, 0] },
      { type: 'Polygon', coordinates: [] },
      {
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [1, 0],
            [0, 0],
          ],
        ],
      },
      {
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [1, 0],
            [1, 1],
            [0, 2],
          ],
        ],
      },
      {
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [200, 0],
            [1, 1],
            [0, 0],
          ],
        ],
      },
      {
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            ['1', 0],
            [1, 1],
            [0, 0],
          ],
        ],
      },
    ]) {
      expect(errorOf(() => checkRegion(bad)).code).toBe('INVALID_ARGUMENT');
    }
  });

  it('reads bbox cells as closed rectangles and refuses inverted ones', () => {
    expect(parseRegionCell('bbox:100,20,110,30')).toEqual({
      type: 'Polygon',
      coordinates: [
        [
          [100, 20],
          [110, 20],
          [110, 30],
          [100, 30],
          [100, 20],
        ],
      ],
    });
    expect(errorOf(() => parseRegionCell('bbox:110,20,100,30')).code).toBe('INVALID_ARGUMENT');
    expect(errorOf(() => parseRegionCell('{not json')).code).toBe('INVALID_ARGUMENT');
  });
});

describe('registration CSV parser', () => {
  const header =
    'devEui,devAddr,nwkSKey,appSKey,ownerKind,ownerName,idType,idNumber,sector,mobility,expectedMessagesPerDay,imei';
  it('never throws anything but a SatiotError on arbitrary text, and every row it returns is a registration or a reason', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), fc.boolean(), (body, withHeader) => {
        try {
          const rows = parseRegistrationCsv(withHeader ? `${header}\n${body}` : body, 'tenant', terminalFromRow);
          for (const r of rows) expect('input' in r !== 'error' in r).toBe(true);
        } catch (e) {
          expect(e).toBeInstanceOf(SatiotError);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('reads generated valid rows back exactly', () => {
    const hex = (n: number) =>
      fc.array(fc.constantFrom(...'0123456789abcdef'), { minLength: n, maxLength: n }).map((a) => a.join(''));
    fc.assert(
      fc.property(
        hex(16),
        hex(8),
        hex(32),
        hex(32),
        residentId,
        digits(14),
        fc.constantFrom('water', 'power', 'logistics'),
        fc.constantFrom('fixed', 'mobile'),
        fc.integer({ min: 0, max: 5000 }),
        (devEui, devAddr, nwk, app, id, imeiBody, sector, mobility, perDay) => {
          const imei = `${imeiBody}${luhnCheckDigit(imeiBody)}`;
          const [row] = parseRegistrationCsv(
            `${header}\n${devEui},${devAddr},${nwk},${app},person,"Wang, Fang",resident-id,${id},${sector},${mobility},${perDay},${imei}\n`,
            'tenant',
            terminalFromRow,
          );
          expect(row).toEqual({
            line: 2,
            devEui,
            input: expect.objectContaining({
              tenantId: 'tenant',
              devEui,
              devAddr,
              nwkSKey: nwk,
              appSKey: app,
              owner: { kind: 'person', name: 'Wang, Fang', idType: 'resident-id', idNumber: id },
              scenario: { sector, mobility, expectedMessagesPerDay: perDay },
              binding: { imei },
            }),
          });
        },
      ),
      { numRuns: 200 },
    );
  });
});
