import type { TerminalProfile } from '../../core/model.js';
import type { SolutionName } from '../../solutions/index.js';

/** [latitude, longitude] in degrees. */
export type LatLon = readonly [number, number];

/** Where a fleet's terminals are and how they move. */
export type Mobility =
  /** Fixed sites spread evenly along a polyline (a river, a power line), or at the given points. */
  | {
      readonly kind: 'fixed';
      readonly along?: readonly LatLon[];
      readonly points?: readonly LatLon[];
      readonly jitterKm?: number;
    }
  /** Fixed sites scattered uniformly at random in a box (remote handhelds, wearables). */
  | { readonly kind: 'area'; readonly box: readonly [number, number, number, number] }
  /**
   * Trucks or aircraft: great-circle legs between the given cities, back and forth, at a cruise speed; a stop at each
   * end.
   */
  | {
      readonly kind: 'route';
      readonly cities: readonly LatLon[];
      readonly speedKmh: number;
      readonly dwellMinutes?: number;
      readonly altM?: number;
    }
  /** Vessels: a slow drift inside a box (a fishing ground), turning back at its edges. */
  | { readonly kind: 'drift'; readonly box: readonly [number, number, number, number]; readonly speedKmh: number };

/** When a terminal sends. */
export interface Traffic {
  /** A scheduled report every this many minutes (first one at a random phase). */
  readonly periodMinutes: number;
  /** Extra event reports per terminal per day (Poisson), e.g. a water level rising fast. */
  readonly eventsPerDay: number;
  /** Share of event reports that are emergencies (kept first on board, alarm-worthy values). */
  readonly emergencyShare: number;
  /** Wait for a satellite above the minimum elevation before sending (true), or send blindly on schedule (false). */
  readonly waitForSatellite: boolean;
  /** Confirmed downlinks (commands) the operator queues per terminal per day (Poisson). */
  readonly downlinksPerDay: number;
}

export type Protocol = 'jt808' | 'sl651' | 'line-monitor';

/**
 * Hydrological gauges (an SL 651 fleet) with flood waves: every `floodEveryHours`, at a phase of its
 * own, a station's level rises by `floodPeakM` over `floodRiseHours` and falls back slowly (docs/twin.md).
 * With `warningAboveM`, the water tenant's preset gets a warning line per station that far above its
 * usual level, and a crest pre-alarm that switches the station to intensive reporting.
 */
export interface GaugeSpec {
  readonly floodEveryHours: number;
  readonly floodRiseHours: number;
  readonly floodPeakM: number;
  readonly warningAboveM?: number;
}

export interface Fleet {
  readonly name: string;
  readonly count: number;
  readonly protocol: Protocol;
  readonly profile: TerminalProfile;
  readonly mobility: Mobility;
  readonly traffic: Traffic;
  /** Terminal EIRP, dBm (overrides the scenario's radio default). */
  readonly eirpDbm?: number;
  /** SL 651 fleets only: flood waves in the levels, and warning lines for the preset. */
  readonly gauge?: GaugeSpec;
}

export interface TenantSpec {
  readonly name: string;
  readonly sector: SolutionName;
  readonly fleets: readonly Fleet[];
}

export interface GroundStationSpec {
  readonly id: string;
  readonly name: string;
  readonly lat: number;
  readonly lon: number;
  readonly altM: number;
  readonly minElevationDeg: number;
}

/**
 * A terrestrial LoRa gateway (a river bank, a logistics park): it hears terminals within about
 * `rangeKm` (where half the frames decode; log-distance path loss beyond and within, docs/twin.md)
 * and forwards what it hears at once over the Semtech UDP protocol.
 */
export interface TerrestrialGatewaySpec {
  readonly id: string;
  readonly name: string;
  readonly lat: number;
  readonly lon: number;
  readonly altM: number;
  readonly rangeKm: number;
}

/**
 * Radio and on-board parameters (sources in docs/twin.md). Uplink: terminal → satellite at
 * `frequencyMHz`, LoRa-like spread spectrum. The satellite receiver is described by G/T.
 */
export interface RadioSpec {
  readonly frequencyMHz: number;
  readonly eirpDbm: number;
  /** Satellite receive figure of merit, dB/K. */
  readonly satGOverTDbK: number;
  /** Receiver bandwidth, Hz (noise bandwidth for the SNR). */
  readonly bandwidthHz: number;
  /** SNR at which half the frames decode, dB (LoRa SF12: about −20 dB). */
  readonly requiredSnrDb: number;
  /** Width of the decode-probability slope around the required SNR, dB. */
  readonly snrSlopeDb: number;
  /** Other losses (polarisation, atmosphere, body), dB. */
  readonly miscLossDb: number;
  /** Uplink channels; each transmission picks one at random. */
  readonly channels: number;
  /** Time on air of one uplink frame, ms. */
  readonly airtimeMs: number;
  /** A frame survives an overlap when it is this much stronger than every other, dB. */
  readonly captureDb: number;
  /** Terminal minimum elevation for an uplink, degrees. */
  readonly minElevationDeg: number;
}

export interface SatelliteSpec {
  /** Frames a satellite holds; beyond, the drop policy applies. */
  readonly bufferFrames: number;
  /** Frames per second a satellite dumps to a ground station in contact. */
  readonly dumpFramesPerSecond: number;
  /** Delay from a frame reaching a ground station to its batch being posted to the core, s. */
  readonly groundDelaySeconds: number;
}

export interface ConstellationSpec {
  readonly walker?: { readonly design: string; readonly altitudeKm: number };
  /** A TLE or OMM JSON file (relative paths from the scenario file's folder). */
  readonly elementSetsFile?: string;
  /** Element-set text already read (set by the loader from elementSetsFile). */
  readonly elementSetsText?: string;
}

/** A validated scenario: everything the twin simulates. */
export interface Scenario {
  readonly name: string;
  /** Seed of every random draw (phases, positions, events, channels) and of derived identifiers. */
  readonly seed: number;
  /** Start of the simulated span (Unix ms); also the Walker epoch. */
  readonly start: number;
  readonly hours: number;
  /** Clock speed: 'max' as fast as possible, else simulated seconds per wall second. */
  readonly speed: number | 'max';
  readonly constellation: ConstellationSpec;
  readonly groundStations: readonly GroundStationSpec[];
  /** Terrestrial LoRa gateways beside the satellites (none by default). */
  readonly terrestrialGateways: readonly TerrestrialGatewaySpec[];
  readonly radio: RadioSpec;
  readonly satellite: SatelliteSpec;
  readonly tenants: readonly TenantSpec[];
}
