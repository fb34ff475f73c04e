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
}

const DAY_MS = 86_400_000;

/** Rolls per-day rows up to the granularity, per terminal and per tenant (the tenant lines last in each period). */
export function usageReport(rows: readonly UsageRow[], granularity: UsageGranularity): UsageLine[] {
  const periodOf = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, granularity === 'day' ? 10 : 7);
  const lines = new Map<string, { tenantId: string; devEui: string | null; period: string; uplinkMessages: number; uplinkBytes: number }>();
  const add = (tenantId: string, devEui: string | null, period: string, r: UsageRow) => {
    const key = `${period}|${tenantId}|${devEui ?? ''}`;
    let l = lines.get(key);
    if (!l) lines.set(key, l = { tenantId, devEui, period, uplinkMessages: 0, uplinkBytes: 0 });
    l.uplinkMessages += r.messages;
    l.uplinkBytes += r.bytes;
  };
  for (const r of rows) {
    const period = periodOf(r.day);
    add(r.tenantId, r.devEui, period, r);
    add(r.tenantId, null, period, r);
  }
  return [...lines.values()].sort((a, b) => a.period.localeCompare(b.period) || a.tenantId.localeCompare(b.tenantId)
    || (a.devEui === null ? 1 : b.devEui === null ? -1 : a.devEui.localeCompare(b.devEui)));
}
