import { useCallback, useEffect, useState } from 'react';
import type { Response } from '../api/client';
import { linkProps } from '../router';
import { can, type Ctx } from '../session';
import { utc } from '../core-clock';

type Attention = Response<'GET /api/v1/attention'>;
type Item = Attention['items'][number];

const REFRESH_MS = 15_000;
const KIND_WORDS: Record<Item['kind'], string> = {
  alarm: 'alarm',
  decision: 'decision',
  registration: 'registration',
  'integration-disabled': 'integration',
  'integration-failing': 'integration',
  'downlink-expiring': 'downlink',
};
const WHEN: Record<Item['kind'], string> = {
  alarm: 'raised',
  decision: 'proposed',
  registration: 'registered',
  'integration-disabled': 'disabled',
  'integration-failing': 'last change',
  'downlink-expiring': 'expires',
};

/**
 * "Needs attention" (GET /api/v1/attention): what waits for a person now, most severe first, each a
 * link to where it is resolved; a disabled integration can be re-enabled right here. Operators and
 * regulators see every tenant's, tenant keys their own. Refreshed every 15 s.
 */
export function AttentionList({ ctx }: { ctx: Ctx }) {
  const { api, session, clock } = ctx;
  const [a, setA] = useState<Attention | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [done, setDone] = useState<string | undefined>();
  const load = useCallback(() => {
    // The operator on duty watches the whole service; a tenant's keys see their tenant.
    api.call('GET /api/v1/attention', { query: {} }).then(
      (r) => {
        clock.observe(r.at);
        setA(r);
        setError(undefined);
      },
      (e: Error) => setError(e.message),
    );
  }, [api, clock]);
  useEffect(() => {
    load();
    const t = setInterval(load, REFRESH_MS);
    return () => clearInterval(t);
  }, [load]);
  const enable = (i: Item) => {
    const [kind, id = ''] = i.id.split(':');
    const op =
      kind === 'webhook'
        ? api.call('PATCH /api/v1/webhooks/{id}', { params: { id }, body: { enabled: true } })
        : api.call('PATCH /api/v1/integrations/mqtt/{id}', { params: { id }, body: { enabled: true } });
    op.then(
      () => {
        setDone(`${i.title.replace(/ is disabled$/, '')} enabled again.`);
        load();
      },
      (e: Error) => setError(e.message),
    );
  };
  const items = a?.items ?? [];
  return (
    <section className="attention" aria-labelledby="attention-h" data-testid="attention">
      <header>
        <h2 id="attention-h">Needs attention</h2>
        <span className="muted">
          {a
            ? `${items.length} item${items.length === 1 ? '' : 's'}${session.tenantId === null ? ', all tenants' : ''}`
            : 'loading…'}
        </span>
      </header>
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
      {done ? <p role="status">{done}</p> : null}
      {a && items.length === 0 ? <p className="muted">Nothing waits for a decision.</p> : null}
      <ul>
        {items.map((i) => (
          <li key={i.id} className={`attention-item ${i.severity}`} data-kind={i.kind}>
            <span className={`pill sev ${i.severity}`}>{i.severity}</span>
            <div className="what">
              <a {...linkProps(i.link)}>{i.title}</a>
              <div className="muted">
                {KIND_WORDS[i.kind]} · {i.detail}
              </div>
              <div className="muted small">
                {WHEN[i.kind]} <time dateTime={i.at}>{utc(Date.parse(i.at)).slice(0, 16)}</time> UTC
              </div>
            </div>
            {i.kind === 'integration-disabled' && can.handleAlarms(session.role) ? (
              <button type="button" onClick={() => enable(i)}>
                Enable
              </button>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
