import { randomUUID } from 'node:crypto';
import type { Core } from '../../core/core.js';
import type { GroundStationRecord } from '../../core/model.js';
import { sha256Hex, type NewTerminal } from '../../core/provisioning.js';
import { SatiotError } from '../../errors/satiot-error.js';
import type { Satellite } from '../../orbit/satellite.js';
import { toTleText } from '../../orbit/tle-format.js';
import { solutionRules, type SolutionParams, type WaterParams } from '../../solutions/index.js';
import { gaugeBaseM } from '../model/payloads.js';
import type { Scenario } from '../scenario/scenario.js';
import type { TerminalFleet } from '../model/terminal-fleet.js';
import type { TwinIdentity } from './twin-identity.js';

/** Who the twin's registrations are audited as. */
const TWIN_ACTOR = { kind: 'system' as const, id: 'digital-twin' };

export interface Provisioned {
  readonly tenantIds: string[];
  readonly stations: GroundStationRecord[];
  readonly tokens: string[];
  readonly noradIds: string[];
  /** The scenario's terrestrial gateways' EUIs, in its order. */
  readonly gatewayEuis: string[];
  readonly created: { tenants: number; stations: number; gateways: number; terminals: number };
}

/**
 * Registers what the scenario needs in the core, skipping what exists: tenants by name (a new one
 * gets its sector's rule preset), ground stations by name with tokens derived from the identity,
 * terrestrial gateways by derived EUI, the constellation's element sets (replacing older ones),
 * and every terminal by DevEUI (fixed
 * ones with their position, so downlinks get an ETA).
 */
export async function provisionScenario(
  core: Core,
  s: Scenario,
  fleet: TerminalFleet,
  sats: readonly Satellite[],
  id: TwinIdentity,
  onProgress?: (done: number, total: number) => void,
): Promise<Provisioned> {
  const created = { tenants: 0, stations: 0, gateways: 0, terminals: 0 };
  const existingTenants = await core.registryQueries.listTenants();
  const tenantIds: string[] = [];
  for (const [ti, t] of s.tenants.entries()) {
    let tenant = existingTenants.find((x) => x.name === t.name);
    if (!tenant) {
      tenant = await core.provisioning.createTenant(t.name);
      created.tenants++;
      try {
        for (const r of solutionRules(t.sector, tenant.id, presetParams(t.sector, ti, fleet, id), randomUUID))
          await core.rules.save(r);
      } catch {
        /* a preset that needs parameters is left for the operator */
      }
    }
    tenantIds.push(tenant.id);
  }

  const existingStations = await core.registryQueries.listGroundStations();
  const stations: GroundStationRecord[] = [];
  const tokens: string[] = [];
  for (const g of s.groundStations) {
    const token = id.stationToken(g.id);
    const hash = sha256Hex(token);
    let rec = existingStations.find((x) => x.tokenHash === hash);
    if (!rec) {
      // Imported with the derived token (createGroundStation draws a random one).
      const taken = existingStations.some((x) => x.name === g.name);
      rec = {
        id: randomUUID(),
        name: taken ? `${g.name} (${g.id})` : g.name,
        lat: g.lat,
        lon: g.lon,
        altM: g.altM,
        tokenHash: hash,
        enabled: true,
        createdAt: core.clock.now(),
      };
      await core.provisioning.importGroundStation(rec);
      created.stations++;
    }
    stations.push(rec);
    tokens.push(token);
  }

  // Terrestrial gateways by their derived EUI (the operator's: they hear every tenant's terminals).
  const existingGateways = s.terrestrialGateways.length > 0 ? await core.gateways.list() : [];
  const gatewayEuis: string[] = [];
  for (const g of s.terrestrialGateways) {
    const eui = id.gatewayEui(g.id);
    if (!existingGateways.some((x) => x.gatewayEui === eui)) {
      await core.gateways.create({ gatewayEui: eui, name: g.name, lat: g.lat, lon: g.lon, altM: g.altM });
      created.gateways++;
    }
    gatewayEuis.push(eui);
  }

  await core.loadSatellites({ tle: toTleText(sats.map((x) => x.elements)) });
  const noradIds = sats.map((x) => String(x.noradId));

  // Terminals through the bulk registration (policy and audit as for any operator's import), in
  // parts so progress moves; each part is a few transactions of a few thousand terminals.
  const fix = { lat: 0, lon: 0, altKm: 0, speedKmh: 0, headingDeg: 0 };
  const PART = 10_000;
  let rows: NewTerminal[] = [];
  const flush = async (): Promise<void> => {
    if (rows.length === 0) return;
    const out = await core.registration.createTerminals(rows, TWIN_ACTOR);
    const failed = out.findIndex((r) => r instanceof SatiotError);
    if (failed >= 0) throw out[failed];
    created.terminals += rows.length;
    rows = [];
  };
  for (let i = 0; i < fleet.count; i++) {
    const devEui = id.devEui(i);
    if (!core.registry.byDevEui(devEui)) {
      const f = fleet.fleets[fleet.fleetOf[i]!]!;
      const k = id.keys(i);
      fleet.position(i, s.start, fix);
      rows.push({
        tenantId: tenantIds[fleet.tenantOf[i]!]!,
        devEui,
        devAddr: id.devAddr(i),
        nwkSKey: Buffer.from(k.nwkSKey).toString('hex'),
        appSKey: Buffer.from(k.appSKey).toString('hex'),
        suite: 'aes128',
        profile: f.profile,
        codec: f.protocol,
        name: `${f.name} ${fleet.ordinal[i]! + 1}`.slice(0, 64),
        expectedMessagesPerDay: Math.max(1, Math.round(1440 / f.traffic.periodMinutes + f.traffic.eventsPerDay)),
        ...(fleet.isFixed(i) ? { location: { lat: round(fix.lat), lon: round(fix.lon), altM: 0 } } : {}),
      });
      if (rows.length >= PART) await flush();
    }
    if (i % 1000 === 999) onProgress?.(i + 1, fleet.count);
  }
  await flush();
  onProgress?.(fleet.count, fleet.count);
  return { tenantIds, stations, tokens, noradIds, gatewayEuis, created };
}

/**
 * A tenant's preset parameters: for the water sector, a warning line per gauge of a fleet with
 * `gauge.warningAboveM` (that far above its usual level), its guaranteed level a metre above the
 * flood's crest, and the crest pre-alarm's command switching the station to intensive reporting.
 */
function presetParams(sector: string, tenant: number, fleet: TerminalFleet, id: TwinIdentity): SolutionParams {
  if (sector !== 'water') return {};
  const stations: Array<NonNullable<WaterParams['stations']>[number]> = [];
  for (let i = 0; i < fleet.count; i++) {
    const f = fleet.fleets[fleet.fleetOf[i]!]!;
    if (fleet.tenantOf[i] !== tenant || f.gauge?.warningAboveM === undefined) continue;
    const base = gaugeBaseM(i);
    stations.push({
      name: `${f.name} ${fleet.ordinal[i]! + 1}`,
      devEuis: [id.devEui(i)],
      warningLevelM: round(base + f.gauge.warningAboveM),
      guaranteedLevelM: round(base + f.gauge.floodPeakM + 1),
    });
  }
  return stations.length ? { stations, crestCommand: { addReportMinutes: 5 } } : {};
}

function round(x: number): number {
  return Math.round(x * 1e5) / 1e5;
}
