import { useEffect, useState } from 'react';
import type { Response } from '../api/client';
import type { Ctx } from '../session';
import { FieldChart } from '../terminal/field-chart';

type Kpis = Response<'GET /api/v1/kpis'>;

function duration(s: number | null): string {
  if (s === null) return '—';
  return s < 120 ? `${s.toFixed(0)} s` : s < 7200 ? `${(s / 60).toFixed(1)} min` : `${(s / 3600).toFixed(1)} h`;
}

/** Service KPIs: messages per hour, latency per hop, rejections by code, ground-station contacts today. */
export function KpiView({ ctx }: { ctx: Ctx }) {
  const { api, tenantId } = ctx;
  const [k, setK] = useState<Kpis | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    const load = () =>
      api.call('GET /api/v1/kpis', { query: { tenantId, hours: 24 } }).then(setK, (e: Error) => setError(e.message));
    void load();
    const t = setInterval(() => void load(), 30_000);
    return () => clearInterval(t);
  }, [api, tenantId]);
  if (error)
    return (
      <section className="page" tabIndex={0}>
        <p className="error">{error}</p>
      </section>
    );
  if (!k)
    return (
      <section className="page" tabIndex={0}>
        <p className="muted">loading…</p>
      </section>
    );
  const xs = k.messagesPerHour.map((h) => Date.parse(h.hour) / 1000);
  const ys = k.messagesPerHour.map((h) => h.messages);
  return (
    <section className="page kpis">
      <h2>
        KPIs{' '}
        <small className="muted">
          last 24 h · {k.messagesScanned} messages{k.sampled ? ' (sampled)' : ''}
        </small>
      </h2>
      <div className="grid">
        <div className="card">
          <FieldChart name="messages per hour" xs={xs} ys={ys} />
        </div>
        <div className="card">
          <h3>Delivery latency per hop</h3>
          <table>
            <thead>
              <tr>
                <th>hop</th>
                <th>messages</th>
                <th>P50</th>
                <th>P95</th>
              </tr>
            </thead>
            <tbody>
              {k.latency.map((h) => (
                <tr key={h.hop}>
                  <td>{h.hop}</td>
                  <td>{h.count}</td>
                  <td>{duration(h.p50Seconds)}</td>
                  <td>{duration(h.p95Seconds)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {k.rejections ? (
          <div className="card">
            <h3>Rejected frames by code</h3>
            {k.rejections.length === 0 ? (
              <p className="muted">None.</p>
            ) : (
              <table>
                <tbody>
                  {k.rejections.map((r) => (
                    <tr key={r.code}>
                      <td>{r.code}</td>
                      <td>{r.count}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </div>
        ) : null}
        {k.contactsToday ? (
          <div className="card">
            <h3>Ground-station contacts today (UTC)</h3>
            <table>
              <tbody>
                {k.contactsToday.map((c) => (
                  <tr key={c.stationId}>
                    <td>{c.name}</td>
                    <td>{c.contacts}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
        <div className="card">
          <h3>Satellite buffer fill</h3>
          <p className="muted">
            Not reported by this deployment: satellites report no buffer state through the gateway API.
          </p>
        </div>
      </div>
    </section>
  );
}
