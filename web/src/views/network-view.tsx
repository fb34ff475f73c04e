import { useEffect, useState } from 'react';
import type { Response } from '../api/client';
import type { Ctx } from '../session';
import { ClusterPanel } from './cluster-panel';
import { utc } from '../core-clock';
import { useCoreNow } from '../core-clock-badge';

type Traffic = Response<'GET /api/v1/network/traffic'>;
type Passes = Response<'GET /api/v1/ground-stations/{id}/passes'>['passes'];
type Station = Response<'GET /api/v1/ground-stations'>['items'][number];

const AHEAD_HOURS = 6;
const REFRESH_MS = 30_000;
/** The contact plan changes slowly: passes are asked for again every five minutes, not with every refresh. */
const PASSES_EVERY_MS = 5 * 60_000;
/** Rejection codes drawn in their own colour (others share grey); the code is always written beside it. */
const CODE_COLOURS: Record<string, string> = {
  BAD_MIC: '#f87171',
  REPLAYED_COUNTER: '#fb923c',
  UNKNOWN_TERMINAL: '#facc15',
  TERMINAL_NOT_APPROVED: '#c084fc',
  MALFORMED_FRAME: '#f472b6',
};

/**
 * The network itself (operators and regulators): ground-station contacts of the next hours on one
 * timeline, traffic per station and per satellite, copies and rejected frames by code hour by hour,
 * and the cluster's nodes, leases and queues. Every time is the core's clock, in UTC.
 */
export function NetworkView({ ctx }: { ctx: Ctx }) {
  const { api, clock } = ctx;
  const [traffic, setTraffic] = useState<Traffic | undefined>();
  const [contacts, setContacts] = useState<Array<{ station: Station; passes: Passes }> | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    let live = true,
      busy = false,
      passesAt = -Infinity;
    const load = async () => {
      const t = await api.call('GET /api/v1/network/traffic', { query: { hours: 24 } });
      clock.observe(t.at);
      if (live) setTraffic(t);
      if (performance.now() - passesAt < PASSES_EVERY_MS) return;
      const stations = (await api.call('GET /api/v1/ground-stations')).items.filter((s) => s.enabled);
      const passes = await Promise.all(
        stations.map(async (station) => ({
          station,
          passes: (
            await api.call('GET /api/v1/ground-stations/{id}/passes', {
              params: { id: station.id },
              query: { start: t.at, hours: AHEAD_HOURS },
            })
          ).passes,
        })),
      );
      passesAt = performance.now();
      if (live) setContacts(passes);
    };
    // One load at a time: a slow answer is not asked for again while it is on its way.
    const refresh = () => {
      if (busy) return;
      busy = true;
      load()
        .then(
          () => {
            if (live) setError(undefined);
          },
          (e: Error) => {
            if (live) setError(e.message);
          },
        )
        .finally(() => {
          busy = false;
        });
    };
    refresh();
    const timer = setInterval(refresh, REFRESH_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [api, clock]);
  return (
    <section className="page network" tabIndex={0} aria-labelledby="network-h">
      <h2 id="network-h">Network</h2>
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
      {!traffic ? <p className="muted">loading…</p> : null}
      {contacts && traffic ? <ContactTimeline contacts={contacts} from={Date.parse(traffic.at)} ctx={ctx} /> : null}
      {traffic ? (
        <>
          <div className="grid">
            <div className="card">
              <h3>Copies and rejected frames per hour, last 24 h</h3>
              <HourlyChart traffic={traffic} />
            </div>
            <div className="card">
              <h3>Per station, last 24 h</h3>
              <Bars
                label="traffic per station"
                rows={traffic.stations.map((s) => ({
                  key: s.id,
                  name: `${s.name}${s.kind === 'gateway' ? ' (LoRa gateway)' : ''}`,
                  value: s.receptions,
                  note: s.rejections ? `${s.rejections} rejected` : '',
                }))}
              />
            </div>
            <div className="card">
              <h3>On board for the terminals now</h3>
              {traffic.onBoard.length === 0 ? (
                <p className="muted">No satellite holds a downlink: each one uploaded has been transmitted.</p>
              ) : (
                <table className="compact" aria-label="downlinks on board">
                  <thead>
                    <tr>
                      <th scope="col">Satellite</th>
                      <th scope="col">Downlinks</th>
                      <th scope="col">Bytes</th>
                      <th scope="col">Oldest upload (UTC)</th>
                    </tr>
                  </thead>
                  <tbody>
                    {traffic.onBoard.map((b) => (
                      <tr key={b.satelliteId}>
                        <td>{b.satelliteId}</td>
                        <td>{b.downlinks}</td>
                        <td>{b.bytes}</td>
                        <td>{utc(Date.parse(b.oldestUploadAt)).slice(0, 16)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
              <p className="muted small">
                Uplinks a satellite holds are known only once a station downlinks them: the core sees frames as they
                arrive.
              </p>
            </div>
            <div className="card">
              <h3>Per satellite, last 24 h</h3>
              <Bars
                label="traffic per satellite"
                rows={traffic.satellites
                  .slice(0, 30)
                  .map((s) => ({ key: s.satelliteId, name: s.satelliteId, value: s.receptions, note: '' }))}
              />
              {traffic.satellites.length > 30 ? (
                <p className="muted small">and {traffic.satellites.length - 30} more</p>
              ) : null}
            </div>
          </div>
        </>
      ) : null}
      <ClusterPanel ctx={ctx} />
    </section>
  );
}

/** Each ground station's contacts over the next hours on one time axis, with a "now" line on the core's clock. */
function ContactTimeline({
  contacts,
  from,
  ctx,
}: {
  contacts: Array<{ station: Station; passes: Passes }>;
  from: number;
  ctx: Ctx;
}) {
  const now = useCoreNow(ctx.clock, 5000) ?? from;
  const span = AHEAD_HOURS * 3_600_000;
  const x = (t: number) => `${Math.max(0, Math.min(100, ((t - from) / span) * 100))}%`;
  const total = contacts.reduce((a, c) => a + c.passes.length, 0);
  return (
    <div className="card">
      <h3>
        Ground-station contacts, next {AHEAD_HOURS} h from {utc(from).slice(0, 16)} UTC
      </h3>
      <p className="muted small">
        {total} contacts above 5°; a bar is one satellite in view, its label the satellite and its highest elevation.
      </p>
      <table className="contact-timeline" aria-label="contact timeline">
        <tbody>
          {contacts.map(({ station, passes }) => (
            <tr key={station.id}>
              <th scope="row">{station.name}</th>
              <td>
                <div className="lane">
                  {passes.map((p, i) => {
                    const aos = Date.parse(p.aos ?? ''),
                      los = Date.parse(p.los ?? '');
                    const text =
                      `${p.satellite?.name ?? '?'} ${utc(aos).slice(11, 16)}–${utc(los).slice(11, 16)} UTC, ` +
                      `max ${Math.round(p.maxElevationDeg ?? 0)}°`;
                    return (
                      <span
                        key={i}
                        className="pass"
                        style={{ left: x(aos), width: `calc(${x(los)} - ${x(aos)} + 2px)` }}
                        title={text}
                        aria-label={text}
                        role="img"
                      />
                    );
                  })}
                  <span className="now" style={{ left: x(now) }} aria-hidden="true" />
                </div>
              </td>
              <td className="muted small">{passes.length}</td>
            </tr>
          ))}
          <tr className="axis" aria-hidden="true">
            <th />
            <td>
              <div className="ticks">
                {Array.from({ length: AHEAD_HOURS + 1 }, (_, h) => (
                  <span key={h} style={{ left: `${(h / AHEAD_HOURS) * 100}%` }}>
                    {utc(from + h * 3_600_000).slice(11, 16)}
                  </span>
                ))}
              </div>
            </td>
            <td />
          </tr>
        </tbody>
      </table>
    </div>
  );
}

/**
 * Copies per hour as bars with rejected frames by code stacked on them; the legend under it gives each total in words.
 */
function HourlyChart({ traffic }: { traffic: Traffic }) {
  const rej = (h: Traffic['hours'][number]) => h.rejections as Record<string, number>;
  const max = Math.max(1, ...traffic.hours.map((h) => h.receptions + Object.values(rej(h)).reduce((a, b) => a + b, 0)));
  const codes = [...new Set(traffic.hours.flatMap((h) => Object.keys(rej(h))))].sort();
  const W = 480,
    H = 160,
    bw = W / traffic.hours.length;
  return (
    <>
      <svg
        viewBox={`0 0 ${W} ${H + 16}`}
        className="hourly"
        role="img"
        aria-label={
          `Copies per hour over the last 24 hours, at most ` + `${max}; rejected frames by code stacked above them`
        }
      >
        {traffic.hours.map((h, i) => {
          const rh = (h.receptions / max) * H;
          let top = H - rh;
          return (
            <g key={h.hour}>
              <rect x={i * bw + 1} y={top} width={bw - 2} height={rh} fill="#38bdf8" />
              {codes.map((c) => {
                const n = rej(h)[c] ?? 0;
                if (!n) return null;
                const hh = (n / max) * H;
                top -= hh;
                return (
                  <rect key={c} x={i * bw + 1} y={top} width={bw - 2} height={hh} fill={CODE_COLOURS[c] ?? '#94a3b8'} />
                );
              })}
              {i % 6 === 0 ? (
                <text x={i * bw} y={H + 13} fontSize="10" fill="#cbd5e1">
                  {h.hour.slice(11, 16)}
                </text>
              ) : null}
            </g>
          );
        })}
      </svg>
      <ul className="chart-legend">
        <li>
          <span className="dot" style={{ background: '#38bdf8' }} />
          copies received ({traffic.hours.reduce((a, h) => a + h.receptions, 0)})
        </li>
        {codes.map((c) => (
          <li key={c}>
            <span className="dot" style={{ background: CODE_COLOURS[c] ?? '#94a3b8' }} />
            rejected {c} ({traffic.hours.reduce((a, h) => a + (rej(h)[c] ?? 0), 0)})
          </li>
        ))}
      </ul>
    </>
  );
}

function Bars({
  rows,
  label,
}: {
  rows: Array<{ key: string; name: string; value: number; note: string }>;
  label: string;
}) {
  const max = Math.max(1, ...rows.map((r) => r.value));
  if (rows.length === 0) return <p className="muted">Nothing received in the last 24 hours.</p>;
  return (
    <table className="bars compact" aria-label={label}>
      <tbody>
        {rows.map((r) => (
          <tr key={r.key}>
            <th scope="row">{r.name}</th>
            <td className="bar-cell">
              <span className="bar" style={{ width: `${(r.value / max) * 100}%` }} />
            </td>
            <td>{r.value}</td>
            <td className="muted">{r.note}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
