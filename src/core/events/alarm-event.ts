import type { Alarm } from '../../rules/index.js';

/** An alarm event: what happened to the alarm, and the alarm as it now is. */
export interface AlarmEvent {
  readonly kind: 'alarm';
  readonly action: 'raised' | 'repeated' | 'acknowledged' | 'cleared';
  readonly alarm: Alarm;
}

/** One id per change of an alarm (its count and state say which). */
export const alarmEventId = (a: Alarm, action: AlarmEvent['action']): string =>
  `${a.id}:${action}:${a.count}:${a.state}`;

/** A rule's automatic downlink (a rule action), queued by the downlink service once per alarm. */
export interface DownlinkRequestEvent {
  readonly kind: 'downlink-request';
  readonly alarmId: string;
  readonly ruleId: string;
  readonly tenantId: string;
  readonly devEui: string;
  /** The decision that took the action (docs/intelligence.md). */
  readonly decisionId?: string;
  readonly fPort: number;
  readonly payloadHex: string;
  readonly confirmed?: boolean;
  readonly priority?: 'normal' | 'emergency';
  readonly requestedAt: string;
}

export const downlinkRequestEventId = (alarmId: string): string => `${alarmId}:downlink`;
