import { useMemo } from 'react';
import { LiveMap } from '../map/live-map';
import { MessageFeed, type FeedEvent } from '../feed/message-feed';
import { can, type Ctx } from '../session';
import { useTerminals } from '../use-terminals';

/** The live service: the map and, beside it, the tenant's events as they happen. */
export function LiveView({ ctx }: { ctx: Ctx }) {
  const { onMap, seen } = useTerminals(ctx);
  const onEvent = useMemo(() => (e: FeedEvent) => { if (e.kind === 'uplink' && e.devEui) seen(e.devEui, Date.parse(e.ingestedAt ?? '') || Date.now()); }, [seen]);
  const feed = can.listenToEvents(ctx.session.role);
  return (
    <div className={feed ? 'live-view' : 'live-view no-feed'}>
      <LiveMap api={ctx.api} showStations={can.seeStations(ctx.session.role)} terminals={onMap} />
      {feed && ctx.tenantId ? <MessageFeed api={ctx.api} tenantId={ctx.tenantId} onEvent={onEvent} /> : null}
      {feed && !ctx.tenantId ? <section className="feed"><p className="muted">Pick a tenant to follow its live events.</p></section> : null}
    </div>
  );
}
