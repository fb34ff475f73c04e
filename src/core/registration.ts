/**
 * Terminal registration and lifecycle: `core.registration`.
 *
 * API (stable; the anomaly policy and the edges code against it):
 *
 *   type Actor = AuditActor                        // src/core/ports/audit-log.ts
 *   type TerminalStatus = 'pending' | 'approved' | 'suspended' | 'retired'   // src/core/model.ts
 * interface DeclaredScenario { sector: string; mobility: 'fixed' | 'mobile'; region?: GeoJsonPolygon;
 * expectedMessagesPerDay: number }
 *
 *   core.registration.approve(devEui, by: Actor, reason?: string): Promise<Registration>     pending → approved
 *   core.registration.reject(devEui, by: Actor, reason: string): Promise<Registration>       pending → retired
 * core.registration.suspend(devEui, by: Actor, reason: string): Promise<Registration> pending | approved → suspended
 *   core.registration.reinstate(devEui, by: Actor, reason?: string): Promise<Registration>   suspended → approved
 * core.registration.retire(devEui, by: Actor, reason: string): Promise<Registration> any but retired → retired (final)
 *   core.registration.get(devEui): Promise<Registration | undefined>
 *   core.registration.scenarioOf(devEui): DeclaredScenario | undefined        (synchronous, from memory)
 *   core.registration.register(n: NewRegistration, by: Actor): Promise<Registration>   terminal + declaration
 *   core.registration.declare(devEui, d: RegistrationDetails, by: Actor): Promise<Registration>
 *   core.registration.createTerminal(n: NewTerminal, by: Actor): Promise<TerminalView>  (status by policy)
 * core.registration.createTerminals(rows: NewTerminal[], by: Actor): Promise<Array<TerminalView | SatiotError>> (bulk,
 * per row)
 *   core.registration.initialStatus(by: Actor): 'pending' | 'approved'
 * core.registration.resetCounters(devEui, by: Actor): Promise<{ devEui, epoch, previousTop }> (operators; uplink
 * counters from 0 again)
 *
 * Lifecycle changes are operator decisions: an actor that is not an operator (`kind` operator, cli
 * or system, or an API key of role operator) gets FORBIDDEN. An illegal change is INVALID_TRANSITION
 * (409). Every change, registration and declaration is appended to `core.audit`; the in-memory
 * TerminalRegistry (what the ingest path reads) is updated in the same call.
 */
import type { Page, Store } from './ports/store.js';
import type { Clock } from './ports/clock.js';
import type { AuditActor, AuditLog } from './ports/audit-log.js';
import type { RegistrationRecord, StatusCount, TerminalStatusRow } from './ports/registration-store.js';
import type { KeyVault } from './key-vault.js';
import type { TerminalRegistry } from './terminal-registry.js';
import type { NewTerminal, Provisioning, TerminalView } from './provisioning.js';
import type { EventWriter } from './event-writer.js';
import type { TerminalRecord, TerminalStatus } from './model.js';
import { SatiotError } from '../errors/satiot-error.js';
import {
  checkImei,
  checkRegion,
  maskIdNumber,
  normaliseHardwareId,
  normaliseIdNumber,
  type GeoJsonPolygon,
  type IdDocumentType,
} from './registration-identity.js';

export type Actor = AuditActor;

export interface DeclaredScenario {
  /** `water`, `power`, `logistics`, … (lower case, 1–40 letters, digits or dashes). */
  readonly sector: string;
  readonly mobility: 'fixed' | 'mobile';
  /** Where the terminal is expected to be heard. */
  readonly region?: GeoJsonPolygon;
  readonly expectedMessagesPerDay: number;
}

/** What an owner declares about a terminal (identity number in clear: sealed before it is stored). */
export interface RegistrationDetails {
  readonly owner: {
    readonly kind: 'organisation' | 'person';
    readonly name: string;
    readonly idType: IdDocumentType;
    readonly idNumber: string;
  };
  readonly scenario: DeclaredScenario;
  /** `hardwareId` defaults to the IMEI; at least one of the two. */
  readonly binding: { readonly hardwareId?: string; readonly imei?: string };
}

export type NewRegistration = NewTerminal & RegistrationDetails;

/** A registration as the core hands it out: never the identity number, sealed or clear. */
export interface Registration {
  readonly terminalId: string;
  readonly tenantId: string;
  readonly devEui: string;
  readonly status: TerminalStatus;
  readonly statusReason?: string;
  readonly statusBy?: string;
  readonly statusAt?: number;
  /** False for a terminal registered before declarations existed: `scenario` then derives from its record. */
  readonly declared: boolean;
  readonly owner?: {
    readonly kind: 'organisation' | 'person';
    readonly name: string;
    readonly idType: IdDocumentType;
    readonly idNumberMasked: string;
  };
  readonly scenario: DeclaredScenario;
  readonly binding?: { readonly hardwareId: string; readonly imei?: string };
  readonly createdAt: number;
  readonly declaredAt?: number;
}

/** Which lifecycle change goes from which states. */
export const TRANSITIONS: Readonly<
  Record<
    'approve' | 'reject' | 'suspend' | 'reinstate' | 'retire',
    { readonly from: readonly TerminalStatus[]; readonly to: TerminalStatus }
  >
> = {
  approve: { from: ['pending'], to: 'approved' },
  reject: { from: ['pending'], to: 'retired' },
  suspend: { from: ['pending', 'approved'], to: 'suspended' },
  reinstate: { from: ['suspended'], to: 'approved' },
  retire: { from: ['pending', 'approved', 'suspended'], to: 'retired' },
};
export type LifecycleAction = keyof typeof TRANSITIONS;

export interface RegistrationPolicy {
  /** Terminals a tenant registers wait as `pending` for an operator (default false: approved at once). */
  readonly reviewTenantRegistrations: boolean;
}

/** Whether an actor speaks for the operator (lifecycle decisions, approval on creation). */
export function isOperatorActor(a: Actor): boolean {
  return a.kind === 'operator' || a.kind === 'cli' || a.kind === 'system' || a.role === 'operator';
}

/** `kind:id` of an actor, as stored with a status change. */
export const actorLabel = (a: Actor): string => `${a.kind}:${a.id ?? a.role ?? '-'}`;

const SECTOR = /^[a-z0-9][a-z0-9-]{0,39}$/;
const idContext = (terminalId: string) => `registration:${terminalId}:idNumber`;
const MAX_REASON = 500;

export class RegistrationService {
  /** Declarations in memory by terminal id (the anomaly checks read them per message). */
  private readonly declared = new Map<string, RegistrationRecord>();
  /** Terminal id by bound hardware id and by IMEI (both kept in one map: an IMEI may serve as a hardware id). */
  private readonly bound = new Map<string, string>();

  constructor(
    private readonly store: Store,
    private readonly events: EventWriter,
    private readonly registry: TerminalRegistry,
    private readonly provisioning: Provisioning,
    private readonly vault: KeyVault,
    private readonly clock: Clock,
    private readonly audit: () => AuditLog,
    readonly policy: RegistrationPolicy = { reviewTenantRegistrations: false },
  ) {}

  async load(): Promise<void> {
    this.declared.clear();
    this.bound.clear();
    for (const r of await this.store.registrations.listAll()) this.remember(r);
  }

  /** The state a terminal created by `by` starts in under this deployment's policy. */
  initialStatus(by: Actor): 'pending' | 'approved' {
    return isOperatorActor(by) || !this.policy.reviewTenantRegistrations ? 'approved' : 'pending';
  }

  /** Creates a terminal (no declaration) in the state the policy gives `by`; audited. */
  async createTerminal(n: NewTerminal, by: Actor): Promise<TerminalView> {
    const status = this.initialStatus(by);
    try {
      const t = await this.provisioning.createTerminal(n, status, isOperatorActor(by));
      await this.record(by, 'terminal.register', t, 'ok', { status });
      return t;
    } catch (e) {
      const devEui = n.devEui ?? (n.imei !== undefined ? `0${n.imei}` : '');
      await this.record(by, 'terminal.register', { id: devEui, tenantId: n.tenantId, devEui }, 'failed', {
        code: codeOf(e),
      });
      throw e;
    }
  }

  /**
   * Creates many terminals (no declarations) in the state the policy gives `by`, each row on its
   * own (Provisioning.createTerminals: one entry per row, the terminal or its error); every row is
   * audited as createTerminal audits it, the appends of a batch committed together.
   */
  async createTerminals(rows: readonly NewTerminal[], by: Actor): Promise<Array<TerminalView | SatiotError>> {
    const status = this.initialStatus(by);
    const out = await this.provisioning.createTerminals(rows, status, isOperatorActor(by));
    const AUDIT_GROUP = 5_000;
    for (let i = 0; i < out.length; i += AUDIT_GROUP) {
      await Promise.all(
        out.slice(i, i + AUDIT_GROUP).map((r, k) => {
          const n = rows[i + k]!;
          return r instanceof SatiotError
            ? this.record(
                by,
                'terminal.register',
                { id: String(n.devEui), tenantId: n.tenantId, devEui: String(n.devEui) },
                'failed',
                { code: r.code },
              )
            : this.record(by, 'terminal.register', r, 'ok', { status });
        }),
      );
    }
    return out;
  }

  /**
   * Registers a terminal with its declaration: the declaration is checked first (nothing is created
   * when it is wrong), then the terminal, then the declaration is stored; a hardware id bound
   * meanwhile removes the new terminal again (HARDWARE_ID_BOUND).
   */
  async register(n: NewRegistration, by: Actor): Promise<Registration> {
    const { owner, scenario, binding, ...terminal } = n;
    const details = this.check({ owner, scenario, binding });
    await this.ensureUnbound(details.hardwareId, details.imei, undefined);
    const t = await this.createTerminal({ ...terminal, expectedMessagesPerDay: details.expectedMessagesPerDay }, by);
    try {
      await this.saveDeclaration(t.id, t.tenantId, details, undefined);
    } catch (e) {
      await this.provisioning.deleteTerminal(t.devEui).catch(() => undefined);
      throw e;
    }
    await this.record(by, 'terminal.declare', t, 'ok', {
      sector: details.sector,
      mobility: details.mobility,
      hardwareId: details.hardwareId,
    });
    return (await this.get(t.devEui))!;
  }

  /**
   * Declares (or replaces the declaration of) an existing terminal. Under review policy, a tenant
   * changing an approved terminal's declaration sends it back to `pending`.
   */
  async declare(devEui: string, d: RegistrationDetails, by: Actor): Promise<Registration> {
    const t = this.terminal(devEui);
    if (t.status === 'retired')
      throw new SatiotError('INVALID_TRANSITION', `terminal ${t.devEui} is retired: its registration is final`);
    const details = this.check(d);
    const old = this.declared.get(t.id);
    await this.ensureUnbound(details.hardwareId, details.imei, t.id);
    await this.saveDeclaration(t.id, t.tenantId, details, old);
    if (t.expectedMessagesPerDay !== details.expectedMessagesPerDay)
      await this.provisioning.updateTerminal(t.devEui, { expectedMessagesPerDay: details.expectedMessagesPerDay });
    await this.record(by, 'terminal.declare', t, 'ok', {
      sector: details.sector,
      mobility: details.mobility,
      hardwareId: details.hardwareId,
      replaced: old !== undefined,
    });
    if (t.status === 'approved' && this.initialStatus(by) === 'pending') {
      await this.change(
        this.terminal(t.devEui),
        'approved',
        'pending',
        { kind: 'system', id: 'registration-policy' },
        'declaration changed: review again',
        'terminal.review',
      );
    }
    return (await this.get(t.devEui))!;
  }

  approve(devEui: string, by: Actor, reason?: string): Promise<Registration> {
    return this.transition('approve', devEui, by, reason);
  }
  /** Refuses a pending registration: the terminal is retired (never heard); delete it to free its DevEUI. */
  reject(devEui: string, by: Actor, reason: string): Promise<Registration> {
    return this.transition('reject', devEui, by, reason);
  }
  suspend(devEui: string, by: Actor, reason: string): Promise<Registration> {
    return this.transition('suspend', devEui, by, reason);
  }
  reinstate(devEui: string, by: Actor, reason?: string): Promise<Registration> {
    return this.transition('reinstate', devEui, by, reason);
  }
  retire(devEui: string, by: Actor, reason: string): Promise<Registration> {
    return this.transition('retire', devEui, by, reason);
  }

  async transition(action: LifecycleAction, devEui: string, by: Actor, reason?: string): Promise<Registration> {
    const t = this.terminal(devEui);
    if (!isOperatorActor(by)) {
      await this.record(by, `terminal.${action}`, t, 'denied', { status: t.status });
      throw new SatiotError('FORBIDDEN', `only operators ${action} terminals`);
    }
    const why = reason?.trim().slice(0, MAX_REASON) || null;
    if ((action === 'reject' || action === 'suspend' || action === 'retire') && !why)
      throw new SatiotError('INVALID_ARGUMENT', `a reason is required to ${action} a terminal`);
    const rule = TRANSITIONS[action];
    if (!rule.from.includes(t.status)) {
      await this.record(by, `terminal.${action}`, t, 'failed', { status: t.status, code: 'INVALID_TRANSITION' });
      throw new SatiotError(
        'INVALID_TRANSITION',
        `terminal ${t.devEui} is ${t.status}: it cannot ${action} (allowed from ${rule.from.join(', ')})`,
        { status: t.status },
      );
    }
    await this.change(t, t.status, rule.to, by, why, `terminal.${action}`);
    return (await this.get(t.devEui))!;
  }

  async get(devEui: string): Promise<Registration | undefined> {
    const e = this.registry.byDevEui(devEui.toLowerCase());
    if (!e) return undefined;
    const row = await this.store.registrations.getStatus(e.record.id);
    return this.view(e.record, row, this.declared.get(e.record.id));
  }

  /** The declared (or, for an undeclared terminal, derived) usage scenario; undefined for an unknown terminal. */
  scenarioOf(devEui: string): DeclaredScenario | undefined {
    const e = this.registry.byDevEui(devEui.toLowerCase());
    return e && scenarioFor(e.record, this.declared.get(e.record.id));
  }

  /** Pending terminals (the operators' review queue), oldest first. */
  async reviewQueue(q: {
    tenantId?: string;
    limit: number;
    cursor?: string;
  }): Promise<{ items: Registration[]; nextCursor?: string }> {
    const page = await this.store.registrations.listByStatus({ status: 'pending', ...q });
    const items: Registration[] = [];
    for (const row of page.items) {
      const e = this.registry.byDevEui(row.devEui);
      if (e) items.push(this.view(e.record, row, this.declared.get(row.terminalId)));
    }
    return { items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
  }

  /** Terminal counts by lifecycle state and declared sector, from the store (every node's changes). */
  countByStatusAndSector(): Promise<StatusCount[]> {
    return this.store.registrations.countByStatusAndSector();
  }

  /** The stored lifecycle rows of terminals in `status`, oldest first (the supervision report reads suspensions). */
  listByStatus(q: {
    status: TerminalStatus;
    tenantId?: string;
    limit: number;
    cursor?: string;
  }): Promise<Page<TerminalStatusRow>> {
    return this.store.registrations.listByStatus(q);
  }

  /** Every stored declaration (for master-key rotation; sealed values stay sealed). */
  declarations(): IterableIterator<RegistrationRecord> {
    return this.declared.values();
  }

  /** Replaces a declaration's sealed identity number after a re-wrap (memory follows the store). */
  async rewrapIdNumber(r: RegistrationRecord, next: string): Promise<boolean> {
    const ok = await this.store.registrations.replaceSealedIdNumber(r.terminalId, r.idNumberSealed, next);
    if (ok) this.remember({ ...r, idNumberSealed: next });
    return ok;
  }

  /** Re-reads one terminal's declaration (changed or removed through another node). */
  async reload(terminalId: string): Promise<void> {
    const r = await this.store.registrations.get(terminalId);
    if (r) this.remember(r);
    else {
      this.unbind(terminalId);
      this.declared.delete(terminalId);
    }
  }

  /** Forgets the declaration of a deleted terminal (its hardware id is free again). */
  async forget(terminalId: string): Promise<void> {
    await this.store.registrations.delete(terminalId);
    this.unbind(terminalId);
    this.declared.delete(terminalId);
  }

  /**
   * Resets a LoRaWAN terminal's uplink counters (an ABP terminal that restarted counts from 0 again
   * and would be refused for good): the anti-replay window is emptied and the counter epoch moves
   * on, so FCnt 0, 1, … are new messages again, stored apart from the earlier ones (which are kept).
   * Every frame the terminal sent before becomes acceptable again too — a recorded one could be
   * replayed — so this is an operator decision (FORBIDDEN otherwise), audited as
   * `terminal.counters-reset`. Every node takes the new state from the terminal's registry event.
   */
  async resetCounters(devEui: string, by: Actor): Promise<{ devEui: string; epoch: number; previousTop: number }> {
    const t = this.terminal(devEui);
    if (!isOperatorActor(by)) {
      await this.record(by, 'terminal.counters-reset', t, 'denied', {});
      throw new SatiotError('FORBIDDEN', 'only operators reset terminal counters');
    }
    const previousTop = this.registry.byTerminalId(t.id)?.window.top ?? -1;
    const state = await this.events.run(async (tx, emit) => {
      const c = await tx.counters.resetUplink(t.id);
      if (c) emit(this.events.registryChange('terminal', t.devEui));
      return c;
    });
    if (!state) throw new SatiotError('TERMINAL_NOT_FOUND', `no terminal ${t.devEui}`);
    await this.registry.reloadCounters(t.id);
    const epoch = state.upEpoch ?? 0;
    await this.record(by, 'terminal.counters-reset', t, 'ok', { epoch, previousTop });
    return { devEui: t.devEui, epoch, previousTop };
  }

  private terminal(devEui: string): TerminalRecord {
    const key = devEui.toLowerCase();
    const e = this.registry.byDevEui(key);
    if (!e) throw new SatiotError('TERMINAL_NOT_FOUND', `no terminal ${key}`);
    return e.record;
  }

  private async change(
    t: TerminalRecord,
    from: TerminalStatus,
    to: TerminalStatus,
    by: Actor,
    reason: string | null,
    action: string,
  ): Promise<void> {
    const at = this.clock.now();
    const set = await this.events.run(async (tx, emit) => {
      const ok = await tx.registrations.setStatus(t.id, from, to, { reason, by: actorLabel(by), at });
      if (ok) emit(this.events.registryChange('terminal', t.devEui));
      return ok;
    });
    if (!set) {
      // Another node changed it first: report what it is now.
      const now = await this.store.registrations.getStatus(t.id);
      if (now) this.registry.replaceRecord({ ...t, status: now.status });
      throw new SatiotError(
        'INVALID_TRANSITION',
        `terminal ${t.devEui} changed concurrently (now ${now?.status ?? 'gone'})`,
        { status: now?.status ?? null },
      );
    }
    this.registry.replaceRecord({ ...t, status: to });
    await this.record(by, action, t, 'ok', { from, to, ...(reason ? { reason } : {}) });
  }

  private check(d: RegistrationDetails): Omit<
    RegistrationRecord,
    'terminalId' | 'tenantId' | 'idNumberSealed' | 'createdAt' | 'updatedAt'
  > & {
    idNumber: string;
  } {
    const o = d.owner,
      s = d.scenario,
      b = d.binding;
    if (!o || !s || !b) throw new SatiotError('INVALID_ARGUMENT', 'a registration needs owner, scenario and binding');
    if (o.kind !== 'organisation' && o.kind !== 'person')
      throw new SatiotError('INVALID_ARGUMENT', 'owner.kind must be organisation or person');
    const name = typeof o.name === 'string' ? o.name.trim() : '';
    if (
      name.length === 0 ||
      name.length > 200 ||
      [...name].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)
    )
      throw new SatiotError('INVALID_ARGUMENT', 'owner.name must be 1–200 printable characters');
    if (typeof o.idNumber !== 'string') throw new SatiotError('INVALID_ARGUMENT', 'owner.idNumber is required');
    if (o.kind === 'organisation' && o.idType === 'resident-id')
      throw new SatiotError(
        'INVALID_ARGUMENT',
        'an organisation is identified by its business licence (or passport/other), not a resident identity number',
      );
    if (o.kind === 'person' && o.idType === 'business-licence')
      throw new SatiotError(
        'INVALID_ARGUMENT',
        'a person is identified by a resident identity number, passport or other document, not a business licence',
      );
    const idNumber = normaliseIdNumber(o.idType, o.idNumber);
    const sector = typeof s.sector === 'string' ? s.sector.trim().toLowerCase() : '';
    if (!SECTOR.test(sector) || sector === 'undeclared')
      throw new SatiotError(
        'INVALID_ARGUMENT',
        'scenario.sector must be 1–40 lower-case letters, digits or dashes (water, power, logistics, …)',
      );
    if (s.mobility !== 'fixed' && s.mobility !== 'mobile')
      throw new SatiotError('INVALID_ARGUMENT', 'scenario.mobility must be fixed or mobile');
    const perDay = s.expectedMessagesPerDay;
    if (typeof perDay !== 'number' || !Number.isFinite(perDay) || perDay < 0 || perDay > 100_000)
      throw new SatiotError('INVALID_ARGUMENT', 'scenario.expectedMessagesPerDay must be a number from 0 to 100000');
    const region = s.region === undefined || s.region === null ? null : checkRegion(s.region);
    const imei = b.imei === undefined || b.imei === '' ? null : checkImei(b.imei);
    const hardwareId = normaliseHardwareId(
      b.hardwareId === undefined || b.hardwareId === '' ? (imei ?? '') : b.hardwareId,
    );
    return {
      ownerKind: o.kind,
      ownerName: name,
      idType: o.idType,
      idNumber,
      idNumberMasked: maskIdNumber(idNumber),
      sector,
      mobility: s.mobility,
      region,
      expectedMessagesPerDay: perDay,
      hardwareId,
      imei,
    };
  }

  /**
   * HARDWARE_ID_BOUND when another terminal holds the hardware id or IMEI (the store's unique keys back this up across
   * nodes).
   */
  private async ensureUnbound(hardwareId: string, imei: string | null, terminalId: string | undefined): Promise<void> {
    for (const id of [hardwareId, ...(imei !== null ? [imei] : [])]) {
      const holder = this.bound.get(id);
      if (holder !== undefined && holder !== terminalId)
        throw new SatiotError('HARDWARE_ID_BOUND', 'this hardware id or IMEI is bound to another terminal');
    }
  }

  private remember(r: RegistrationRecord): void {
    this.unbind(r.terminalId);
    this.declared.set(r.terminalId, r);
    this.bound.set(r.hardwareId, r.terminalId);
    if (r.imei !== null) this.bound.set(r.imei, r.terminalId);
  }

  private unbind(terminalId: string): void {
    const old = this.declared.get(terminalId);
    if (!old) return;
    if (this.bound.get(old.hardwareId) === terminalId) this.bound.delete(old.hardwareId);
    if (old.imei !== null && this.bound.get(old.imei) === terminalId) this.bound.delete(old.imei);
  }

  private async saveDeclaration(
    terminalId: string,
    tenantId: string,
    d: ReturnType<RegistrationService['check']>,
    old: RegistrationRecord | undefined,
  ): Promise<void> {
    const now = this.clock.now();
    const { idNumber, ...rest } = d;
    const r: RegistrationRecord = {
      ...rest,
      terminalId,
      tenantId,
      idNumberSealed: this.vault.seal(Buffer.from(idNumber, 'utf8'), idContext(terminalId)),
      createdAt: old?.createdAt ?? now,
      updatedAt: now,
    };
    await this.events.run(async (tx, emit) => {
      await tx.registrations.save(r);
      const devEui = this.registry.byTerminalId(terminalId)?.record.devEui;
      if (devEui) emit(this.events.registryChange('terminal', devEui));
    });
    this.remember(r);
  }

  private view(t: TerminalRecord, row: TerminalStatusRow | undefined, r: RegistrationRecord | undefined): Registration {
    return {
      terminalId: t.id,
      tenantId: t.tenantId,
      devEui: t.devEui,
      status: row?.status ?? t.status,
      ...(row?.statusReason ? { statusReason: row.statusReason } : {}),
      ...(row?.statusBy ? { statusBy: row.statusBy } : {}),
      ...(row?.statusAt !== null && row?.statusAt !== undefined ? { statusAt: row.statusAt } : {}),
      declared: r !== undefined,
      ...(r
        ? { owner: { kind: r.ownerKind, name: r.ownerName, idType: r.idType, idNumberMasked: r.idNumberMasked } }
        : {}),
      scenario: scenarioFor(t, r),
      ...(r ? { binding: { hardwareId: r.hardwareId, ...(r.imei ? { imei: r.imei } : {}) } } : {}),
      createdAt: t.createdAt,
      ...(r ? { declaredAt: r.updatedAt } : {}),
    };
  }

  private async record(
    by: Actor,
    action: string,
    t: { id: string; tenantId: string; devEui: string },
    outcome: 'ok' | 'denied' | 'failed',
    details: Record<string, unknown>,
  ): Promise<void> {
    await this.audit().append({
      actor: by,
      action,
      target: { kind: 'terminal', id: t.devEui, tenantId: t.tenantId },
      outcome,
      details,
      at: this.clock.now(),
    });
  }
}

function scenarioFor(t: TerminalRecord, r: RegistrationRecord | undefined): DeclaredScenario {
  if (r)
    return {
      sector: r.sector,
      mobility: r.mobility,
      ...(r.region ? { region: r.region } : {}),
      expectedMessagesPerDay: r.expectedMessagesPerDay,
    };
  return {
    sector: 'undeclared',
    mobility: t.profile === 'fixed-collector' ? 'fixed' : 'mobile',
    expectedMessagesPerDay: t.expectedMessagesPerDay,
  };
}

function codeOf(e: unknown): string {
  return e instanceof SatiotError ? e.code : 'INTERNAL';
}
