import { parse } from 'csv-parse/sync';
import type { NewRegistration } from '../core/registration.js';
import type { IdDocumentType } from '../core/registration-identity.js';
import { isSatiotError, SatiotError } from '../errors/satiot-error.js';

/**
 * Bulk registration from CSV: the terminal import's columns (src/api/routes/csv-routes.ts) plus the
 * declaration. One row per terminal; a row is a registration or a reason, never both.
 */
export const REGISTRATION_CSV_COLUMNS = [
  'devEui',
  'devAddr',
  'nwkSKey',
  'appSKey',
  'suite',
  'profile',
  'codec',
  'lat',
  'lon',
  'altM',
  'ownerKind',
  'ownerName',
  'idType',
  'idNumber',
  'sector',
  'mobility',
  'region',
  'expectedMessagesPerDay',
  'hardwareId',
  'imei',
] as const;
const REQUIRED = [
  'devEui',
  'devAddr',
  'nwkSKey',
  'appSKey',
  'ownerKind',
  'ownerName',
  'idType',
  'idNumber',
  'sector',
  'mobility',
  'expectedMessagesPerDay',
] as const;
/** Largest import, rows. */
export const MAX_REGISTRATION_ROWS = 10_000;

export type RegistrationRow =
  | { readonly line: number; readonly devEui?: string; readonly input: NewRegistration }
  | {
      readonly line: number;
      readonly devEui?: string;
      readonly error: { readonly code: string; readonly message: string };
    };

/**
 * Parses the CSV (header row first; the terminal import's parser options). Malformed CSV as a
 * whole, too many rows or unknown columns fail the request; a bad row becomes a per-row error.
 * `terminalFields` turns the terminal columns into a NewTerminal (the terminal import's own
 * function, so both imports read them alike).
 */
export function parseRegistrationCsv(
  text: string,
  tenantId: string,
  terminalFields: (
    tenantId: string,
    r: Record<string, string>,
  ) => Omit<NewRegistration, 'owner' | 'scenario' | 'binding'>,
): RegistrationRow[] {
  let rows: Array<Record<string, string>>;
  try {
    rows = parse(text, {
      columns: (h: string[]) => h.map((x) => x.trim()),
      skip_empty_lines: true,
      trim: true,
      bom: true,
      max_record_size: 16_384,
      to_line: MAX_REGISTRATION_ROWS + 2,
    });
  } catch (e) {
    throw new SatiotError('INVALID_ARGUMENT', `the CSV does not parse: ${(e as Error).message.slice(0, 200)}`);
  }
  if (rows.length > MAX_REGISTRATION_ROWS)
    throw new SatiotError('PAYLOAD_TOO_LARGE', `at most ${MAX_REGISTRATION_ROWS} registrations per import`);
  const header = rows.length ? Object.keys(rows[0]!) : [];
  const unknown = header.filter((h) => !(REGISTRATION_CSV_COLUMNS as readonly string[]).includes(h));
  if (unknown.length)
    throw new SatiotError(
      'INVALID_ARGUMENT',
      `unknown CSV columns: ${unknown
        .slice(0, 10)
        .map((u) => JSON.stringify(u.slice(0, 40)))
        .join(', ')} (known: ${REGISTRATION_CSV_COLUMNS.join(', ')})`,
    );
  return rows.map((r, i) => {
    const line = i + 2; // the header is line 1
    const devEui =
      typeof r['devEui'] === 'string' && /^[0-9a-fA-F]{16}$/.test(r['devEui']) ? r['devEui'].toLowerCase() : undefined;
    try {
      return { line, ...(devEui ? { devEui } : {}), input: registrationFromRow(tenantId, r, terminalFields) };
    } catch (e) {
      if (!isSatiotError(e)) throw e;
      return { line, ...(devEui ? { devEui } : {}), error: { code: e.code, message: e.message } };
    }
  });
}

function registrationFromRow(
  tenantId: string,
  r: Record<string, string>,
  terminalFields: (
    tenantId: string,
    r: Record<string, string>,
  ) => Omit<NewRegistration, 'owner' | 'scenario' | 'binding'>,
): NewRegistration {
  for (const k of REQUIRED) if (!r[k]) throw new SatiotError('INVALID_ARGUMENT', `${k} is required`);
  const perDay = Number(r['expectedMessagesPerDay']);
  if (!Number.isFinite(perDay)) throw new SatiotError('INVALID_ARGUMENT', 'expectedMessagesPerDay must be a number');
  const kind = r['ownerKind'],
    mobility = r['mobility'];
  if (kind !== 'organisation' && kind !== 'person')
    throw new SatiotError('INVALID_ARGUMENT', 'ownerKind must be organisation or person');
  if (mobility !== 'fixed' && mobility !== 'mobile')
    throw new SatiotError('INVALID_ARGUMENT', 'mobility must be fixed or mobile');
  const region = r['region'] ? parseRegionCell(r['region']) : undefined;
  if (!r['hardwareId'] && !r['imei']) throw new SatiotError('INVALID_ARGUMENT', 'hardwareId or imei is required');
  return {
    ...terminalFields(tenantId, r),
    owner: { kind, name: r['ownerName']!, idType: r['idType'] as IdDocumentType, idNumber: r['idNumber']! },
    scenario: { sector: r['sector']!, mobility, expectedMessagesPerDay: perDay, ...(region ? { region } : {}) },
    binding: { ...(r['hardwareId'] ? { hardwareId: r['hardwareId'] } : {}), ...(r['imei'] ? { imei: r['imei'] } : {}) },
  };
}

/**
 * A region cell: a GeoJSON Polygon as JSON, or `bbox:minLon,minLat,maxLon,maxLat` (a rectangle;
 * checked in full by the registration itself).
 */
export function parseRegionCell(cell: string): NewRegistration['scenario']['region'] {
  const s = cell.trim();
  const bbox = /^bbox:\s*(-?[\d.]+)\s*,\s*(-?[\d.]+)\s*,\s*(-?[\d.]+)\s*,\s*(-?[\d.]+)$/i.exec(s);
  if (bbox) {
    const [w, so, e, n] = bbox.slice(1).map(Number) as [number, number, number, number];
    if (![w, so, e, n].every(Number.isFinite) || !(w < e) || !(so < n))
      throw new SatiotError('INVALID_ARGUMENT', 'region bbox must be minLon,minLat,maxLon,maxLat with min < max');
    return {
      type: 'Polygon',
      coordinates: [
        [
          [w, so],
          [e, so],
          [e, n],
          [w, n],
          [w, so],
        ],
      ],
    };
  }
  try {
    return JSON.parse(s) as NewRegistration['scenario']['region'];
  } catch {
    throw new SatiotError(
      'INVALID_ARGUMENT',
      'region must be a GeoJSON Polygon (JSON) or bbox:minLon,minLat,maxLon,maxLat',
    );
  }
}
