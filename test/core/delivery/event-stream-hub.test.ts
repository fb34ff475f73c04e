import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openBus } from '../../../src/bus/open-bus.js';
import { MemoryBus } from '../../../src/bus/memory/bus.js';
import type { DeliveryEvent } from '../../../src/core/delivery/delivery-event.js';
import { EventStreamHub } from '../../../src/core/delivery/event-stream-hub.js';
import type { Bus, BusMessage } from '../../../src/core/ports/bus.js';
import { DEV_EUI, OTHER_TENANT, TENANT, eventMessage, uplinkMessage } from './helpers.js';
import { terminalSubject } from '../../../src/core/events/subjects.js';

/** Publishes and waits until the in-memory bus has delivered everything. */
async function publish(bus: Bus, ...ms: BusMessage[]): Promise<void> {
  if (!(bus instanceof MemoryBus)) throw new Error('the hub tests run on the in-process bus');
  for (const m of ms) await bus.publish(m.subject, m.data);
  await bus.idle();
}

describe('live event stream hub', () => {
  let bus: Bus;
  let hub: EventStreamHub;

  beforeEach(async () => {
    bus = await openBus('memory');
    hub = new EventStreamHub(bus);
  });
  afterEach(async () => {
    await hub.close();
    await bus.close();
  });

  it('gives each listener the events of its tenant, terminal and kinds only', async () => {
    const all: DeliveryEvent[] = [];
    const oneTerminalAlarms: DeliveryEvent[] = [];
    await hub.listen({ tenantId: TENANT }, (e) => all.push(e));
    await hub.listen({ tenantId: TENANT, devEui: DEV_EUI, kinds: ['alarm'] }, (e) => oneTerminalAlarms.push(e));
    await publish(
      bus,
      uplinkMessage(1),
      eventMessage('alarm', { action: 'raised' }),
      eventMessage('alarm', { action: 'raised' }, TENANT, '70b3d50000000002'),
      eventMessage('alarm', { action: 'raised' }, OTHER_TENANT),
      {
        subject: terminalSubject('downlink-request', TENANT, DEV_EUI),
        data: Buffer.from('{"kind":"downlink-request"}'),
      },
    );
    expect(all.map((e) => [e.kind, e.devEui])).toEqual([
      ['uplink', DEV_EUI],
      ['alarm', DEV_EUI],
      ['alarm', '70b3d50000000002'],
    ]);
    expect(oneTerminalAlarms.map((e) => [e.kind, e.devEui])).toEqual([['alarm', DEV_EUI]]);
  });

  it("shares one subscription per tenant and ends it with the tenant's last listener", async () => {
    const got: string[] = [];
    const a = await hub.listen({ tenantId: TENANT }, () => got.push('a'));
    const b = await hub.listen({ tenantId: TENANT }, () => got.push('b'));
    expect(hub.listenerCount).toBe(2);
    await a.close();
    await publish(bus, uplinkMessage(1));
    expect(got).toEqual(['b']);
    await b.close();
    await b.close();
    expect(hub.listenerCount).toBe(0);
    await publish(bus, uplinkMessage(2));
    expect(got).toEqual(['b']);
    const c = await hub.listen({ tenantId: TENANT }, () => got.push('c'));
    await publish(bus, uplinkMessage(3));
    expect(got).toEqual(['b', 'c']);
    await c.close();
  });

  it('keeps delivering to the other listeners when one of them throws', async () => {
    const got: number[] = [];
    await hub.listen({ tenantId: TENANT }, () => {
      throw new Error('client gone');
    });
    await hub.listen({ tenantId: TENANT }, (e) => got.push(JSON.parse(e.json).fCnt as number));
    await publish(bus, uplinkMessage(1), uplinkMessage(2));
    expect(got).toEqual([1, 2]);
  });
});
