import type { Alarm, Rule, Severity } from '../rules/index.js';
import type { AlarmQuery } from './ports/alarm-store.js';
import type { Page } from './ports/store.js';
import type { Decision, DecisionQuery } from './ports/decision-store.js';
import type { DownlinkRecord } from './ports/downlink-store.js';
import type { IntegrationKind, IntegrationRecord } from './ports/delivery-store.js';
import type { Registration } from './registration.js';

/** What needs a person now, of one kind. */
export type AttentionKind =
  'alarm' | 'decision' | 'registration' | 'integration-disabled' | 'integration-failing' | 'downlink-expiring';

/**
 * One thing that needs a decision from the operator on duty, with where it is resolved: the
 * dashboard path (`link`) and, for a disabled integration, the API call that re-enables it.
 */
export interface AttentionItem {
  readonly kind: AttentionKind;
  readonly severity: Severity;
  /** Stable across refreshes: the kind of object and its id (`alarm:…`, `webhook:…`, `mqtt:…`, …). */
  readonly id: string;
  readonly tenantId: string;
  readonly title: string;
  readonly detail: string;
  /** When it began (raised, proposed, registered, disabled, expires), Unix ms. */
  readonly at: number;
  readonly devEui?: string;
  readonly link: string;
}

export interface Attention {
  readonly items: readonly AttentionItem[];
  /** How many of each kind the list holds. */
  readonly counts: Readonly<Record<AttentionKind, number>>;
  /** Kinds with more than the list holds (PER_KIND each): the list shows the most severe, then the oldest. */
  readonly more: readonly AttentionKind[];
}

/** A downlink still on the ground this close to its expiry needs a look (a contact may not come in time). */
export const EXPIRING_WITHIN_MS = 3_600_000;
/** Of each kind at most this many are read; the counts say when there are more. */
const PER_KIND = 50;
const RANK: Record<Severity, number> = { emergency: 0, critical: 1, warning: 2, info: 3 };
const SEVERITY_ORDER: readonly Severity[] = ['emergency', 'critical', 'warning', 'info'];

export interface AttentionSources {
  alarms(q: AlarmQuery): Promise<Page<Alarm>>;
  rule(id: string): Promise<Rule | undefined>;
  decisions(q: DecisionQuery): Promise<Page<Decision>>;
  /** The operators' review queue; undefined when the key may not review. */
  reviewQueue?(q: {
    tenantId?: string;
    limit: number;
  }): Promise<{ items: readonly Registration[]; nextCursor?: string }>;
  /** Undefined when delivery is off. */
  integrations?(kind: IntegrationKind, tenantId?: string): Promise<IntegrationRecord[]>;
  /** Downlinks still on the ground expiring before `before`, soonest first. */
  expiringDownlinks(q: { tenantId?: string; before: number; limit: number }): Promise<DownlinkRecord[]>;
  /** What people call a terminal (its name), when it has one. */
  terminalName?(devEui: string): string | undefined;
  now(): number;
}

/**
 * The "needs attention" list (docs/dashboard.md): open alarms not yet acknowledged, decisions waiting
 * for approval, terminals waiting for review, integrations disabled or failing, and downlinks still
 * on the ground within an hour of expiring — most severe first, then oldest first. For one tenant,
 * or all (undefined).
 */
export async function needsAttention(src: AttentionSources, tenantId: string | undefined): Promise<Attention> {
  const scope = tenantId !== undefined ? { tenantId } : {};
  const now = src.now();
  const more = new Set<AttentionKind>();
  // Alarms by severity, most severe first, so that the list's PER_KIND are the most severe ones
  // (the newest of each severity first as the store lists them; sorted by age below).
  const readAlarms = async (): Promise<Alarm[]> => {
    const out: Alarm[] = [];
    for (const severity of SEVERITY_ORDER) {
      // Once the list is full, one alarm of a lower severity is enough to know there are more.
      const room = PER_KIND - out.length;
      const page = await src.alarms({ ...scope, state: 'raised', severity, limit: Math.max(1, room) });
      if (room === 0) {
        if (page.items.length > 0) more.add('alarm');
        continue;
      }
      out.push(...page.items);
      if (page.nextCursor) more.add('alarm');
    }
    return out;
  };
  const [alarms, decisions, pending, webhooks, mqtt, expiring] = await Promise.all([
    readAlarms(),
    src.decisions({ ...scope, state: 'proposed', limit: PER_KIND }),
    src.reviewQueue ? src.reviewQueue({ ...scope, limit: PER_KIND }) : Promise.resolve({ items: [] }),
    src.integrations ? src.integrations('webhook', tenantId) : Promise.resolve([]),
    src.integrations ? src.integrations('mqtt', tenantId) : Promise.resolve([]),
    src.expiringDownlinks({ ...scope, before: now + EXPIRING_WITHIN_MS, limit: PER_KIND + 1 }),
  ]);
  if (decisions.nextCursor) more.add('decision');
  if ('nextCursor' in pending && pending.nextCursor) more.add('registration');
  if (expiring.length > PER_KIND) more.add('downlink-expiring');
  const who = (devEui: string) => {
    const name = src.terminalName?.(devEui);
    return name ? `${name} (${devEui})` : devEui;
  };
  const rules = new Map<string, Promise<Rule | undefined>>();
  const ruleOf = (id: string) => rules.get(id) ?? rules.set(id, src.rule(id)).get(id)!;
  const items: AttentionItem[] = [];
  for (const a of alarms) {
    const rule = await ruleOf(a.ruleId);
    items.push({
      kind: 'alarm',
      severity: a.severity,
      id: `alarm:${a.id}`,
      tenantId: a.tenantId,
      title: rule?.name ?? 'Alarm',
      detail: `${who(a.devEui)}: raised${a.count > 1 ? `, ${a.count} firings` : ''}, not acknowledged`,
      at: a.raisedAt,
      devEui: a.devEui,
      link: '/alarms',
    });
  }
  for (const d of decisions.items) {
    const rule = await ruleOf(d.ruleId);
    items.push({
      kind: 'decision',
      severity: 'warning',
      id: `decision:${d.id}`,
      tenantId: d.tenantId,
      title: `Approve or reject: ${rule?.name ?? 'a decision'}`,
      detail: `${who(d.devEui)}: ${d.action.command ?? `downlink on port ${d.action.fPort}`}, proposed by ${d.model}`,
      at: d.createdAt,
      devEui: d.devEui,
      link: '/decisions',
    });
  }
  for (const r of pending.items) {
    items.push({
      kind: 'registration',
      severity: 'info',
      id: `registration:${r.devEui}`,
      tenantId: r.tenantId,
      title: 'Registration waiting for review',
      detail: `${who(r.devEui)}${r.owner ? `: ${r.owner.name}` : ''}, ${r.scenario.sector}`,
      at: r.createdAt,
      devEui: r.devEui,
      link: '/supervision',
    });
  }
  for (const i of [...webhooks, ...mqtt]) {
    const name =
      `${i.kind === 'webhook' ? 'Webhook' : 'MQTT integration'} ` +
      `${i.kind === 'webhook' ? i.url.replace(/[?#].*$/, '') : i.url}`;
    if (i.disabledAt !== null) {
      items.push({
        kind: 'integration-disabled',
        severity: 'critical',
        id: `${i.kind}:${i.id}`,
        tenantId: i.tenantId,
        title: `${name} is disabled`,
        detail: i.disabledReason ?? 'disabled',
        at: i.disabledAt,
        link: `/integrations#${i.id}`,
      });
    } else if (i.consecutiveFailures > 0) {
      items.push({
        kind: 'integration-failing',
        severity: 'warning',
        id: `${i.kind}:${i.id}`,
        tenantId: i.tenantId,
        title: `${name} is failing`,
        detail: `${i.consecutiveFailures} deliveries in a row failed`,
        at: i.updatedAt,
        link: `/integrations#${i.id}`,
      });
    }
  }
  for (const d of expiring.slice(0, PER_KIND)) {
    const minutes = Math.max(0, Math.round((d.expiresAt - now) / 60_000));
    items.push({
      kind: 'downlink-expiring',
      severity: d.priority === 'emergency' ? 'critical' : 'warning',
      id: `downlink:${d.id}`,
      tenantId: d.tenantId,
      title: `Downlink expires ${minutes === 0 ? 'now' : `in ${minutes} min`}`,
      detail:
        `${who(d.devEui)}: ${d.state}` +
        `${d.eta ? `, reaches it at ${new Date(d.eta).toISOString().slice(11, 16)} UTC` : ', no contact in time'}`,
      at: d.expiresAt,
      devEui: d.devEui,
      link: `/terminals/${d.devEui}`,
    });
  }
  items.sort((a, b) => RANK[a.severity] - RANK[b.severity] || a.at - b.at || a.id.localeCompare(b.id));
  const count = (k: AttentionKind) => items.filter((i) => i.kind === k).length;
  const kinds: AttentionKind[] = [
    'alarm',
    'decision',
    'registration',
    'integration-disabled',
    'integration-failing',
    'downlink-expiring',
  ];
  return {
    items,
    counts: Object.fromEntries(kinds.map((k) => [k, count(k)])) as Record<AttentionKind, number>,
    more: kinds.filter((k) => more.has(k)),
  };
}
