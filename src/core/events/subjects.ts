/**
 * Every bus subject satiot uses, in one place (docs/cluster.md, "Events"). Tokens may not contain
 * `.`, `*`, `>` or whitespace; ids and DevEUIs never do.
 *
 * Terminal events carry their **partition** as the third token:
 *
 *     satiot.<kind>.<partition>.<tenantId>.<devEui>      kind: up, decoded, alarm, downlink, downlink-request
 *
 * A terminal's events are always in the same partition (a hash of its DevEUI), so a consumer that
 * takes one partition at a time in order (a NATS durable per partition, src/bus/nats) keeps each
 * terminal's order while the partitions run side by side on every node. Station, anomaly and
 * registry events are not partitioned:
 *
 *     satiot.rejected.<stationId>     security-relevant rejections (anomaly detection)
 *     satiot.received.<stationId>     which satellites a station's stored frames came from
 *     satiot.anomaly.<kind>           anomaly alerts
 *     satiot.registry.<entity>        a registry change every node applies to its caches
 */

/** First token of every subject. */
export const SUBJECT_PREFIX = 'satiot';

/**
 * Partitions of terminal events: how many consumers of one kind run at once across the cluster.
 * Part of every terminal subject, so every node of a cluster must agree on it; changing it changes
 * which consumer a terminal's next events go to (its order across the change is not kept).
 */
export const PARTITIONS = 16;

/** The kinds of terminal events, by their subject token. */
export const TERMINAL_EVENT_TOKENS = {
  uplink: 'up',
  decoded: 'decoded',
  alarm: 'alarm',
  downlink: 'downlink',
  'downlink-request': 'downlink-request',
} as const;
export type TerminalEventKind = keyof typeof TERMINAL_EVENT_TOKENS;

/** The partition of a terminal (FNV-1a of its lower-case DevEUI, modulo PARTITIONS). */
export function partitionOf(devEui: string): number {
  let h = 0x811c9dc5;
  const s = devEui.toLowerCase();
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % PARTITIONS;
}

/** The subject of a terminal's event of `kind`. */
export function terminalSubject(kind: TerminalEventKind, tenantId: string, devEui: string): string {
  return `${SUBJECT_PREFIX}.${TERMINAL_EVENT_TOKENS[kind]}.${partitionOf(devEui)}.${tenantId}.${devEui}`;
}

/** Every event of `kind`, all partitions. A partitioned subscription (SubscribeOptions.partitioned) takes this. */
export function terminalEvents(kind: TerminalEventKind): string {
  return `${SUBJECT_PREFIX}.${TERMINAL_EVENT_TOKENS[kind]}.>`;
}

/** Every terminal event of every kind (the delivery fan-out; other subjects parse to nothing there). */
export const ALL_TERMINAL_EVENTS = `${SUBJECT_PREFIX}.*.>`;

/** One tenant's terminal events of every kind (the live stream). */
export function tenantEvents(tenantId: string): string {
  return `${SUBJECT_PREFIX}.*.*.${tenantId}.*`;
}

export const uplinkSubject = (m: { readonly tenantId: string; readonly devEui: string }): string =>
  terminalSubject('uplink', m.tenantId, m.devEui);
export const decodedSubject = (tenantId: string, devEui: string): string =>
  terminalSubject('decoded', tenantId, devEui);
export const alarmSubject = (tenantId: string, devEui: string): string => terminalSubject('alarm', tenantId, devEui);
export const downlinkSubject = (tenantId: string, devEui: string): string =>
  terminalSubject('downlink', tenantId, devEui);
export const downlinkRequestSubject = (tenantId: string, devEui: string): string =>
  terminalSubject('downlink-request', tenantId, devEui);

export const UPLINK_SUBJECTS = terminalEvents('uplink');
export const DECODED_SUBJECTS = terminalEvents('decoded');
export const ALARM_SUBJECTS = terminalEvents('alarm');
export const DOWNLINK_SUBJECTS = terminalEvents('downlink');
export const DOWNLINK_REQUEST_SUBJECTS = terminalEvents('downlink-request');

export const rejectionSubject = (stationId: string): string => `${SUBJECT_PREFIX}.rejected.${stationId}`;
export const REJECTION_SUBJECTS = `${SUBJECT_PREFIX}.rejected.>`;
export const receptionSummarySubject = (stationId: string): string => `${SUBJECT_PREFIX}.received.${stationId}`;
export const RECEPTION_SUMMARY_SUBJECTS = `${SUBJECT_PREFIX}.received.>`;
export const anomalySubject = (kind: string): string => `${SUBJECT_PREFIX}.anomaly.${kind}`;
export const ANOMALY_SUBJECTS = `${SUBJECT_PREFIX}.anomaly.>`;
export const registrySubject = (entity: string): string => `${SUBJECT_PREFIX}.registry.${entity}`;
export const REGISTRY_SUBJECTS = `${SUBJECT_PREFIX}.registry.>`;

/** What a terminal subject names: its kind, partition, tenant and DevEUI; undefined for any other subject. */
export function parseTerminalSubject(
  subject: string,
): { kind: TerminalEventKind; partition: number; tenantId: string; devEui: string } | undefined {
  const t = subject.split('.');
  if (t.length !== 5 || t[0] !== SUBJECT_PREFIX) return undefined;
  const kind = (Object.keys(TERMINAL_EVENT_TOKENS) as TerminalEventKind[]).find(
    (k) => TERMINAL_EVENT_TOKENS[k] === t[1],
  );
  const partition = Number(t[2]);
  if (!kind || !Number.isInteger(partition) || partition < 0 || partition >= PARTITIONS) return undefined;
  return { kind, partition, tenantId: t[3]!, devEui: t[4]! };
}
