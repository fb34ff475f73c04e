import { sql, type Kysely, type Selectable } from 'kysely';
import type {
  RegistrationRecord,
  RegistrationStore,
  StatusCount,
  TerminalStatusRow,
} from '../../core/ports/registration-store.js';
import type { Page } from '../../core/ports/page.js';
import type { TerminalStatus } from '../../core/model.js';
import type { GeoJsonPolygon, IdDocumentType } from '../../core/registration-identity.js';
import { SatiotError } from '../../errors/satiot-error.js';
import { decodeCursor, encodeCursor } from './page-cursor.js';
import { underSavepoint } from './savepoint.js';

/** The `terminal_registrations` table (migration 9 of both backends). Times are ms; int8 may come back as strings. */
export interface TerminalRegistrationsTable {
  terminal_id: string;
  tenant_id: string;
  owner_kind: 'organisation' | 'person';
  owner_name: string;
  id_type: string;
  id_number_sealed: string;
  id_number_masked: string;
  sector: string;
  mobility: 'fixed' | 'mobile';
  /** GeoJSON Polygon as JSON text. */
  region: string | null;
  expected_messages_per_day: number | string;
  hardware_id: string;
  imei: string | null;
  created_at: number | string;
  updated_at: number | string;
}

/** The lifecycle columns migration 9 adds to `terminals` (and the columns they are read with). */
interface TerminalLifecycleColumns {
  id: string;
  tenant_id: string;
  dev_eui: string;
  created_at: number | string;
  status: TerminalStatus;
  status_reason: string | null;
  status_by: string | null;
  status_at: number | string | null;
  nwk_s_key_sealed: string;
  app_s_key_sealed: string;
}

interface RegistrationDatabase {
  terminal_registrations: TerminalRegistrationsTable;
  terminals: TerminalLifecycleColumns;
  /** The delivery store's table (migration 7): only its sealed secret, for master-key rotation. */
  integrations: { id: string; secret_sealed: string | null };
}

const MAX_PAGE = 1000;
const LISTING = 'terminals-by-status';

/**
 * The RegistrationStore port over Kysely: the same statements on SQLite and PostgreSQL. Lifecycle
 * changes are one conditional UPDATE each (compare-and-set on the state), so two nodes deciding at
 * once cannot both win.
 */
export class KyselyRegistrationStore implements RegistrationStore {
  private readonly db: Kysely<RegistrationDatabase>;

  // Any Kysely whose database has these tables (the stores' own Kysely<StoreDatabase>).
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  constructor(db: Kysely<any>) {
    this.db = db as Kysely<RegistrationDatabase>;
  }

  async save(r: RegistrationRecord): Promise<void> {
    const row = toRow(r);
    const { terminal_id: _id, created_at: _c, ...changes } = row;
    try {
      await underSavepoint(this.db, () =>
        this.db
          .insertInto('terminal_registrations')
          .values(row)
          .onConflict((oc) => oc.column('terminal_id').doUpdateSet(changes))
          .execute(),
      );
    } catch (e) {
      // The only unique keys besides the terminal are the hardware id and the IMEI.
      const clash = await this.db
        .selectFrom('terminal_registrations')
        .select('terminal_id')
        .where((eb) => eb.or([eb('hardware_id', '=', r.hardwareId), ...(r.imei ? [eb('imei', '=', r.imei)] : [])]))
        .where('terminal_id', '<>', r.terminalId)
        .executeTakeFirst();
      if (clash) throw new SatiotError('HARDWARE_ID_BOUND', 'this hardware id or IMEI is bound to another terminal');
      throw e;
    }
  }

  async get(terminalId: string): Promise<RegistrationRecord | undefined> {
    const r = await this.db
      .selectFrom('terminal_registrations')
      .selectAll()
      .where('terminal_id', '=', terminalId)
      .executeTakeFirst();
    return r && toRecord(r);
  }

  async listAll(): Promise<RegistrationRecord[]> {
    return (await this.db.selectFrom('terminal_registrations').selectAll().orderBy('terminal_id').execute()).map(
      toRecord,
    );
  }

  async delete(terminalId: string): Promise<void> {
    await this.db.deleteFrom('terminal_registrations').where('terminal_id', '=', terminalId).execute();
  }

  async setStatus(
    terminalId: string,
    from: TerminalStatus,
    to: TerminalStatus,
    c: { reason: string | null; by: string; at: number },
  ): Promise<boolean> {
    const r = await this.db
      .updateTable('terminals')
      .set({ status: to, status_reason: c.reason, status_by: c.by, status_at: c.at })
      .where('id', '=', terminalId)
      .where('status', '=', from)
      .executeTakeFirst();
    return r.numUpdatedRows > 0n;
  }

  async getStatus(terminalId: string): Promise<TerminalStatusRow | undefined> {
    const r = await this.db
      .selectFrom('terminals')
      .select(['id', 'tenant_id', 'dev_eui', 'created_at', 'status', 'status_reason', 'status_by', 'status_at'])
      .where('id', '=', terminalId)
      .executeTakeFirst();
    return r && toStatusRow(r);
  }

  async listByStatus(q: {
    status: TerminalStatus;
    tenantId?: string;
    limit: number;
    cursor?: string;
  }): Promise<Page<TerminalStatusRow>> {
    const limit = Math.max(1, Math.min(MAX_PAGE, Math.floor(q.limit)));
    let query = this.db
      .selectFrom('terminals')
      .select(['id', 'tenant_id', 'dev_eui', 'created_at', 'status', 'status_reason', 'status_by', 'status_at'])
      .where('status', '=', q.status);
    if (q.tenantId !== undefined) query = query.where('tenant_id', '=', q.tenantId);
    if (q.cursor !== undefined) {
      const c = decodeCursor(LISTING, q.cursor);
      query = query.where((eb) =>
        eb.or([eb('created_at', '>', c.at), eb.and([eb('created_at', '=', c.at), eb('id', '>', c.id)])]),
      );
    }
    const rows = await query
      .orderBy('created_at')
      .orderBy('id')
      .limit(limit + 1)
      .execute();
    const items = rows.slice(0, limit).map(toStatusRow);
    const last = items[items.length - 1];
    return rows.length > limit && last
      ? { items, nextCursor: encodeCursor(LISTING, { at: last.createdAt, id: last.terminalId }) }
      : { items };
  }

  async countByStatusAndSector(): Promise<StatusCount[]> {
    const rows = await this.db
      .selectFrom('terminals as t')
      .leftJoin('terminal_registrations as r', 'r.terminal_id', 't.id')
      .select([
        't.status as status',
        sql<string>`coalesce(r.sector, 'undeclared')`.as('sector'),
        sql<number | string>`count(*)`.as('count'),
      ])
      .groupBy(['t.status', sql`coalesce(r.sector, 'undeclared')`])
      .orderBy('t.status')
      .orderBy(sql`coalesce(r.sector, 'undeclared')`)
      .execute();
    return rows.map((r) => ({ status: r.status, sector: r.sector, count: Number(r.count) }));
  }

  async replaceSealedIdNumber(terminalId: string, oldSealed: string, newSealed: string): Promise<boolean> {
    const r = await this.db
      .updateTable('terminal_registrations')
      .set({ id_number_sealed: newSealed })
      .where('terminal_id', '=', terminalId)
      .where('id_number_sealed', '=', oldSealed)
      .executeTakeFirst();
    return r.numUpdatedRows > 0n;
  }

  async listSealedIntegrationSecrets(): Promise<Array<{ integrationId: string; sealed: string }>> {
    const rows = await this.db
      .selectFrom('integrations')
      .select(['id', 'secret_sealed'])
      .where('secret_sealed', 'is not', null)
      .orderBy('id')
      .execute();
    return rows.map((r) => ({ integrationId: r.id, sealed: r.secret_sealed! }));
  }

  async replaceSealedIntegrationSecret(integrationId: string, oldSealed: string, newSealed: string): Promise<boolean> {
    const r = await this.db
      .updateTable('integrations')
      .set({ secret_sealed: newSealed })
      .where('id', '=', integrationId)
      .where('secret_sealed', '=', oldSealed)
      .executeTakeFirst();
    return r.numUpdatedRows > 0n;
  }

  async replaceSealedSessionKeys(
    terminalId: string,
    old: { nwk: string; app: string },
    next: { nwk: string; app: string },
  ): Promise<boolean> {
    const r = await this.db
      .updateTable('terminals')
      .set({ nwk_s_key_sealed: next.nwk, app_s_key_sealed: next.app })
      .where('id', '=', terminalId)
      .where('nwk_s_key_sealed', '=', old.nwk)
      .where('app_s_key_sealed', '=', old.app)
      .executeTakeFirst();
    return r.numUpdatedRows > 0n;
  }
}

function toRow(r: RegistrationRecord): TerminalRegistrationsTable {
  return {
    terminal_id: r.terminalId,
    tenant_id: r.tenantId,
    owner_kind: r.ownerKind,
    owner_name: r.ownerName,
    id_type: r.idType,
    id_number_sealed: r.idNumberSealed,
    id_number_masked: r.idNumberMasked,
    sector: r.sector,
    mobility: r.mobility,
    region: r.region ? JSON.stringify(r.region) : null,
    expected_messages_per_day: r.expectedMessagesPerDay,
    hardware_id: r.hardwareId,
    imei: r.imei,
    created_at: r.createdAt,
    updated_at: r.updatedAt,
  };
}

function toRecord(r: Selectable<TerminalRegistrationsTable>): RegistrationRecord {
  return {
    terminalId: r.terminal_id,
    tenantId: r.tenant_id,
    ownerKind: r.owner_kind,
    ownerName: r.owner_name,
    idType: r.id_type as IdDocumentType,
    idNumberSealed: r.id_number_sealed,
    idNumberMasked: r.id_number_masked,
    sector: r.sector,
    mobility: r.mobility,
    region: r.region === null ? null : (JSON.parse(r.region) as GeoJsonPolygon),
    expectedMessagesPerDay: Number(r.expected_messages_per_day),
    hardwareId: r.hardware_id,
    imei: r.imei,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

function toStatusRow(
  r: Pick<
    Selectable<TerminalLifecycleColumns>,
    'id' | 'tenant_id' | 'dev_eui' | 'created_at' | 'status' | 'status_reason' | 'status_by' | 'status_at'
  >,
): TerminalStatusRow {
  return {
    terminalId: r.id,
    tenantId: r.tenant_id,
    devEui: r.dev_eui,
    status: r.status,
    statusReason: r.status_reason,
    statusBy: r.status_by,
    statusAt: r.status_at === null ? null : Number(r.status_at),
    createdAt: Number(r.created_at),
  };
}
