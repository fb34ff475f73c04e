import { useEffect, useRef, useState } from 'react';
import { eventStreamUrl, type ApiClient } from '../api/client';
import { MessageLife } from './message-life';
import { measurements } from '../terminal/field-chart';

/** An event of the stream as the feed keeps it (the bus event, as sent). */
export interface FeedEvent {
  kind: 'uplink' | 'decoded' | 'alarm' | 'downlink' | string;
  messageId?: string;
  devEui?: string;
  fCnt?: number;
  fPort?: number | null;
  capturedAt?: string;
  ingestedAt?: string;
  [key: string]: unknown;
}

const MAX_ITEMS = 200;
const RECONNECT_MS = 3000;

type Nested = { devEui?: string; state?: string; severity?: string; eta?: string | null };
const nested = (e: FeedEvent): Nested | undefined => (e['downlink'] ?? e['alarm']) as Nested | undefined;

/** The terminal an event is about (downlink and alarm events carry it inside). */
export function devEuiOf(e: FeedEvent): string | undefined {
  return e.devEui ?? nested(e)?.devEui;
}

function summary(e: FeedEvent): string {
  switch (e.kind) {
    case 'uplink': return `#${e.fCnt ?? '?'} port ${e.fPort ?? '—'}`;
    case 'decoded': {
      if (e['error']) return `failed: ${String((e['error'] as { code?: string }).code)}`;
      const m = Object.entries(measurements(e['decoded'])).slice(0, 3);
      return m.length ? m.map(([k, v]) => `${k} ${v}`).join(' · ') : 'decoded';
    }
    case 'alarm': return `${String(e['action'] ?? '')} ${nested(e)?.severity ?? ''}`;
    case 'downlink': {
      const eta = nested(e)?.eta;
      return `${String(e['action'] ?? '')}${eta ? `, ETA ${eta.slice(11, 16)}` : ''}`;
    }
    default: return e.kind;
  }
}

/**
 * The tenant's live events over the WebSocket (GET /api/v1/events), newest first; each uplink opens
 * to its whole life. Reconnects after a drop (the stream is live only: nothing is replayed).
 */
export function MessageFeed({ api, tenantId, onEvent }: { api: ApiClient; tenantId: string; onEvent?: (e: FeedEvent) => void }) {
  const [items, setItems] = useState<Array<FeedEvent & { seq: number; arrived: string }>>([]);
  const [state, setState] = useState<'connecting' | 'live' | 'closed'>('connecting');
  const [open, setOpen] = useState<number | undefined>();
  const seq = useRef(0);
  const onEventRef = useRef(onEvent);
  onEventRef.current = onEvent;

  useEffect(() => {
    let ws: WebSocket | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const connect = () => {
      setState('connecting');
      ws = new WebSocket(eventStreamUrl(api.key, tenantId));
      ws.onmessage = (m) => {
        let e: FeedEvent;
        try { e = JSON.parse(String(m.data)) as FeedEvent; } catch { return; }
        if (e.kind === 'ready') { setState('live'); return; }
        onEventRef.current?.(e);
        setItems((old) => [{ ...e, seq: ++seq.current, arrived: new Date().toLocaleTimeString([], { hour12: false }) }, ...old].slice(0, MAX_ITEMS));
      };
      ws.onclose = () => {
        setState('closed');
        if (!stopped) timer = setTimeout(connect, RECONNECT_MS);
      };
    };
    connect();
    return () => { stopped = true; if (timer) clearTimeout(timer); ws?.close(); };
  }, [api, tenantId]);

  return (
    <section className="feed" aria-label="Message feed">
      <header><h2>Live events</h2><span className={`pill ${state}`} data-testid="feed-state">{state}</span></header>
      {items.length === 0 ? <p className="muted">Waiting for the first event…</p> : null}
      <ul data-testid="feed">
        {items.map((e) => (
          <li key={e.seq} className={`event ${e.kind}`}>
            <button type="button" aria-expanded={open === e.seq} disabled={e.kind !== 'uplink'} onClick={() => setOpen(open === e.seq ? undefined : e.seq)}>
              <span className="kind">{e.kind}</span> <span className="eui">{devEuiOf(e)}</span> <span>{summary(e)}</span>
              <time title="arrived">{e.arrived}</time>
            </button>
            {open === e.seq && e.messageId && e.devEui && e.capturedAt ? <MessageLife api={api} devEui={e.devEui} messageId={e.messageId} capturedAt={e.capturedAt} /> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
