import { randomUUID } from 'node:crypto';
import type { Alarm, Rule } from '../rules/index.js';
import type { DownlinkAction } from '../rules/rule.js';
import { SatiotError } from '../errors/satiot-error.js';
import type { AuditActor, AuditLog } from './ports/audit-log.js';
import type { Clock } from './ports/clock.js';
import type { Decision, DecisionPolicy, DecisionQuery, DecisionStore } from './ports/decision-store.js';
import type { LearnedModel, ModelQuery, ModelStore } from './ports/model-store.js';
import type { Page, StoreTx } from './ports/store.js';
import type { TerminalRecord } from './model.js';
import type { Emit, EventWriter } from './event-writer.js';
import type { DownlinkService } from './downlink-service.js';
import { downlinkRequestSubject } from './events/subjects.js';
import { downlinkRequestEventId, type DownlinkRequestEvent } from './events/alarm-event.js';

/** A proposal older than this is no longer approved (it answered a situation that has passed). */
export const PROPOSAL_TTL_MS = 24 * 3_600_000;
/** Who a decision names as its approver: `policy:auto`, or the actor (`api-key:<id>`, `operator`, …). */
export const AUTO_APPROVER = 'policy:auto';
const nameOf = (a: AuditActor): string => (a.id !== undefined ? `${a.kind}:${a.id}` : a.kind);

/**
 * Automated decisions (docs/intelligence.md): a rule's action, when the rule raises, becomes a
 * decision record with its inputs (the alarm's evidence), the model that judged them and how sure it
 * was. Under the tenant's policy it is taken at once (`auto`, approved by `policy:auto`) or proposed
 * for a person (`suggest`) to approve or reject. An executed decision can be undone while its command
 * has not left: the downlink is withdrawn. Each step is stored with its events in one transaction
 * and written to the audit chain.
 */
export class Decisions {
  constructor(
    private readonly store: { readonly decisions: DecisionStore; readonly models: ModelStore },
    private readonly events: EventWriter,
    private readonly downlinks: DownlinkService,
    private readonly clock: Clock,
    private readonly audit: () => AuditLog,
  ) {}

  /** The downlink queue refused an executed decision's command: the decision failed, with the code. */
  async refused(decisionId: string, code: string, message: string): Promise<void> {
    const d = await this.store.decisions.get(decisionId);
    if (!d || d.state !== 'executed') return;
    const next: Decision = { ...d, state: 'failed', reason: `${code}: ${message}`.slice(0, 500) };
    if (await this.store.decisions.update(next, d.version)) {
      await this.record(
        { kind: 'system', id: 'downlink-queue' },
        'decision.fail',
        { ...next, version: d.version + 1 },
        'failed',
        { code },
      );
    }
  }

  /**
   * In the rule runner's transaction: the decision for a raised alarm (one per alarm), executed at
   * once under `auto` (its downlink request emitted) or proposed under `suggest`. Undefined when the
   * alarm already has one.
   */
  async decide(
    tx: StoreTx,
    emit: Emit,
    c: { rule: Rule; terminal: TerminalRecord; alarm: Alarm; action: DownlinkAction & { readonly command?: string } },
  ): Promise<Decision | undefined> {
    const policy: DecisionPolicy = c.rule.action?.policy ?? (await tx.decisions.policy(c.terminal.tenantId)) ?? 'auto';
    const now = this.clock.now();
    const { model, confidence, leaf } = judgedBy(c.alarm.evidence);
    const stored = leaf ? await storeModel(tx, c.terminal, leaf, now) : undefined;
    const d: Decision = {
      id: randomUUID(),
      tenantId: c.terminal.tenantId,
      terminalId: c.terminal.id,
      devEui: c.terminal.devEui,
      ruleId: c.rule.id,
      alarmId: c.alarm.id,
      action: {
        kind: 'downlink',
        fPort: c.action.fPort,
        payloadHex: c.action.payloadHex,
        confirmed: c.action.confirmed ?? false,
        priority: c.action.priority ?? 'normal',
        ...(c.action.command ? { command: c.action.command } : {}),
      },
      inputs: c.alarm.evidence as unknown as Record<string, unknown>,
      model,
      modelId: stored?.id ?? null,
      confidence,
      policy,
      state: policy === 'auto' ? 'executed' : 'proposed',
      createdAt: now,
      decidedBy: policy === 'auto' ? AUTO_APPROVER : null,
      decidedAt: policy === 'auto' ? now : null,
      reason: null,
      undoneBy: null,
      undoneAt: null,
      version: 0,
    };
    if (!(await tx.decisions.create(d))) return undefined;
    if (d.state === 'executed') emit(requestOf(d, now));
    return d;
  }

  /** Audit records of decisions the rule runner took (after its transaction committed). */
  async taken(ds: readonly Decision[]): Promise<void> {
    for (const d of ds) {
      await this.record(
        { kind: 'system', id: 'decision-policy' },
        d.state === 'executed' ? 'decision.auto' : 'decision.propose',
        d,
        'ok',
      );
    }
  }

  async get(id: string): Promise<Decision> {
    const d = await this.store.decisions.get(id);
    if (!d) throw new SatiotError('DECISION_NOT_FOUND', `no decision ${id}`, { decisionId: id });
    return d;
  }

  /** A stored learned model (the one a decision names); MODEL_NOT_FOUND when there is none. */
  async model(id: string): Promise<LearnedModel> {
    const m = await this.store.models.get(id);
    if (!m) throw new SatiotError('MODEL_NOT_FOUND', `no model ${id}`, { modelId: id });
    return m;
  }

  /** Stored learned models, newest first. */
  models(q: ModelQuery): Promise<Page<LearnedModel>> {
    return this.store.models.list(q);
  }

  list(q: DecisionQuery): Promise<Page<Decision>> {
    return this.store.decisions.list(q);
  }

  async policy(tenantId: string): Promise<DecisionPolicy> {
    return (await this.store.decisions.policy(tenantId)) ?? 'auto';
  }

  async setPolicy(tenantId: string, policy: DecisionPolicy, by: AuditActor): Promise<void> {
    await this.store.decisions.setPolicy(tenantId, policy, this.clock.now());
    await this.audit().append({
      actor: by,
      action: 'decision.policy',
      target: { kind: 'tenant', id: tenantId, tenantId },
      outcome: 'ok',
      details: { policy },
      at: this.clock.now(),
    });
  }

  /** A proposed decision approved by `by`: executed, its downlink requested. */
  async approve(id: string, by: AuditActor): Promise<Decision> {
    return this.change(
      id,
      by,
      'decision.approve',
      (x, now) => {
        if (x.state !== 'proposed')
          throw new SatiotError('DECISION_STATE', `decision ${id} is ${x.state}; only a proposed one can be approved`, {
            state: x.state,
          });
        // What an old proposal answered has passed: acting on it now would act on a situation that is over.
        if (now - x.createdAt > PROPOSAL_TTL_MS)
          throw new SatiotError(
            'DECISION_STATE',
            `decision ${id} was proposed more than 24 hours ago; reject it, the rule proposes again when it raises`,
            { createdAt: new Date(x.createdAt).toISOString() },
          );
        return { ...x, state: 'executed', decidedBy: nameOf(by), decidedAt: now };
      },
      (x, emit, now) => emit(requestOf(x, now)),
    );
  }

  /** A proposed decision rejected by `by`, with why. */
  reject(id: string, by: AuditActor, reason?: string): Promise<Decision> {
    return this.change(id, by, 'decision.reject', (d, now) => {
      if (d.state !== 'proposed')
        throw new SatiotError('DECISION_STATE', `decision ${id} is ${d.state}; only a proposed one can be rejected`, {
          state: d.state,
        });
      return { ...d, state: 'rejected', decidedBy: nameOf(by), decidedAt: now, reason: reason ?? null };
    });
  }

  /**
   * An executed decision undone by `by`: its downlink is withdrawn while it has not left (queued, or
   * scheduled for a contact not yet begun). A command already on its way cannot be called back:
   * DECISION_NOT_UNDOABLE, and the decision stays executed.
   */
  async undo(id: string, by: AuditActor, reason?: string): Promise<Decision> {
    const d = await this.get(id);
    const refuse = async (e: SatiotError): Promise<never> => {
      await this.record(by, 'decision.undo', d, 'failed', { code: e.code });
      throw e;
    };
    if (d.state !== 'executed')
      await refuse(
        new SatiotError('DECISION_STATE', `decision ${id} is ${d.state}; only an executed one can be undone`, {
          state: d.state,
        }),
      );
    const dl = await this.downlinks.findByAlarm(d.alarmId);
    if (!dl)
      return refuse(
        new SatiotError(
          'DECISION_NOT_UNDOABLE',
          `decision ${id}: its downlink is still being queued; try again in a moment`,
          { decisionId: id },
        ),
      );
    const withdrawn = await this.downlinks.cancel(dl.id, 'decision-undone');
    if (withdrawn.state !== 'failed' || withdrawn.history.at(-1)?.reason !== 'decision-undone') {
      await this.record(by, 'decision.undo', d, 'failed', { downlinkId: dl.id, downlinkState: withdrawn.state });
      throw new SatiotError(
        'DECISION_NOT_UNDOABLE',
        `decision ${id}: its downlink is ${withdrawn.state} and can no longer be withdrawn`,
        { decisionId: id, downlinkId: dl.id, downlinkState: withdrawn.state },
      );
    }
    return this.change(
      id,
      by,
      'decision.undo',
      (x, now) => ({ ...x, state: 'undone', undoneBy: nameOf(by), undoneAt: now, reason: reason ?? x.reason }),
      undefined,
      { downlinkId: dl.id },
    );
  }

  private async change(
    id: string,
    by: AuditActor,
    action: string,
    next: (d: Decision, now: number) => Decision,
    effect?: (d: Decision, emit: Emit, now: number) => void,
    details: Record<string, unknown> = {},
  ): Promise<Decision> {
    const d = await this.get(id);
    const now = this.clock.now();
    let changed: Decision;
    try {
      changed = next(d, now);
    } catch (e) {
      await this.record(by, action, d, 'failed', { code: (e as SatiotError).code, ...details });
      throw e;
    }
    const ok = await this.events.run(async (tx, emit) => {
      if (!(await tx.decisions.update(changed, d.version))) return false;
      effect?.(changed, emit, now);
      return true;
    });
    if (!ok) {
      await this.record(by, action, d, 'failed', { code: 'DECISION_STATE', reason: 'changed meanwhile', ...details });
      throw new SatiotError('DECISION_STATE', `decision ${id} changed meanwhile; read it again`, { decisionId: id });
    }
    const saved = { ...changed, version: d.version + 1 };
    await this.record(by, action, saved, 'ok', details);
    return saved;
  }

  private async record(
    by: AuditActor,
    action: string,
    d: Decision,
    outcome: 'ok' | 'failed',
    details: Record<string, unknown> = {},
  ): Promise<void> {
    await this.audit().append({
      actor: by,
      action,
      target: { kind: 'decision', id: d.id, tenantId: d.tenantId },
      outcome,
      details: {
        devEui: d.devEui,
        ruleId: d.ruleId,
        alarmId: d.alarmId,
        model: d.model,
        confidence: d.confidence,
        policy: d.policy,
        state: d.state,
        ...details,
      },
      at: this.clock.now(),
    });
  }
}

/** The decision's downlink request (one per alarm: the downlink service queues it once). */
function requestOf(d: Decision, now: number): { id: string; subject: string; data: Uint8Array } {
  const req: DownlinkRequestEvent = {
    kind: 'downlink-request',
    alarmId: d.alarmId,
    ruleId: d.ruleId,
    tenantId: d.tenantId,
    devEui: d.devEui,
    decisionId: d.id,
    fPort: d.action.fPort,
    payloadHex: d.action.payloadHex,
    confirmed: d.action.confirmed,
    priority: d.action.priority,
    requestedAt: new Date(now).toISOString(),
  };
  return {
    id: downlinkRequestEventId(d.alarmId),
    subject: downlinkRequestSubject(d.tenantId, d.devEui),
    data: Buffer.from(JSON.stringify(req)),
  };
}

/**
 * The learned model behind a decision, stored as the next version of the terminal's model of that
 * field (or the same version when this fit is stored already): its parameters and training window
 * come from the condition's evidence (`fit`). Undefined when the evidence has none.
 */
async function storeModel(
  tx: StoreTx,
  terminal: TerminalRecord,
  leaf: Record<string, unknown>,
  now: number,
): Promise<LearnedModel | undefined> {
  const fit = leaf['fit'] as
    { trainedFrom?: unknown; trainedTo?: unknown; observations?: unknown; params?: unknown } | undefined;
  if (
    !fit ||
    typeof fit.trainedFrom !== 'number' ||
    typeof fit.trainedTo !== 'number' ||
    typeof fit.observations !== 'number'
  )
    return undefined;
  return tx.models.save(
    {
      tenantId: terminal.tenantId,
      subject: terminal.id,
      kind: String(leaf['kind']),
      field: String(leaf['field'] ?? ''),
      params: (fit.params ?? {}) as Record<string, unknown>,
      trainedFrom: fit.trainedFrom,
      trainedTo: fit.trainedTo,
      observations: fit.observations,
    },
    now,
  );
}

/**
 * The model that judged an alarm's inputs and how sure it was: an anomaly condition's highest score;
 * a forecast condition's chance that the line is crossed, from the bound it read; a plain rule is sure (1).
 * `leaf` is the learned condition that judged (its evidence has the fit to store), if one did.
 */
export function judgedBy(evidence: unknown): { model: string; confidence: number; leaf?: Record<string, unknown> } {
  const leaves = ((evidence as { conditions?: unknown } | null)?.conditions ?? []) as Array<Record<string, unknown>>;
  const learned = leaves.filter(
    (l) => l['kind'] === 'anomaly' && l['truth'] === 'true' && typeof l['score'] === 'number',
  );
  if (learned.length > 0) {
    const top = learned.reduce((a, l) => ((l['score'] as number) > (a['score'] as number) ? l : a));
    return { model: 'rule/anomaly:local-median', confidence: top['score'] as number, leaf: top };
  }
  // A forecast read at a bound of its 80 % interval: the upper bound is the 90th percentile, so the
  // crossing has at least a 10 % chance; the point forecast 50 %; the lower bound 90 %.
  const foreseen = leaves.filter((l) => l['kind'] === 'forecast' && l['truth'] === 'true');
  if (foreseen.length > 0) {
    const chance = { upper: 0.1, point: 0.5, lower: 0.9 } as Record<string, number>;
    const top = foreseen.reduce((a, l) =>
      (chance[String(l['quantile'])] ?? 0.5) > (chance[String(a['quantile'])] ?? 0.5) ? l : a,
    );
    return {
      model: `rule/forecast:${String(top['model'] ?? 'mstl-ets')}`,
      confidence: chance[String(top['quantile'])] ?? 0.5,
      leaf: top,
    };
  }
  const kinds = [...new Set(leaves.map((l) => String(l['kind'])))].sort();
  return { model: `rule/${kinds.join('+') || 'condition'}`, confidence: 1 };
}
