import { orderTrack } from '../solutions/logistics/track.js';
import type { DownlinkContactSource } from './downlink-contacts.js';
import type { GeoPoint } from './model.js';
import type { Store } from './ports/store.js';
import { terminalTrack } from './terminal-track.js';

/** How long a terminal's last reported position is trusted for routing, ms (6 h: a truck or ship moves on). */
const POSITION_TTL_MS = 6 * 3_600_000;

/**
 * Contacts for downlink routing where a terminal without a registered position (a vehicle, a vessel)
 * is placed at its last reported position — from a decoded payload in the last 6 hours. A fixed
 * terminal's registered position always wins.
 */
export class MovingTerminalContacts implements DownlinkContactSource {
  constructor(
    private readonly inner: DownlinkContactSource,
    private readonly store: Store,
    private readonly now: () => number,
  ) {}

  stationContacts(from: number, to: number) {
    return this.inner.stationContacts(from, to);
  }

  async terminalContacts(terminal: { readonly id?: string; readonly location?: GeoPoint }, from: number, to: number) {
    if (terminal.location || terminal.id === undefined) return this.inner.terminalContacts(terminal, from, to);
    const since = this.now() - POSITION_TTL_MS;
    const last = orderTrack(await terminalTrack(this.store, terminal.id, { from: since })).pop();
    if (!last || last.at < since) return [];
    return this.inner.terminalContacts({ location: { lat: last.lat, lon: last.lon, altM: 0 } }, from, to);
  }
}
