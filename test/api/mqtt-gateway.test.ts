import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt, { type MqttClient } from 'mqtt';
import { MqttGateway } from '../../src/api/mqtt-gateway.js';
import { coreFixture, uplink, type CoreFixture, type TestTerminal } from '../support/core-fixture.js';

const URL_ = process.env.SATIOT_TEST_MQTT_URL;

/** The Gateway API over MQTT against a real broker (the local Mosquitto in CI). */
describe.skipIf(!URL_)(
  URL_ ? 'MQTT gateway' : 'MQTT gateway: set SATIOT_TEST_MQTT_URL (e.g. mqtt://127.0.0.1:1883) to run',
  () => {
    let f: CoreFixture;
    let t: TestTerminal;
    let gw: MqttGateway;
    let station: MqttClient;
    const replies: Array<Record<string, unknown>> = [];

    beforeAll(async () => {
      f = await coreFixture();
      t = await f.addTerminal();
      gw = await MqttGateway.connect(URL_!, f.core, { clientId: `satiot-test-core-${process.pid}-${Date.now()}` });
      station = await mqtt.connectAsync(URL_!, { clientId: `satiot-test-gs-${process.pid}-${Date.now()}` });
      station.on('message', (_topic, payload) =>
        replies.push(JSON.parse(payload.toString()) as Record<string, unknown>),
      );
      await station.subscribeAsync(`satiot/gateway/${f.station.id}/ack`, { qos: 1 });
    });
    afterAll(async () => {
      await station?.endAsync();
      await gw?.close();
      await f?.close();
    });

    const reply = async (requestId: string): Promise<Record<string, unknown>> => {
      for (let i = 0; i < 100; i++) {
        const r = replies.find((x) => x.requestId === requestId);
        if (r) return r;
        await new Promise((res) => setTimeout(res, 50));
      }
      throw new Error(`no reply for ${requestId}`);
    };
    const send = (body: unknown) =>
      station.publishAsync(
        `satiot/gateway/${f.station.id}/up`,
        typeof body === 'string' ? body : JSON.stringify(body),
        { qos: 1 },
      );

    it('accepts a batch published on satiot/gateway/{stationId}/up and answers per frame on …/ack', async () => {
      const frame = uplink(t, 1, Buffer.from('via mqtt'));
      await send({ token: f.token, requestId: 'r1', frames: [frame, frame] });
      const r = await reply('r1');
      expect(r.results).toEqual([
        { status: 'accepted', messageId: `${t.id}.1` },
        { status: 'duplicate', messageId: `${t.id}.1` },
      ]);
      expect(Buffer.from((await f.store.messages.get(`${t.id}.1`))!.payload).toString()).toBe('via mqtt');
    });

    it('refuses a token of another station, a missing token, and garbage, without crashing', async () => {
      await send({ token: 'gst_forged', requestId: 'r2', frames: [uplink(t, 2, Buffer.from('x'))] });
      expect((await reply('r2')).error).toMatchObject({ code: 'UNAUTHORIZED_STATION' });
      await send('{not json');
      await send({ token: f.token, requestId: 'r3', frames: 'nope' });
      expect((await reply('r3')).error).toMatchObject({ code: 'INVALID_ARGUMENT' });
      await send({ token: f.token, requestId: 'r4', frames: [{ phyPayload: 42 }] });
      expect((await reply('r4')).results).toEqual([{ status: 'rejected', code: 'MALFORMED_FRAME' }]);
      expect(await f.store.messages.get(`${t.id}.2`)).toBeUndefined();
    });
  },
);
