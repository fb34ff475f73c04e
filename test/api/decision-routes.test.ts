/**
 * Automated decisions end to end: a hydrological station's gauge reports a faulty zero, a rule with
 * an anomaly condition raises, and its action — a command to the station — becomes a decision that
 * is proposed, approved (its downlink queued), undone (the downlink withdrawn), with every step in
 * the audit log; under the auto policy it is taken at once by the policy.
 */
import { describe, expect, it } from 'vitest';
import { decodeSl651HexFrame, encodeSl651Report } from '../../src/codecs/sl651/index.js';
import { collect, uplink, T0, type TestTerminal } from '../support/core-fixture.js';
import { auth, keyFor, openApi, type ApiFixture } from './api-fixture.js';
import { MemoryAudit } from '../supervision/registration-fixture.js';
import { Random } from '../../src/twin/model/random.js';
import { augursEngine } from '../../src/integrations/augurs-engine.js';

const H = 3_600_000;
const noise = (() => {
  const r = new Random(5);
  return Array.from({ length: 200 }, () => 0.01 * r.normal());
})();
const level = (i: number) => 5 + 0.3 * Math.sin((2 * Math.PI * i) / 24) + noise[i]!;
const FAULT = 60;
const COMMAND = '7e7e01'; // the station's switch to intensive reporting, as the rule's action carries it

async function withStation(
  audit: MemoryAudit,
  policy?: 'auto' | 'suggest',
  rulePolicy?: 'auto' | 'suggest',
): Promise<{ api: ApiFixture; t: TestTerminal }> {
  const api = await openApi({ audit });
  if (policy) {
    const p = await api.app.inject({
      method: 'PUT',
      url: '/api/v1/decisions/policy',
      headers: auth,
      payload: { tenantId: api.f.tenantId, policy },
    });
    expect(p.statusCode, p.body).toBe(200);
  }
  const rule = await api.app.inject({
    method: 'POST',
    url: '/api/v1/rules',
    headers: auth,
    payload: {
      tenantId: api.f.tenantId,
      name: 'gauge fault',
      severity: 'warning',
      condition: { kind: 'anomaly', field: 'values.waterLevelM' },
      action: { downlink: { fPort: 5, payloadHex: COMMAND }, ...(rulePolicy ? { policy: rulePolicy } : {}) },
    },
  });
  expect(rule.statusCode, rule.body).toBe(201);
  const t = await api.f.addTerminal({ codec: 'sl651' });
  const frames = Array.from({ length: 80 }, (_, i) => {
    const at = T0 - (80 - i) * H,
      iso = new Date(at).toISOString();
    const payload = encodeSl651Report({
      centre: 1,
      station: '0012345678',
      password: '1234',
      functionCode: 0x32,
      serial: i,
      sentAt: iso,
      stationTypeCode: 'H',
      observations: [
        {
          observedAt: iso.slice(0, 16) + ':00.000Z',
          elements: [{ id: 0x39, value: i === FAULT ? 0 : Math.round(level(i) * 1000) / 1000 }],
        },
      ],
    });
    return uplink(t, i + 1, payload, { capturedAt: at, downlinkedAt: at + 60_000 });
  });
  await collect(api.f.bus, 'satiot.alarm.>', 1, () => api.f.core.pipeline.ingest(api.f.station, frames));
  return { api, t };
}

describe('API: automated decisions', () => {
  it('a forecast pre-alarm: the river is foreseen to reach the line, the decision says how likely and waits for approval', async () => {
    const api = await openApi({ audit: new MemoryAudit(), forecastEngine: augursEngine() });
    try {
      await api.app.inject({
        method: 'PUT',
        url: '/api/v1/decisions/policy',
        headers: auth,
        payload: { tenantId: api.f.tenantId, policy: 'suggest' },
      });
      const rule = await api.app.inject({
        method: 'POST',
        url: '/api/v1/rules',
        headers: auth,
        payload: {
          tenantId: api.f.tenantId,
          name: 'crest forecast',
          severity: 'warning',
          condition: { kind: 'forecast', field: 'values.waterLevelM', op: '>=', value: 7.5, horizonMinutes: 720 },
          action: { downlink: { fPort: 5, payloadHex: COMMAND } },
        },
      });
      expect(rule.statusCode, rule.body).toBe(201);
      const t = await api.f.addTerminal({ codec: 'sl651' });
      const rising = (i: number) => 4 + 0.05 * i + 0.1 * Math.sin((2 * Math.PI * i) / 24);
      const frames = Array.from({ length: 64 }, (_, i) => {
        const at = T0 - (64 - i) * H,
          iso = new Date(at).toISOString();
        const payload = encodeSl651Report({
          centre: 1,
          station: '0012345678',
          password: '1234',
          functionCode: 0x32,
          serial: i,
          sentAt: iso,
          stationTypeCode: 'H',
          observations: [
            {
              observedAt: iso.slice(0, 16) + ':00.000Z',
              elements: [{ id: 0x39, value: Math.round(rising(i) * 1000) / 1000 }],
            },
          ],
        });
        return uplink(t, i + 1, payload, { capturedAt: at, downlinkedAt: at + 60_000 });
      });
      await collect(api.f.bus, 'satiot.alarm.>', 1, () => api.f.core.pipeline.ingest(api.f.station, frames));
      const [alarm] = (await api.app.inject({ method: 'GET', url: '/api/v1/alarms', headers: auth })).json().items;
      const leaf = alarm.evidence.conditions[0];
      expect(leaf).toMatchObject({ kind: 'forecast', truth: 'true', quantile: 'upper' });
      expect(leaf.crossing.upper).toBeGreaterThanOrEqual(7.5);
      const [d] = (await api.app.inject({ method: 'GET', url: '/api/v1/decisions', headers: auth })).json().items;
      expect(d).toMatchObject({
        state: 'proposed',
        confidence: 0.1,
        model: expect.stringMatching(/^rule\/forecast:/),
        modelId: expect.any(String),
      });
      // The model behind it is stored: its version, what was fitted, and the window it was fitted on
      // (the readings up to the one that raised the alarm).
      const model = (await api.app.inject({ method: 'GET', url: `/api/v1/models/${d.modelId}`, headers: auth })).json();
      expect(model).toMatchObject({
        tenantId: api.f.tenantId,
        subject: t.id,
        kind: 'forecast',
        field: 'values.waterLevelM',
        version: 1,
        observations: leaf.samples,
        params: { quantile: 'upper', level: 0.8 },
      });
      expect(model.params.kind).toBe(d.model.replace('rule/forecast:', ''));
      expect([model.trainedFrom, model.trainedTo]).toEqual([
        new Date(T0 - 64 * H).toISOString(),
        new Date(T0 - (65 - leaf.samples) * H).toISOString(),
      ]);
      const listed = (
        await api.app.inject({ method: 'GET', url: `/api/v1/models?devEui=${t.devEui}&kind=forecast`, headers: auth })
      ).json();
      expect(listed.items.map((m: { id: string }) => m.id)).toEqual([d.modelId]);
      expect((await api.app.inject({ method: 'GET', url: '/api/v1/models/nope', headers: auth })).json()).toMatchObject(
        { error: { code: 'MODEL_NOT_FOUND' } },
      );
    } finally {
      await api.close();
    }
  });

  it("the water solution's crest command: a foreseen crest switches the reporting station to intensive reporting at once, by an SL 651 0x42 frame built for it, and can be undone", async () => {
    const audit = new MemoryAudit();
    const api = await openApi({ audit, forecastEngine: augursEngine() });
    try {
      const preset = await api.app.inject({
        method: 'POST',
        url: `/api/v1/tenants/${api.f.tenantId}/solutions/water`,
        headers: auth,
        payload: { warningLevelM: 7.5, crestCommand: { addReportMinutes: 5, timedReportHours: 1 } },
      });
      expect(preset.statusCode, preset.body).toBe(201);
      // Both at once is refused, naming the clash.
      const both = await api.app.inject({
        method: 'POST',
        url: `/api/v1/tenants/${api.f.tenantId}/solutions/water`,
        headers: auth,
        payload: { warningLevelM: 7.5, crestCommand: {}, crestDownlink: { fPort: 5, payloadHex: '01' } },
      });
      expect([both.statusCode, both.json().error.code]).toEqual([400, 'RULE_INVALID']);
      expect(both.json().error.message).toMatch(/downlink or a command, not both/);
      const t = await api.f.addTerminal({ codec: 'sl651' });
      const rising = (i: number) => 4 + 0.05 * i + 0.1 * Math.sin((2 * Math.PI * i) / 24);
      const frames = Array.from({ length: 64 }, (_, i) => {
        const at = T0 - (64 - i) * H,
          iso = new Date(at).toISOString();
        const payload = encodeSl651Report({
          centre: 3,
          station: '0012345679',
          password: '4321',
          functionCode: 0x32,
          serial: i,
          sentAt: iso,
          stationTypeCode: 'H',
          observations: [
            {
              observedAt: iso.slice(0, 16) + ':00.000Z',
              elements: [{ id: 0x39, value: Math.round(rising(i) * 1000) / 1000 }],
            },
          ],
        });
        return uplink(t, i + 1, payload, { capturedAt: at, downlinkedAt: at + 60_000 });
      });
      await collect(api.f.bus, 'satiot.alarm.>', 1, () => api.f.core.pipeline.ingest(api.f.station, frames));
      const [d] = (await api.app.inject({ method: 'GET', url: '/api/v1/decisions', headers: auth })).json().items;
      expect(d).toMatchObject({
        devEui: t.devEui,
        policy: 'auto',
        state: 'executed',
        decidedBy: 'policy:auto',
        action: { kind: 'downlink', fPort: 2, confirmed: true, command: 'sl651.intensive-reporting' },
      });
      // The bytes are the centre's 0x42 to that station (its centre, address and password), ending ENQ:
      // timed reports hourly (20 08 01), added reports every 5 minutes (21 08 05).
      const frame = decodeSl651HexFrame(Buffer.from(d.action.payloadHex, 'hex'));
      expect(frame).toMatchObject({
        direction: 'down',
        functionCode: 0x42,
        centre: 3,
        station: '0012345679',
        password: '4321',
        endChar: 'ENQ',
      });
      expect(Buffer.from(frame.body.subarray(8)).toString('hex')).toBe('f1f1' + '0012345679' + '200801' + '210805');
      // The downlink service takes the request from the outbox.
      let dls: Array<{ payload: string }> = [];
      for (let k = 0; k < 100 && dls.length === 0; k++) {
        dls = (
          await api.app.inject({ method: 'GET', url: `/api/v1/terminals/${t.devEui}/downlinks`, headers: auth })
        ).json().items;
        if (dls.length === 0) await new Promise((r) => setTimeout(r, 20));
      }
      expect(dls.map((x) => Buffer.from(x.payload, 'base64').toString('hex'))).toEqual([d.action.payloadHex]);
      const undone = await api.app.inject({
        method: 'POST',
        url: `/api/v1/decisions/${d.id}/undo`,
        headers: auth,
        payload: { reason: 'crest passed' },
      });
      expect(undone.json()).toMatchObject({ state: 'undone' });
      expect(audit.actions()).toEqual(expect.arrayContaining(['decision.auto:ok', 'decision.undo:ok']));
    } finally {
      await api.close();
    }
  });

  it('suggest: the rule proposes, an admin approves (the command is queued) and undoes it (withdrawn), each step audited', async () => {
    const audit = new MemoryAudit();
    const { api, t } = await withStation(audit, 'suggest');
    try {
      const list = await api.app.inject({ method: 'GET', url: '/api/v1/decisions?state=proposed', headers: auth });
      expect(list.statusCode, list.body).toBe(200);
      const [d] = list.json().items;
      expect(d).toMatchObject({
        devEui: t.devEui,
        policy: 'suggest',
        state: 'proposed',
        model: 'rule/anomaly:local-median',
        modelId: expect.any(String),
        confidence: 1,
        decidedBy: null,
        action: { kind: 'downlink', fPort: 5, payloadHex: COMMAND },
      });
      expect(d.inputs.conditions[0]).toMatchObject({ kind: 'anomaly', value: 0 });
      // Proposed: nothing was sent.
      expect(
        (await api.app.inject({ method: 'GET', url: `/api/v1/terminals/${t.devEui}/downlinks`, headers: auth })).json()
          .items,
      ).toEqual([]);

      const admin = await keyFor(api.app, 'tenant-admin', api.f.tenantId);
      const approved = await api.app.inject({
        method: 'POST',
        url: `/api/v1/decisions/${d.id}/approve`,
        headers: { authorization: `Bearer ${admin}` },
        payload: {},
      });
      expect(approved.statusCode, approved.body).toBe(200);
      expect(approved.json()).toMatchObject({ state: 'executed', decidedBy: expect.stringMatching(/^api-key:/) });
      const again = await api.app.inject({
        method: 'POST',
        url: `/api/v1/decisions/${d.id}/approve`,
        headers: auth,
        payload: {},
      });
      expect([again.statusCode, again.json().error.code]).toEqual([409, 'DECISION_STATE']);

      let downlinks: Array<{ id: string; state: string; payload: string; history: Array<{ reason?: string }> }> = [];
      for (let k = 0; k < 100 && downlinks.length === 0; k++) {
        downlinks = (
          await api.app.inject({ method: 'GET', url: `/api/v1/terminals/${t.devEui}/downlinks`, headers: auth })
        ).json().items;
        if (downlinks.length === 0) await new Promise((r) => setTimeout(r, 20));
      }
      expect(downlinks).toHaveLength(1);
      expect(Buffer.from(downlinks[0]!.payload, 'base64').toString('hex')).toBe(COMMAND);

      const undone = await api.app.inject({
        method: 'POST',
        url: `/api/v1/decisions/${d.id}/undo`,
        headers: { authorization: `Bearer ${admin}` },
        payload: { reason: 'gauge cleaned, level fine' },
      });
      expect(undone.statusCode, undone.body).toBe(200);
      expect(undone.json()).toMatchObject({
        state: 'undone',
        undoneBy: expect.stringMatching(/^api-key:/),
        reason: 'gauge cleaned, level fine',
      });
      const dl = (
        await api.app.inject({ method: 'GET', url: `/api/v1/downlinks/${downlinks[0]!.id}`, headers: auth })
      ).json();
      expect(dl.state).toBe('failed');
      expect(dl.history.at(-1)).toMatchObject({ state: 'failed', reason: 'decision-undone' });

      const steps = audit.entries
        .filter((e) => e.action.startsWith('decision.'))
        .map((e) => `${e.action}:${e.outcome}`);
      expect(steps).toEqual([
        'decision.policy:ok',
        'decision.propose:ok',
        'decision.approve:ok',
        'decision.approve:failed',
        'decision.undo:ok',
      ]);
      expect(audit.entries.find((e) => e.action === 'decision.undo')!.details).toMatchObject({
        model: 'rule/anomaly:local-median',
        confidence: 1,
        downlinkId: downlinks[0]!.id,
      });
    } finally {
      await api.close();
    }
  });

  it("auto (the default): the policy takes the decision at once and queues the command; a tenant cannot see another's, a user cannot decide", async () => {
    const audit = new MemoryAudit();
    const { api, t } = await withStation(audit);
    try {
      const [d] = (await api.app.inject({ method: 'GET', url: '/api/v1/decisions', headers: auth })).json().items;
      expect(d).toMatchObject({ policy: 'auto', state: 'executed', decidedBy: 'policy:auto' });
      expect(audit.entries.find((e) => e.action === 'decision.auto')).toMatchObject({
        actor: { kind: 'system', id: 'decision-policy' },
        target: { kind: 'decision', id: d.id },
      });
      let n = 0;
      for (let k = 0; k < 100 && n === 0; k++) {
        n = (
          await api.app.inject({ method: 'GET', url: `/api/v1/terminals/${t.devEui}/downlinks`, headers: auth })
        ).json().items.length;
        if (n === 0) await new Promise((r) => setTimeout(r, 20));
      }
      expect(n).toBe(1);
      const user = await keyFor(api.app, 'tenant-user', api.f.tenantId);
      const denied = await api.app.inject({
        method: 'POST',
        url: `/api/v1/decisions/${d.id}/undo`,
        headers: { authorization: `Bearer ${user}` },
        payload: {},
      });
      expect(denied.statusCode).toBe(403);
      const other = await api.f.core.provisioning.createTenant('other');
      const stranger = await keyFor(api.app, 'tenant-admin', other.id);
      const hidden = await api.app.inject({
        method: 'GET',
        url: `/api/v1/decisions/${d.id}`,
        headers: { authorization: `Bearer ${stranger}` },
      });
      expect([hidden.statusCode, hidden.json().error.code]).toEqual([404, 'DECISION_NOT_FOUND']);
      expect(
        (
          await api.app.inject({
            method: 'GET',
            url: '/api/v1/decisions',
            headers: { authorization: `Bearer ${stranger}` },
          })
        ).json().items,
      ).toEqual([]);
      const rejected = await api.app.inject({
        method: 'POST',
        url: `/api/v1/decisions/${d.id}/reject`,
        headers: auth,
        payload: {},
      });
      expect([rejected.statusCode, rejected.json().error.code]).toEqual([409, 'DECISION_STATE']);
    } finally {
      await api.close();
    }
  });

  it("a command the downlink queue refuses (the tenant's quota) fails the decision, audited; a regulator sees no command bytes; a body is optional", async () => {
    const audit = new MemoryAudit();
    const { api: a2, t } = await withStation(audit, 'suggest');
    try {
      const q = await a2.app.inject({
        method: 'PUT',
        url: `/api/v1/tenants/${a2.f.tenantId}/quota`,
        headers: auth,
        payload: { monthlyDownlinks: 0, action: 'refuse-downlinks' },
      });
      expect(q.statusCode, q.body).toBe(200);
      const [d] = (await a2.app.inject({ method: 'GET', url: '/api/v1/decisions', headers: auth })).json().items;
      // No body at all: approve still works.
      const approved = await a2.app.inject({ method: 'POST', url: `/api/v1/decisions/${d.id}/approve`, headers: auth });
      expect(approved.statusCode, approved.body).toBe(200);
      let state = 'executed';
      for (let k = 0; k < 100 && state === 'executed'; k++) {
        state = (await a2.app.inject({ method: 'GET', url: `/api/v1/decisions/${d.id}`, headers: auth })).json().state;
        if (state === 'executed') await new Promise((r) => setTimeout(r, 20));
      }
      const failed = (await a2.app.inject({ method: 'GET', url: `/api/v1/decisions/${d.id}`, headers: auth })).json();
      expect(failed).toMatchObject({ state: 'failed', reason: expect.stringMatching(/^QUOTA_EXCEEDED/) });
      expect(audit.entries.find((e) => e.action === 'decision.fail')).toMatchObject({
        outcome: 'failed',
        target: { id: d.id },
      });
      expect(
        (await a2.app.inject({ method: 'GET', url: `/api/v1/terminals/${t.devEui}/downlinks`, headers: auth })).json()
          .items,
      ).toEqual([]);
      const undo = await a2.app.inject({ method: 'POST', url: `/api/v1/decisions/${d.id}/undo`, headers: auth });
      expect([undo.statusCode, undo.json().error.code]).toEqual([409, 'DECISION_STATE']);
      expect(audit.entries.filter((e) => e.action === 'decision.undo').map((e) => e.outcome)).toEqual(['failed']);
      const regulator = await keyFor(a2.app, 'regulator');
      const seen = (
        await a2.app.inject({
          method: 'GET',
          url: `/api/v1/decisions/${d.id}`,
          headers: { authorization: `Bearer ${regulator}` },
        })
      ).json();
      expect(seen.inputs).toBeUndefined();
      expect(seen.action.payloadHex).toBeUndefined();
      expect(seen.action).toMatchObject({ kind: 'downlink', fPort: 5 });
      const bad = await a2.app.inject({
        method: 'POST',
        url: `/api/v1/decisions/${d.id}/reject`,
        headers: auth,
        payload: { why: 'x' },
      });
      expect([bad.statusCode, bad.json().error.code]).toEqual([400, 'INVALID_ARGUMENT']);
    } finally {
      await a2.close();
    }
  });

  it('a proposal older than a day is not approved any more', async () => {
    const { api } = await withStation(new MemoryAudit(), 'suggest');
    try {
      const [d] = (await api.app.inject({ method: 'GET', url: '/api/v1/decisions', headers: auth })).json().items;
      api.f.clock.advance(25 * H);
      const late = await api.app.inject({ method: 'POST', url: `/api/v1/decisions/${d.id}/approve`, headers: auth });
      expect([late.statusCode, late.json().error.code]).toEqual([409, 'DECISION_STATE']);
      expect(late.json().error.message).toMatch(/24 hours/);
    } finally {
      await api.close();
    }
  });

  it("a rule's own action.policy overrides the tenant's; a rejected proposal queues nothing; bad policies are refused", async () => {
    const { api, t } = await withStation(new MemoryAudit(), 'auto', 'suggest');
    try {
      const [d] = (await api.app.inject({ method: 'GET', url: '/api/v1/decisions', headers: auth })).json().items;
      expect(d).toMatchObject({ policy: 'suggest', state: 'proposed' });
      // The body is optional, but when there is one it holds only a short reason.
      for (const payload of [{ reason: 'x'.repeat(501) }, { reason: 'ok', colour: 'red' }, ['why']]) {
        const refused = await api.app.inject({
          method: 'POST',
          url: `/api/v1/decisions/${d.id}/reject`,
          headers: auth,
          payload,
        });
        expect([refused.statusCode, refused.json().error.code], JSON.stringify(payload)).toEqual([
          400,
          'INVALID_ARGUMENT',
        ]);
      }
      const rejected = await api.app.inject({
        method: 'POST',
        url: `/api/v1/decisions/${d.id}/reject`,
        headers: auth,
        payload: { reason: 'the gauge is being serviced' },
      });
      expect(rejected.json()).toMatchObject({
        state: 'rejected',
        decidedBy: 'operator',
        reason: 'the gauge is being serviced',
      });
      const undo = await api.app.inject({
        method: 'POST',
        url: `/api/v1/decisions/${d.id}/undo`,
        headers: auth,
        payload: {},
      });
      expect([undo.statusCode, undo.json().error.code]).toEqual([409, 'DECISION_STATE']);
      expect(
        (await api.app.inject({ method: 'GET', url: `/api/v1/terminals/${t.devEui}/downlinks`, headers: auth })).json()
          .items,
      ).toEqual([]);
      const bad = await api.app.inject({
        method: 'POST',
        url: '/api/v1/rules',
        headers: auth,
        payload: {
          tenantId: api.f.tenantId,
          name: 'x',
          condition: { kind: 'threshold', field: 'values.a', op: '>', value: 1 },
          action: { policy: 'maybe' },
        },
      });
      expect(bad.statusCode).toBe(400);
      const put = await api.app.inject({
        method: 'PUT',
        url: '/api/v1/decisions/policy',
        headers: auth,
        payload: { tenantId: 'nope', policy: 'auto' },
      });
      expect([put.statusCode, put.json().error.code]).toEqual([404, 'TENANT_NOT_FOUND']);
      expect(
        (
          await api.app.inject({
            method: 'GET',
            url: `/api/v1/decisions/policy?tenantId=${api.f.tenantId}`,
            headers: auth,
          })
        ).json(),
      ).toEqual({ tenantId: api.f.tenantId, policy: 'auto' });
    } finally {
      await api.close();
    }
  });
});
