import type { FastifyPluginAsync } from 'fastify';
import { parse } from 'csv-parse/sync';
import type { Core } from '../../core/core.js';
import type { AccessControl } from '../../core/access-control.js';
import type { NewTerminal } from '../../core/provisioning.js';
import { CRYPTO_SUITES, TERMINAL_PROFILES, type CryptoSuite, type TerminalProfile } from '../../core/model.js';
import { isSatiotError, SatiotError } from '../../errors/satiot-error.js';
import { ADMINS, authenticate, checkTenant, secured } from '../auth.js';
import { errorRef, ref } from '../schemas/index.js';
import { terminalImportResultSchema } from '../schemas/bulk.js';
import { writeCsv, type CsvValue } from '../../report/csv-writer.js';
import { createInBulk, MAX_BULK_TERMINALS, type BulkRow } from './bulk-terminals.js';
import { iso } from '../../core/iso-time.js';

/** Columns of a terminal import; the first four are required. */
export const TERMINAL_CSV_COLUMNS = [
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
  'expectedMessagesPerDay',
  'name',
] as const;
/** Largest import, rows (a larger fleet imports in parts). */
export const MAX_IMPORT_ROWS = MAX_BULK_TERMINALS;
/** Largest import body: 100,000 rows of keys, position and codec fit in well under this. */
const MAX_IMPORT_BYTES = 32 * 1024 * 1024;
/** Most messages one export writes. */
export const MAX_EXPORT_ROWS = 100_000;

/** Bulk terminal import from CSV and message export to CSV. */
export function csvRoutes(core: Core, access: AccessControl): FastifyPluginAsync {
  return async (app) => {
    app.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: MAX_IMPORT_BYTES }, (_req, body, done) =>
      done(null, body),
    );
    app.addHook('preHandler', authenticate(access));

    app.post<{ Querystring: { tenantId: string }; Body: string }>(
      '/api/v1/terminals/import',
      {
        bodyLimit: MAX_IMPORT_BYTES,
        schema: {
          summary:
            `Register many terminals from CSV (header row; columns ${TERMINAL_CSV_COLUMNS.join(', ')}; up to ` +
            `${MAX_IMPORT_ROWS} rows); each row succeeds or fails on its own`,
          tags: ['provisioning'],
          ...secured,
          consumes: ['text/csv'],
          querystring: {
            type: 'object',
            required: ['tenantId'],
            additionalProperties: false,
            properties: { tenantId: { type: 'string', maxLength: 64 } },
          },
          response: {
            200: ref(terminalImportResultSchema),
            '4xx': errorRef,
          },
        },
      },
      async (req) => {
        const tenantId = req.query.tenantId;
        checkTenant(req, tenantId, () => new SatiotError('TENANT_NOT_FOUND', `no tenant ${tenantId}`), ADMINS);
        if (typeof req.body !== 'string')
          throw new SatiotError('INVALID_ARGUMENT', 'send the CSV with Content-Type: text/csv');
        let rows: Array<Record<string, string>>;
        try {
          rows = parse(req.body, {
            columns: (h: string[]) => h.map((x) => x.trim()),
            skip_empty_lines: true,
            trim: true,
            bom: true,
            max_record_size: 4096,
            to_line: MAX_IMPORT_ROWS + 2,
          });
        } catch (e) {
          throw new SatiotError('INVALID_ARGUMENT', `the CSV does not parse: ${(e as Error).message}`);
        }
        if (rows.length > MAX_IMPORT_ROWS)
          throw new SatiotError('PAYLOAD_TOO_LARGE', `at most ${MAX_IMPORT_ROWS} terminals per import`);
        const header = rows.length ? Object.keys(rows[0]!) : [];
        const unknown = header.filter((h) => !(TERMINAL_CSV_COLUMNS as readonly string[]).includes(h));
        if (unknown.length)
          throw new SatiotError(
            'INVALID_ARGUMENT',
            `unknown CSV columns: ${unknown.join(', ')} (known: ${TERMINAL_CSV_COLUMNS.join(', ')})`,
          );
        const bulk: BulkRow[] = rows.map((r, i) => {
          const at = i + 2; // the header is line 1
          try {
            return { at, terminal: terminalFromRow(tenantId, r) };
          } catch (e) {
            if (!isSatiotError(e)) throw e;
            return { at, ...(r['devEui'] ? { devEui: r['devEui'] } : {}), error: e };
          }
        });
        const r = await createInBulk(core, req, bulk);
        return {
          created: r.created,
          rejected: r.rejected,
          results: r.results.map(({ at, ...rest }) => ({ line: at, ...rest })),
        };
      },
    );

    app.get<{ Params: { devEui: string }; Querystring: { from?: string; to?: string } }>(
      '/api/v1/terminals/:devEui/messages.csv',
      {
        schema: {
          summary: `A terminal's messages as CSV, oldest first (at most ${MAX_EXPORT_ROWS})`,
          tags: ['messages'],
          ...secured,
          produces: ['text/csv'],
          params: { type: 'object', properties: { devEui: { type: 'string', maxLength: 32 } } },
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: { from: { type: 'string', format: 'date-time' }, to: { type: 'string', format: 'date-time' } },
          },
          response: { 200: { type: 'string' }, '4xx': errorRef },
        },
      },
      async (req, reply) => {
        const notFound = () => new SatiotError('TERMINAL_NOT_FOUND', `no terminal ${req.params.devEui}`);
        const t = core.registry.byDevEui(req.params.devEui.toLowerCase());
        if (!t) throw notFound();
        const p = checkTenant(req, t.record.tenantId, notFound);
        const withPayload = access.seesPayloads(p);
        const rows: CsvValue[][] = [];
        let cursor: string | undefined;
        do {
          const page = await core.messageQueries.listMessages({
            terminalId: t.record.id,
            limit: 1000,
            ...(cursor ? { cursor } : {}),
            ...(req.query.from ? { from: Date.parse(req.query.from) } : {}),
            ...(req.query.to ? { to: Date.parse(req.query.to) } : {}),
          });
          for (const m of page.items) {
            rows.push([
              m.id,
              m.fCnt,
              m.fPort ?? '',
              withPayload ? Buffer.from(m.payload).toString('hex') : '',
              iso(m.capturedAt),
              iso(m.downlinkedAt),
              iso(m.ingestedAt),
              m.receptions.length,
              m.receptions.map((r) => r.satelliteId).join(' '),
              withPayload && m.decode?.decoded ? JSON.stringify(m.decode.decoded) : '',
              m.decode?.error?.code ?? '',
            ]);
          }
          cursor = page.nextCursor;
        } while (cursor && rows.length < MAX_EXPORT_ROWS);
        rows.reverse();
        const csv = writeCsv(
          [
            'id',
            'fCnt',
            'fPort',
            'payloadHex',
            'capturedAt',
            'downlinkedAt',
            'ingestedAt',
            'receptions',
            'satellites',
            'decoded',
            'decodeError',
          ],
          rows.slice(-MAX_EXPORT_ROWS),
        );
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${t.record.devEui}-messages.csv"`)
          .send(csv);
      },
    );
  };
}

export function terminalFromRow(tenantId: string, r: Record<string, string>): NewTerminal {
  const num = (k: string): number | undefined => {
    const v = r[k];
    if (v === undefined || v === '') return undefined;
    const n = Number(v);
    if (!Number.isFinite(n))
      throw new SatiotError('INVALID_ARGUMENT', `${k} must be a number, got ${JSON.stringify(v)}`);
    return n;
  };
  for (const k of ['devEui', 'devAddr', 'nwkSKey', 'appSKey'])
    if (!r[k]) throw new SatiotError('INVALID_ARGUMENT', `${k} is required`);
  const suite = r['suite'] || 'aes128',
    profile = r['profile'] || 'fixed-collector';
  if (!CRYPTO_SUITES.includes(suite as CryptoSuite))
    throw new SatiotError('INVALID_ARGUMENT', `suite must be one of ${CRYPTO_SUITES.join(', ')}`);
  if (!TERMINAL_PROFILES.includes(profile as TerminalProfile))
    throw new SatiotError('INVALID_ARGUMENT', `profile must be one of ${TERMINAL_PROFILES.join(', ')}`);
  const lat = num('lat'),
    lon = num('lon'),
    altM = num('altM'),
    perDay = num('expectedMessagesPerDay');
  if ((lat === undefined) !== (lon === undefined))
    throw new SatiotError('INVALID_ARGUMENT', 'give both lat and lon, or neither');
  if (lat !== undefined && (Math.abs(lat) > 90 || Math.abs(lon!) > 180))
    throw new SatiotError('INVALID_ARGUMENT', 'lat must be within ±90 and lon within ±180');
  return {
    tenantId,
    devEui: r['devEui']!,
    devAddr: r['devAddr']!,
    nwkSKey: r['nwkSKey']!,
    appSKey: r['appSKey']!,
    suite: suite as CryptoSuite,
    profile: profile as TerminalProfile,
    ...(r['codec'] ? { codec: r['codec'] } : {}),
    ...(r['name'] ? { name: r['name'] } : {}),
    ...(lat !== undefined ? { location: { lat, lon: lon!, altM: altM ?? 0 } } : {}),
    ...(perDay !== undefined ? { expectedMessagesPerDay: perDay } : {}),
  };
}
