import { randomUUID } from 'node:crypto';
import {
  acknowledge,
  clear,
  conditionFields,
  evaluateMessage,
  evaluateSilence,
  raise,
  ruleApplies,
  type Alarm,
  type ContactOracle,
  type DownlinkAction,
  type MessageMeta,
  type Rule,
  type RuleState,
  type RuleTerminal,
  type RuleTransition,
} from '../rules/index.js';
import { buildCommand } from '../codecs/commands.js';
import { isCodecError } from '../codecs/codec.js';
import { SatiotError } from '../errors/satiot-error.js';
import type { Bus, BusMessage, Subscription } from './ports/bus.js';
import type { Clock } from './ports/clock.js';
import type { Page, Store, StoreTx } from './ports/store.js';
import type { AlarmQuery } from './ports/alarm-store.js';
import { ruleStateKey } from './ports/rule-store.js';
import type { TerminalRecord } from './model.js';
import type { Decisions } from './decisions.js';
import type { ForecastEngine } from '../learn/engine.js';
import type { NextMessageForecast } from '../learn/next-message.js';
import type { Decision } from './ports/decision-store.js';
import type { TerminalRegistry } from './terminal-registry.js';
import type { Emit, EventWriter } from './event-writer.js';
import { KeyedSerial } from './keyed-serial.js';
import { coalesce, DEFAULT_MAX_BATCH } from './batch-coalescer.js';
import { decodeEvent } from './events/decode-event.js';
import { alarmSubject, DECODED_SUBJECTS, downlinkRequestSubject } from './events/subjects.js';
import type { DecodedEvent } from './events/decoded-event.js';
import {
  alarmEventId,
  downlinkRequestEventId,
  type AlarmEvent,
  type DownlinkRequestEvent,
} from './events/alarm-event.js';

export type { AlarmEvent } from './events/alarm-event.js';

/**
 * How long a tenant's rules are cached (wall time). A change through any node also arrives as a
 * registry event and clears the cache within a second (registry-sync.ts); this bounds a missed one.
 */
const RULE_CACHE_MS = 60_000;

/** Durable consumer of decoded messages for the rules. */
export const RULES_CONSUMER = 'satiot-rules';

function ruleTerminal(t: TerminalRecord): RuleTerminal {
  return {
    id: t.id,
    devEui: t.devEui,
    profile: t.profile,
    tenantId: t.tenantId,
    ...(t.codec ? { codec: t.codec } : {}),
    ...(t.location ? { location: { lat: t.location.lat, lon: t.location.lon } } : {}),
  };
}

/**
 * Runs the tenants' rules: every decoded message through the rules that apply to its terminal
 * (state per rule and terminal kept in the store), silence checks on a timer, and the alarms'
 * lifecycle — raised by a rule, acknowledged and cleared by operators or cleared by the rule. Each
 * change is stored with its alarm event (and a rule action's downlink request) in one transaction.
 * A decoded event is evaluated once: the consumer's inbox is written in that transaction too, so a
 * redelivery changes nothing. Rules and alarms follow event time (capture time): a flood reading
 * that arrives late over store-and-forward still raises, at its capture time.
 */
export class RuleRunner {
  /** A tenant's rules, read at `at` (see RULE_CACHE_MS). */
  private readonly rulesByTenant = new Map<string, { at: number; rules: Promise<Rule[]> }>();
  private sub: Subscription | undefined;
  /**
   * One terminal's evaluations at a time, in arrival order (rule states are read-modify-write); terminals side by side.
   */
  private readonly serial = new KeyedSerial();

  constructor(
    private readonly store: Store,
    private readonly events: EventWriter,
    private readonly bus: Bus,
    private readonly registry: TerminalRegistry,
    private readonly clock: Clock,
    private readonly contacts: ContactOracle,
  ) {}

  /**
   * Where rule actions become decisions (set once the decision service exists; without it, actions are taken at once).
   */
  decisions: Decisions | undefined;
  /** What forecast conditions run on (CoreDeps.forecastEngine); without it they are unknown. */
  engine: ForecastEngine | undefined;
  /** A terminal's next-message forecast, for learned silence rules (without it they are unknown). */
  nextMessage: ((t: TerminalRecord) => Promise<NextMessageForecast>) | undefined;

  async start(): Promise<void> {
    this.sub ??= await this.bus.subscribe(
      DECODED_SUBJECTS,
      coalesce((ms) => this.handleBatch(ms)),
      { durable: RULES_CONSUMER, partitioned: true, maxInFlight: DEFAULT_MAX_BATCH },
    );
  }

  async stop(): Promise<void> {
    await this.sub?.close();
    this.sub = undefined;
  }

  /** Forget cached rules of a tenant (after a rule is saved or deleted, here or through another node). */
  invalidate(tenantId: string): void {
    this.rulesByTenant.delete(tenantId);
  }

  /**
   * Creates or replaces a tenant's rule (validated by the rules engine's parser); every node applies it within a
   * second.
   */
  async save(rule: Rule): Promise<void> {
    await this.events.run(async (tx, emit) => {
      await tx.rules.save(rule, this.clock.now());
      emit(this.events.registryChange('rules', rule.tenantId));
    });
    this.invalidate(rule.tenantId);
  }

  /** Deletes a rule and its states (its alarms stay, as history); false when there was none. */
  async delete(rule: Pick<Rule, 'id' | 'tenantId'>): Promise<boolean> {
    const deleted = await this.events.run(async (tx, emit) => {
      const ok = await tx.rules.delete(rule.id);
      if (ok) emit(this.events.registryChange('rules', rule.tenantId));
      return ok;
    });
    this.invalidate(rule.tenantId);
    return deleted;
  }

  /**
   * One rule, any tenant's (the caller checks the tenant), read from the store: an edit shows at once, whatever the
   * cache holds.
   */
  get(id: string): Promise<Rule | undefined> {
    return this.store.rules.get(id);
  }

  /** A tenant's rules as stored, not as cached for evaluation (see RULE_CACHE_MS). */
  list(tenantId: string): Promise<Rule[]> {
    return this.store.rules.list(tenantId);
  }

  /** One alarm, any tenant's (the caller checks the tenant). */
  alarm(id: string): Promise<Alarm | undefined> {
    return this.store.alarms.get(id);
  }

  /** Newest raised first, paged. */
  alarms(q: AlarmQuery): Promise<Page<Alarm>> {
    return this.store.alarms.list(q);
  }

  private rulesOf(tenantId: string): Promise<Rule[]> {
    const now = Date.now();
    const hit = this.rulesByTenant.get(tenantId);
    if (hit && now - hit.at < RULE_CACHE_MS) return hit.rules;
    const rules = this.store.rules.list(tenantId);
    this.rulesByTenant.set(tenantId, { at: now, rules });
    rules.catch(() => this.rulesByTenant.delete(tenantId));
    return rules;
  }

  /**
   * The first copy's reception metadata, for rules that read it (`meta.rssi`, `meta.snr`,
   * `meta.uplinkLatencyS`: capture → ingest, seconds; conditions compare numbers). The decoded event
   * does not carry it, so the message is read back; rules that read none cost nothing.
   */
  private async receptionMeta(messageId: string): Promise<Partial<MessageMeta>> {
    const m = await this.store.messages.get(messageId);
    const r = m?.receptions[0];
    if (!m || !r) return {};
    return { rssi: r.rssi, snr: r.snr, uplinkLatencyS: Math.round((m.ingestedAt - m.capturedAt) / 100) / 10 };
  }

  /** Evaluates one decoded-message event against its terminal's rules, once (a dead letter replayed). */
  handle(m: BusMessage): Promise<void> {
    return this.handleBatch([m]);
  }

  /**
   * Evaluates decoded-message events against their terminals' rules, each once, in one transaction:
   * the inbox entries in one statement, the rule states read in one query and written in one, each
   * terminal's messages in order (a later one sees the state the earlier left). Alarms, rare, are
   * read and written one by one.
   */
  async handleBatch(ms: readonly BusMessage[]): Promise<void> {
    const work: Array<{
      id: string;
      e: DecodedEvent;
      record: TerminalRecord;
      terminal: RuleTerminal;
      rules: Rule[];
      meta: MessageMeta;
    }> = [];
    const receptions: Array<Promise<void>> = [];
    for (const m of ms) {
      const ev = decodeEvent(m);
      if (ev?.type !== 'decoded' || typeof ev.body.devEui !== 'string' || typeof ev.body.capturedAt !== 'string')
        continue;
      const entry = this.registry.byDevEui(ev.body.devEui);
      if (!entry) continue;
      const terminal = ruleTerminal(entry.record);
      const rules = (await this.rulesOf(entry.record.tenantId)).filter((r) => r.enabled && ruleApplies(r, terminal));
      if (rules.length === 0) continue;
      const w = {
        id: ev.id,
        e: ev.body,
        record: entry.record,
        terminal,
        rules,
        meta: { fPort: ev.body.fPort, messageId: ev.body.messageId } as MessageMeta,
      };
      // The batch's receptions are read side by side, not one after another.
      if (readsReception(rules))
        receptions.push(
          this.receptionMeta(ev.body.messageId).then((r) => {
            w.meta = { ...w.meta, ...r };
          }),
        );
      work.push(w);
    }
    await Promise.all(receptions);
    if (work.length === 0) return; // nothing to evaluate, nothing to remember
    const decided: Decision[] = [];
    await this.serial.runAll(
      work.map((w) => w.terminal.devEui),
      () =>
        this.events.run(async (tx, emit) => {
          decided.length = 0; // a transaction run again starts afresh
          const fresh = await tx.inbox.claimMany(
            RULES_CONSUMER,
            work.map((w) => w.id),
            Date.now(),
          );
          // The others were evaluated before (redeliveries); an event twice in one batch counts once.
          const todo = work.filter((w) => fresh.delete(w.id));
          const states = await tx.rules.getStates(
            todo.flatMap((w) => w.rules.map((r) => ({ ruleId: r.id, terminalId: w.terminal.id }))),
          );
          const changed = new Map<string, { ruleId: string; terminalId: string; state: RuleState }>();
          for (const { e, record, terminal, rules, meta } of todo) {
            const capturedAt = Date.parse(e.capturedAt);
            for (const rule of rules) {
              const key = ruleStateKey(rule.id, terminal.id);
              const out = evaluateMessage(rule, states.get(key), {
                terminal,
                message: { id: e.messageId, capturedAt, decoded: e.decoded, meta },
                ...(this.engine ? { engine: this.engine } : {}),
              });
              states.set(key, out.state);
              changed.set(key, { ruleId: rule.id, terminalId: terminal.id, state: out.state });
              if (out.transition) await this.apply(tx, emit, rule, record, out.transition, decided, e.decoded);
            }
          }
          await tx.rules.saveStates([...changed.values()]);
        }),
    );
    await this.decisions?.taken(decided);
  }

  /**
   * Silence checks of every silence rule for every terminal in its scope, as of now. Returns the
   * number of transitions made. The serve command calls it on a timer.
   */
  async sweepSilence(): Promise<number> {
    let n = 0;
    const now = this.clock.now();
    const tenants = await this.store.tenants.list();
    for (const tenant of tenants) {
      const rules = (await this.rulesOf(tenant.id)).filter((r) => r.enabled && r.condition.kind === 'silence');
      if (rules.length === 0) continue;
      for (const entry of [...this.registry.all()]) {
        if (entry.record.tenantId !== tenant.id) continue;
        const terminal = ruleTerminal(entry.record);
        const applies = rules.filter((r) => ruleApplies(r, terminal));
        if (applies.length === 0) continue;
        n += await this.serial.run(terminal.devEui, async () => {
          const newest = (await this.store.messages.list({ terminalId: terminal.id, limit: 1 })).items[0];
          const lastHeardAt = newest?.capturedAt ?? entry.record.createdAt;
          // Learned rules ask the terminal's next-message forecast, once, and only once their hours have passed.
          const learned = applies.some(
            (r) =>
              r.condition.kind === 'silence' &&
              r.condition.learned &&
              now - lastHeardAt >= r.condition.hours * 3_600_000,
          );
          const forecast = learned && this.nextMessage ? await this.nextMessage(entry.record) : undefined;
          const nextMessage = forecast && {
            overdue: forecast.overdue,
            medianGapMs: forecast.model.medianGapMs,
            gaps: forecast.model.gaps,
          };
          const decided: Decision[] = [];
          const changed = await this.events.run(async (tx, emit) => {
            decided.length = 0;
            let count = 0;
            for (const rule of applies) {
              const ev = evaluateSilence(rule, await tx.rules.getState(rule.id, terminal.id), {
                terminal,
                now,
                lastHeardAt,
                contacts: this.contacts,
                ...(nextMessage ? { nextMessage } : {}),
              });
              await tx.rules.saveState(rule.id, terminal.id, ev.state);
              if (ev.transition) {
                await this.apply(tx, emit, rule, entry.record, ev.transition, decided);
                count++;
              }
            }
            return count;
          });
          await this.decisions?.taken(decided);
          return changed;
        });
      }
    }
    return n;
  }

  /** An operator acknowledges an alarm. */
  async acknowledge(alarmId: string, by: string): Promise<Alarm> {
    return this.operatorAction(alarmId, (a) => acknowledge(a, by, this.clock.now()), 'acknowledged');
  }

  /** An operator clears an alarm (the rule raises a new one if its condition fires again). */
  async clear(alarmId: string, by: string): Promise<Alarm> {
    return this.operatorAction(alarmId, (a) => clear(a, by, this.clock.now()), 'cleared');
  }

  private async operatorAction(alarmId: string, f: (a: Alarm) => Alarm, action: AlarmEvent['action']): Promise<Alarm> {
    const found = await this.store.alarms.get(alarmId);
    if (!found) throw new SatiotError('ALARM_NOT_FOUND', `no alarm ${alarmId}`);
    return this.serial.run(found.devEui, () =>
      this.events.run(async (tx, emit) => {
        const a = await tx.alarms.get(alarmId);
        if (!a) throw new SatiotError('ALARM_NOT_FOUND', `no alarm ${alarmId}`);
        // A transition the state does not allow throws AlarmError (ALARM_STATE, details.alarmId).
        const next = f(a);
        await tx.alarms.save(next);
        emit(alarmEvent(next, action));
        return next;
      }),
    );
  }

  /**
   * `decoded`: the report that made the transition (none for silence), from which a command action
   * is addressed (codecs/commands.ts). A command that cannot be built leaves the alarm raised with
   * `actionError` in its evidence, and no decision.
   */
  private async apply(
    tx: StoreTx,
    emit: Emit,
    rule: Rule,
    t: TerminalRecord,
    tr: RuleTransition,
    decided: Decision[],
    decoded?: unknown,
  ): Promise<void> {
    const open = await tx.alarms.getOpen(rule.id, t.id);
    if (tr.kind === 'clear') {
      if (!open) return;
      const a = clear(open, 'rule', tr.at);
      await tx.alarms.save(a);
      emit(alarmEvent(a, 'cleared'));
      return;
    }
    let dl: (DownlinkAction & { command?: string }) | undefined = rule.action?.downlink;
    let evidence = tr.evidence;
    const cmd = rule.action?.command;
    if (cmd && !open) {
      try {
        const bytes = buildCommand(cmd, decoded, this.clock.now());
        dl = {
          fPort: cmd.fPort,
          payloadHex: Buffer.from(bytes).toString('hex'),
          confirmed: cmd.confirmed,
          priority: cmd.priority,
          command: cmd.name,
        };
      } catch (e) {
        if (!isCodecError(e)) throw e;
        evidence = { ...evidence, actionError: `${e.code}: ${e.message}` };
      }
    }
    const a = raise(open, { id: randomUUID(), rule, terminal: { id: t.id, devEui: t.devEui }, at: tr.at, evidence });
    await tx.alarms.save(a);
    emit(alarmEvent(a, open ? 'repeated' : 'raised'));
    if (dl && !open) {
      // The rule's action becomes a decision: taken at once or proposed, under the tenant's policy.
      const d = this.decisions
        ? await this.decisions.decide(tx, emit, { rule, terminal: t, alarm: a, action: dl })
        : undefined;
      if (d) decided.push(d);
      else if (!this.decisions) {
        const { command: _c, ...bytes } = dl;
        const req: DownlinkRequestEvent = {
          kind: 'downlink-request',
          alarmId: a.id,
          ruleId: rule.id,
          tenantId: t.tenantId,
          devEui: t.devEui,
          ...bytes,
          requestedAt: new Date(this.clock.now()).toISOString(),
        };
        emit({
          id: downlinkRequestEventId(a.id),
          subject: downlinkRequestSubject(t.tenantId, t.devEui),
          data: Buffer.from(JSON.stringify(req)),
        });
      }
    }
  }
}

function alarmEvent(a: Alarm, action: AlarmEvent['action']): { id: string; subject: string; data: Uint8Array } {
  const e: AlarmEvent = { kind: 'alarm', action, alarm: a };
  return {
    id: alarmEventId(a, action),
    subject: alarmSubject(a.tenantId, a.devEui),
    data: Buffer.from(JSON.stringify(e)),
  };
}

/** Metadata every decoded event carries; any other `meta.*` a rule reads needs the reception. */
const EVENT_META = new Set(['meta.fPort', 'meta.messageId']);
const readsReception = (rules: readonly Rule[]): boolean =>
  rules.some((r) => conditionFields(r.condition).some((f) => f.startsWith('meta.') && !EVENT_META.has(f)));
