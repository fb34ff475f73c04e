import type { RuleDraft } from '../rule-draft.js';

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

/**
 * The power preset as rule drafts: icing (and its forecast), conductor temperature, tower tilt, galloping, per section.
 */
export function powerRules(p: PowerParams): RuleDraft[] {
  const scope = { codecs: ['line-monitor'] };
  const ice = 'values.iceThicknessMm';
  const limits = (
    prefix: string,
    sc: Record<string, unknown>,
    q: Omit<PowerParams, 'sections' | 'devEuis'>,
  ): RuleDraft[] => [
    {
      name: `${prefix}Line icing above limit`,
      severity: 'critical',
      scope: sc,
      condition: { kind: 'threshold', field: ice, op: '>=', value: q.iceThicknessMm ?? p.iceThicknessMm ?? 10 },
      clearAfterMinutes: 120,
    },
    // The pre-alarm: the ice's forecast could reach the limit within the horizon; the device is told to sample icing
    // more often.
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
