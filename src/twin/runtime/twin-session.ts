import type { Core } from '../../core/core.js';
import { buildConstellation } from '../../orbit/constellation.js';
import type { Satellite } from '../../orbit/satellite.js';
import type { Scenario } from '../scenario/scenario.js';
import { TwinModel } from '../model/twin-model.js';
import { provisionScenario } from './provision-scenario.js';
import { TwinIdentity } from './twin-identity.js';
import { TwinRunner, type TwinEvent } from './twin-runner.js';
import { InProcessGateway } from './inprocess-gateway.js';
import { HttpGateway } from './http-gateway.js';
import { SemtechUdpGateways } from './semtech-udp-gateways.js';
import type { TwinClock } from './twin-clock.js';
import { SatiotError } from '../../errors/satiot-error.js';

/** The scenario's satellites: its element sets, or its Walker design with the span's start as epoch. */
export function scenarioSatellites(s: Scenario, warn: (line: string) => void = () => {}): Satellite[] {
  const c = s.constellation;
  return buildConstellation(
    c.walker
      ? { walker: c.walker }
      : { elementSets: { text: c.elementSetsText ?? '', source: c.elementSetsFile ?? 'scenario' } },
    s.start,
    warn,
  );
}

export interface SessionOptions {
  readonly scenario: Scenario;
  readonly core: Core;
  readonly clock: TwinClock;
  readonly secret: Uint8Array;
  readonly gateway: 'http' | 'inprocess';
  readonly baseUrl?: string;
  readonly from: number;
  readonly keepMessages: boolean;
  /** Keep generating past the scenario's span (a live twin runs until stopped). */
  readonly endless?: boolean;
  readonly onEvent?: (e: TwinEvent) => void;
  readonly onProvision?: (done: number, total: number) => void;
  /** The core's Semtech UDP server (host, port): the scenario's terrestrial gateways forward to it over real UDP. */
  readonly semtechUdp?: { readonly host: string; readonly port: number };
}

/** Satellites, model, provisioning, gateway and runner for one run of a scenario against a core. */
export async function openSession(o: SessionOptions): Promise<TwinRunner> {
  if (o.gateway === 'http' && !o.baseUrl)
    throw new SatiotError('INVALID_ARGUMENT', "the twin's HTTP gateway needs baseUrl (the server's address)");
  const sats = scenarioSatellites(o.scenario);
  const model = new TwinModel(o.scenario, sats, { from: o.from, keepMessages: o.keepMessages });
  if (o.endless) model.generateUntil = Infinity;
  const identity = new TwinIdentity(o.secret, o.scenario.seed);
  const provisioned = await provisionScenario(o.core, o.scenario, model.fleet, sats, identity, o.onProvision);
  const counters = new Map((await o.core.registryQueries.listAllCounters()).map((c) => [c.terminalId, c.fCntUpTop]));
  if (counters.size > 0) {
    for (let i = 0; i < model.fleet.count; i++) {
      const id = o.core.registry.byDevEui(identity.devEui(i))?.record.id;
      const top = id === undefined ? undefined : counters.get(id);
      if (top !== undefined && top >= 0) model.resumeCounter(i, top);
    }
  }
  const gateway =
    o.gateway === 'http'
      ? new HttpGateway(o.baseUrl!, provisioned.tokens)
      : new InProcessGateway(o.core, provisioned.stations);
  const terrestrial =
    o.semtechUdp && provisioned.gatewayEuis.length > 0
      ? await SemtechUdpGateways.open(provisioned.gatewayEuis, o.semtechUdp.host, o.semtechUdp.port)
      : undefined;
  return new TwinRunner(o.core, model, identity, provisioned, gateway, o.clock, {
    from: o.from,
    sweepDownlinks: !o.endless,
    ...(o.onEvent ? { onEvent: o.onEvent } : {}),
    ...(terrestrial ? { terrestrial } : {}),
  });
}
