import { useEffect, useMemo, useState } from 'react';
import { LiveMap } from '../map/live-map';
import { MessageFeed, type FeedEvent, type FeedTerminal } from '../feed/message-feed';
import { AttentionList } from '../attention/attention-list';
import { can, type Ctx } from '../session';
import { useTerminals } from '../use-terminals';

/**
 * The live service, the operator's first page: the map opened on the terminals, and beside it what
 * needs attention now and the tenant's events as they happen.
 */
export function LiveView({ ctx }: { ctx: Ctx }) {
  const { terminals, onMap, seen } = useTerminals(ctx);
  const onEvent = useMemo(
    () => (e: FeedEvent) => {
      if (e.kind === 'uplink' && e.devEui)
        seen(e.devEui, Date.parse(e.ingestedAt ?? '') || (ctx.clock.now() ?? Date.now()));
    },
    [seen, ctx.clock],
  );
  const byEui = useMemo(
    () => new Map<string, FeedTerminal>(terminals.map((t) => [t.devEui, { name: t.name, codec: t.codec }])),
    [terminals],
  );
  const stations = useStationNames(ctx);
  const feed = can.listenToEvents(ctx.session.role);
  return (
    <div className="live-view">
      <LiveMap api={ctx.api} clock={ctx.clock} fit showStations={can.seeStations(ctx.session.role)} terminals={onMap} />
      <div className="side">
        <AttentionList ctx={ctx} />
        {feed && ctx.tenantId ? (
          <MessageFeed
            api={ctx.api}
            tenantId={ctx.tenantId}
            onEvent={onEvent}
            clock={ctx.clock}
            terminals={byEui}
            stations={stations}
          />
        ) : null}
        {feed && !ctx.tenantId ? (
          <section className="feed">
            <p className="muted">Pick a tenant to follow its live events.</p>
          </section>
        ) : null}
      </div>
    </div>
  );
}

/** Ground stations' and gateways' names by id, for the paths the feed shows (stations: the roles that may see them). */
function useStationNames(ctx: Ctx): ReadonlyMap<string, string> {
  const { api, session } = ctx;
  const [names, setNames] = useState<ReadonlyMap<string, string>>(new Map());
  useEffect(() => {
    let live = true;
    (async () => {
      const out = new Map<string, string>();
      const gateways = await api.call('GET /api/v1/gateways').catch(() => undefined);
      for (const g of gateways?.items ?? []) out.set(g.id, g.name);
      if (can.seeStations(session.role)) {
        const stations = await api.call('GET /api/v1/ground-stations').catch(() => undefined);
        for (const s of stations?.items ?? []) out.set(s.id, s.name);
      }
      if (live) setNames(out);
    })();
    return () => {
      live = false;
    };
  }, [api, session.role]);
  return names;
}
