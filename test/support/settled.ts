import { MemoryBus } from '../../src/bus/memory/bus.js';
import type { Core } from '../../src/core/core.js';
import type { Bus } from '../../src/core/ports/bus.js';
import type { Store } from '../../src/core/ports/store.js';

/**
 * Waits until a core on the in-process bus has nothing left to do by itself, so that a test can
 * assert that something did NOT happen: every event in the outbox is published and handled by
 * every durable consumer (Core.flush: the relay publishes `untilHandled`), and the bus is idle
 * (MemoryBus.idle: messages published straight to the bus and transient subscribers too). Loops
 * while a consumer's handling wrote new events to the outbox. Timers (the delivery workers, the
 * downlink sweep) are not waited for: tests drive those themselves.
 */
export async function settled(f: { core: Core; bus: Bus; store: Store }): Promise<void> {
  if (!(f.bus instanceof MemoryBus)) throw new Error('settled() needs the in-process bus');
  for (;;) {
    await f.core.flush();
    await f.bus.idle();
    if ((await f.store.outbox.lag()).pending === 0) return;
  }
}
