import type { IntegrationRecord, PendingDelivery } from '../ports/delivery-store.js';
import type { WebhookTransport } from '../ports/webhook-transport.js';
import { DeliveryChannel, type DeliveryChannelDeps } from './delivery-channel.js';
import type { AttemptResult } from './delivery-worker.js';
import { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, signatureOf } from './signature.js';

/** Durable consumer name of the webhook fan-out. */
export const WEBHOOK_CONSUMER = 'satiot-webhooks';

const USER_AGENT = 'satiot-webhooks/1';

export interface WebhookDispatcherDeps extends DeliveryChannelDeps {
  readonly transport: WebhookTransport;
}

/**
 * Signed webhooks: a durable consumer queues every event for the tenant's webhooks that want its
 * kind; a worker posts each one as the raw event JSON, signed (signature.ts) at every attempt with
 * that attempt's timestamp, so a retry is as fresh as a first try. A 2xx answer delivers; anything
 * else — another status, a redirect, a network error, no answer within timeoutMs — is retried with
 * backoff (delivery-worker.ts).
 */
export class WebhookDispatcher extends DeliveryChannel {
  constructor(private readonly deps: WebhookDispatcherDeps) {
    super('webhook', WEBHOOK_CONSUMER, deps);
  }

  /** One signed POST of one delivery. */
  override async send(w: IntegrationRecord, d: PendingDelivery): Promise<AttemptResult> {
    const secret = this.deps.catalog.secretOf(w);
    if (secret === undefined) return { ok: false, statusCode: null, error: 'the webhook has no signing secret' };
    const timestampS = Math.floor(this.deps.clock.now() / 1000);
    const body = Buffer.from(d.body, 'utf8');
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': USER_AGENT,
      [TIMESTAMP_HEADER]: String(timestampS),
      [SIGNATURE_HEADER]: signatureOf(secret, timestampS, body),
      [EVENT_HEADER]: d.eventKind,
      [DELIVERY_HEADER]: d.id,
    };
    const res = await this.deps.transport.post(w.url, headers, body, this.deps.policy.timeoutMs);
    const ok = res.status >= 200 && res.status < 300;
    return { ok, statusCode: res.status, error: ok ? null : `HTTP ${res.status}` };
  }
}
