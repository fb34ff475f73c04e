import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { coreFixture, type CoreFixture } from './core-fixture.js';
import { settled } from './settled.js';

describe('settled()', () => {
  let f: CoreFixture;
  beforeEach(async () => {
    f = await coreFixture();
  });
  afterEach(() => f.close());

  it('waits for a message published straight to the bus, the outbox event its handler writes, and a slow transient subscriber of that event', async () => {
    const seen: string[] = [];
    await f.bus.subscribe(
      'satiot.test.request.>',
      async (m) => {
        await new Promise((r) => setTimeout(r, 20));
        await f.core.events.run(async (_tx, emit) =>
          emit({ id: `answer-${Buffer.from(m.data).toString()}`, subject: 'satiot.test.answer.x', data: m.data }),
        );
      },
      { durable: 'settled-test' },
    );
    await f.bus.subscribe('satiot.test.answer.>', async (m) => {
      await new Promise((r) => setTimeout(r, 20));
      seen.push(Buffer.from(m.data).toString());
    });
    await f.bus.publish('satiot.test.request.x', Buffer.from('1'));
    await settled(f);
    expect(seen).toEqual(['1']);
    expect((await f.store.outbox.lag()).pending).toBe(0);
  });

  it('refuses a bus it cannot see into', async () => {
    await expect(settled({ ...f, bus: { ...f.bus, kind: 'nats' } as typeof f.bus })).rejects.toThrow(/in-process bus/);
  });
});
