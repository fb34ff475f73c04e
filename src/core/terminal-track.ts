import { trackPointOf, type TrackPoint } from '../solutions/logistics/track.js';
import type { Store } from './ports/store.js';

/** Most positions one track request reads; it also reads at most 5 pages of 1,000 messages. */
export const MAX_TRACK_POINTS = 5000;

/** A terminal's positions from its stored decoded messages (`trackPointOf` reads each one). */
export async function terminalTrack(
  store: Store,
  terminalId: string,
  range: { from?: number; to?: number },
): Promise<TrackPoint[]> {
  const out: TrackPoint[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await store.messages.list({ terminalId, limit: 1000, ...range, ...(cursor ? { cursor } : {}) });
    for (const m of page.items) {
      const p = trackPointOf(m.decode?.decoded, m.capturedAt);
      if (p) out.push(p);
    }
    cursor = page.nextCursor;
  } while (cursor && out.length < MAX_TRACK_POINTS && ++pages < MAX_TRACK_POINTS / 1000);
  return out.slice(0, MAX_TRACK_POINTS);
}
