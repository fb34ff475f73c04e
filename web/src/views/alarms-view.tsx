import { useCallback, useEffect, useState } from 'react';
import type { Response } from '../api/client';
import { linkProps } from '../router';
import { can, type Ctx } from '../session';
import { explainEvidence } from '../evidence';

type Alarm = Response<'GET /api/v1/alarms'>['items'][number];
const when = (iso: string | undefined) => (iso ? iso.replace('T', ' ').slice(0, 19) : '—');
/** Open alarms (or all) of the tenant, with acknowledge and clear for the roles that may. */
export function AlarmsView({ ctx }: { ctx: Ctx }) {
  const { api, session, tenantId } = ctx;
  const [state, setState] = useState<'open' | 'raised' | 'acknowledged' | 'cleared'>('open');
  const [items, setItems] = useState<Alarm[]>([]);
  const [error, setError] = useState<string | undefined>();
  const [ruleNames, setRuleNames] = useState<Record<string, string>>({});
  useEffect(() => {
    if (!tenantId) return;
    api.call('GET /api/v1/rules', { query: { tenantId } }).then(
      (r) => setRuleNames(Object.fromEntries(r.items.map((x) => [x.id, String(x['name'] ?? x.id)]))),
      () => setRuleNames({}),
    );
  }, [api, tenantId]);
  const load = useCallback(() => {
    api.call('GET /api/v1/alarms', { query: { tenantId, state, limit: 200 } }).then(
      (r) => {
        setItems(r.items);
        setError(undefined);
      },
      (e: Error) => setError(e.message),
    );
  }, [api, tenantId, state]);
  useEffect(() => {
    load();
    const t = setInterval(load, 10_000);
    return () => clearInterval(t);
  }, [load]);
  const act = (id: string, action: 'acknowledge' | 'clear') => {
    const op =
      action === 'acknowledge'
        ? ('POST /api/v1/alarms/{id}/acknowledge' as const)
        : ('POST /api/v1/alarms/{id}/clear' as const);
    api.call(op, { params: { id } }).then(load, (e: Error) => setError(e.message));
  };
  const handles = can.handleAlarms(session.role);
  return (
    <section className="page" tabIndex={0}>
      <h2>Alarms</h2>
      <label>
        Show{' '}
        <select value={state} onChange={(e) => setState(e.target.value as typeof state)}>
          <option value="open">open</option>
          <option value="raised">raised</option>
          <option value="acknowledged">acknowledged</option>
          <option value="cleared">cleared</option>
        </select>
      </label>
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
      <table>
        <thead>
          <tr>
            <th>state</th>
            <th>severity</th>
            <th>rule</th>
            <th>terminal</th>
            <th>raised</th>
            <th>fired</th>
            <th>evidence</th>
            {handles ? <th>actions</th> : null}
          </tr>
        </thead>
        <tbody>
          {items.map((a) => (
            <tr key={a.id}>
              <td>
                <span className={`pill ${a.state}`}>{a.state}</span>
              </td>
              <td>{a.severity}</td>
              <td>{ruleNames[a.ruleId] ?? a.ruleId.slice(0, 8)}</td>
              <td>
                <a {...linkProps(`/terminals/${a.devEui}`)}>{a.devEui}</a>
              </td>
              <td>{when(a.raisedAt)}</td>
              <td>
                {a.count}× (last {when(a.lastFiredAt)})
              </td>
              <td>{explainEvidence(a.lastEvidence ?? a.evidence)}</td>
              {handles ? (
                <td>
                  {a.state === 'raised' ? (
                    <button type="button" onClick={() => act(a.id, 'acknowledge')}>
                      Acknowledge
                    </button>
                  ) : null}
                  {a.state !== 'cleared' ? (
                    <button type="button" onClick={() => act(a.id, 'clear')}>
                      Clear
                    </button>
                  ) : null}
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
      {items.length === 0 ? <p className="muted">No {state} alarms.</p> : null}
    </section>
  );
}
