import type { GeofenceArea } from '../rules/geofence-area.js';
import { parseRule, type Rule } from '../rules/rule.js';

/**
 * The three first solutions of the trial as rule presets a tenant switches on: each preset turns a
 * few domain parameters (warning lines, icing limits, a depot's geofence) into ordinary rules over
 * the fields the built-in codecs produce. The rules are then the tenant's own, to edit or delete.
 * Parameters are validated by the rule parser like any rule (RuleError naming the bad field).
 */
export type SolutionName = 'water' | 'power' | 'logistics';
export const SOLUTIONS: readonly SolutionName[] = ['water', 'power', 'logistics'];

/**
 * Water conservancy (SL 651 stations): levels against warning lines, fast rises, heavy rain. Each
 * station has its own warning and guaranteed levels: give `stations`, one entry per station (or
 * group of stations on one reach); the top-level levels then serve the stations not listed.
 */
export interface WaterParams {
  /** Warning water level (警戒水位), m. */
  readonly warningLevelM?: number;
  /** Guaranteed water level (保证水位), m: above it the levee is no longer guaranteed. */
  readonly guaranteedLevelM?: number;
  readonly stations?: ReadonlyArray<{
    readonly name: string;
    readonly devEuis: readonly string[];
    readonly warningLevelM: number;
    readonly guaranteedLevelM: number;
  }>;
  /** A rise of this much within `riseWindowMinutes` is a flood warning (default 0.5 m in 60 min). */
  readonly riseM?: number;
  readonly riseWindowMinutes?: number;
  /** Rain in the last hour (SL 651 element 0x1A), mm (default 30: heavy-rain class for 1 h). */
  readonly rain1hMm?: number;
  /** Rain over 24 h, from the accumulated-rainfall counter (element 0x26), mm (default 50: rainstorm). */
  readonly rain24hMm?: number;
  /** Emergency downlink on a guaranteed-level breach, e.g. a command raising the reporting rate. */
  readonly floodDownlink?: { readonly fPort: number; readonly payloadHex: string };
  /** How far ahead a crest above the warning line is foreseen (a pre-alarm; default 720 min). */
  readonly crestHorizonMinutes?: number;
  /** A downlink sent (a decision, under the tenant's policy) when a crest is foreseen (one of crestDownlink and crestCommand). */
  readonly crestDownlink?: { readonly fPort: number; readonly payloadHex: string };
  /**
   * Switch the station to intensive reporting when a crest is foreseen: SL 651's runtime
   * configuration command (0x42), built for the station that reported, with its added-report
   * interval (default 5 min) and, if given, its timed-report interval; on `fPort` (default 2).
   */
  readonly crestCommand?: {
    readonly addReportMinutes?: number;
    readonly timedReportHours?: number;
    readonly fPort?: number;
  };
  readonly devEuis?: readonly string[];
}

/**
 * Electric power (transmission-line monitoring): icing, conductor temperature, tower tilt,
 * galloping. Line sections differ (design ice class, conductor type): `sections` gives each its
 * sensors and its own limits, falling back to the top-level ones.
 */
export interface PowerParams {
  readonly sections?: ReadonlyArray<
    { readonly name: string; readonly devEuis: readonly string[] } & Omit<PowerParams, 'sections' | 'devEuis'>
  >;
  /** Equivalent ice thickness, mm (default 10: a typical design-ice class for light-ice areas). */
  readonly iceThicknessMm?: number;
  /** Conductor temperature, °C (default 70: the usual limit for steel-cored aluminium conductors). */
  readonly conductorTemperatureC?: number;
  /** Tower inclination, mm/m (default 10: DL/T 741's limit for towers up to 50 m is 1 %). */
  readonly towerTiltMmPerM?: number;
  /** Galloping amplitude, m (default 1). */
  readonly gallopingAmplitudeM?: number;
  /** How far ahead ice above the limit is foreseen (a pre-alarm; default 360 min). */
  readonly icingHorizonMinutes?: number;
  /**
   * Make the device sample icing more often when ice above the limit is foreseen: the I1 sampling
   * period command (control A3) for the icing packet type, sent through a decision under the
   * tenant's policy (docs/intelligence.md).
   */
  readonly icingCommand?: {
    readonly sampleMinutes?: number;
    readonly heartbeatMinutes?: number;
    readonly fPort?: number;
  };
  readonly devEuis?: readonly string[];
}

/** Logistics (JT/T 808 vehicles): geofences, overspeed, emergency button, silence. */
export interface LogisticsParams {
  /** Areas a vehicle must not leave (a corridor, a province). */
  readonly allowedAreas?: ReadonlyArray<{ readonly name: string; readonly area: GeofenceArea }>;
  /** Depots and customers: entering one is recorded (info). */
  readonly sites?: ReadonlyArray<{ readonly name: string; readonly area: GeofenceArea }>;
  /** km/h (default 100, the expressway limit for trucks). */
  readonly maxSpeedKmh?: number;
  /** Silence after this many hours with at least `silenceMissedContacts` satellite contacts (default 6 h, 3). */
  readonly silenceHours?: number;
  readonly silenceMissedContacts?: number;
  readonly devEuis?: readonly string[];
}

export type SolutionParams = WaterParams | PowerParams | LogisticsParams;

/**
 * The rules of a preset for `tenantId`. `newId` makes each rule's id (the core passes a UUID maker).
 * Throws RuleError when a parameter makes an invalid rule.
 */
export function solutionRules(
  solution: SolutionName,
  tenantId: string,
  params: SolutionParams,
  newId: () => string,
): Rule[] {
  const drafts =
    solution === 'water'
      ? waterRules(params as WaterParams)
      : solution === 'power'
        ? powerRules(params as PowerParams)
        : logisticsRules(params as LogisticsParams);
  return drafts.map((d) =>
    parseRule({
      id: newId(),
      tenantId,
      enabled: true,
      ...d,
      scope: { ...d.scope, ...(params.devEuis ? { devEuis: params.devEuis } : {}) },
    }),
  );
}

type Draft = {
  name: string;
  severity: string;
  scope: Record<string, unknown>;
  condition: Record<string, unknown>;
  clearAfterMinutes?: number;
  action?: unknown;
};

function waterRules(p: WaterParams): Draft[] {
  const scope = { codecs: ['sl651'] };
  const level = 'values.waterLevelM';
  const lines = (
    prefix: string,
    sc: Record<string, unknown>,
    warning: number | undefined,
    guaranteed: number | undefined,
  ): Draft[] => [
    ...(warning === undefined
      ? []
      : [
          {
            name: `${prefix}Water level above the warning line`,
            severity: 'warning',
            scope: sc,
            condition: { kind: 'threshold', field: level, op: '>', value: warning },
            clearAfterMinutes: 60,
          },
        ]),
    // The pre-alarm: the level's forecast could reach the warning line within the horizon (docs/intelligence.md).
    ...(warning === undefined
      ? []
      : [
          {
            name: `${prefix}Crest foreseen above the warning line`,
            severity: 'warning',
            scope: sc,
            condition: {
              kind: 'forecast',
              field: level,
              op: '>=',
              value: warning,
              horizonMinutes: p.crestHorizonMinutes ?? 720,
              quantile: 'upper',
            },
            clearAfterMinutes: 60,
            ...(p.crestDownlink || p.crestCommand
              ? {
                  action: {
                    ...(p.crestDownlink
                      ? { downlink: { ...p.crestDownlink, confirmed: true, priority: 'normal' } }
                      : {}),
                    ...(p.crestCommand ? { command: { name: 'sl651.intensive-reporting', ...p.crestCommand } } : {}),
                  },
                }
              : {}),
          },
        ]),
    ...(guaranteed === undefined
      ? []
      : [
          {
            name: `${prefix}Water level above the guaranteed level`,
            severity: 'emergency',
            scope: sc,
            condition: { kind: 'threshold', field: level, op: '>', value: guaranteed },
            clearAfterMinutes: 60,
            ...(p.floodDownlink
              ? { action: { downlink: { ...p.floodDownlink, confirmed: true, priority: 'emergency' } } }
              : {}),
          },
        ]),
  ];
  const listed = (p.stations ?? []).flatMap((st) => st.devEuis);
  return [
    // Stations listed get their own lines; the top-level lines watch the others.
    ...(p.stations ?? []).flatMap((st) =>
      lines(`${st.name}: `, { ...scope, devEuis: st.devEuis }, st.warningLevelM, st.guaranteedLevelM),
    ),
    ...lines('', listed.length ? { ...scope, excludeDevEuis: listed } : scope, p.warningLevelM, p.guaranteedLevelM),
    {
      name: 'Water level rising fast',
      severity: 'warning',
      scope,
      condition: { kind: 'rate', field: level, windowMinutes: p.riseWindowMinutes ?? 60, rise: p.riseM ?? 0.5 },
    },
    // A reading far from what the station's own recent ones lead one to expect, or a gauge stuck: a sensor to check.
    {
      name: 'Gauge reading unusual for this station',
      severity: 'info',
      scope,
      condition: { kind: 'anomaly', field: level },
    },
    {
      name: 'Heavy rain in the last hour',
      severity: 'warning',
      scope,
      condition: { kind: 'threshold', field: 'values.rain1hMm', op: '>=', value: p.rain1hMm ?? 30 },
    },
    {
      name: 'Rainstorm over 24 hours',
      severity: 'warning',
      scope,
      condition: { kind: 'rate', field: 'values.rainAccumulatedMm', windowMinutes: 1440, rise: p.rain24hMm ?? 50 },
    },
  ];
}

function powerRules(p: PowerParams): Draft[] {
  const scope = { codecs: ['line-monitor'] };
  const ice = 'values.iceThicknessMm';
  const limits = (
    prefix: string,
    sc: Record<string, unknown>,
    q: Omit<PowerParams, 'sections' | 'devEuis'>,
  ): Draft[] => [
    {
      name: `${prefix}Line icing above limit`,
      severity: 'critical',
      scope: sc,
      condition: { kind: 'threshold', field: ice, op: '>=', value: q.iceThicknessMm ?? p.iceThicknessMm ?? 10 },
      clearAfterMinutes: 120,
    },
    // The pre-alarm: the ice's forecast could reach the limit within the horizon; the device is told to sample icing more often.
    {
      name: `${prefix}Icing foreseen above limit`,
      severity: 'warning',
      scope: sc,
      condition: {
        kind: 'forecast',
        field: ice,
        op: '>=',
        value: q.iceThicknessMm ?? p.iceThicknessMm ?? 10,
        horizonMinutes: q.icingHorizonMinutes ?? p.icingHorizonMinutes ?? 360,
        quantile: 'upper',
      },
      clearAfterMinutes: 120,
      ...((q.icingCommand ?? p.icingCommand)
        ? { action: { command: { name: 'line-monitor.sampling-period', ...(q.icingCommand ?? p.icingCommand) } } }
        : {}),
    },
    {
      name: `${prefix}Conductor temperature above limit`,
      severity: 'critical',
      scope: sc,
      condition: {
        kind: 'threshold',
        field: 'values.lineTemperatureC',
        op: '>=',
        value: q.conductorTemperatureC ?? p.conductorTemperatureC ?? 70,
      },
      clearAfterMinutes: 30,
    },
    {
      name: `${prefix}Tower tilt above limit`,
      severity: 'critical',
      scope: sc,
      condition: {
        kind: 'threshold',
        field: 'values.inclinationMmPerM',
        op: '>=',
        value: q.towerTiltMmPerM ?? p.towerTiltMmPerM ?? 10,
      },
    },
    {
      name: `${prefix}Conductor galloping`,
      severity: 'emergency',
      scope: sc,
      condition: {
        kind: 'threshold',
        field: 'values.amplitudeM',
        op: '>=',
        value: q.gallopingAmplitudeM ?? p.gallopingAmplitudeM ?? 1,
      },
      clearAfterMinutes: 30,
    },
  ];
  if (!p.sections?.length) return limits('', scope, {});
  return p.sections.flatMap((sec) => limits(`${sec.name}: `, { ...scope, devEuis: sec.devEuis }, sec));
}

function logisticsRules(p: LogisticsParams): Draft[] {
  const scope = { codecs: ['jt808'] };
  const rules: Draft[] = [
    {
      name: 'Overspeed',
      severity: 'warning',
      scope,
      condition: { kind: 'threshold', field: 'speedKmh', op: '>', value: p.maxSpeedKmh ?? 100 },
      clearAfterMinutes: 10,
    },
    {
      name: 'Emergency button pressed',
      severity: 'emergency',
      scope,
      condition: { kind: 'threshold', field: 'alarm.emergency', op: '==', value: 1 },
    },
    {
      name: 'No report despite satellite contacts',
      severity: 'warning',
      scope,
      condition: { kind: 'silence', hours: p.silenceHours ?? 6, missedContacts: p.silenceMissedContacts ?? 3 },
    },
  ];
  for (const a of p.allowedAreas ?? [])
    rules.push({
      name: `Left ${a.name}`,
      severity: 'critical',
      scope,
      condition: { kind: 'geofence', area: a.area, trigger: 'outside' },
    });
  for (const s of p.sites ?? [])
    rules.push({
      name: `Arrived at ${s.name}`,
      severity: 'info',
      scope,
      condition: { kind: 'geofence', area: s.area, trigger: 'enter' },
    });
  return rules;
}
