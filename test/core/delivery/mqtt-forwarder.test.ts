import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openBus } from '../../../src/bus/open-bus.js';
import { DeliveryService } from '../../../src/core/delivery/delivery-service.js';
import { mqttTopic } from '../../../src/core/delivery/mqtt-forwarder.js';
import type { Bus } from '../../../src/core/ports/bus.js';
import { ManualClock } from '../../../src/core/ports/clock.js';
import {
  DEV_EUI,
  FakePublisher,
  FakeTransport,
  OTHER_TENANT,
  T0,
  TENANT,
  TENANTS,
  deliveryDb,
  eventMessage,
  testVault,
  uplinkMessage,
  type DeliveryDb,
} from './helpers.js';

const BROKER = 'mqtt://broker.example:1883';

describe('MQTT forwarder (fake publisher, manual clock)', () => {
  let d: DeliveryDb;
  let bus: Bus;
  let clock: ManualClock;
  let publisher: FakePublisher;
  let svc: DeliveryService;

  beforeEach(async () => {
    d = deliveryDb();
    bus = await openBus('memory');
    clock = new ManualClock(T0);
    publisher = new FakePublisher();
    svc = DeliveryService.create({
      store: d.store,
      bus,
      vault: testVault(),
      tenants: TENANTS,
      transport: new FakeTransport(),
      publisher,
      clock,
      policy: { concurrencyPerIntegration: 1 },
      onError: (e) => {
        throw e;
      },
    });
  });
  afterEach(async () => {
    await svc.stop();
    await bus.close();
    await d.close();
  });

  it('names topics {prefix}/{tenant}/terminals/{devEui}/{up|decoded|alarm|downlink}, prefix satiot by default', () => {
    expect(mqttTopic(null, 't1', DEV_EUI, 'uplink')).toBe(`satiot/t1/terminals/${DEV_EUI}/up`);
    expect(mqttTopic('plant-7/iot', 't1', DEV_EUI, 'decoded')).toBe(`plant-7/iot/t1/terminals/${DEV_EUI}/decoded`);
    expect(mqttTopic(null, 't1', DEV_EUI, 'alarm')).toBe(`satiot/t1/terminals/${DEV_EUI}/alarm`);
    expect(mqttTopic(null, 't1', DEV_EUI, 'downlink')).toBe(`satiot/t1/terminals/${DEV_EUI}/downlink`);
  });

  it("publishes each event of the tenant on its terminal's topic, with the broker credentials, and stamps deliveredAt", async () => {
    const i = await svc.catalog.createMqtt({ tenantId: TENANT, url: BROKER, username: 'app', password: 's3cret' });
    await svc.catalog.createMqtt({ tenantId: OTHER_TENANT, url: 'mqtt://other.example' });
    const up = uplinkMessage(1);
    await svc.mqtt.fanout.handle(up);
    await svc.mqtt.fanout.handle(eventMessage('decoded', { messageId: 'term-1.1', decoded: { t: 21.5 } }));
    await svc.mqtt.fanout.handle(eventMessage('alarm', { action: 'raised' }));
    await svc.mqtt.worker.drain();
    expect(publisher.calls.map((c) => c.topic)).toEqual([
      `satiot/${TENANT}/terminals/${DEV_EUI}/up`,
      `satiot/${TENANT}/terminals/${DEV_EUI}/decoded`,
      `satiot/${TENANT}/terminals/${DEV_EUI}/alarm`,
    ]);
    expect(publisher.calls[0]!.broker).toEqual({ url: BROKER, username: 'app', password: 's3cret' });
    expect(publisher.calls[0]!.payload).toBe(Buffer.from(up.data).toString('utf8'));
    expect((await svc.deliveriesOf(['term-1.1'])).get('term-1.1')).toEqual([
      { messageId: 'term-1.1', integrationKind: 'mqtt', integrationId: i.id, deliveredAt: T0 },
    ]);
  });

  it('uses the topic prefix and the event list of the integration', async () => {
    await svc.catalog.createMqtt({ tenantId: TENANT, url: BROKER, topicPrefix: 'acme/field', events: ['alarm'] });
    await svc.mqtt.fanout.handle(uplinkMessage(1));
    await svc.mqtt.fanout.handle(eventMessage('alarm', { action: 'cleared' }));
    await svc.mqtt.worker.drain();
    expect(publisher.calls.map((c) => [c.topic, c.broker])).toEqual([
      [`acme/field/${TENANT}/terminals/${DEV_EUI}/alarm`, { url: BROKER }],
    ]);
  });

  it('retries a publish the broker did not acknowledge, with backoff, and logs the error', async () => {
    const i = await svc.catalog.createMqtt({ tenantId: TENANT, url: BROKER });
    publisher.failures = 2;
    await svc.mqtt.fanout.handle(uplinkMessage(1));
    await svc.mqtt.worker.drain();
    clock.advance(1000);
    await svc.mqtt.worker.drain();
    clock.advance(2000);
    await svc.mqtt.worker.drain();
    expect(publisher.calls).toHaveLength(3);
    const log = (await svc.catalog.attempts('mqtt', i.id, { limit: 10 })).items;
    expect(log.map((a) => [a.attempt, a.outcome, a.statusCode, a.error])).toEqual([
      [3, 'delivered', null, null],
      [2, 'retrying', null, 'timeout'],
      [1, 'retrying', null, 'timeout'],
    ]);
  });

  it('closes the publisher when the service stops', async () => {
    await svc.stop();
    expect(publisher.closed).toBe(true);
  });
});
