import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { coreFixture, uplink, type CoreFixture, type TestTerminal } from '../support/core-fixture.js';
import { TRANSITIONS, type Actor, type LifecycleAction } from '../../src/core/registration.js';
import { TERMINAL_STATUSES, type TerminalStatus } from '../../src/core/model.js';
import { MemoryAudit, newRegistration } from './registration-fixture.js';
import { POSTGRES_URL, postgresCase, type BackendCase, type StoreHarness } from '../store/helpers.js';

/** SQLite in memory always; PostgreSQL too when SATIOT_TEST_POSTGRES_URL is set. */
const BACKENDS: Array<BackendCase | undefined> = [undefined, ...(POSTGRES_URL ? [postgresCase(POSTGRES_URL)] : [])];

const OPERATOR: Actor = { kind: 'operator', role: 'operator' };
const P = (s: string) => new Uint8Array(Buffer.from(s));
const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'resolved',
    (e: { code?: string }) => e.code ?? String(e),
  );

for (const backend of BACKENDS)
  describe(`registration lifecycle (core, ${backend?.name ?? 'SQLite'})`, () => {
    let f: CoreFixture;
    let h: StoreHarness | undefined;
    let audit: MemoryAudit;
    const tenantAdmin = (): Actor => ({ kind: 'api-key', id: 'k-tenant', role: 'tenant-admin', tenantId: f.tenantId });
    beforeEach(async () => {
      audit = new MemoryAudit();
      h = await backend?.open();
      f = await coreFixture({
        audit,
        registration: { reviewTenantRegistrations: true },
        ...(h ? { store: h.store } : {}),
      });
    });
    afterEach(async () => {
      await f.close();
      await h?.dispose();
    });

    const registerAsTenant = async () => {
      const n = newRegistration(f.tenantId);
      const r = await f.core.registration.register(n, tenantAdmin());
      const t: TestTerminal = {
        devEui: n.devEui,
        devAddr: n.devAddr,
        id: r.terminalId,
        keys: { suite: 'aes128', nwkSKey: n.keys.nwk, appSKey: n.keys.app },
      };
      return { r, t, n };
    };

    it("a tenant's terminal waits as pending under review policy: its frames are refused until an operator approves it", async () => {
      const { r, t } = await registerAsTenant();
      expect(r.status).toBe('pending');
      expect((await f.core.pipeline.ingest(f.station, [uplink(t, 1, P('a'))]))[0]).toEqual({
        status: 'rejected',
        code: 'TERMINAL_NOT_APPROVED',
      });
      const approved = await f.core.registration.approve(t.devEui, OPERATOR, 'documents checked');
      expect(approved).toMatchObject({
        status: 'approved',
        statusReason: 'documents checked',
        statusBy: 'operator:operator',
      });
      expect((await f.core.pipeline.ingest(f.station, [uplink(t, 2, P('b'))]))[0]).toMatchObject({
        status: 'accepted',
      });
      // The refused frame was tallied under its own code, per station.
      expect(await f.store.traffic.rejectionTallies()).toContainEqual({
        stationId: f.station.id,
        code: 'TERMINAL_NOT_APPROVED',
        count: 1,
      });
    });

    it('a tenant cannot approve its own terminal (FORBIDDEN, audited as denied, state unchanged)', async () => {
      const { t } = await registerAsTenant();
      expect(await codeOf(f.core.registration.approve(t.devEui, tenantAdmin()))).toBe('FORBIDDEN');
      expect(
        await codeOf(f.core.registration.reinstate(t.devEui, { kind: 'api-key', id: 'k-reg', role: 'regulator' })),
      ).toBe('FORBIDDEN');
      expect((await f.core.registration.get(t.devEui))!.status).toBe('pending');
      expect(audit.actions()).toContain('terminal.approve:denied');
    });

    it('suspension stops ingest at once; reinstatement resumes it; both are audited with reason and author', async () => {
      const { t } = await registerAsTenant();
      await f.core.registration.approve(t.devEui, OPERATOR);
      const anomaly: Actor = { kind: 'system', id: 'anomaly-policy' };
      expect((await f.core.registration.suspend(t.devEui, anomaly, 'impossible movement')).status).toBe('suspended');
      expect(f.core.registry.byDevEui(t.devEui)!.record.status).toBe('suspended');
      expect((await f.core.pipeline.ingest(f.station, [uplink(t, 3, P('c'))]))[0]).toEqual({
        status: 'rejected',
        code: 'TERMINAL_NOT_APPROVED',
      });
      await f.core.registration.reinstate(t.devEui, OPERATOR, 'false alarm');
      expect((await f.core.pipeline.ingest(f.station, [uplink(t, 4, P('d'))]))[0]).toMatchObject({
        status: 'accepted',
      });
      const suspension = audit.entries.find((e) => e.action === 'terminal.suspend')!;
      expect(suspension).toMatchObject({
        actor: anomaly,
        outcome: 'ok',
        target: { kind: 'terminal', id: t.devEui, tenantId: f.tenantId },
        details: { from: 'approved', to: 'suspended', reason: 'impossible movement' },
      });
      expect(audit.actions()).toEqual(
        expect.arrayContaining([
          'terminal.register:ok',
          'terminal.declare:ok',
          'terminal.approve:ok',
          'terminal.suspend:ok',
          'terminal.reinstate:ok',
        ]),
      );
    });

    it('follows the transition table exactly: every (state, action) pair outside it is INVALID_TRANSITION, retired is final', async () => {
      // Bring a terminal into each state, then try every action on it.
      const reach: Record<TerminalStatus, LifecycleAction[]> = {
        pending: [],
        approved: ['approve'],
        suspended: ['approve', 'suspend'],
        retired: ['retire'],
      };
      for (const state of TERMINAL_STATUSES) {
        for (const action of Object.keys(TRANSITIONS) as LifecycleAction[]) {
          const { t } = await registerAsTenant();
          for (const a of reach[state]) await f.core.registration.transition(a, t.devEui, OPERATOR, 'setup');
          expect((await f.core.registration.get(t.devEui))!.status).toBe(state);
          const legal = TRANSITIONS[action].from.includes(state);
          const got = await codeOf(f.core.registration.transition(action, t.devEui, OPERATOR, 'test'));
          expect(got, `${action} from ${state}`).toBe(legal ? 'resolved' : 'INVALID_TRANSITION');
          expect((await f.core.registration.get(t.devEui))!.status).toBe(legal ? TRANSITIONS[action].to : state);
        }
      }
    });

    it('refuses suspend, reject and retire without a reason, and unknown terminals with TERMINAL_NOT_FOUND', async () => {
      const { t } = await registerAsTenant();
      expect(await codeOf(f.core.registration.suspend(t.devEui, OPERATOR, '  '))).toBe('INVALID_ARGUMENT');
      expect(await codeOf(f.core.registration.reject(t.devEui, OPERATOR, ''))).toBe('INVALID_ARGUMENT');
      expect(await codeOf(f.core.registration.approve('ffffffffffffffff', OPERATOR))).toBe('TERMINAL_NOT_FOUND');
      expect(await f.core.registration.get('ffffffffffffffff')).toBeUndefined();
    });

    it("an operator's terminal is approved on creation; without review policy a tenant's is too", async () => {
      const op = await f.core.registration.register(newRegistration(f.tenantId), OPERATOR);
      expect(op.status).toBe('approved');
      const g = await coreFixture({ audit });
      try {
        expect(
          (
            await g.core.registration.register(newRegistration(g.tenantId), {
              kind: 'api-key',
              id: 'k',
              role: 'tenant-admin',
              tenantId: g.tenantId,
            })
          ).status,
        ).toBe('approved');
      } finally {
        await g.close();
      }
    });

    it('binds one hardware id / IMEI to one terminal, and nothing is created when the declaration is refused', async () => {
      const { n } = await registerAsTenant();
      const again = newRegistration(f.tenantId, { binding: { imei: n.binding.imei! } });
      expect(await codeOf(f.core.registration.register(again, OPERATOR))).toBe('HARDWARE_ID_BOUND');
      expect(f.core.registry.byDevEui(again.devEui)).toBeUndefined();
      const byHw = newRegistration(f.tenantId, { binding: { hardwareId: n.binding.imei! } });
      expect(await codeOf(f.core.registration.register(byHw, OPERATOR))).toBe('HARDWARE_ID_BOUND');
      const badImei = newRegistration(f.tenantId, { binding: { imei: '490154203237519' } });
      expect(await codeOf(f.core.registration.register(badImei, OPERATOR))).toBe('INVALID_ARGUMENT');
      expect(f.core.registry.byDevEui(badImei.devEui)).toBeUndefined();
      const forgedId = newRegistration(f.tenantId, {
        owner: { kind: 'person', name: 'X', idType: 'resident-id', idNumber: '110101199005171230' },
      });
      expect(await codeOf(f.core.registration.register(forgedId, OPERATOR))).toBe('INVALID_ARGUMENT');
      // A deleted terminal frees its binding.
      const { n: n2, t: t2 } = await registerAsTenant();
      await f.core.provisioning.deleteTerminal(t2.devEui);
      await f.core.registration.forget(t2.id);
      expect(
        (
          await f.core.registration.register(
            newRegistration(f.tenantId, { binding: { imei: n2.binding.imei! } }),
            OPERATOR,
          )
        ).status,
      ).toBe('approved');
    });

    it('re-declaring a terminal with another IMEI frees the old one for another terminal', async () => {
      const { t, n } = await registerAsTenant();
      const fresh = newRegistration(f.tenantId).binding;
      await f.core.registration.declare(t.devEui, { owner: n.owner, scenario: n.scenario, binding: fresh }, OPERATOR);
      expect(
        (
          await f.core.registration.register(
            newRegistration(f.tenantId, { binding: { imei: n.binding.imei! } }),
            OPERATOR,
          )
        ).binding,
      ).toEqual({ hardwareId: n.binding.imei, imei: n.binding.imei });
      expect(
        await codeOf(f.core.registration.register(newRegistration(f.tenantId, { binding: fresh }), OPERATOR)),
      ).toBe('HARDWARE_ID_BOUND');
    });

    it('stores the identity number sealed (not in clear) and shows it masked; the declared scenario is read back from memory', async () => {
      const { r, n } = await registerAsTenant();
      const [stored] = (await f.store.registrations.listAll()).filter((x) => x.terminalId === r.terminalId);
      expect(stored!.idNumberSealed).not.toContain(n.owner.idNumber);
      expect(stored!.idNumberSealed.startsWith('v2.')).toBe(true);
      expect(
        Buffer.from(f.vault.open(stored!.idNumberSealed, `registration:${r.terminalId}:idNumber`)).toString(),
      ).toBe(n.owner.idNumber);
      expect(r.owner!.idNumberMasked).toBe(`${n.owner.idNumber.slice(0, 4)}**********${n.owner.idNumber.slice(-4)}`);
      expect(JSON.stringify(r)).not.toContain(n.owner.idNumber);
      expect(f.core.registration.scenarioOf(n.devEui)).toEqual(n.scenario);
    });

    it('a tenant re-declaring an approved terminal under review policy sends it back to pending', async () => {
      const { t, n } = await registerAsTenant();
      await f.core.registration.approve(t.devEui, OPERATOR);
      const r = await f.core.registration.declare(
        t.devEui,
        {
          owner: n.owner,
          binding: n.binding,
          scenario: { ...n.scenario, mobility: 'mobile', expectedMessagesPerDay: 96 },
        },
        tenantAdmin(),
      );
      expect(r).toMatchObject({ status: 'pending', scenario: { mobility: 'mobile', expectedMessagesPerDay: 96 } });
      expect(f.core.registry.byDevEui(t.devEui)!.record.expectedMessagesPerDay).toBe(96);
      // An operator's own correction keeps it approved.
      await f.core.registration.approve(t.devEui, OPERATOR);
      expect(
        (
          await f.core.registration.declare(
            t.devEui,
            { owner: n.owner, binding: n.binding, scenario: n.scenario },
            OPERATOR,
          )
        ).status,
      ).toBe('approved');
    });

    it('terminals from before registration stay approved and get a scenario derived from their record', async () => {
      const legacy = await f.addTerminal();
      const r = await f.core.registration.get(legacy.devEui);
      expect(r).toMatchObject({
        status: 'approved',
        declared: false,
        scenario: { sector: 'undeclared', mobility: 'fixed', expectedMessagesPerDay: 24 },
      });
      expect((await f.core.pipeline.ingest(f.station, [uplink(legacy, 1, P('x'))]))[0]).toMatchObject({
        status: 'accepted',
      });
    });

    it('a status change survives a restart: the registry is rebuilt from the store', async () => {
      const { t } = await registerAsTenant();
      await f.core.registration.approve(t.devEui, OPERATOR);
      await f.core.registration.suspend(t.devEui, OPERATOR, 'court order');
      await f.core.registry.load();
      await f.core.registration.load();
      expect(f.core.registry.byDevEui(t.devEui)!.record.status).toBe('suspended');
      expect((await f.core.registration.get(t.devEui))!.statusReason).toBe('court order');
    });
  });
