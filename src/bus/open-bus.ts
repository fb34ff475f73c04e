import type { Bus } from '../core/ports/bus.js';
import { SatiotError } from '../errors/satiot-error.js';
import { MemoryBus, type MemoryBusOptions } from './memory/memory-bus.js';
import type { NatsBusOptions } from './nats/nats-bus.js';

/**
 * Opens the bus named by a spec: `memory` (in-process, the default for a single node and tests) or
 * a NATS URL `nats://host:port` (JetStream; the NATS client is only loaded then).
 *
 * Subjects the core uses (tokens may not contain `.`, `*`, `>` or whitespace):
 *
 * - `satiot.up.<tenantId>.<devEui>`: an accepted uplink (one message per stored frame, msgId = the
 *   message id, so a retried publish is de-duplicated). The subject is the partition: one terminal's
 *   uplinks reach a durable consumer in order; subscribe `satiot.up.>` for all, or
 *   `satiot.up.<tenantId>.>` for one tenant.
 * - `satiot.events.<tenantId>.<kind>`: other events of a tenant (`satiot.events.*.<kind>` for one
 *   kind across tenants).
 *
 * A NatsBus only carries subjects under its prefix (default `satiot`, so the ones above).
 */
export async function openBus(spec: string, opts: { memory?: MemoryBusOptions; nats?: NatsBusOptions } = {}): Promise<Bus> {
  if (spec === 'memory') return new MemoryBus(opts.memory);
  if (/^nats:\/\/\S+$/.test(spec)) {
    const { NatsBus } = await import('./nats/nats-bus.js');
    return NatsBus.connect(spec, opts.nats);
  }
  throw new SatiotError('INVALID_ARGUMENT', `unknown bus "${spec}": use "memory" or "nats://host:port"`, { spec });
}
