import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CodecError, type PayloadCodec } from '../../src/codecs/codec.js';
import { parseRule, type Rule } from '../../src/rules/index.js';
import { collect, coreFixture, uplink, T0, type CoreFixture, type TestTerminal } from '../support/core-fixture.js';
import { settled } from '../support/settled.js';

const HOUR = 3_600_000;
/** Test codec: one byte, the water level in decimetres. */
const levelCodec: PayloadCodec = {
  name: 'level',
  description: 'test',
  decode(b) {
    if (b.length !== 1) throw new CodecError('CODEC_MALFORMED', 'one byte expected');
    return { values: { waterLevelM: b[0]! / 10 } };
  },
};

describe('rules over decoded messages', () => {
  let f: CoreFixture;
  let t: TestTerminal;
  let rule: Rule;
  beforeEach(async () => {
    f = await coreFixture({ codecs: new Map([['level', levelCodec]]) });
    t = await f.addTerminal({ codec: 'level' });
    rule = parseRule({
      id: 'r-warn',
      tenantId: f.tenantId,
      name: 'above warning',
      severity: 'warning',
      enabled: true,
      scope: { codecs: ['level'] },
      condition: { kind: 'threshold', field: 'values.waterLevelM', op: '>', value: 5 },
      action: { downlink: { fPort: 3, payloadHex: '0a', confirmed: true, priority: 'emergency' } },
    });
    await f.store.rules.save(rule, T0);
  });
  afterEach(async () => {
    await f.close();
  });

  const send = (fCnt: number, dm: number, capturedAt: number) =>
    f.core.pipeline.ingest(f.station, [uplink(t, fCnt, new Uint8Array([dm]), { capturedAt })]);

  it('raises an alarm at the capture time of the reading that crossed the line, stores it and publishes it with a downlink request', async () => {
    const requests: unknown[] = [];
    const sub = await f.bus.subscribe('satiot.downlink-request.>', async (m) => {
      requests.push(JSON.parse(Buffer.from(m.data).toString()));
    });
    const events = await collect(f.bus, 'satiot.alarm.>', 1, async () => {
      await send(1, 40, T0 - 3 * HOUR);
      await send(2, 62, T0 - 2 * HOUR);
    });
    expect(events[0]).toMatchObject({
      kind: 'alarm',
      action: 'raised',
      alarm: {
        ruleId: 'r-warn',
        devEui: t.devEui,
        state: 'raised',
        raisedAt: T0 - 2 * HOUR,
        count: 1,
        severity: 'warning',
      },
    });
    const [open] = (await f.store.alarms.list({ tenantId: f.tenantId, state: 'open', limit: 10 })).items;
    expect(open).toMatchObject({ ruleId: 'r-warn', terminalId: t.id });
    expect(JSON.stringify(open!.evidence)).toContain('6.2');
    await sub.close();
    expect(requests).toEqual([
      expect.objectContaining({
        kind: 'downlink-request',
        alarmId: open!.id,
        devEui: t.devEui,
        fPort: 3,
        payloadHex: '0a',
        priority: 'emergency',
      }),
    ]);
  });

  it("a rule reading the reception (meta.rssi, meta.uplinkLatencyS) sees the first copy's, and its evidence says which", async () => {
    await f.store.rules.save(
      parseRule({
        id: 'r-weak',
        tenantId: f.tenantId,
        name: 'weak link',
        severity: 'info',
        enabled: true,
        scope: {},
        condition: {
          kind: 'all',
          conditions: [
            { kind: 'threshold', field: 'meta.rssi', op: '<', value: -130 },
            { kind: 'threshold', field: 'meta.uplinkLatencyS', op: '>', value: 60 },
          ],
        },
      }),
      T0,
    );
    const events = await collect(f.bus, 'satiot.alarm.>', 1, async () => {
      await f.core.pipeline.ingest(f.station, [
        uplink(t, 1, new Uint8Array([10]), { capturedAt: T0 - 3 * HOUR, rssi: -120 }),
      ]);
      await f.core.pipeline.ingest(f.station, [
        uplink(t, 2, new Uint8Array([10]), { capturedAt: T0 - 2 * HOUR, rssi: -135, satelliteId: 'SAT-9' }),
      ]);
    });
    expect(events[0]).toMatchObject({ action: 'raised', alarm: { ruleId: 'r-weak', raisedAt: T0 - 2 * HOUR } });
    const leaves = (events[0]!['alarm'] as { evidence: { conditions: Array<Record<string, unknown>> } }).evidence
      .conditions;
    expect(leaves.map((l) => [l['field'], l['value']])).toEqual([
      ['meta.rssi', -135],
      ['meta.uplinkLatencyS', 7200],
    ]);
  });

  it('counts further firings on the open alarm and clears it when the level falls back', async () => {
    const events = await collect(f.bus, 'satiot.alarm.>', 2, async () => {
      await send(1, 62, T0 - 3 * HOUR);
      await send(2, 30, T0 - 2 * HOUR);
    });
    expect(events.map((e) => e['action'])).toEqual(['raised', 'cleared']);
    const again = await collect(f.bus, 'satiot.alarm.>', 1, () => send(3, 70, T0 - HOUR));
    expect(again[0]).toMatchObject({ action: 'raised' });
    expect((await f.store.alarms.list({ tenantId: f.tenantId, limit: 10 })).items.map((a) => a.state)).toEqual([
      'raised',
      'cleared',
    ]);
  });

  it('lets an operator acknowledge and clear an alarm, and refuses an invalid transition with ALARM_STATE', async () => {
    await collect(f.bus, 'satiot.alarm.>', 1, () => send(1, 62, T0 - HOUR));
    const [a] = (await f.store.alarms.list({ tenantId: f.tenantId, limit: 10 })).items;
    expect(await f.core.rules.acknowledge(a!.id, 'ops-1')).toMatchObject({
      state: 'acknowledged',
      acknowledgedBy: 'ops-1',
      acknowledgedAt: T0,
    });
    await expect(f.core.rules.acknowledge(a!.id, 'ops-1')).rejects.toMatchObject({ code: 'ALARM_STATE' });
    expect(await f.core.rules.clear(a!.id, 'ops-2')).toMatchObject({ state: 'cleared', clearedBy: 'ops-2' });
    await expect(f.core.rules.clear('nope', 'ops-2')).rejects.toMatchObject({ code: 'ALARM_NOT_FOUND' });
  });

  it("raises a silence alarm on the sweep once a terminal has been quiet for the rule's hours, and clears it on the next message", async () => {
    await f.store.rules.save(
      parseRule({
        id: 'r-quiet',
        tenantId: f.tenantId,
        name: 'quiet',
        severity: 'warning',
        enabled: true,
        scope: {},
        condition: { kind: 'silence', hours: 6, missedContacts: 0 },
      }),
      T0,
    );
    f.core.rules.invalidate(f.tenantId);
    await collect(f.bus, 'satiot.decoded.>', 1, () => send(1, 10, T0 - HOUR));
    expect(await f.core.rules.sweepSilence()).toBe(0);
    f.clock.advance(6 * HOUR);
    const events = await collect(f.bus, 'satiot.alarm.>', 1, () => f.core.rules.sweepSilence());
    expect(events[0]).toMatchObject({ action: 'raised', alarm: { ruleId: 'r-quiet' } });
    const cleared = await collect(f.bus, 'satiot.alarm.>', 1, () => send(2, 10, f.clock.now() - 60_000));
    expect(cleared[0]).toMatchObject({ action: 'cleared', alarm: { ruleId: 'r-quiet', clearedBy: 'rule' } });
  });

  it('a command the report cannot address (not an SL 651 station) leaves the alarm raised with the reason in its evidence, and sends nothing', async () => {
    await f.store.rules.save(
      parseRule({
        id: 'r-cmd',
        tenantId: f.tenantId,
        name: 'intensive',
        severity: 'warning',
        enabled: true,
        scope: { codecs: ['level'] },
        condition: { kind: 'threshold', field: 'values.waterLevelM', op: '>', value: 7 },
        action: { command: { name: 'sl651.intensive-reporting' } },
      }),
      T0,
    );
    f.core.rules.invalidate(f.tenantId);
    const events = await collect(f.bus, 'satiot.alarm.>', 2, () => send(1, 80, T0 - HOUR));
    const raised = events
      .map((e) => e['alarm'] as { ruleId: string; evidence: Record<string, unknown> })
      .find((a) => a.ruleId === 'r-cmd')!;
    expect(raised.evidence['actionError']).toMatch(/^CODEC_MALFORMED: cannot address sl651.intensive-reporting/);
    expect((await f.core.decisions.list({ limit: 10 })).items.filter((d) => d.ruleId === 'r-cmd')).toEqual([]);
  });

  it('a learned silence rule waits for the terminal to be overdue by its own rhythm: a 3-hourly reporter is not silent after an hour, it is after twice its longest gap', async () => {
    await f.store.rules.save(
      parseRule({
        id: 'r-learned',
        tenantId: f.tenantId,
        name: 'quiet for it',
        severity: 'warning',
        enabled: true,
        scope: {},
        condition: { kind: 'silence', hours: 1, missedContacts: 0, learned: true },
      }),
      T0,
    );
    await f.store.rules.save(
      parseRule({
        id: 'r-hour',
        tenantId: f.tenantId,
        name: 'quiet an hour',
        severity: 'info',
        enabled: true,
        scope: {},
        condition: { kind: 'silence', hours: 1, missedContacts: 0 },
      }),
      T0,
    );
    f.core.rules.invalidate(f.tenantId);
    for (let i = 1; i <= 8; i++) {
      const capturedAt = f.clock.now();
      f.clock.advance(10 * 60_000);
      // The last reading crosses r-warn's line: its alarm says the rules have seen every message.
      if (i < 8) await collect(f.bus, 'satiot.decoded.>', 1, () => send(i, 10, capturedAt));
      else await collect(f.bus, 'satiot.alarm.>', 1, () => send(i, 60, capturedAt));
      f.clock.advance(3 * HOUR - 10 * 60_000);
    }
    const last = f.clock.now() - 3 * HOUR;
    f.clock.set(last + 2 * HOUR);
    // The time-only rule raises after its hour; the learned one knows the next report is an hour away.
    const first = await collect(f.bus, 'satiot.alarm.>', 1, () => f.core.rules.sweepSilence());
    expect(first.map((e) => (e['alarm'] as { ruleId: string }).ruleId)).toEqual(['r-hour']);
    f.clock.set(last + 6 * HOUR);
    expect(await f.core.rules.sweepSilence()).toBe(0);
    // Twice its longest gap (3 h) plus its longest delay (10 min) is 6 h 10 min.
    f.clock.set(last + 6 * HOUR + 15 * 60_000);
    const late = await collect(f.bus, 'satiot.alarm.>', 1, () => f.core.rules.sweepSilence());
    expect(late[0]).toMatchObject({
      action: 'raised',
      alarm: { ruleId: 'r-learned', evidence: { overdue: true, usualGapHours: 3, gaps: 7, silentHours: 6.25 } },
    });
  });
});

describe('event metrics', () => {
  it('counts downlink state changes and alarm events from the bus', async () => {
    const f = await coreFixture();
    try {
      const t = await f.addTerminal();
      await f.core.downlinks.enqueue(t.devEui, {
        fPort: 2,
        payload: new Uint8Array([1]),
        confirmed: false,
        priority: 'normal',
      });
      await f.bus.publish(
        `satiot.alarm.${f.tenantId}.${t.devEui}`,
        Buffer.from(JSON.stringify({ kind: 'alarm', action: 'raised', alarm: { severity: 'critical' } })),
      );
      await settled(f);
      const text = await f.core.metrics.metrics();
      expect(text).toMatch(/satiot_downlink_transitions_total\{state="queued"} 1/);
      expect(text).toMatch(/satiot_alarm_events_total\{action="raised",severity="critical"} 1/);
    } finally {
      await f.close();
    }
  });
});
