import { randomUUID } from 'node:crypto';
import type { AuditActor, AuditLog } from './ports/audit-log.js';
import type { Anomaly } from './ports/anomaly-store.js';
import type { Clock } from './ports/clock.js';
import type { LimitStore } from './ports/limit-store.js';
import type { EventWriter } from './event-writer.js';
import { anomalyEventId, type AnomalyEvent } from './events/anomaly-event.js';
import { anomalySubject } from './events/subjects.js';
import { SatiotError } from '../errors/satiot-error.js';

const HOUR_MS = 3_600_000;

/** Emergency downlinks a tenant may queue per clock hour, by default (its API users and its rules together). */
export const DEFAULT_EMERGENCY_DOWNLINKS_PER_HOUR = 20;

/** Who asked for an emergency downlink: a caller of the API, or a tenant's rule (its decision). */
export interface EmergencyRequest {
  readonly tenantId: string;
  readonly devEui: string;
  readonly actor: AuditActor;
  readonly sourceIp?: string;
}

/**
 * A tenant's budget of emergency downlinks. An emergency passes the rate limits and the monthly
 * quota and is planned before everything else on the shared contacts, so its volume is bounded
 * apart: `perHour` per tenant per clock hour, counted in the store's limit windows (every node of a
 * cluster counts into the same window). Each admitted emergency is audited (`downlink.emergency`,
 * ok); one over the budget is refused with EMERGENCY_BUDGET_EXCEEDED, the first refusal of a window
 * is audited as denied and raises an `emergency-excess` anomaly alert (`satiot.anomaly.emergency-excess`)
 * for the supervisors. The window runs on the wall clock, as the API's rate limits do.
 */
export class EmergencyBudget {
  constructor(
    private readonly limits: Pick<LimitStore, 'hit'>,
    private readonly events: EventWriter,
    private readonly audit: () => AuditLog,
    private readonly perHour: number | false = DEFAULT_EMERGENCY_DOWNLINKS_PER_HOUR,
    private readonly clock: Clock,
  ) {}

  /** Counts one emergency of the tenant; throws EMERGENCY_BUDGET_EXCEEDED when it is over the budget. */
  async admit(r: EmergencyRequest): Promise<void> {
    const now = this.clock.now();
    const target = { kind: 'terminal', id: r.devEui, tenantId: r.tenantId };
    if (this.perHour === false) {
      await this.audit().append({
        actor: r.actor,
        action: 'downlink.emergency',
        target,
        outcome: 'ok',
        at: now,
        ...(r.sourceIp ? { sourceIp: r.sourceIp } : {}),
      });
      return;
    }
    const { count, resetAt } = await this.limits.hit(`emergency:${r.tenantId}`, HOUR_MS, now);
    const details = { count, limitPerHour: this.perHour, windowEndsAt: new Date(resetAt).toISOString() };
    const over = count > this.perHour;
    // Past the first refusal of the hour, refusals are recorded only as the failed API call (or the
    // failed decision): a tenant that keeps asking adds one record per request, not two.
    const first = count === this.perHour + 1;
    if (!over || first) {
      await this.audit().append({
        actor: r.actor,
        action: 'downlink.emergency',
        target,
        outcome: over ? 'denied' : 'ok',
        at: now,
        details,
        ...(r.sourceIp ? { sourceIp: r.sourceIp } : {}),
      });
    }
    if (!over) return;
    if (first) await this.alert(r, now, details);
    throw new SatiotError(
      'EMERGENCY_BUDGET_EXCEEDED',
      `the tenant has queued ${this.perHour} emergency downlinks this hour, its budget; send this one as ` +
        `normal priority or retry after ${details.windowEndsAt}`,
      { retryAfterSeconds: Math.max(1, Math.ceil((resetAt - now) / 1000)), limitPerHour: this.perHour },
    );
  }

  private async alert(r: EmergencyRequest, now: number, details: Record<string, unknown>): Promise<void> {
    const a: Anomaly = {
      id: randomUUID(),
      kind: 'emergency-excess',
      subject: { kind: 'terminal', id: r.devEui },
      tenantId: r.tenantId,
      score: 1,
      evidence: { ...details, actor: r.actor.kind, ...(r.actor.role ? { role: r.actor.role } : {}) },
      observedAt: now,
      detectedAt: now,
      response: 'alert',
    };
    await this.events.run(async (tx, emit) => {
      await tx.anomalies.save(a);
      const e: AnomalyEvent = {
        ...a,
        observedAt: new Date(now).toISOString(),
        detectedAt: new Date(now).toISOString(),
      };
      emit({ id: anomalyEventId(a.id), subject: anomalySubject(a.kind), data: Buffer.from(JSON.stringify(e)) });
    });
    await this.audit().append({
      actor: { kind: 'system', id: 'emergency-budget' },
      action: `anomaly.${a.kind}`,
      target: { kind: 'terminal', id: r.devEui, tenantId: r.tenantId },
      outcome: 'ok',
      at: now,
      details: { anomalyId: a.id, score: a.score, response: a.response, evidence: a.evidence },
    });
  }
}
