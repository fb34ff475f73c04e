import { useEffect, useRef, useState } from 'react';
import { eventStreamUrl, type ApiClient } from '../api/client';
import { MessageLife } from './message-life';
import { measurementList } from '../terminal/field-chart';
import { type ServerClock, utc } from '../core-clock';
import { durationText, measurementText } from '../units';
import { sectorOf, type Sector } from '../terminal-sector';

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

/** What the feed knows of a terminal: its name and sector. */
export interface FeedTerminal {
  readonly name?: string | undefined;
  readonly codec?: string | undefined;
}
/** Names of ground stations and gateways by id, where the key may see them. */
export type StationNames = ReadonlyMap<string, string>;

/** The path of an uplink's first copy and its hop latency, captured → ingested. */
function path(e: FeedEvent, stations: StationNames): string {
  const via = e['via'] as { stationId?: string; satelliteId?: string } | undefined;
  const station = via?.stationId ? stations.get(via.stationId) : undefined;
  const route = !via
    ? ''
    : via.satelliteId
      ? `via ${via.satelliteId}${station ? ` → ${station}` : ''}`
      : `via LoRa gateway${station ? ` ${station}` : ''}`;
  const latency =
    e.capturedAt && e.ingestedAt
      ? `captured → ingested ${durationText(Date.parse(e.ingestedAt) - Date.parse(e.capturedAt))}`
      : '';
  return [route, latency].filter(Boolean).join(', ');
}

function summary(e: FeedEvent, stations: StationNames): string {
  switch (e.kind) {
    case 'uplink':
      return `#${e.fCnt ?? '?'} port ${e.fPort ?? '—'}${path(e, stations) ? ` · ${path(e, stations)}` : ''}`;
    case 'decoded': {
      if (e['error']) return `failed: ${String((e['error'] as { code?: string }).code)}`;
      const m = measurementList(e['decoded']).slice(0, 3);
      return m.length ? m.map((x) => measurementText(x.name, x.value)).join(' · ') : 'decoded';
    }
    case 'alarm':
      return `${String(e['action'] ?? '')} ${nested(e)?.severity ?? ''}`;
    case 'downlink': {
      const eta = nested(e)?.eta;
      return `${String(e['action'] ?? '')}${eta ? `, ETA ${eta.slice(11, 16)}` : ''}`;
    }
    default:
      return e.kind;
  }
}

/** The core's time an event speaks of: an uplink's ingest, an alarm's or a downlink's change, a decode's capture. */
function eventTime(e: FeedEvent): number | undefined {
  const nestedAt = e['alarm'] as { lastFiredAt?: number; raisedAt?: number } | undefined;
  const candidates = [
    e.ingestedAt,
    e['at'] as string | undefined,
    nestedAt?.lastFiredAt ?? nestedAt?.raisedAt,
    e.capturedAt,
  ];
  for (const c of candidates) {
    const t = typeof c === 'number' ? c : typeof c === 'string' ? Date.parse(c) : NaN;
    if (Number.isFinite(t)) return t;
  }
  return undefined;
}

/**
 * The tenant's live events over the WebSocket (GET /api/v1/events), newest first, each stamped with
 * the core's clock (the map's: one page, one time) and naming its terminal and sector; an uplink
 * says its path and hop latency and opens to its whole life. Reconnects after a drop (the stream is
 * live only: nothing is replayed).
 */
export function MessageFeed({
  api,
  tenantId,
  onEvent,
  clock,
  terminals,
  stations,
}: {
  api: ApiClient;
  tenantId: string;
  onEvent?: (e: FeedEvent) => void;
  clock: ServerClock;
  terminals: ReadonlyMap<string, FeedTerminal>;
  stations: StationNames;
}) {
  const [items, setItems] = useState<Array<FeedEvent & { seq: number; stamp: number | undefined }>>([]);
  const [state, setState] = useState<'connecting' | 'live' | 'closed'>('connecting');
  const [open, setOpen] = useState<number | undefined>();
  const seq = useRef(0);
  const onEventRef = useRef(onEvent);
  onEventRef.current = onEvent;
  const clockRef = useRef(clock);
  clockRef.current = clock;

  useEffect(() => {
    let ws: WebSocket | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const connect = () => {
      setState('connecting');
      ws = new WebSocket(eventStreamUrl(api.key, tenantId));
      ws.onmessage = (m) => {
        let e: FeedEvent;
        try {
          e = JSON.parse(String(m.data)) as FeedEvent;
        } catch {
          return;
        }
        if (e.kind === 'ready') {
          setState('live');
          return;
        }
        onEventRef.current?.(e);
        setItems((old) =>
          [{ ...e, seq: ++seq.current, stamp: clockRef.current.now() ?? eventTime(e) }, ...old].slice(0, MAX_ITEMS),
        );
      };
      ws.onclose = () => {
        setState('closed');
        if (!stopped) timer = setTimeout(connect, RECONNECT_MS);
      };
    };
    connect();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      ws?.close();
    };
  }, [api, tenantId]);

  return (
    <section className="feed" aria-label="Message feed">
      <header>
        <h2>Live events</h2>
        <span className="muted small" title="Events are stamped with the core's clock">
          core clock, UTC
        </span>
        <span className={`pill ${state}`} data-testid="feed-state">
          {state}
        </span>
      </header>
      {items.length === 0 ? <p className="muted">Waiting for the first event…</p> : null}
      <ul data-testid="feed">
        {items.map((e) => {
          const eui = devEuiOf(e);
          const t = eui ? terminals.get(eui) : undefined;
          const sector: Sector = sectorOf(t?.codec);
          return (
            <li key={e.seq} className={`event ${e.kind}`} data-sector={sector}>
              <button
                type="button"
                aria-expanded={open === e.seq}
                disabled={e.kind !== 'uplink'}
                onClick={() => setOpen(open === e.seq ? undefined : e.seq)}
              >
                <span className="kind">{e.kind}</span>
                <span className="who">
                  <span className="name">{t?.name ?? eui}</span> <span className={`sector ${sector}`}>{sector}</span>
                  {t?.name ? <span className="eui">{eui}</span> : null}
                  <span className="what">{summary(e, stations)}</span>
                </span>
                <time
                  title="the core's clock, UTC"
                  dateTime={e.stamp !== undefined ? new Date(e.stamp).toISOString() : undefined}
                >
                  {e.stamp !== undefined ? utc(e.stamp).slice(11) : '—'}
                </time>
              </button>
              {open === e.seq && e.messageId && e.devEui && e.capturedAt ? (
                <MessageLife api={api} devEui={e.devEui} messageId={e.messageId} capturedAt={e.capturedAt} />
              ) : null}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
