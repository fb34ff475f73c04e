import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import mqtt, { type MqttClient } from 'mqtt';
import { openBus } from '../../src/bus/open-bus.js';
import { DeliveryService } from '../../src/core/delivery/delivery-service.js';
import type { Bus } from '../../src/core/ports/bus.js';
import { MqttIntegrationPublisher } from '../../src/integrations/mqtt-integration-publisher.js';
import {
  DEV_EUI,
  FakeTransport,
  TENANT,
  TENANTS,
  deliveryDb,
  eventMessage,
  testVault,
  uplinkMessage,
  type DeliveryDb,
} from '../core/delivery/helpers.js';

const URL_ = process.env.SATIOT_TEST_MQTT_URL;

describe('MQTT integration publisher without a broker', () => {
  it('fails a publish to an unreachable broker within its time limit, with the reason and without credentials', async () => {
    const p = new MqttIntegrationPublisher({ allowInternal: true });
    const started = Date.now();
    // Port 9 (discard) on loopback: nothing listens, the connection is refused.
    await expect(
      p.publish({ url: 'mqtt://127.0.0.1:9', username: 'u', password: 'secret-pw' }, 'x/y', Buffer.from('{}'), 300),
    ).rejects.toThrow(/^broker mqtt:\/\/127\.0\.0\.1:9 not reachable within 300 ms(?!.*secret-pw)/);
    expect(Date.now() - started).toBeLessThan(2000);
    await p.close();
  });
});

/** The MQTT integration against a real broker (the local Mosquitto in CI). */
describe.skipIf(!URL_)(
  URL_
    ? 'MQTT integration (real broker)'
    : 'MQTT integration: set SATIOT_TEST_MQTT_URL (e.g. mqtt://127.0.0.1:1883) to run',
  () => {
    let app: MqttClient;
    const received: Array<{ topic: string; payload: string; qos: number }> = [];
    let d: DeliveryDb;
    let bus: Bus;
    let svc: DeliveryService;
    let prefix: string;

    beforeAll(async () => {
      app = await mqtt.connectAsync(URL_!, { clientId: `satiot-test-app-${process.pid}-${Date.now()}` });
      app.on('message', (topic, payload, packet) =>
        received.push({ topic, payload: payload.toString('utf8'), qos: packet.qos }),
      );
    });
    afterAll(async () => {
      await app?.endAsync();
    });
    beforeEach(async () => {
      received.length = 0;
      prefix = `satiot-test-${process.pid}-${Date.now()}`;
      await app.subscribeAsync(`${prefix}/#`, { qos: 1 });
      d = deliveryDb();
      bus = await openBus('memory');
      svc = await DeliveryService.start({
        store: d.store,
        bus,
        vault: testVault(),
        tenants: TENANTS,
        transport: new FakeTransport(),
        publisher: new MqttIntegrationPublisher({ clientIdPrefix: 'satiot-test-forwarder', allowInternal: true }),
        policy: { baseDelayMs: 50, maxDelayMs: 200, timeoutMs: 1000, pollMs: 20, concurrencyPerIntegration: 1 },
      });
    });
    afterEach(async () => {
      await svc.stop();
      await bus.close();
      await d.close();
      await app.unsubscribeAsync(`${prefix}/#`);
    });

    it("publishes uplinks, decoded payloads and alarms at QoS 1 on the terminal's topics, and stamps deliveredAt", async () => {
      const i = await svc.catalog.createMqtt({ tenantId: TENANT, url: URL_!, topicPrefix: prefix });
      const up = uplinkMessage(1);
      for (const m of [
        up,
        eventMessage('decoded', { messageId: 'term-1.1', decoded: { t: 21.5 } }),
        eventMessage('alarm', { action: 'raised' }),
      ]) {
        await bus.publish(m.subject, m.data, m.msgId ? { msgId: m.msgId } : {});
      }
      await vi.waitFor(() => expect(received).toHaveLength(3), { timeout: 5000 });
      expect(received.map((r) => [r.topic, r.qos])).toEqual([
        [`${prefix}/${TENANT}/terminals/${DEV_EUI}/up`, 1],
        [`${prefix}/${TENANT}/terminals/${DEV_EUI}/decoded`, 1],
        [`${prefix}/${TENANT}/terminals/${DEV_EUI}/alarm`, 1],
      ]);
      expect(received[0]!.payload).toBe(Buffer.from(up.data).toString('utf8'));
      await vi.waitFor(async () => expect((await svc.deliveriesOf(['term-1.1'])).get('term-1.1')).toHaveLength(1));
      expect((await svc.catalog.attempts('mqtt', i.id, { limit: 10 })).items.map((a) => a.outcome)).toEqual([
        'delivered',
        'delivered',
        'delivered',
      ]);
    });

    it('reuses one connection per broker and credentials', async () => {
      const p = new MqttIntegrationPublisher({ allowInternal: true });
      await p.publish({ url: URL_! }, `${prefix}/a`, Buffer.from('1'), 2000);
      await p.publish({ url: URL_! }, `${prefix}/b`, Buffer.from('2'), 2000);
      expect(p.size).toBe(1);
      await p.publish({ url: URL_!, username: 'someone' }, `${prefix}/c`, Buffer.from('3'), 2000);
      expect(p.size).toBe(2);
      await vi.waitFor(() => expect(received.map((r) => r.payload).sort()).toEqual(['1', '2', '3']));
      await p.close();
    });

    it('closes a broker connection that has not been used for its idle time', async () => {
      const p = new MqttIntegrationPublisher({ idleMs: 200, allowInternal: true });
      await p.publish({ url: URL_! }, `${prefix}/idle`, Buffer.from('x'), 2000);
      expect(p.size).toBe(1);
      await vi.waitFor(() => expect(p.size).toBe(0), { timeout: 2000, interval: 50 });
      await p.publish({ url: URL_! }, `${prefix}/idle`, Buffer.from('y'), 2000); // and a new one is made when needed
      expect(p.size).toBe(1);
      await p.close();
    });
  },
);
