import type { IntegrationRecord, PendingDelivery } from '../ports/delivery-store.js';
import type { IntegrationPublisher } from '../ports/integration-publisher.js';
import type { EventKind } from './delivery-event.js';
import { DeliveryChannel, type DeliveryChannelDeps } from './delivery-channel.js';
import type { AttemptResult } from './delivery-worker.js';

/** Durable consumer name of the MQTT fan-out. */
export const MQTT_CONSUMER = 'satiot-mqtt';

/** The first topic level when an integration names no prefix. */
export const DEFAULT_TOPIC_PREFIX = 'satiot';

const TOPIC_SUFFIX: Readonly<Record<EventKind, string>> = {
  uplink: 'up',
  decoded: 'decoded',
  alarm: 'alarm',
  downlink: 'downlink',
};

/** `{prefix}/{tenantId}/terminals/{devEui}/{up|decoded|alarm|downlink}`, prefix `satiot` by default. */
export function mqttTopic(prefix: string | null, tenantId: string, devEui: string, kind: EventKind): string {
  return `${prefix ?? DEFAULT_TOPIC_PREFIX}/${tenantId}/terminals/${devEui}/${TOPIC_SUFFIX[kind]}`;
}

export interface MqttForwarderDeps extends DeliveryChannelDeps {
  readonly publisher: IntegrationPublisher;
}

/**
 * Tenants' own MQTT brokers: a durable consumer queues every event for the tenant's broker
 * integrations; a worker publishes each one, as the raw event JSON at QoS 1, on the terminal's
 * topic. A PUBACK delivers; an unreachable broker, refused credentials or no PUBACK within
 * timeoutMs is retried with backoff like a webhook (delivery-worker.ts).
 */
export class MqttForwarder extends DeliveryChannel {
  constructor(private readonly deps: MqttForwarderDeps) {
    super('mqtt', MQTT_CONSUMER, deps);
  }

  /** One QoS 1 publish of one delivery. */
  override async send(i: IntegrationRecord, d: PendingDelivery): Promise<AttemptResult> {
    const devEui = d.subject.slice(d.subject.lastIndexOf('.') + 1); // the subject's last token (events/subjects.ts)
    const password = this.deps.catalog.secretOf(i);
    await this.deps.publisher.publish(
      {
        url: i.url,
        ...(i.username !== null ? { username: i.username } : {}),
        ...(password !== undefined ? { password } : {}),
      },
      mqttTopic(i.topicPrefix, i.tenantId, devEui, d.eventKind),
      Buffer.from(d.body, 'utf8'),
      this.deps.policy.timeoutMs,
    );
    return { ok: true, statusCode: null, error: null };
  }
}
