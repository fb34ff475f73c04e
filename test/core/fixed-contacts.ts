import type { DownlinkContactSource } from '../../src/core/downlink-contacts.js';
import type { GeoPoint } from '../../src/core/model.js';
import type { Contact } from '../../src/plan/downlink-route.js';

/** A hand-made contact plan: the same terminal contacts for every terminal with a position. */
export class FixedContacts implements DownlinkContactSource {
  constructor(readonly list: Contact[]) {}
  async stationContacts(from: number, to: number): Promise<readonly Contact[]> {
    return this.list.filter((c) => c.kind === 'station' && c.end > from && c.start < to);
  }
  async terminalContacts(t: { location?: GeoPoint }, from: number, to: number): Promise<readonly Contact[]> {
    return t.location ? this.list.filter((c) => c.kind === 'terminal' && c.end > from && c.start < to) : [];
  }
}
