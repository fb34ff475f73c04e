import type { GeofenceArea } from '../../rules/geofence-area.js';
import type { RuleDraft } from '../rule-draft.js';

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

/** The logistics preset as rule drafts: overspeed, the emergency button, silence, then one rule per area and site. */
export function logisticsRules(p: LogisticsParams): RuleDraft[] {
  const scope = { codecs: ['jt808'] };
  const rules: RuleDraft[] = [
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
