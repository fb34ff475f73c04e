import mqtt, { type MqttClient } from 'mqtt';
import type { Core } from '../core/core.js';
import type { FrameResult, UplinkFrameInput } from '../core/ingest-pipeline.js';
import { MAX_FRAMES_PER_BATCH } from './routes/gateway-routes.js';

/**
 * The Gateway API over MQTT, for stations that keep a broker connection instead of posting:
 * a station publishes `{"token","requestId"?,"frames":[…]}` (the HTTP body plus its token) on
 * `satiot/gateway/{stationId}/up` and gets `{"requestId","results":[…]}` — or
 * `{"requestId","error":{"code","message"}}` — on `satiot/gateway/{stationId}/ack`, after the
 * accepted frames are durable. The token must belong to the station named in the topic.
 * Subscribed with QoS 1; a malformed message is answered with an error, never crashes the core.
 */
export class MqttGateway {
  private constructor(private readonly client: MqttClient, private readonly core: Core) {}

  static async connect(url: string, core: Core, opts: { clientId?: string } = {}): Promise<MqttGateway> {
    const client = await mqtt.connectAsync(url, { clientId: opts.clientId ?? `satiot-core-${process.pid}`, clean: true, reconnectPeriod: 2000 });
    const gw = new MqttGateway(client, core);
    client.on('message', (topic, payload) => { void gw.handle(topic, payload); });
    await client.subscribeAsync('satiot/gateway/+/up', { qos: 1 });
    return gw;
  }

  private async handle(topic: string, payload: Buffer): Promise<void> {
    const stationId = topic.split('/')[2] ?? '';
    const ackTopic = `satiot/gateway/${stationId}/ack`;
    let requestId: string | undefined;
    const fail = (code: string, message: string) => this.client.publishAsync(ackTopic, JSON.stringify({ requestId, error: { code, message } }), { qos: 1 });
    try {
      let body: { token?: unknown; requestId?: unknown; frames?: unknown };
      try {
        body = JSON.parse(payload.toString('utf8')) as typeof body;
      } catch {
        await fail('INVALID_ARGUMENT', 'the message is not JSON');
        return;
      }
      requestId = typeof body.requestId === 'string' ? body.requestId.slice(0, 100) : undefined;
      const station = await this.core.provisioning.stationForToken(typeof body.token === 'string' ? body.token : undefined);
      if (!station || station.id !== stationId) {
        await fail('UNAUTHORIZED_STATION', 'the token is missing, unknown, or belongs to another station than the topic names');
        return;
      }
      if (!Array.isArray(body.frames) || body.frames.length === 0 || body.frames.length > MAX_FRAMES_PER_BATCH) {
        await fail('INVALID_ARGUMENT', `"frames" must be an array of 1..${MAX_FRAMES_PER_BATCH} frames`);
        return;
      }
      const frames = body.frames.map((f) => (typeof f === 'object' && f !== null ? f : {})) as UplinkFrameInput[];
      const results: FrameResult[] = await this.core.pipeline.ingest(station, frames);
      await this.client.publishAsync(ackTopic, JSON.stringify({ requestId, results }), { qos: 1 });
    } catch {
      await fail('INTERNAL', 'the batch could not be processed; retry it').catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    await this.client.endAsync();
  }
}
