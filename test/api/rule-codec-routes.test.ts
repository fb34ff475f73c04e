import { describe, expect, it } from 'vitest';
import { CodecError, type PayloadCodec } from '../../src/codecs/codec.js';
import { collect, uplink, T0 } from '../support/core-fixture.js';
import { auth, useApi } from './api-fixture.js';

const levelCodec: PayloadCodec = {
  name: 'level',
  description: 'test: one byte, decimetres',
  decode(b) {
    if (b.length !== 1) throw new CodecError('CODEC_MALFORMED', 'one byte expected', 0);
    return { values: { waterLevelM: b[0]! / 10 } };
  },
};

describe('API: codecs, rules, solution presets and alarms', () => {
  const api = useApi({ codecs: new Map([['level', levelCodec]]) });

  it("lists the built-in codecs and decodes a payload as a dry run, with the codec's error code on a bad one", async () => {
    expect((await api.app.inject({ method: 'GET', url: '/api/v1/codecs', headers: auth })).json().items).toEqual([
      { name: 'level', description: 'test: one byte, decimetres' },
    ]);
    const ok = await api.app.inject({
      method: 'POST',
      url: '/api/v1/decode',
      headers: auth,
      payload: { codec: 'level', hex: '3c' },
    });
    expect(ok.json()).toEqual({ decoded: { values: { waterLevelM: 6 } } });
    const bad = await api.app.inject({
      method: 'POST',
      url: '/api/v1/decode',
      headers: auth,
      payload: { codec: 'level', hex: '3c3c' },
    });
    expect([bad.statusCode, bad.json().error]).toEqual([
      422,
      { code: 'CODEC_MALFORMED', message: 'one byte expected', details: { offset: 0 } },
    ]);
    const unknown = await api.app.inject({
      method: 'POST',
      url: '/api/v1/decode',
      headers: auth,
      payload: { codec: 'nope', hex: '00' },
    });
    expect([unknown.statusCode, unknown.json().error.code]).toEqual([400, 'CODEC_UNKNOWN']);
  });

  it('registers a user codec, shows its script only when asked for one, and terminals can name it', async () => {
    const res = await api.app.inject({
      method: 'POST',
      url: '/api/v1/user-codecs',
      headers: auth,
      payload: {
        tenantId: api.f.tenantId,
        name: 'thermo',
        script: 'function decodeUplink(b) { return { t: b[0] - 40 }; }',
      },
    });
    expect(res.statusCode).toBe(201);
    const c = res.json();
    expect(c.codec).toBe(`user:${c.id}`);
    expect(c.script).toBeUndefined();
    expect(
      (await api.app.inject({ method: 'GET', url: `/api/v1/user-codecs/${c.id}`, headers: auth })).json().script,
    ).toContain('decodeUplink');
    const dry = await api.app.inject({
      method: 'POST',
      url: '/api/v1/decode',
      headers: auth,
      payload: { codec: c.codec, hex: '41' },
    });
    expect(dry.json()).toEqual({ decoded: { t: 25 } });
    const broken = await api.app.inject({
      method: 'POST',
      url: '/api/v1/user-codecs',
      headers: auth,
      payload: { tenantId: api.f.tenantId, name: 'broken', script: 'function nope() {}' },
    });
    expect([broken.statusCode, broken.json().error.code]).toEqual([422, 'CODEC_FAILED']);
  });

  it('refuses a malformed rule with RULE_INVALID naming the bad field', async () => {
    const res = await api.app.inject({
      method: 'POST',
      url: '/api/v1/rules',
      headers: auth,
      payload: {
        tenantId: api.f.tenantId,
        name: 'x',
        condition: { kind: 'threshold', field: 'values.a', op: '>', value: 'high' },
      },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'RULE_INVALID', details: { path: 'condition.value' } });
    expect(res.json().error.message).toMatch(/value/);
  });

  it('switches on the water preset, raises its alarm from a real uplink, and lets the operator acknowledge and clear it', async () => {
    const preset = await api.app.inject({
      method: 'POST',
      url: `/api/v1/tenants/${api.f.tenantId}/solutions/water`,
      headers: auth,
      payload: { warningLevelM: 5, guaranteedLevelM: 8 },
    });
    expect(preset.statusCode).toBe(201);
    expect(preset.json().items.map((r: { name: string }) => r.name)).toContain('Water level above the warning line');
    // The preset's rules watch sl651 terminals; this terminal's test codec stands in for it.
    for (const r of preset.json().items) {
      const put = await api.app.inject({
        method: 'PUT',
        url: `/api/v1/rules/${r.id}`,
        headers: auth,
        payload: { ...r, scope: { codecs: ['level'] } },
      });
      expect(put.statusCode).toBe(200);
    }
    const t = await api.f.addTerminal({ codec: 'level' });
    await collect(api.f.bus, 'satiot.alarm.>', 1, () =>
      api.f.core.pipeline.ingest(api.f.station, [uplink(t, 1, new Uint8Array([62]), { capturedAt: T0 - 3_600_000 })]),
    );
    const open = await api.app.inject({
      method: 'GET',
      url: `/api/v1/alarms?tenantId=${api.f.tenantId}&state=open`,
      headers: auth,
    });
    const [a] = open.json().items;
    expect(a).toMatchObject({
      devEui: t.devEui,
      state: 'raised',
      severity: 'warning',
      raisedAt: new Date(T0 - 3_600_000).toISOString(),
      count: 1,
    });
    const ack = await api.app.inject({ method: 'POST', url: `/api/v1/alarms/${a.id}/acknowledge`, headers: auth });
    expect(ack.json()).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'operator' });
    const again = await api.app.inject({ method: 'POST', url: `/api/v1/alarms/${a.id}/acknowledge`, headers: auth });
    expect([again.statusCode, again.json().error]).toEqual([
      409,
      {
        code: 'ALARM_STATE',
        message: `alarm ${a.id} is acknowledged and cannot be acknowledged`,
        details: { alarmId: a.id },
      },
    ]);
    expect(
      (await api.app.inject({ method: 'POST', url: `/api/v1/alarms/${a.id}/clear`, headers: auth })).json().state,
    ).toBe('cleared');
    expect(
      (
        await api.app.inject({
          method: 'GET',
          url: `/api/v1/alarms?tenantId=${api.f.tenantId}&state=open`,
          headers: auth,
        })
      ).json().items,
    ).toEqual([]);
  });

  it("shows a message's decode in the message listing", async () => {
    const t = await api.f.addTerminal({ codec: 'level' });
    await collect(api.f.bus, 'satiot.decoded.>', 1, () =>
      api.f.core.pipeline.ingest(api.f.station, [uplink(t, 1, new Uint8Array([12]))]),
    );
    const res = await api.app.inject({ method: 'GET', url: `/api/v1/terminals/${t.devEui}/messages`, headers: auth });
    expect(res.json().items[0].decode).toMatchObject({
      codec: 'level',
      decoded: { values: { waterLevelM: 1.2 } },
      error: null,
    });
  });

  it('deletes a rule, and answers RULE_NOT_FOUND for one that does not exist', async () => {
    const r = (
      await api.app.inject({
        method: 'POST',
        url: '/api/v1/rules',
        headers: auth,
        payload: {
          tenantId: api.f.tenantId,
          name: 'x',
          condition: { kind: 'threshold', field: 'values.a', op: '>', value: 1 },
        },
      })
    ).json();
    expect((await api.app.inject({ method: 'DELETE', url: `/api/v1/rules/${r.id}`, headers: auth })).statusCode).toBe(
      204,
    );
    const gone = await api.app.inject({ method: 'GET', url: `/api/v1/rules/${r.id}`, headers: auth });
    expect([gone.statusCode, gone.json().error.code]).toEqual([404, 'RULE_NOT_FOUND']);
  });

  it("changes a terminal's codec, profile and position, and the next message decodes with the new codec", async () => {
    const t = await api.f.addTerminal();
    const res = await api.app.inject({
      method: 'PATCH',
      url: `/api/v1/terminals/${t.devEui}`,
      headers: auth,
      payload: { codec: 'level', profile: 'vessel', location: { lat: 30.5, lon: 122.1 }, expectedMessagesPerDay: 96 },
    });
    expect(res.json()).toMatchObject({
      codec: 'level',
      profile: 'vessel',
      location: { lat: 30.5, lon: 122.1, altM: 0 },
      expectedMessagesPerDay: 96,
      enabled: true,
    });
    const [e] = await collect(api.f.bus, 'satiot.decoded.>', 1, () =>
      api.f.core.pipeline.ingest(api.f.station, [uplink(t, 1, new Uint8Array([25]))]),
    );
    expect(e).toMatchObject({ codec: 'level', decoded: { values: { waterLevelM: 2.5 } } });
    const cleared = await api.app.inject({
      method: 'PATCH',
      url: `/api/v1/terminals/${t.devEui}`,
      headers: auth,
      payload: { codec: null, location: null, enabled: false },
    });
    expect(cleared.json().codec).toBeUndefined();
    expect(cleared.json().location).toBeUndefined();
    expect(cleared.json().enabled).toBe(false);
    const bad = await api.app.inject({
      method: 'PATCH',
      url: `/api/v1/terminals/${t.devEui}`,
      headers: auth,
      payload: { codec: 'nope' },
    });
    expect([bad.statusCode, bad.json().error.code]).toEqual([400, 'INVALID_ARGUMENT']);
    expect(
      (await api.app.inject({ method: 'PATCH', url: `/api/v1/terminals/${t.devEui}`, headers: auth, payload: {} }))
        .statusCode,
    ).toBe(400);
  });

  it('names a terminal at registration and renames it; null clears the name; a name too long or with control characters is refused', async () => {
    const created = await api.app.inject({
      method: 'POST',
      url: '/api/v1/terminals',
      headers: auth,
      payload: {
        tenantId: api.f.tenantId,
        devEui: '70b3d5ffff000001',
        devAddr: '0a0b0c0d',
        nwkSKey: '00'.repeat(16),
        appSKey: '11'.repeat(16),
        name: 'Gauge Wuhan 3',
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().name).toBe('Gauge Wuhan 3');
    expect(
      (await api.app.inject({ method: 'GET', url: '/api/v1/terminals/70b3d5ffff000001', headers: auth })).json().name,
    ).toBe('Gauge Wuhan 3');
    const renamed = await api.app.inject({
      method: 'PATCH',
      url: '/api/v1/terminals/70b3d5ffff000001',
      headers: auth,
      payload: { name: '武汉关水位站' },
    });
    expect(renamed.json().name).toBe('武汉关水位站');
    expect(api.f.core.registry.byDevEui('70b3d5ffff000001')!.record.name).toBe('武汉关水位站');
    const cleared = await api.app.inject({
      method: 'PATCH',
      url: '/api/v1/terminals/70b3d5ffff000001',
      headers: auth,
      payload: { name: null },
    });
    expect(cleared.json().name).toBeUndefined();
    for (const name of ['x'.repeat(65), 'bell\u0007', 'c1\u0085', 'evil\u202etxt.exe', '']) {
      const bad = await api.app.inject({
        method: 'PATCH',
        url: '/api/v1/terminals/70b3d5ffff000001',
        headers: auth,
        payload: { name },
      });
      expect([bad.statusCode, bad.json().error.code], name).toEqual([400, 'INVALID_ARGUMENT']);
    }
  });

  it('deletes a terminal registered by mistake, and keeps one that has sent messages (409 TERMINAL_HAS_MESSAGES)', async () => {
    const unused = await api.f.addTerminal();
    expect(
      (await api.app.inject({ method: 'DELETE', url: `/api/v1/terminals/${unused.devEui}`, headers: auth })).statusCode,
    ).toBe(204);
    expect(
      (await api.app.inject({ method: 'GET', url: `/api/v1/terminals/${unused.devEui}`, headers: auth })).statusCode,
    ).toBe(404);
    const [r] = await api.f.core.pipeline.ingest(api.f.station, [uplink(unused, 1, new Uint8Array([1]))]);
    expect(r).toEqual({ status: 'rejected', code: 'UNKNOWN_TERMINAL' });
    const used = await api.f.addTerminal();
    await api.f.core.pipeline.ingest(api.f.station, [uplink(used, 1, new Uint8Array([1]))]);
    const kept = await api.app.inject({ method: 'DELETE', url: `/api/v1/terminals/${used.devEui}`, headers: auth });
    expect([kept.statusCode, kept.json().error.code]).toEqual([409, 'TERMINAL_HAS_MESSAGES']);
    expect(
      (await api.app.inject({ method: 'GET', url: `/api/v1/terminals/${used.devEui}/messages`, headers: auth })).json()
        .items,
    ).toHaveLength(1);
  });
});
