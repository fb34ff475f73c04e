/**
 * Downlink routing over the contact plan (pure): a frame goes from a ground station up to a
 * satellite during a station–satellite contact, rides on board, and goes down to the terminal during
 * that satellite's next usable contact with the terminal — two-hop store-and-forward, routed as
 * contact graph routing does in DTN (earliest arrival over the contacts, each a time window).
 *
 * Times are Unix milliseconds; durations in options are seconds (the unit in their names).
 */

/** A time window in which a satellite can talk to a ground station or to a terminal. */
export interface Contact {
  /** Unique within one contact list (the route names contacts by it). */
  readonly id: string;
  readonly kind: 'station' | 'terminal';
  /** Set for station contacts. */
  readonly stationId?: string;
  readonly satelliteId: string;
  /** Acquisition and loss of signal, ms. */
  readonly start: number;
  readonly end: number;
}

export interface RouteQuery {
  /** The frame may be uploaded from this moment on (ms). */
  readonly readyAt: number;
  /** Contact time a station needs to upload one frame, seconds. */
  readonly uploadS: number;
  /**
   * Time the satellite waits after the terminal comes into view before it transmits (link
   * acquisition, the terminal's receive window), seconds.
   */
  readonly deliveryMarginS: number;
  /** Contact ids the route may not use (missed contacts). */
  readonly excluded: ReadonlySet<string>;
  /** Frames an upload contact can still take, by contact id; a contact not in the map is unlimited. */
  readonly capacity?: ReadonlyMap<string, number>;
  /** The delivery may not come before this (ms): frames of one terminal arrive in order. */
  readonly deliverAfter?: number;
}

export interface DownlinkRoute {
  /** The station contact the frame is uploaded in. */
  readonly upload: Contact;
  /** The same satellite's contact with the terminal the frame is transmitted in. */
  readonly delivery: Contact;
  /** When the upload starts (ms); the frame is on board `uploadS` later. */
  readonly uploadAt: number;
  /** When the satellite transmits the frame to the terminal (ms). */
  readonly eta: number;
}

/**
 * When frame uploaded from `upload` would reach the terminal in `delivery`, or undefined when the
 * pair is not a route: the upload starts at max(upload.start, readyAt) and must fit in the contact
 * (uploadS); the satellite transmits at max(delivery.start + deliveryMarginS, on board, deliverAfter),
 * which must fall inside the delivery contact. This is the ETA's definition (docs/downlinks.md).
 */
export function routeThrough(
  upload: Contact,
  delivery: Contact,
  q: Omit<RouteQuery, 'excluded' | 'capacity'>,
): DownlinkRoute | undefined {
  if (upload.kind !== 'station' || delivery.kind !== 'terminal' || upload.satelliteId !== delivery.satelliteId)
    return undefined;
  const uploadAt = Math.max(upload.start, q.readyAt);
  const onBoard = uploadAt + q.uploadS * 1000;
  if (onBoard > upload.end) return undefined;
  const eta = Math.max(delivery.start + q.deliveryMarginS * 1000, onBoard, q.deliverAfter ?? -Infinity);
  if (eta > delivery.end) return undefined;
  return { upload, delivery, uploadAt, eta };
}

/** Route order: earliest ETA, then earliest upload (the frame is safe on board sooner), then ids. */
export function compareRoutes(a: DownlinkRoute, b: DownlinkRoute): number {
  return a.eta - b.eta || a.uploadAt - b.uploadAt || cmp(a.upload.id, b.upload.id) || cmp(a.delivery.id, b.delivery.id);
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The earliest route through `contacts` (station and terminal contacts mixed), or undefined when
 * none exists. Station contacts that are excluded or full are skipped. For one upload contact the
 * ETA only grows with the delivery contact's start, so the first usable delivery contact of the same
 * satellite (by start) is that upload's best; the answer is the best over all upload contacts.
 */
export function earliestRoute(contacts: readonly Contact[], q: RouteQuery): DownlinkRoute | undefined {
  const deliveries = new Map<string, Contact[]>();
  for (const c of contacts) {
    if (c.kind !== 'terminal' || q.excluded.has(c.id)) continue;
    const list = deliveries.get(c.satelliteId);
    if (list) list.push(c);
    else deliveries.set(c.satelliteId, [c]);
  }
  for (const list of deliveries.values()) list.sort((a, b) => a.start - b.start || cmp(a.id, b.id));
  let best: DownlinkRoute | undefined;
  for (const up of contacts) {
    if (up.kind !== 'station' || q.excluded.has(up.id)) continue;
    const left = q.capacity?.get(up.id);
    if (left !== undefined && left <= 0) continue;
    for (const down of deliveries.get(up.satelliteId) ?? []) {
      const r = routeThrough(up, down, q);
      if (!r) continue;
      if (!best || compareRoutes(r, best) < 0) best = r;
      break;
    }
  }
  return best;
}

export type DownlinkPriority = 'normal' | 'emergency';

/** A downlink waiting for a route. */
export interface PendingDownlink {
  readonly id: string;
  /** Which contact list applies (the terminal's); frames with one key are delivered in plan order. */
  readonly terminalKey: string;
  readonly priority: DownlinkPriority;
  /** Ms; first come, first planned within a priority. */
  readonly createdAt: number;
  /**
   * Breaks ties of createdAt (downlinks queued in one millisecond) before the id does, lower first,
   * absent last: the service passes the frame's counter so that earlier-numbered frames keep their
   * order from one plan to the next.
   */
  readonly sequence?: number;
  /** A route arriving after this (ms) is no route (the downlink would expire first). */
  readonly deadline?: number;
  /** Contact ids this downlink may not use (its missed contacts). */
  readonly excluded?: ReadonlySet<string>;
}

export interface ScheduleOptions {
  /** Frames can be uploaded from now on (ms). */
  readonly now: number;
  readonly uploadS: number;
  readonly deliveryMarginS: number;
  /** Frames one upload contact carries (default 50): a station's uplink time in a pass is finite. */
  readonly capacityPerContact?: number;
  /** Frames already committed to upload contacts (uploads in progress), by contact id. */
  readonly used?: ReadonlyMap<string, number>;
  /** Per terminal key: the ETA of its frames already on board; new frames are delivered after it. */
  readonly deliverAfter?: ReadonlyMap<string, number>;
}

export interface ScheduledDownlink {
  readonly id: string;
  /** Undefined: no route in the contacts given (the downlink stays queued). */
  readonly route: DownlinkRoute | undefined;
}

export const DEFAULT_CAPACITY_PER_CONTACT = 50;

/** Plan order: emergency first, then oldest first, then by sequence and id (deterministic). */
export function comparePending(a: PendingDownlink, b: PendingDownlink): number {
  const pa = a.priority === 'emergency' ? 0 : 1,
    pb = b.priority === 'emergency' ? 0 : 1;
  return pa - pb || a.createdAt - b.createdAt || (a.sequence ?? Infinity) - (b.sequence ?? Infinity) || cmp(a.id, b.id);
}

/**
 * Assigns routes to pending downlinks one at a time in plan order (emergency first, then first come
 * first served), each taking the earliest route the frames before it left room for: an upload
 * contact carries at most `capacityPerContact` frames, and a terminal's frames are delivered in plan
 * order (a later frame never arrives before an earlier one, so the terminal's downlink counters
 * increase along its deliveries). Greedy and not globally optimal; an emergency's route never
 * depends on the normal downlinks. Returns every downlink, in plan order.
 */
export function scheduleDownlinks(
  pending: readonly PendingDownlink[],
  contactsOf: (terminalKey: string) => readonly Contact[],
  opts: ScheduleOptions,
): ScheduledDownlink[] {
  const cap = opts.capacityPerContact ?? DEFAULT_CAPACITY_PER_CONTACT;
  // Frames each upload contact can still take, filled on first sight of the contact.
  const left = new Map<string, number>();
  const after = new Map(opts.deliverAfter ?? []);
  const none = new Set<string>();
  const out: ScheduledDownlink[] = [];
  for (const p of [...pending].sort(comparePending)) {
    const prev = after.get(p.terminalKey);
    const contacts = contactsOf(p.terminalKey);
    for (const c of contacts) {
      if (c.kind === 'station' && !left.has(c.id)) left.set(c.id, cap - (opts.used?.get(c.id) ?? 0));
    }
    let route = earliestRoute(contacts, {
      readyAt: opts.now,
      uploadS: opts.uploadS,
      deliveryMarginS: opts.deliveryMarginS,
      excluded: p.excluded ?? none,
      capacity: left,
      ...(prev !== undefined ? { deliverAfter: prev } : {}),
    });
    if (route && p.deadline !== undefined && route.eta > p.deadline) route = undefined;
    if (route) {
      left.set(route.upload.id, (left.get(route.upload.id) ?? cap) - 1);
      after.set(p.terminalKey, route.eta);
    }
    out.push({ id: p.id, route });
  }
  return out;
}
