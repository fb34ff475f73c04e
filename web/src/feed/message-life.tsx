import { useEffect, useState } from 'react';
import type { ApiClient, Response } from '../api/client';

type Message = Response<'GET /api/v1/terminals/{devEui}/messages'>['items'][number];

const time = (iso: string | undefined) => (iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '—');
function span(a: string | undefined, b: string | undefined): string {
  if (!a || !b) return '';
  const s = (Date.parse(b) - Date.parse(a)) / 1000;
  return s < 120 ? `+${s.toFixed(0)} s` : s < 7200 ? `+${(s / 60).toFixed(1)} min` : `+${(s / 3600).toFixed(1)} h`;
}

/** One message's whole life: captured → downlinked → ingested → delivered, its receptions and its decoded payload. */
export function MessageLife({
  api,
  devEui,
  messageId,
  capturedAt,
}: {
  api: ApiClient;
  devEui: string;
  messageId: string;
  capturedAt: string;
}) {
  const [m, setM] = useState<Message | null | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    let live = true;
    // Messages are listed by capture time: the one captured at that instant is this one.
    api
      .call('GET /api/v1/terminals/{devEui}/messages', {
        params: { devEui },
        query: { from: capturedAt, to: capturedAt, limit: 20 },
      })
      .then((r) => {
        if (live) setM(r.items.find((x) => x.id === messageId) ?? null);
      })
      .catch((e: Error) => {
        if (live) setError(e.message);
      });
    return () => {
      live = false;
    };
  }, [api, devEui, messageId, capturedAt]);
  if (error) return <p className="error">{error}</p>;
  if (m === undefined) return <p className="muted">loading…</p>;
  if (m === null) return <p className="muted">message not found</p>;
  const delivered = m.deliveries?.[0]?.deliveredAt;
  const steps: Array<[string, string | undefined, string]> = [
    ['captured', m.capturedAt, ''],
    ['downlinked', m.downlinkedAt, span(m.capturedAt, m.downlinkedAt)],
    ['ingested', m.ingestedAt, span(m.downlinkedAt, m.ingestedAt)],
    ['delivered', delivered, span(m.ingestedAt, delivered)],
  ];
  return (
    <div className="life" data-testid="message-life">
      <ol className="hops">
        {steps.map(([name, at, d]) => (
          <li key={name} className={at ? 'done' : 'pending'}>
            <strong>{name}</strong> <span>{time(at)}</span> <em>{d}</em>
          </li>
        ))}
      </ol>
      <table className="compact">
        <caption>Receptions</caption>
        <thead>
          <tr>
            <th>via</th>
            <th>station</th>
            <th>captured</th>
            <th>downlinked</th>
            <th>RSSI / SNR</th>
          </tr>
        </thead>
        <tbody>
          {m.receptions.map((r, i) => (
            <tr
              key={i}
              className={r.path === 'terrestrial' ? 'path-ground' : 'path-space'}
              title={r.frequencyMHz !== undefined ? `${r.frequencyMHz} MHz ${r.dataRate ?? ''}` : undefined}
            >
              <td>{r.path === 'terrestrial' ? 'ground' : `satellite ${r.satelliteId}`}</td>
              <td title={r.stationId}>
                {r.path === 'terrestrial' ? `gateway ${r.gatewayEui ?? ''}` : r.stationId?.slice(0, 8)}
              </td>
              <td>{time(r.capturedAt)}</td>
              <td>{time(r.downlinkedAt)}</td>
              <td>
                {r.rssi ?? '—'} / {r.snr ?? '—'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {m.deliveries && m.deliveries.length > 0 ? (
        <p>
          Delivered to{' '}
          {m.deliveries
            .map((d) => `${d.integration} ${d.integrationId.slice(0, 8)} at ${time(d.deliveredAt)}`)
            .join(', ')}
        </p>
      ) : (
        <p className="muted">No integration has acknowledged it yet.</p>
      )}
      {m.decode ? (
        <div>
          <h4>Decoded ({m.decode.codec})</h4>
          {m.decode.error ? (
            <p className="error">
              {m.decode.error.code}: {m.decode.error.message}
            </p>
          ) : (
            <pre>{JSON.stringify(m.decode.decoded, null, 2)}</pre>
          )}
        </div>
      ) : m.payload !== undefined ? (
        <p>
          Payload (base64) <code>{m.payload}</code>
        </p>
      ) : null}
    </div>
  );
}
