import { randomBytes } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import type { Core } from '../core/core.js';
import type { FrameResult, UplinkFrameInput } from '../core/ingest-pipeline.js';
import { isSatiotError } from '../errors/satiot-error.js';
import { isStoreUnavailable } from '../store/store-unavailable.js';
import { MAX_FRAMES_PER_BATCH } from './routes/gateway-routes.js';
import type { StationLimiter } from './rate-limits.js';

/** The topic stations publish batches on. */
export const GATEWAY_UP_TOPIC = 'satiot/gateway/+/up';
/**
 * The shared subscription every node takes it through (MQTT 5 and Mosquitto's `$share`): the
 * broker hands each batch to one node of the group, so it is ingested once however many nodes run.
 */
export const GATEWAY_SHARE_GROUP = 'satiot-gateway';

export interface MqttGatewayOptions {
  /**
   * The client id; default `satiot-<node>-<random>`, unique per connection (two nodes never take each other's session).
   */
  readonly clientId?: string;
  /** This node's name (part of the default client id). */
  readonly nodeId?: string;
  /** The stations' gateway budget, shared with HTTP (rate-limits.ts); unlimited without it. */
  readonly limits?: StationLimiter;
  /** The shared subscription's group: the same on every node of one cluster (default `satiot-gateway`). */
  readonly shareGroup?: string;
}

/**
 * The Gateway API over MQTT, for stations that keep a broker connection instead of posting:
 * a station publishes `{"token","requestId"?,"frames":[…]}` (the HTTP body plus its token) on
 * `satiot/gateway/{stationId}/up` and gets `{"requestId","results":[…]}` — or
 * `{"requestId","error":{"code","message"}}` — on `satiot/gateway/{stationId}/ack`, after the
 * accepted frames are durable. The token must belong to the station named in the topic, and the
 * station's batches count against the same per-minute budget as its HTTP requests
 * (RATE_LIMITED with `retryAfterSeconds`). Every node subscribes through one shared subscription,
 * so a batch is ingested by one of them. Subscribed with QoS 1; a malformed message is answered
 * with an error, never crashes the core; a store that is down answers STORE_UNAVAILABLE.
 */
export class MqttGateway {
  private constructor(
    private readonly client: MqttClient,
    private readonly core: Core,
    private readonly limits: StationLimiter | undefined,
  ) {}

  static async connect(url: string, core: Core, opts: MqttGatewayOptions = {}): Promise<MqttGateway> {
    const node = (opts.nodeId ?? `${process.pid}`).replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 40);
    const clientId = opts.clientId ?? `satiot-${node}-${randomBytes(4).toString('hex')}`;
    const client = await mqtt.connectAsync(url, { clientId, clean: true, reconnectPeriod: 2000, protocolVersion: 5 });
    const gw = new MqttGateway(client, core, opts.limits);
    client.on('message', (topic, payload) => {
      void gw.handle(topic, payload);
    });
    await client.subscribeAsync(`$share/${opts.shareGroup ?? GATEWAY_SHARE_GROUP}/${GATEWAY_UP_TOPIC}`, { qos: 1 });
    return gw;
  }

  private async handle(topic: string, payload: Buffer): Promise<void> {
    const stationId = topic.split('/')[2] ?? '';
    const ackTopic = `satiot/gateway/${stationId}/ack`;
    let requestId: string | undefined;
    const fail = (code: string, message: string) =>
      this.client.publishAsync(ackTopic, JSON.stringify({ requestId, error: { code, message } }), { qos: 1 });
    try {
      let body: { token?: unknown; requestId?: unknown; frames?: unknown };
      try {
        body = JSON.parse(payload.toString('utf8')) as typeof body;
      } catch {
        await fail('INVALID_ARGUMENT', 'the message is not JSON');
        return;
      }
      requestId = typeof body.requestId === 'string' ? body.requestId.slice(0, 100) : undefined;
      const station = await this.core.provisioning.stationForToken(
        typeof body.token === 'string' ? body.token : undefined,
      );
      if (!station || station.id !== stationId) {
        await fail(
          'UNAUTHORIZED_STATION',
          'the token is missing, unknown, or belongs to another station than the topic names',
        );
        return;
      }
      if (this.limits) {
        const budget = await this.limits(body.token as string);
        if (!budget.allowed) {
          await this.client.publishAsync(
            ackTopic,
            JSON.stringify({
              requestId,
              error: {
                code: 'RATE_LIMITED',
                message: `this station's gateway budget is used up; retry in ${budget.retryAfterSeconds} s`,
                details: { retryAfterSeconds: budget.retryAfterSeconds },
              },
            }),
            { qos: 1 },
          );
          return;
        }
      }
      if (!Array.isArray(body.frames) || body.frames.length === 0 || body.frames.length > MAX_FRAMES_PER_BATCH) {
        await fail('INVALID_ARGUMENT', `"frames" must be an array of 1..${MAX_FRAMES_PER_BATCH} frames`);
        return;
      }
      const frames = body.frames.map((f) => (typeof f === 'object' && f !== null ? f : {})) as UplinkFrameInput[];
      const results: FrameResult[] = await this.core.pipeline.ingest(station, frames);
      await this.client.publishAsync(ackTopic, JSON.stringify({ requestId, results }), { qos: 1 });
    } catch (e) {
      const unavailable = isStoreUnavailable(e) || (isSatiotError(e) && e.code === 'STORE_UNAVAILABLE');
      await (
        unavailable
          ? fail('STORE_UNAVAILABLE', 'the store cannot be reached just now; nothing was stored: retry the batch')
          : fail('INTERNAL', 'the batch could not be processed; retry it')
      ).catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    await this.client.endAsync();
  }
}
