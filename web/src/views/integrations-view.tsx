import { useCallback, useEffect, useState } from 'react';
import { can, type Ctx } from '../session';
import { utc } from '../core-clock';

interface Row {
  kind: 'webhook' | 'mqtt';
  id: string;
  url: string;
  events: string[];
  enabled: boolean;
  disabledAt?: string | undefined;
  disabledReason?: string | undefined;
  consecutiveFailures: number;
}

/**
 * The tenant's integrations (webhooks and MQTT brokers) with their state: a disabled one says when
 * and why, a failing one how many deliveries failed in a row; admins enable or disable them here.
 * `#<id>` in the address (the attention list's link) marks one.
 */
export function IntegrationsView({ ctx }: { ctx: Ctx }) {
  const { api, session, tenantId } = ctx;
  const [rows, setRows] = useState<Row[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [done, setDone] = useState<string | undefined>();
  const load = useCallback(() => {
    Promise.all([
      api.call('GET /api/v1/webhooks', { query: { tenantId } }),
      api.call('GET /api/v1/integrations/mqtt', { query: { tenantId } }),
    ]).then(
      ([w, m]) => {
        setRows([
          ...w.items.map((x) => ({ ...x, kind: 'webhook' as const })),
          ...m.items.map((x) => ({ ...x, kind: 'mqtt' as const })),
        ]);
        setError(undefined);
      },
      (e: Error) => setError(e.message),
    );
  }, [api, tenantId]);
  useEffect(() => {
    load();
  }, [load]);
  const marked = location.hash.slice(1);
  const set = (r: Row, enabled: boolean) => {
    const call =
      r.kind === 'webhook'
        ? api.call('PATCH /api/v1/webhooks/{id}', { params: { id: r.id }, body: { enabled } })
        : api.call('PATCH /api/v1/integrations/mqtt/{id}', { params: { id: r.id }, body: { enabled } });
    call.then(
      () => {
        setDone(`${r.url.replace(/[?#].*$/, '')} ${enabled ? 'enabled' : 'disabled'}.`);
        load();
      },
      (e: Error) => setError(e.message),
    );
  };
  const admin = can.handleAlarms(session.role);
  return (
    <section className="page" tabIndex={0}>
      <h2>Integrations</h2>
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
      {done ? <p role="status">{done}</p> : null}
      {rows && rows.length === 0 ? (
        <p className="muted">No webhook or MQTT broker is registered for this tenant.</p>
      ) : null}
      {rows && rows.length > 0 ? (
        <table aria-label="integrations">
          <thead>
            <tr>
              <th scope="col">Kind</th>
              <th scope="col">Receiver</th>
              <th scope="col">Events</th>
              <th scope="col">State</th>
              <th scope="col">Failures in a row</th>
              {admin ? (
                <th scope="col">
                  <span className="visually-hidden">Action</span>
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id} id={r.id} className={r.id === marked ? 'marked' : undefined} data-enabled={r.enabled}>
                <td>{r.kind === 'webhook' ? 'webhook' : 'MQTT'}</td>
                <td>
                  <code>{r.url.replace(/[?#].*$/, '')}</code>
                </td>
                <td>{r.events.join(', ')}</td>
                <td>
                  {r.enabled ? (
                    <span className="pill scheduled">enabled</span>
                  ) : (
                    <>
                      <span className="pill failed">disabled</span>{' '}
                      <span className="muted small">
                        {r.disabledAt ? `${utc(Date.parse(r.disabledAt)).slice(0, 16)} UTC` : ''}
                        {r.disabledReason ? `: ${r.disabledReason}` : ''}
                      </span>
                    </>
                  )}
                </td>
                <td>{r.consecutiveFailures}</td>
                {admin ? (
                  <td>
                    <button type="button" onClick={() => set(r, !r.enabled)}>
                      {r.enabled ? 'Disable' : 'Enable'}
                    </button>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
