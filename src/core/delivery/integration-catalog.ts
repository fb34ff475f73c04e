import { randomBytes, randomUUID } from 'node:crypto';
import { SatiotError } from '../../errors/satiot-error.js';
import type { ErrorCode } from '../../errors/error-codes.js';
import type { KeyVault } from '../key-vault.js';
import type { Clock } from '../ports/clock.js';
import type { DeliveryStore, IntegrationKind, IntegrationRecord, LoggedAttempt } from '../ports/delivery-store.js';
import type { Page } from '../ports/store.js';
import { EVENT_KINDS, type EventKind } from './delivery-event.js';
import { parseKinds } from './event-filter.js';

/** What the catalogue needs to know about tenants (the core's Store satisfies it). */
export interface TenantLookup {
  get(id: string): Promise<unknown>;
}

export interface NewWebhook {
  readonly tenantId: string;
  readonly url: string;
  /** Default: every kind. */
  readonly events?: readonly string[];
}

export interface NewMqttIntegration {
  readonly tenantId: string;
  readonly url: string;
  readonly username?: string;
  readonly password?: string;
  /** Replaces the first topic level `satiot`; may hold several levels (`plant-7/satiot`). */
  readonly topicPrefix?: string;
  /** Default: every kind. */
  readonly events?: readonly string[];
}

export interface IntegrationCatalogOptions {
  /**
   * How long the integrations of a tenant are cached for the consumers, ms (default 5 s): changes
   * made on this node apply at once, those made on another node sharing the database within this.
   */
  readonly cacheTtlMs?: number;
}

const WEBHOOK_NOT_FOUND = 'WEBHOOK_NOT_FOUND' satisfies ErrorCode;
const INTEGRATION_NOT_FOUND = 'INTEGRATION_NOT_FOUND' satisfies ErrorCode;
const INTEGRATION_INVALID = 'INTEGRATION_INVALID' satisfies ErrorCode;

const MAX_URL_LENGTH = 2048;
/** MQTT topic levels without wildcards, NUL or empty levels, not starting with `$` (reserved by brokers). */
const TOPIC_PREFIX = /^(?!\$)[^+#\0/]{1,64}(\/[^+#\0/]{1,64}){0,7}$/;

function invalid(message: string, details: Record<string, unknown> = {}): SatiotError {
  return new SatiotError(INTEGRATION_INVALID, message, details);
}

function checkedUrl(text: string, protocols: readonly string[], what: string): string {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw invalid(`${what} URL is not a URL`, { url: text });
  }
  if (text.length > MAX_URL_LENGTH) throw invalid(`${what} URL is longer than ${MAX_URL_LENGTH} characters`);
  if (!protocols.includes(u.protocol))
    throw invalid(`${what} URL must start with ${protocols.map((p) => `${p}//`).join(' or ')}`, { url: text });
  if (u.hostname === '') throw invalid(`${what} URL has no host`, { url: text });
  if (u.username !== '' || u.password !== '') throw invalid(`${what} URL may not carry credentials`);
  return u.toString();
}

function checkedEvents(events: readonly string[] | undefined): EventKind[] {
  if (events !== undefined && events.length === 0)
    throw invalid('"events" is empty: name at least one kind, or leave it out for all');
  try {
    return parseKinds(events) ?? [...EVENT_KINDS];
  } catch (e) {
    throw invalid((e as Error).message);
  }
}

/**
 * The integrations of every tenant — webhooks and MQTT brokers — and the rules for making them:
 * URLs and fields checked, webhook secrets generated here and shown once, secrets and passwords
 * sealed by the key vault before they reach the store. The consumers read it through a short
 * cache; secrets are opened once per integration.
 */
export class IntegrationCatalog {
  private readonly byTenant = new Map<
    string,
    { readonly at: number; readonly records: Promise<IntegrationRecord[]> }
  >();
  private readonly byIdCache = new Map<
    string,
    { readonly at: number; readonly record: Promise<IntegrationRecord | undefined> }
  >();
  private readonly secrets = new Map<string, string | undefined>();
  private readonly ttlMs: number;

  constructor(
    private readonly store: DeliveryStore,
    private readonly tenants: TenantLookup,
    private readonly vault: KeyVault,
    private readonly clock: Clock,
    opts: IntegrationCatalogOptions = {},
  ) {
    this.ttlMs = opts.cacheTtlMs ?? 5_000;
  }

  /** A webhook and its signing secret (the only time the secret is returned). */
  async createWebhook(n: NewWebhook): Promise<{ webhook: IntegrationRecord; secret: string }> {
    const url = checkedUrl(n.url, ['http:', 'https:'], 'webhook');
    const events = checkedEvents(n.events);
    await this.assertTenant(n.tenantId);
    const id = randomUUID();
    // 32 random bytes; the prefix makes a leaked secret recognisable to secret scanners.
    const secret = `whsec_${randomBytes(32).toString('base64url')}`;
    const webhook = this.record(id, 'webhook', n.tenantId, url, events, { secretSealed: this.seal(id, secret) });
    await this.store.createIntegration(webhook);
    this.invalidate(webhook);
    return { webhook, secret };
  }

  async createMqtt(n: NewMqttIntegration): Promise<IntegrationRecord> {
    const url = checkedUrl(n.url, ['mqtt:', 'mqtts:', 'ws:', 'wss:'], 'broker');
    const events = checkedEvents(n.events);
    if (n.username !== undefined && (n.username.length === 0 || n.username.length > 256))
      throw invalid('"username" must be 1–256 characters');
    if (n.password !== undefined && n.password.length > 1024)
      throw invalid('"password" is longer than 1024 characters');
    if (n.topicPrefix !== undefined && !TOPIC_PREFIX.test(n.topicPrefix)) {
      throw invalid('"topicPrefix" must be 1–8 topic levels without +, #, empty levels or a leading $', {
        topicPrefix: n.topicPrefix,
      });
    }
    await this.assertTenant(n.tenantId);
    const id = randomUUID();
    const r = this.record(id, 'mqtt', n.tenantId, url, events, {
      username: n.username ?? null,
      topicPrefix: n.topicPrefix ?? null,
      secretSealed: n.password === undefined ? null : this.seal(id, n.password),
    });
    await this.store.createIntegration(r);
    this.invalidate(r);
    return r;
  }

  /** One integration of this kind; WEBHOOK_NOT_FOUND / INTEGRATION_NOT_FOUND when there is none. */
  async get(kind: IntegrationKind, id: string): Promise<IntegrationRecord> {
    const r = await this.store.getIntegration(id);
    if (!r || r.kind !== kind) throw notFound(kind, id);
    return r;
  }

  list(kind: IntegrationKind, tenantId?: string): Promise<IntegrationRecord[]> {
    return this.store.listIntegrations({ kind, ...(tenantId !== undefined ? { tenantId } : {}) });
  }

  /** Enables (the failure count starts again) or disables an integration by hand. */
  async setEnabled(kind: IntegrationKind, id: string, enabled: boolean): Promise<IntegrationRecord> {
    const old = await this.get(kind, id);
    const r = await this.store.setIntegrationEnabled(
      id,
      enabled,
      enabled ? null : 'disabled by an operator',
      this.clock.now(),
    );
    if (!r) throw notFound(kind, id);
    this.invalidate(old);
    return r;
  }

  /** Deletes an integration with its queued deliveries and its log. */
  async delete(kind: IntegrationKind, id: string): Promise<void> {
    const old = await this.get(kind, id);
    if (!(await this.store.deleteIntegration(id))) throw notFound(kind, id);
    this.invalidate(old);
  }

  /** An integration's delivery log, newest first. */
  async attempts(
    kind: IntegrationKind,
    id: string,
    q: { limit: number; cursor?: string },
  ): Promise<Page<LoggedAttempt>> {
    await this.get(kind, id);
    return this.store.listAttempts(id, q);
  }

  /** The enabled integrations of a tenant and kind, for the consumers (cached, see cacheTtlMs). */
  async activeFor(tenantId: string, kind: IntegrationKind): Promise<IntegrationRecord[]> {
    const key = `${kind}:${tenantId}`;
    const now = this.clock.now();
    let c = this.byTenant.get(key);
    if (!c || now - c.at > this.ttlMs) {
      c = {
        at: now,
        records: this.store.listIntegrations({ kind, tenantId }).then((rs) => rs.filter((r) => r.disabledAt === null)),
      };
      this.byTenant.set(key, c);
      c.records.catch(() => {
        if (this.byTenant.get(key) === c) this.byTenant.delete(key);
      });
    }
    return c.records;
  }

  /** An integration for the senders (cached like activeFor; the store re-checks enabled on every claim). */
  async byId(id: string): Promise<IntegrationRecord | undefined> {
    const now = this.clock.now();
    let c = this.byIdCache.get(id);
    if (!c || now - c.at > this.ttlMs) {
      c = { at: now, record: this.store.getIntegration(id) };
      this.byIdCache.set(id, c);
      c.record.catch(() => {
        if (this.byIdCache.get(id) === c) this.byIdCache.delete(id);
      });
    }
    return c.record;
  }

  /** The opened webhook secret or broker password; undefined when there is none. */
  secretOf(r: IntegrationRecord): string | undefined {
    if (!this.secrets.has(r.id)) {
      this.secrets.set(
        r.id,
        r.secretSealed === null
          ? undefined
          : Buffer.from(this.vault.open(r.secretSealed, sealContext(r.id))).toString('utf8'),
      );
    }
    return this.secrets.get(r.id);
  }

  /** Forgets what is cached about an integration (after it changed). */
  invalidate(r: Pick<IntegrationRecord, 'id' | 'tenantId' | 'kind'>): void {
    this.byTenant.delete(`${r.kind}:${r.tenantId}`);
    this.byIdCache.delete(r.id);
    this.secrets.delete(r.id);
  }

  /** TENANT_NOT_FOUND unless the tenant exists. */
  async assertTenant(tenantId: string): Promise<void> {
    if (!(await this.tenants.get(tenantId))) throw new SatiotError('TENANT_NOT_FOUND', `no tenant ${tenantId}`);
  }

  private seal(id: string, secret: string): string {
    return this.vault.seal(Buffer.from(secret, 'utf8'), sealContext(id));
  }

  private record(
    id: string,
    kind: IntegrationKind,
    tenantId: string,
    url: string,
    events: readonly EventKind[],
    over: Partial<IntegrationRecord>,
  ): IntegrationRecord {
    const now = this.clock.now();
    return {
      id,
      kind,
      tenantId,
      url,
      events,
      username: null,
      topicPrefix: null,
      secretSealed: null,
      disabledAt: null,
      disabledReason: null,
      consecutiveFailures: 0,
      createdAt: now,
      updatedAt: now,
      ...over,
    };
  }
}

/** Sealed secrets are bound to their integration: one cannot be copied onto another row. */
export function sealContext(integrationId: string): string {
  return `integration:${integrationId}`;
}

function notFound(kind: IntegrationKind, id: string): SatiotError {
  return kind === 'webhook'
    ? new SatiotError(WEBHOOK_NOT_FOUND, `no webhook ${id}`)
    : new SatiotError(INTEGRATION_NOT_FOUND, `no MQTT integration ${id}`);
}
