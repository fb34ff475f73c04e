import type { Bus, DeadLetterSink } from '../core/ports/bus.js';
import type { RetryPolicy } from './retry-policy.js';
import { SatiotError } from '../errors/satiot-error.js';
import { MemoryBus, type MemoryBusOptions } from './memory/bus.js';
import type { NatsBusOptions } from './nats/bus.js';

/**
 * Opens the bus named by a spec: `memory` (in-process, the default for a single node and tests) or
 * a NATS URL `nats://host:port` (JetStream; the NATS client is only loaded then). Subjects are
 * those of src/core/events/subjects.ts; a NatsBus only carries subjects under its prefix (default
 * `satiot`). `deadLetterSink` records the messages consumers give up on (the store's list).
 */
export async function openBus(
  spec: string,
  opts: {
    memory?: MemoryBusOptions;
    nats?: NatsBusOptions;
    deadLetterSink?: DeadLetterSink;
    retry?: Partial<RetryPolicy>;
  } = {},
): Promise<Bus> {
  const common = {
    ...(opts.deadLetterSink ? { deadLetterSink: opts.deadLetterSink } : {}),
    ...(opts.retry ? { retry: opts.retry } : {}),
  };
  if (spec === 'memory') return new MemoryBus({ ...common, ...opts.memory });
  if (/^nats:\/\/\S+$/.test(spec)) {
    const { NatsBus } = await import('./nats/bus.js');
    return NatsBus.connect(spec, { ...common, ...opts.nats });
  }
  throw new SatiotError('INVALID_ARGUMENT', `unknown bus "${spec}": use "memory" or "nats://host:port"`, { spec });
}
