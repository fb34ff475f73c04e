import type { UsageRow } from './ports/store.js';

export type UsageGranularity = 'day' | 'month';

/** One terminal's (or, with devEui null, the tenant's) traffic in one period. */
export interface UsageLine {
  readonly tenantId: string;
  /** null: the tenant's total for the period. */
  readonly devEui: string | null;
  /** `2026-01-15` (day) or `2026-01` (month), UTC. */
  readonly period: string;
  readonly uplinkMessages: number;
  readonly uplinkBytes: number;
  readonly downlinkMessages: number;
  readonly downlinkBytes: number;
}

const DAY_MS = 86_400_000;

/**
 * Rolls per-day rows (uplinks and downlinks) up to the granularity, per terminal and per tenant (the
 * tenant lines last in each period).
 */
export function usageReport(
  up: readonly UsageRow[],
  granularity: UsageGranularity,
  down: readonly UsageRow[] = [],
): UsageLine[] {
  const periodOf = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, granularity === 'day' ? 10 : 7);
  type Line = { -readonly [K in keyof UsageLine]: UsageLine[K] };
  const lines = new Map<string, Line>();
  const add = (tenantId: string, devEui: string | null, period: string, r: UsageRow, dir: 'uplink' | 'downlink') => {
    const key = `${period}|${tenantId}|${devEui ?? ''}`;
    let l = lines.get(key);
    if (!l)
      lines.set(
        key,
        (l = { tenantId, devEui, period, uplinkMessages: 0, uplinkBytes: 0, downlinkMessages: 0, downlinkBytes: 0 }),
      );
    if (dir === 'uplink') {
      l.uplinkMessages += r.messages;
      l.uplinkBytes += r.bytes;
    } else {
      l.downlinkMessages += r.messages;
      l.downlinkBytes += r.bytes;
    }
  };
  for (const [rows, dir] of [
    [up, 'uplink'],
    [down, 'downlink'],
  ] as const) {
    for (const r of rows) {
      const period = periodOf(r.day);
      add(r.tenantId, r.devEui, period, r, dir);
      add(r.tenantId, null, period, r, dir);
    }
  }
  return [...lines.values()].sort(
    (a, b) =>
      a.period.localeCompare(b.period) ||
      a.tenantId.localeCompare(b.tenantId) ||
      (a.devEui === null ? 1 : b.devEui === null ? -1 : a.devEui.localeCompare(b.devEui)),
  );
}
