/** The "needs attention" list's choices (src/core/attention.ts), over sources that hold more than it shows. */
import { describe, expect, it } from 'vitest';
import { needsAttention, type AttentionSources } from '../../src/core/attention.js';
import type { Alarm } from '../../src/rules/index.js';
import type { AlarmQuery } from '../../src/core/ports/alarm-store.js';

const alarm = (i: number, severity: Alarm['severity'], raisedAt: number): Alarm => ({
  id: `a${i}`,
  tenantId: 't',
  ruleId: 'r',
  terminalId: `term${i}`,
  devEui: i.toString(16).padStart(16, '0'),
  severity,
  state: 'raised',
  raisedAt,
  evidence: { conditions: [] } as unknown as Alarm['evidence'],
  count: 1,
});

/** A store's alarm listing: the query's severity and state, newest first, a page of `limit`. */
function alarmSource(all: readonly Alarm[]): AttentionSources['alarms'] {
  return async (q: AlarmQuery) => {
    const hit = all
      .filter(
        (a) =>
          (q.severity === undefined || a.severity === q.severity) &&
          (q.tenantId === undefined || a.tenantId === q.tenantId),
      )
      .sort((a, b) => b.raisedAt - a.raisedAt);
    return { items: hit.slice(0, q.limit), ...(hit.length > q.limit ? { nextCursor: 'more' } : {}) };
  };
}

const sources = (alarms: readonly Alarm[]): AttentionSources => ({
  alarms: alarmSource(alarms),
  rule: async () => ({ name: 'Level high' }) as never,
  decisions: async () => ({ items: [] }),
  expiringDownlinks: async () => [],
  now: () => 10_000_000,
  terminalName: (devEui) => (devEui.endsWith('3d') ? 'Gauge 61' : undefined),
});

describe('needs attention', () => {
  it('shows the most severe first even behind many newer milder ones, and says there are more', async () => {
    const many = Array.from({ length: 60 }, (_, i) => alarm(i, 'info', 9_000_000 + i));
    const a = await needsAttention(sources([...many, alarm(61, 'emergency', 1_000)]), 't');
    expect(a.items).toHaveLength(50);
    expect(a.items[0]).toMatchObject({
      kind: 'alarm',
      severity: 'emergency',
      id: 'alarm:a61',
      detail: 'Gauge 61 (000000000000003d): raised, not acknowledged',
    });
    expect(a.counts.alarm).toBe(50);
    expect(a.more).toEqual(['alarm']);
  });

  it('says nothing more when all fit', async () => {
    const a = await needsAttention(sources([alarm(1, 'warning', 5), alarm(2, 'critical', 9)]), 't');
    expect(a.items.map((i) => i.severity)).toEqual(['critical', 'warning']);
    expect(a.more).toEqual([]);
  });
});
