import { useCallback, useEffect, useState } from 'react';
import type { Response } from './api/client';
import type { Ctx } from './session';
import type { MapTerminal } from './map/live-map';

export type Terminal = Response<'GET /api/v1/terminals'>['items'][number];

/** Terminals enriched at most this many at a time (last message, last reported position). */
const ENRICH_LIMIT = 200;

/**
 * The tenant's terminals (all tenants' for operators and regulators without a pick), and where each is
 * for the map: its registered position, else its last reported one (when the key sees positions).
 */
export function useTerminals(ctx: Ctx): {
  terminals: Terminal[];
  onMap: MapTerminal[];
  seen: (devEui: string, at: number) => void;
} {
  const { api, session, tenantId } = ctx;
  const [terminals, setTerminals] = useState<Terminal[]>([]);
  const [where, setWhere] = useState<Record<string, { lat: number; lon: number }>>({});
  const [lastSeen, setLastSeen] = useState<Record<string, number>>({});

  useEffect(() => {
    let live = true;
    (async () => {
      const all: Terminal[] = [];
      let cursor: string | undefined;
      do {
        const page = await api.call('GET /api/v1/terminals', { query: { tenantId, limit: 1000, cursor } });
        all.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor && all.length < 10_000);
      if (!live) return;
      setTerminals(all);
      for (const t of all.slice(0, ENRICH_LIMIT)) {
        const m = await api
          .call('GET /api/v1/terminals/{devEui}/messages', { params: { devEui: t.devEui }, query: { limit: 1 } })
          .catch(() => undefined);
        const at = m?.items[0]?.ingestedAt;
        if (!live) return;
        if (at) setLastSeen((o) => ({ [t.devEui]: Date.parse(at), ...o }));
        if (!t.location?.lat && session.seesPayloads && at) {
          const tr = await api
            .call('GET /api/v1/terminals/{devEui}/track', { params: { devEui: t.devEui } })
            .catch(() => undefined);
          const last = tr?.last;
          if (live && last?.lat !== undefined && last.lon !== undefined)
            setWhere((o) => ({ ...o, [t.devEui]: { lat: last.lat as number, lon: last.lon as number } }));
        }
      }
    })().catch((e: unknown) => console.warn('terminals', e));
    return () => {
      live = false;
    };
  }, [api, tenantId, session.seesPayloads]);

  const seen = useCallback((devEui: string, at: number) => setLastSeen((o) => ({ ...o, [devEui]: at })), []);
  const onMap = terminals.flatMap((t) => {
    const p =
      t.location?.lat !== undefined && t.location.lon !== undefined
        ? { lat: t.location.lat, lon: t.location.lon }
        : where[t.devEui];
    return p
      ? [{ devEui: t.devEui, name: t.name, codec: t.codec, lat: p.lat, lon: p.lon, lastSeen: lastSeen[t.devEui] }]
      : [];
  });
  return { terminals, onMap, seen };
}
