import type { TrackPoint } from '../solutions/logistics/track.js';
import type { MessageWithReceptions } from './model.js';
import type { Store } from './ports/store.js';

/** Most positions one track request reads; it also reads at most 5 pages of 1,000 messages. */
export const MAX_TRACK_POINTS = 5000;

/**
 * A terminal's positions from its decoded messages: `position.lat/lon` of the payload (JT/T 808
 * reports, user codecs that follow the convention), timed by the payload's own `time` when it has
 * one (the GNSS fix) and by the capture time otherwise.
 */
export async function terminalTrack(
  store: Store,
  terminalId: string,
  range: { from?: number; to?: number },
): Promise<TrackPoint[]> {
  const out: TrackPoint[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await store.listMessages({ terminalId, limit: 1000, ...range, ...(cursor ? { cursor } : {}) });
    for (const m of page.items) {
      const p = positionOf(m);
      if (p) out.push(p);
    }
    cursor = page.nextCursor;
  } while (cursor && out.length < MAX_TRACK_POINTS && ++pages < MAX_TRACK_POINTS / 1000);
  return out.slice(0, MAX_TRACK_POINTS);
}

function positionOf(m: MessageWithReceptions): TrackPoint | undefined {
  const d = m.decode?.decoded as
    { position?: { lat?: unknown; lon?: unknown }; time?: unknown; speedKmh?: unknown } | null | undefined;
  const lat = d?.position?.lat,
    lon = d?.position?.lon;
  if (typeof lat !== 'number' || typeof lon !== 'number') return undefined;
  const fix = typeof d!.time === 'string' ? Date.parse(d!.time) : NaN;
  return {
    at: Number.isFinite(fix) ? fix : m.capturedAt,
    lat,
    lon,
    ...(typeof d!.speedKmh === 'number' ? { speedKmh: d!.speedKmh } : {}),
  };
}
