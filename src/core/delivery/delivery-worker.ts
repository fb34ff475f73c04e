import type { Clock } from '../ports/clock.js';
import type { DeliveryStore, IntegrationKind, IntegrationRecord, PendingDelivery } from '../ports/delivery-store.js';
import type { Store } from '../ports/store.js';
import { attemptErrorText } from './attempt-error.js';
import { backoffMs, leaseMs, type DeliveryPolicy } from './delivery-policy.js';
import type { IntegrationCatalog } from './integration-catalog.js';

/** One attempt's result: ok for a 2xx or a PUBACK; statusCode when an HTTP answer came back. */
export interface AttemptResult {
  readonly ok: boolean;
  readonly statusCode: number | null;
  readonly error: string | null;
}

/**
 * Makes one attempt of one delivery; may throw (counted as a failed attempt, logged as its class: attempt-error.ts).
 */
export type DeliverySender = (integration: IntegrationRecord, d: PendingDelivery) => Promise<AttemptResult>;

/**
 * Works through the delivery queue of one integration kind: finds integrations with deliveries due,
 * runs a loop per integration (up to concurrencyPerIntegration, and concurrency in all) that claims
 * the next due delivery, attempts it through the sender, logs the attempt, and then completes it,
 * schedules the next attempt with exponential backoff, or gives it up — counting the failure
 * toward disabling the integration. A slow or failing receiver holds only its own loops.
 *
 * Started, it looks for due work every pollMs and at once when woken (something was queued).
 * Tests drive it with drain() and a ManualClock instead.
 */
/** One attempt as metrics see it. */
export interface AttemptObservation {
  readonly kind: IntegrationKind;
  readonly outcome: 'delivered' | 'retrying' | 'failed';
  readonly durationMs: number;
  /** For a delivered uplink event: ingested → delivered, seconds (the message's last hop). */
  readonly sinceIngestS?: number;
}

export class DeliveryWorker {
  private readonly loopsPerIntegration = new Map<string, number>();
  private readonly loops = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private tickAgain = false;
  /** A wake-up is already armed: a burst of queued events costs one timer, not one each. */
  private wakeArmed = false;
  private attemptsMade = 0;
  private started = false;
  private closing = false;

  constructor(
    private readonly kind: IntegrationKind,
    private readonly sender: DeliverySender,
    private readonly store: DeliveryStore,
    private readonly catalog: IntegrationCatalog,
    private readonly clock: Clock,
    private readonly policy: DeliveryPolicy,
    private readonly onError: (e: unknown) => void,
    private readonly onAttempt?: (a: AttemptObservation) => void,
    /**
     * Transactions over the core's store (group-committed with the other consumers' work): a
     * claim, and an attempt's outcome (its log entry, the delivery's end or its next try), are each
     * one write that concurrent deliveries share instead of a durable commit per statement.
     */
    private readonly atomically?: Store['atomically'],
  ) {}

  /**
   * Runs store work in one (shared) transaction when the core's store is at hand; else on the delivery store as it is.
   */
  private write<T>(f: (s: DeliveryStore) => Promise<T>): Promise<T> {
    return this.atomically ? this.atomically((tx) => f(tx.deliveries)) : f(this.store);
  }

  start(): void {
    if (this.started || this.closing) return;
    this.started = true;
    this.arm(0);
  }

  /** Stops looking for work; resolves when the attempts in flight have finished (each within timeoutMs). */
  async stop(): Promise<void> {
    this.closing = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.ticking;
    await Promise.all([...this.loops]);
  }

  /** Something was queued: look for due work now rather than at the next poll. */
  wake(): void {
    if (!this.started || this.closing || this.wakeArmed) return;
    this.wakeArmed = true;
    this.arm(0);
  }

  /**
   * Attempts everything due at the clock's now, until nothing due is left (retries scheduled later
   * wait for the clock). Resolves with the number of attempts made.
   */
  async drain(): Promise<number> {
    let attempts = 0;
    for (;;) {
      const before = this.attemptsMade;
      await this.tick();
      if (this.loops.size === 0) return attempts;
      await Promise.all([...this.loops]);
      attempts += this.attemptsMade - before;
      if (this.attemptsMade === before) return attempts;
    }
  }

  private arm(delayMs: number): void {
    if (this.closing) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.wakeArmed = false;
      this.runTick();
    }, delayMs);
    this.timer.unref();
  }

  private runTick(): void {
    if (this.ticking) {
      this.tickAgain = true;
      return;
    }
    this.ticking = this.tick()
      .catch(this.onError)
      .finally(() => {
        this.ticking = undefined;
        // Woken while ticking (by a timer that fired, or one still armed): look again at once.
        const again = this.tickAgain || this.wakeArmed;
        this.tickAgain = false;
        this.arm(again ? 0 : this.policy.pollMs);
      });
  }

  /** Starts loops for the integrations with due deliveries, within the concurrency limits. */
  private async tick(): Promise<void> {
    if (this.closing || this.loops.size >= this.policy.concurrency) return;
    const ids = await this.store.dueIntegrations(this.kind, this.clock.now(), this.policy.concurrency);
    for (const id of ids) {
      while (
        this.loops.size < this.policy.concurrency &&
        (this.loopsPerIntegration.get(id) ?? 0) < this.policy.concurrencyPerIntegration
      ) {
        this.startLoop(id);
      }
    }
  }

  private startLoop(integrationId: string): void {
    this.loopsPerIntegration.set(integrationId, (this.loopsPerIntegration.get(integrationId) ?? 0) + 1);
    const loop: Promise<void> = this.loop(integrationId)
      .catch(this.onError)
      .finally(() => {
        this.loops.delete(loop);
        const n = (this.loopsPerIntegration.get(integrationId) ?? 1) - 1;
        if (n > 0) this.loopsPerIntegration.set(integrationId, n);
        else this.loopsPerIntegration.delete(integrationId);
      });
    this.loops.add(loop);
  }

  private async loop(integrationId: string): Promise<void> {
    while (!this.closing) {
      const now = this.clock.now();
      const ds = await this.write((s) =>
        s.claimDueDeliveries(integrationId, now, now + leaseMs(this.policy), this.policy.claimBatch),
      );
      if (ds.length === 0) return;
      await this.attemptBatch(integrationId, ds, performance.now());
    }
  }

  /**
   * Attempts claimed deliveries one after the other and writes their outcomes in one transaction.
   * The batch stops at the first attempt that does not deliver (a receiver in trouble gets one
   * request at a time, as with a batch of one), when the worker stops, and once starting another
   * attempt could outlast the lease (30 s after the claim: each attempt then still ends within
   * its time limit); what was not attempted is handed back, due at once.
   */
  private async attemptBatch(integrationId: string, ds: readonly PendingDelivery[], claimedAt: number): Promise<void> {
    const integration = await this.catalog.byId(integrationId);
    if (!integration) {
      // deleted while queued (its queue normally goes with it)
      await this.write((s) => s.completeDeliveries(ds.map((d) => d.id)));
      return;
    }
    const done: Array<{
      d: PendingDelivery;
      r: AttemptResult;
      durationMs: number;
      at: number;
      outcome: AttemptObservation['outcome'];
    }> = [];
    for (const d of ds) {
      if (this.closing || performance.now() - claimedAt > leaseMs(this.policy) - this.policy.timeoutMs) break;
      const started = performance.now();
      let r: AttemptResult;
      try {
        r = await this.sender(integration, d);
      } catch (e) {
        r = { ok: false, statusCode: null, error: attemptErrorText(e) };
      }
      this.attemptsMade++;
      const durationMs = Math.round(performance.now() - started);
      const at = this.clock.now();
      const outcome = r.ok ? 'delivered' : d.attempts + 1 >= this.policy.maxAttempts ? 'failed' : 'retrying';
      if (this.onAttempt) {
        const ingestedAt = outcome === 'delivered' && d.eventKind === 'uplink' ? ingestedAtOf(d.body) : undefined;
        this.onAttempt({
          kind: this.kind,
          outcome,
          durationMs,
          ...(ingestedAt !== undefined ? { sinceIngestS: Math.max(0, (at - ingestedAt) / 1000) } : {}),
        });
      }
      done.push({ d, r, durationMs, at, outcome });
      if (!r.ok) break;
    }
    const rest = ds.slice(done.length).map((d) => d.id);
    const delivered = done.filter((x) => x.outcome === 'delivered');
    const last = done[done.length - 1];
    const disabled = await this.write(async (s) => {
      // Deleted while its batch was attempted: its queue and log went with it, nothing is left to record.
      if (!(await s.getIntegration(integrationId))) return false;
      if (done.length > 0) {
        await s.appendAttempts(
          done.map(({ d, r, durationMs, at, outcome }) => ({
            integrationId,
            deliveryId: d.id,
            eventKind: d.eventKind,
            messageId: d.messageId,
            attempt: d.attempts + 1,
            outcome,
            statusCode: r.statusCode,
            error: r.ok ? null : (r.error ?? 'failed'),
            durationMs,
            at,
          })),
        );
      }
      if (delivered.length > 0) {
        await s.recordMessagesDelivered(
          delivered
            .filter(({ d }) => d.messageId !== null && (d.eventKind === 'uplink' || d.eventKind === 'decoded'))
            .map(({ d, at }) => ({
              messageId: d.messageId!,
              integrationKind: this.kind,
              integrationId,
              deliveredAt: at,
            })),
        );
        await s.completeDeliveries(delivered.map(({ d }) => d.id));
        await s.resetFailures(integrationId, delivered[delivered.length - 1]!.at);
      }
      if (rest.length > 0) await s.releaseDeliveries(rest, this.clock.now());
      if (!last || last.outcome === 'delivered') return false;
      if (last.outcome === 'retrying') {
        await s.rescheduleDelivery(
          last.d.id,
          last.d.attempts + 1,
          last.at + backoffMs(this.policy, last.d.attempts + 1),
        );
        return false;
      }
      await s.completeDelivery(last.d.id);
      const reason =
        `${this.policy.disableAfterFailures} deliveries in a row failed after ${this.policy.maxAttempts} ` +
        `attempts each; the last: ${last.r.error ?? 'failed'}`;
      return (await s.countFailedDelivery(integrationId, this.policy.disableAfterFailures, reason, last.at)).disabled;
    });
    if (disabled) this.catalog.invalidate(integration);
  }
}

/** The `ingestedAt` of an uplink event's JSON, ms; undefined when it has none. */
export function ingestedAtOf(body: string): number | undefined {
  try {
    const t = Date.parse((JSON.parse(body) as { ingestedAt?: unknown }).ingestedAt as string);
    return Number.isFinite(t) ? t : undefined;
  } catch {
    return undefined;
  }
}
