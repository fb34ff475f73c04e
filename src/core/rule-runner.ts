import { randomUUID } from 'node:crypto';
import {
  acknowledge, clear, evaluateMessage, evaluateSilence, raise, ruleApplies, isAlarmError,
  type Alarm, type ContactOracle, type Rule, type RuleTerminal, type RuleTransition,
} from '../rules/index.js';
import { SatiotError } from '../errors/satiot-error.js';
import type { Bus, BusMessage, Subscription } from './ports/bus.js';
import type { Clock } from './ports/clock.js';
import type { Store } from './ports/store.js';
import type { TerminalRecord } from './model.js';
import type { TerminalRegistry } from './terminal-registry.js';
import type { DecodedEvent } from './payload-decoder.js';

/** How long a tenant's rules are cached (wall time): a rule changed through another node applies within it. */
const RULE_CACHE_MS = 10_000;

/** Durable consumer of decoded messages for the rules. */
export const RULES_CONSUMER = 'satiot-rules';

/** Subject of a terminal's alarm events. */
export function alarmSubject(tenantId: string, devEui: string): string {
  return `satiot.alarm.${tenantId}.${devEui}`;
}

/** Subject a rule's automatic downlink request goes to (the downlink queue consumes it). */
export function downlinkRequestSubject(tenantId: string, devEui: string): string {
  return `satiot.downlink-request.${tenantId}.${devEui}`;
}

/** An alarm event: what happened to the alarm, and the alarm as it now is. */
export interface AlarmEvent {
  readonly kind: 'alarm';
  readonly action: 'raised' | 'repeated' | 'acknowledged' | 'cleared';
  readonly alarm: Alarm;
}

function ruleTerminal(t: TerminalRecord): RuleTerminal {
  return {
    id: t.id, devEui: t.devEui, profile: t.profile, tenantId: t.tenantId,
    ...(t.codec ? { codec: t.codec } : {}), ...(t.location ? { location: { lat: t.location.lat, lon: t.location.lon } } : {}),
  };
}

/**
 * Runs the tenants' rules: every decoded message through the rules that apply to its terminal
 * (state per rule and terminal kept in the store), silence checks on a timer, and the alarms'
 * lifecycle — raised by a rule, acknowledged and cleared by operators or cleared by the rule. Each
 * change is stored, then published as an alarm event. Rules and alarms follow event time (capture
 * time): a flood reading that arrives late over store-and-forward still raises, at its capture time.
 */
export class RuleRunner {
  /** A tenant's rules, read at `at`: kept 10 s so that changes made through another node apply soon. */
  private readonly rulesByTenant = new Map<string, { at: number; rules: Promise<Rule[]> }>();
  private sub: Subscription | undefined;
  /** One tenant's evaluations at a time, in arrival order (rule states are read-modify-write). */
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly bus: Bus,
    private readonly registry: TerminalRegistry,
    private readonly clock: Clock,
    private readonly contacts: ContactOracle,
  ) {}

  async start(): Promise<void> {
    this.sub ??= await this.bus.subscribe('satiot.decoded.>', (m) => this.handle(m), { durable: RULES_CONSUMER });
  }

  async stop(): Promise<void> {
    await this.sub?.close();
    this.sub = undefined;
  }

  /** Forget cached rules of a tenant (after a rule is saved or deleted). */
  invalidate(tenantId: string): void {
    this.rulesByTenant.delete(tenantId);
  }

  private rulesOf(tenantId: string): Promise<Rule[]> {
    const now = Date.now();
    const hit = this.rulesByTenant.get(tenantId);
    if (hit && now - hit.at < RULE_CACHE_MS) return hit.rules;
    const rules = this.store.listRules(tenantId);
    this.rulesByTenant.set(tenantId, { at: now, rules });
    rules.catch(() => this.rulesByTenant.delete(tenantId));
    return rules;
  }

  private serial<T>(f: () => Promise<T>): Promise<T> {
    const run = this.chain.then(f);
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Evaluates one decoded-message event against its terminal's rules. */
  handle(m: BusMessage): Promise<void> {
    let e: DecodedEvent;
    try {
      e = JSON.parse(Buffer.from(m.data).toString('utf8')) as DecodedEvent;
    } catch {
      return Promise.resolve();
    }
    if (e?.kind !== 'decoded' || typeof e.devEui !== 'string') return Promise.resolve();
    return this.serial(async () => {
      const entry = this.registry.byDevEui(e.devEui);
      if (!entry) return;
      const terminal = ruleTerminal(entry.record);
      const capturedAt = Date.parse(e.capturedAt);
      for (const rule of await this.rulesOf(entry.record.tenantId)) {
        if (!rule.enabled || !ruleApplies(rule, terminal)) continue;
        const state = await this.store.getRuleState(rule.id, terminal.id);
        const ev = evaluateMessage(rule, state, {
          terminal,
          message: { id: e.messageId, capturedAt, decoded: e.decoded, meta: { fPort: e.fPort, messageId: e.messageId } },
        });
        await this.store.saveRuleState(rule.id, terminal.id, ev.state);
        if (ev.transition) await this.apply(rule, entry.record, ev.transition);
      }
    });
  }

  /**
   * Silence checks of every silence rule for every terminal in its scope, as of now. Returns the
   * number of transitions made. The serve command calls it on a timer.
   */
  sweepSilence(): Promise<number> {
    return this.serial(async () => {
      let n = 0;
      const now = this.clock.now();
      const tenants = await this.store.listTenants();
      for (const tenant of tenants) {
        const rules = (await this.rulesOf(tenant.id)).filter((r) => r.enabled && r.condition.kind === 'silence');
        if (rules.length === 0) continue;
        for (const entry of this.registry.all()) {
          if (entry.record.tenantId !== tenant.id) continue;
          const terminal = ruleTerminal(entry.record);
          const newest = (await this.store.listMessages({ terminalId: terminal.id, limit: 1 })).items[0];
          const lastHeardAt = newest?.capturedAt ?? entry.record.createdAt;
          for (const rule of rules) {
            if (!ruleApplies(rule, terminal)) continue;
            const ev = evaluateSilence(rule, await this.store.getRuleState(rule.id, terminal.id), { terminal, now, lastHeardAt, contacts: this.contacts });
            await this.store.saveRuleState(rule.id, terminal.id, ev.state);
            if (ev.transition) { await this.apply(rule, entry.record, ev.transition); n++; }
          }
        }
      }
      return n;
    });
  }

  /** An operator acknowledges an alarm. */
  async acknowledge(alarmId: string, by: string): Promise<Alarm> {
    return this.operatorAction(alarmId, (a) => acknowledge(a, by, this.clock.now()), 'acknowledged');
  }

  /** An operator clears an alarm (the rule raises a new one if its condition fires again). */
  async clear(alarmId: string, by: string): Promise<Alarm> {
    return this.operatorAction(alarmId, (a) => clear(a, by, this.clock.now()), 'cleared');
  }

  private operatorAction(alarmId: string, f: (a: Alarm) => Alarm, action: AlarmEvent['action']): Promise<Alarm> {
    return this.serial(async () => {
      const a = await this.store.getAlarm(alarmId);
      if (!a) throw new SatiotError('ALARM_NOT_FOUND', `no alarm ${alarmId}`);
      let next: Alarm;
      try {
        next = f(a);
      } catch (e) {
        if (isAlarmError(e)) throw new SatiotError('ALARM_STATE', e.message, { alarmId });
        throw e;
      }
      await this.store.saveAlarm(next);
      await this.publish(next, action);
      return next;
    });
  }

  private async apply(rule: Rule, t: TerminalRecord, tr: RuleTransition): Promise<void> {
    const open = await this.store.getOpenAlarm(rule.id, t.id);
    if (tr.kind === 'clear') {
      if (!open) return;
      const a = clear(open, 'rule', tr.at);
      await this.store.saveAlarm(a);
      await this.publish(a, 'cleared');
      return;
    }
    const a = raise(open, { id: randomUUID(), rule, terminal: { id: t.id, devEui: t.devEui }, at: tr.at, evidence: tr.evidence });
    await this.store.saveAlarm(a);
    await this.publish(a, open ? 'repeated' : 'raised');
    const dl = rule.action?.downlink;
    if (dl && !open) {
      // The automatic decision: a downlink request for the terminal, queued by the downlink service.
      const req = { kind: 'downlink-request', alarmId: a.id, ruleId: rule.id, tenantId: t.tenantId, devEui: t.devEui, ...dl, requestedAt: new Date(this.clock.now()).toISOString() };
      await this.bus.publish(downlinkRequestSubject(t.tenantId, t.devEui), Buffer.from(JSON.stringify(req)), { msgId: `${a.id}:downlink` });
    }
  }

  private async publish(a: Alarm, action: AlarmEvent['action']): Promise<void> {
    const e: AlarmEvent = { kind: 'alarm', action, alarm: a };
    await this.bus.publish(alarmSubject(a.tenantId, a.devEui), Buffer.from(JSON.stringify(e)), { msgId: `${a.id}:${action}:${a.count}:${a.state}` });
  }
}
