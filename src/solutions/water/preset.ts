import type { RuleDraft } from '../rule-draft.js';

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
  /**
   * A downlink sent (a decision, under the tenant's policy) when a crest is foreseen (one of crestDownlink and
   * crestCommand).
   */
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

/** The water preset as rule drafts: warning and guaranteed lines per station, fast rises, rain, an unusual gauge. */
export function waterRules(p: WaterParams): RuleDraft[] {
  const scope = { codecs: ['sl651'] };
  const level = 'values.waterLevelM';
  const lines = (
    prefix: string,
    sc: Record<string, unknown>,
    warning: number | undefined,
    guaranteed: number | undefined,
  ): RuleDraft[] => [
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
