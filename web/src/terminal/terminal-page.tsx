import { Fragment, useCallback, useEffect, useMemo, useState } from 'react';
import { ApiError, type Response } from '../api/client';
import { LiveMap } from '../map/live-map';
import { can, type Ctx } from '../session';
import { sectorOf } from '../terminal-sector';
import { DownlinkForm } from './downlink-form';
import { FieldChart, measurementList, measurements, type ChartAnomaly } from './field-chart';
import { ForecastCard, markers, useAnomalies, type FieldSeries } from './forecast-card';
import { PassTimeline } from './pass-timeline';

type Terminal = Response<'GET /api/v1/terminals/{devEui}'>;
type Messages = Response<'GET /api/v1/terminals/{devEui}/messages'>['items'];
type Downlinks = Response<'GET /api/v1/terminals/{devEui}/downlinks'>['items'];
type Passes = Response<'GET /api/v1/terminals/{devEui}/passes'>;
type Track = Response<'GET /api/v1/terminals/{devEui}/track'>;
type Alarms = Response<'GET /api/v1/alarms'>['items'];
type NextMessage = Response<'GET /api/v1/terminals/{devEui}/next-message'>;

const REFRESH_MS = 5000;
const NONE: ChartAnomaly[] = [];
const when = (iso: string | null | undefined) => (iso ? iso.replace('T', ' ').slice(0, 19) : '—');

/** Everything about one terminal: last values, charts, track, next passes, downlinks (and a form), alarms. */
export function TerminalPage({ ctx, devEui }: { ctx: Ctx; devEui: string }) {
  const { api, session } = ctx;
  const [t, setT] = useState<Terminal | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [messages, setMessages] = useState<Messages>([]);
  const [downlinks, setDownlinks] = useState<Downlinks>([]);
  const [passes, setPasses] = useState<Passes | undefined>();
  const [track, setTrack] = useState<Track | undefined>();
  const [alarms, setAlarms] = useState<Alarms>([]);
  const [next, setNext] = useState<NextMessage | undefined>();
  const [tick, setTick] = useState(0);
  const refresh = useCallback(() => setTick((n) => n + 1), []);

  useEffect(() => {
    api
      .call('GET /api/v1/terminals/{devEui}', { params: { devEui } })
      .then(setT, (e: Error) =>
        setError(e instanceof ApiError && e.status === 404 ? `No terminal ${devEui}.` : e.message),
      );
    api
      .call('GET /api/v1/terminals/{devEui}/passes', { params: { devEui }, query: { hours: 24 } })
      .then(setPasses, () => setPasses(undefined));
  }, [api, devEui]);

  useEffect(() => {
    const load = () => {
      api.call('GET /api/v1/terminals/{devEui}/messages', { params: { devEui }, query: { limit: 200 } }).then(
        (r) => setMessages(r.items),
        () => undefined,
      );
      api.call('GET /api/v1/terminals/{devEui}/downlinks', { params: { devEui }, query: { limit: 20 } }).then(
        (r) => setDownlinks(r.items),
        () => undefined,
      );
      api.call('GET /api/v1/alarms', { query: { devEui, limit: 50 } }).then(
        (r) => setAlarms(r.items),
        () => undefined,
      );
      api
        .call('GET /api/v1/terminals/{devEui}/next-message', { params: { devEui } })
        .then(setNext, () => setNext(undefined));
      if (session.seesPayloads)
        api.call('GET /api/v1/terminals/{devEui}/track', { params: { devEui } }).then(setTrack, () => undefined);
    };
    load();
    const timer = setInterval(load, REFRESH_MS);
    return () => clearInterval(timer);
  }, [api, devEui, session.seesPayloads, tick]);

  const series = useMemo<FieldSeries[]>(() => {
    const byPath = new Map<string, { name: string; path: string; xs: number[]; ys: number[] }>();
    for (const m of [...messages].reverse()) {
      if (!m.decode?.decoded) continue;
      for (const { name, path, value } of measurementList(m.decode.decoded)) {
        const s = byPath.get(path) ?? { name, path, xs: [], ys: [] };
        s.xs.push(Date.parse(m.capturedAt) / 1000);
        s.ys.push(value);
        byPath.set(path, s);
      }
    }
    return [...byPath.values()].filter((s) => s.xs.length > 1).slice(0, 6);
  }, [messages]);
  const newest = messages[0]?.id;
  const anomalies = useAnomalies(ctx, devEui, session.seesPayloads ? series : [], newest);
  // Kept between renders: a new array would make every chart draw itself again.
  const marked = useMemo(
    () => new Map(series.map((s) => [s.path, markers(s, anomalies.get(s.path))])),
    [series, anomalies],
  );

  if (error)
    return (
      <section className="page" tabIndex={0}>
        <p className="error">{error}</p>
      </section>
    );
  if (!t)
    return (
      <section className="page" tabIndex={0}>
        <p className="muted">loading…</p>
      </section>
    );
  const last = messages[0];
  const trail =
    track && track.points.length > 1 ? track.points.map((p) => [p.lon, p.lat] as [number, number]) : undefined;
  const position =
    t.location?.lat !== undefined
      ? { lat: t.location.lat, lon: t.location.lon ?? 0 }
      : track?.last?.lat !== undefined
        ? { lat: track.last.lat, lon: track.last.lon ?? 0 }
        : passes?.position.lat !== undefined
          ? { lat: passes.position.lat, lon: passes.position.lon ?? 0 }
          : undefined;
  return (
    <section className="page terminal" aria-label={`Terminal ${devEui}`}>
      <h2>
        Terminal <code>{t.devEui}</code>{' '}
        <small className="muted">
          {t.profile} · {sectorOf(t.codec)} · {t.codec ?? 'no codec'}
          {t.enabled ? '' : ' · disabled'}
        </small>
      </h2>
      <div className="grid">
        <div className="card">
          <h3>Last message</h3>
          {last ? (
            <dl>
              <dt>captured</dt>
              <dd>{when(last.capturedAt)}</dd>
              <dt>ingested</dt>
              <dd>{when(last.ingestedAt)}</dd>
              <dt>counter</dt>
              <dd>{last.fCnt}</dd>
              <dt>via</dt>
              <dd>{last.receptions.map((r) => r.satelliteId).join(', ')}</dd>
              {last.decode?.decoded
                ? Object.entries(measurements(last.decode.decoded))
                    .slice(0, 8)
                    .map(([k, v]) => (
                      <Fragment key={k}>
                        <dt>{k}</dt>
                        <dd>{v}</dd>
                      </Fragment>
                    ))
                : null}
            </dl>
          ) : (
            <p className="muted">No message yet.</p>
          )}
          {next ? <NextMessageLine next={next} /> : null}
          {position ? (
            <p className="muted">
              Position {position.lat.toFixed(4)}, {position.lon.toFixed(4)}
              {track ? ` · ${track.distanceKm.toFixed(1)} km travelled` : ''}
            </p>
          ) : null}
        </div>
        <div className="card map-card">
          <LiveMap
            api={api}
            clock={ctx.clock}
            showStations={can.seeStations(session.role)}
            terminals={
              position
                ? [
                    {
                      devEui: t.devEui,
                      codec: t.codec,
                      lat: position.lat,
                      lon: position.lon,
                      lastSeen: last ? Date.parse(last.ingestedAt) : undefined,
                    },
                  ]
                : []
            }
            focus={position}
            trail={trail}
            legend={false}
          />
        </div>
      </div>
      {series.length > 0 ? (
        <>
          {session.seesPayloads ? (
            <ForecastCard ctx={ctx} devEui={t.devEui} fields={series} anomalies={anomalies} newest={newest} />
          ) : null}
          <div className="charts">
            {series.map((s) => (
              <FieldChart key={s.path} name={s.name} xs={s.xs} ys={s.ys} anomalies={marked.get(s.path) ?? NONE} />
            ))}
          </div>
        </>
      ) : (
        <p className="muted">No decoded numeric fields to chart yet.</p>
      )}
      <div className="card">
        <h3>Next passes (24 h)</h3>
        {passes ? <PassTimeline passes={passes.passes} /> : <p className="muted">No position to predict passes for.</p>}
      </div>
      <div className="card">
        <h3>Downlinks</h3>
        {can.sendDownlinks(session.role) ? <DownlinkForm api={api} devEui={t.devEui} onQueued={refresh} /> : null}
        <table data-testid="downlinks">
          <thead>
            <tr>
              <th>queued</th>
              <th>port</th>
              <th>priority</th>
              <th>state</th>
              <th>ETA</th>
              <th>route</th>
            </tr>
          </thead>
          <tbody>
            {downlinks.map((d) => (
              <tr key={d.id} data-state={d.state}>
                <td>{when(d.createdAt)}</td>
                <td>{d.fPort}</td>
                <td>{d.priority}</td>
                <td>
                  <span className={`pill ${d.state}`}>{d.state}</span>
                </td>
                <td>{when(d.eta)}</td>
                <td>
                  {d.route
                    ? `sat ${d.route.satelliteId} via ${d.route.stationId?.slice(0, 8)} at ${when(d.route.uploadAt)}`
                    : '—'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="card">
        <h3>Alarms</h3>
        {alarms.length === 0 ? (
          <p className="muted">None.</p>
        ) : (
          <ul>
            {alarms.map((a) => (
              <li key={a.id}>
                <span className={`pill ${a.state}`}>{a.state}</span> {a.severity} since {when(a.raisedAt)} ({a.count}×)
              </li>
            ))}
          </ul>
        )}
      </div>
    </section>
  );
}

/** When the next message should arrive, learned from the terminal's own gaps and delays (and the passes over it). */
function NextMessageLine({ next }: { next: NextMessage }) {
  const hm = (iso: string) => iso.slice(11, 16);
  const m = next.model as { medianGapMs?: number | null; contactPlan?: boolean };
  const gap = m.medianGapMs
    ? ` · usually every ` +
      (m.medianGapMs >= 3_600_000
        ? `${(m.medianGapMs / 3_600_000).toFixed(1)} h`
        : `${Math.round(m.medianGapMs / 60_000)} min`)
    : '';
  if (next.overdue)
    return (
      <p data-testid="next-message">
        <span className="pill raised">overdue</span> silent longer than any gap it has shown{gap}
      </p>
    );
  if (!next.expected && (next.model as { gaps?: number }).gaps! >= 3)
    return (
      <p data-testid="next-message">
        <span className="pill queued">late</span> later than any gap and delay it has shown{gap}
      </p>
    );
  if (!next.expected)
    return (
      <p className="muted" data-testid="next-message">
        Next message: too little history to say{gap}
      </p>
    );
  const e = next.expected;
  return (
    <p data-testid="next-message">
      Next message expected {when(e.median)} UTC (80 %: {hm(e.lower)}–
      {e.upper.slice(0, 10) === e.lower.slice(0, 10) ? hm(e.upper) : when(e.upper)}){gap}
      {m.contactPlan ? ', in the passes over it' : ''}
    </p>
  );
}
