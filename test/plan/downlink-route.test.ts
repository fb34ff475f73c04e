import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  earliestRoute,
  scheduleDownlinks,
  type Contact,
  type DownlinkRoute,
  type PendingDownlink,
  type RouteQuery,
} from '../../src/plan/downlink-route.js';

const S = 1000;
const SATS = ['s0', 's1', 's2'];
const STATIONS = ['g0', 'g1'];

/** Contacts on a 3-hour board with a handful of satellites, so that overlaps and near misses are frequent. */
const contactsArb = (kind: 'station' | 'terminal', maxLength: number) =>
  fc
    .array(
      fc.record({
        sat: fc.constantFrom(...SATS),
        station: fc.constantFrom(...STATIONS),
        start: fc.integer({ min: 0, max: 10_800 }),
        len: fc.integer({ min: 1, max: 900 }),
      }),
      { maxLength },
    )
    .map((xs) =>
      xs.map((x, i): Contact => ({
        id: `${kind[0]}${i}`,
        kind,
        satelliteId: x.sat,
        start: x.start * S,
        end: (x.start + x.len) * S,
        ...(kind === 'station' ? { stationId: x.station } : {}),
      })),
    );

const queryArb = (ids: readonly string[]) =>
  fc.record({
    readyAt: fc.integer({ min: 0, max: 7200 }).map((s) => s * S),
    uploadS: fc.integer({ min: 0, max: 120 }),
    deliveryMarginS: fc.integer({ min: 0, max: 120 }),
    excluded: fc.subarray([...ids]).map((xs) => new Set(xs)),
    capacity: fc
      .subarray([...ids])
      .chain((xs) =>
        fc.tuple(...xs.map(() => fc.integer({ min: 0, max: 2 }))).map((ns) => new Map(xs.map((x, i) => [x, ns[i]!]))),
      ),
  });

/**
 * Brute force, written from the definition without the module's helpers: every (upload, delivery)
 * pair, its ETA if it is a route, the minimum of all.
 */
function bruteEarliestEta(contacts: readonly Contact[], q: RouteQuery): number | undefined {
  let best: number | undefined;
  for (const u of contacts) {
    if (u.kind !== 'station' || q.excluded.has(u.id) || q.capacity?.get(u.id) === 0) continue;
    for (const d of contacts) {
      if (d.kind !== 'terminal' || q.excluded.has(d.id) || d.satelliteId !== u.satelliteId) continue;
      const start = u.start > q.readyAt ? u.start : q.readyAt;
      const done = start + q.uploadS * S;
      if (done > u.end) continue;
      let eta = d.start + q.deliveryMarginS * S;
      if (done > eta) eta = done;
      if (q.deliverAfter !== undefined && q.deliverAfter > eta) eta = q.deliverAfter;
      if (eta > d.end) continue;
      if (best === undefined || eta < best) best = eta;
    }
  }
  return best;
}

function expectFeasible(r: DownlinkRoute, q: RouteQuery): void {
  expect(r.upload.kind).toBe('station');
  expect(r.delivery.kind).toBe('terminal');
  expect(r.delivery.satelliteId).toBe(r.upload.satelliteId);
  expect(q.excluded.has(r.upload.id) || q.excluded.has(r.delivery.id)).toBe(false);
  expect(q.capacity?.get(r.upload.id) ?? 1).toBeGreaterThan(0);
  expect(r.uploadAt).toBeGreaterThanOrEqual(Math.max(r.upload.start, q.readyAt));
  expect(r.uploadAt + q.uploadS * S).toBeLessThanOrEqual(r.upload.end);
  expect(r.eta).toBeGreaterThanOrEqual(r.uploadAt + q.uploadS * S);
  expect(r.eta).toBeGreaterThanOrEqual(r.delivery.start + q.deliveryMarginS * S);
  expect(r.eta).toBeLessThanOrEqual(r.delivery.end);
  if (q.deliverAfter !== undefined) expect(r.eta).toBeGreaterThanOrEqual(q.deliverAfter);
}

const board = fc.tuple(contactsArb('station', 12), contactsArb('terminal', 12));

describe('earliestRoute', () => {
  it('finds a feasible route: uploaded inside a station contact, then delivered by the same satellite inside a terminal contact', () => {
    fc.assert(
      fc.property(
        board.chain(([st, te]) => fc.tuple(fc.constant([...st, ...te]), queryArb([...st, ...te].map((c) => c.id)))),
        ([contacts, q]) => {
          const r = earliestRoute(contacts, q);
          if (r) expectFeasible(r, q);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('is never later than any route a brute force over all contact pairs finds, and finds one whenever one exists', () => {
    fc.assert(
      fc.property(
        board.chain(([st, te]) =>
          fc.tuple(
            fc.constant([...st, ...te]),
            queryArb([...st, ...te].map((c) => c.id)),
            fc.option(fc.integer({ min: 0, max: 12_000 })),
          ),
        ),
        ([contacts, q0, after]) => {
          const q: RouteQuery = after === null ? q0 : { ...q0, deliverAfter: after * S };
          expect(earliestRoute(contacts, q)?.eta).toBe(bruteEarliestEta(contacts, q));
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('waits for the delivery margin after the terminal comes into view, and for the upload to finish', () => {
    const up: Contact = { id: 'u', kind: 'station', stationId: 'g0', satelliteId: 's0', start: 100 * S, end: 400 * S };
    const down: Contact = { id: 'd', kind: 'terminal', satelliteId: 's0', start: 200 * S, end: 800 * S };
    const q = { readyAt: 0, uploadS: 10, deliveryMarginS: 30, excluded: new Set<string>() };
    expect(earliestRoute([up, down], q)).toMatchObject({ uploadAt: 100 * S, eta: 230 * S });
    expect(earliestRoute([up, down], { ...q, readyAt: 350 * S })).toMatchObject({ uploadAt: 350 * S, eta: 360 * S });
    expect(earliestRoute([up, down], { ...q, readyAt: 395 * S })).toBeUndefined();
    expect(earliestRoute([up, { ...down, satelliteId: 's1' }], q)).toBeUndefined();
    expect(earliestRoute([up, down], { ...q, excluded: new Set(['u']) })).toBeUndefined();
    expect(earliestRoute([up, down], { ...q, capacity: new Map([['u', 0]]) })).toBeUndefined();
  });
});

const pendingArb = fc
  .array(
    fc.record({
      terminalKey: fc.constantFrom('a', 'b'),
      priority: fc.constantFrom('normal', 'emergency') as fc.Arbitrary<'normal' | 'emergency'>,
      createdAt: fc.integer({ min: 0, max: 100 }),
    }),
    { minLength: 1, maxLength: 14 },
  )
  .map((xs) => xs.map((x, i): PendingDownlink => ({ ...x, id: `dl${String(i).padStart(2, '0')}` })));

const scheduleCase = fc.record({
  stations: contactsArb('station', 8),
  a: contactsArb('terminal', 8),
  b: contactsArb('terminal', 8),
  pending: pendingArb,
  capacity: fc.integer({ min: 1, max: 3 }),
  now: fc.integer({ min: 0, max: 3600 }).map((s) => s * S),
});

describe('scheduleDownlinks', () => {
  const opts = (c: { capacity: number; now: number }) => ({
    now: c.now,
    uploadS: 20,
    deliveryMarginS: 15,
    capacityPerContact: c.capacity,
  });
  const contactsOf = (c: { stations: Contact[]; a: Contact[]; b: Contact[] }) => (k: string) => [
    ...c.stations,
    ...(k === 'a' ? c.a : c.b),
  ];

  it('never schedules an emergency downlink after a normal one of the same terminal when both fit', () => {
    fc.assert(
      fc.property(scheduleCase, (c) => {
        const out = scheduleDownlinks(c.pending, contactsOf(c), opts(c));
        const byId = new Map(c.pending.map((p) => [p.id, p]));
        for (const n of out) {
          const pn = byId.get(n.id)!;
          if (pn.priority !== 'normal' || !n.route) continue;
          for (const e of out) {
            const pe = byId.get(e.id)!;
            if (pe.priority !== 'emergency' || pe.terminalKey !== pn.terminalKey) continue;
            expect(e.route).toBeDefined();
            expect(e.route!.eta).toBeLessThanOrEqual(n.route.eta);
          }
        }
      }),
      { numRuns: 800 },
    );
  });

  it('gives emergencies the routes they would get if no normal downlink were waiting', () => {
    fc.assert(
      fc.property(scheduleCase, (c) => {
        const all = scheduleDownlinks(c.pending, contactsOf(c), opts(c));
        const alone = scheduleDownlinks(
          c.pending.filter((p) => p.priority === 'emergency'),
          contactsOf(c),
          opts(c),
        );
        const emergencies = all.filter((s) => alone.some((x) => x.id === s.id));
        expect(emergencies.map((s) => [s.id, s.route?.eta, s.route?.upload.id])).toEqual(
          alone.map((s) => [s.id, s.route?.eta, s.route?.upload.id]),
        );
      }),
      { numRuns: 500 },
    );
  });

  it("keeps every upload contact within its capacity, every route feasible, and each terminal's deliveries in plan order", () => {
    fc.assert(
      fc.property(scheduleCase, fc.integer({ min: 0, max: 2 }), (c, usedFirst) => {
        const used = new Map(c.stations.slice(0, 1).map((s) => [s.id, usedFirst]));
        const out = scheduleDownlinks(c.pending, contactsOf(c), { ...opts(c), used });
        const load = new Map<string, number>();
        const lastEta = new Map<string, number>();
        const byId = new Map(c.pending.map((p) => [p.id, p]));
        for (const s of out) {
          if (!s.route) continue;
          const key = byId.get(s.id)!.terminalKey;
          load.set(s.route.upload.id, (load.get(s.route.upload.id) ?? 0) + 1);
          expectFeasible(s.route, { readyAt: c.now, uploadS: 20, deliveryMarginS: 15, excluded: new Set() });
          expect(contactsOf(c)(key)).toContain(s.route.delivery);
          expect(s.route.eta).toBeGreaterThanOrEqual(lastEta.get(key) ?? -Infinity);
          lastEta.set(key, s.route.eta);
        }
        for (const [id, n] of load) expect(n + (used.get(id) ?? 0)).toBeLessThanOrEqual(c.capacity);
      }),
      { numRuns: 500 },
    );
  });

  it('plans emergencies first, then the oldest first, and leaves a downlink unrouted when its route would arrive after its deadline', () => {
    const up: Contact = { id: 'u', kind: 'station', stationId: 'g0', satelliteId: 's0', start: 0, end: 600 * S };
    const up2: Contact = {
      id: 'u2',
      kind: 'station',
      stationId: 'g0',
      satelliteId: 's0',
      start: 3000 * S,
      end: 3600 * S,
    };
    const down: Contact = { id: 'd', kind: 'terminal', satelliteId: 's0', start: 1000 * S, end: 1600 * S };
    const down2: Contact = { id: 'd2', kind: 'terminal', satelliteId: 's0', start: 4000 * S, end: 4600 * S };
    const pending: PendingDownlink[] = [
      { id: 'old', terminalKey: 'a', priority: 'normal', createdAt: 1 },
      { id: 'new', terminalKey: 'a', priority: 'normal', createdAt: 2 },
      { id: 'sos', terminalKey: 'a', priority: 'emergency', createdAt: 3 },
      { id: 'late', terminalKey: 'a', priority: 'normal', createdAt: 4, deadline: 2000 * S },
    ];
    const out = scheduleDownlinks(pending, () => [up, up2, down, down2], {
      now: 0,
      uploadS: 10,
      deliveryMarginS: 30,
      capacityPerContact: 2,
    });
    expect(out.map((s) => [s.id, s.route?.upload.id, s.route?.delivery.id])).toEqual([
      ['sos', 'u', 'd'],
      ['old', 'u', 'd'],
      ['new', 'u2', 'd2'],
      ['late', undefined, undefined],
    ]);
  });
});
