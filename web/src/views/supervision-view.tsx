import { useEffect, useState } from 'react';
import type { Response } from '../api/client';
import { can, type Ctx } from '../session';
import { ClusterPanel } from './cluster-panel';

type Rejections = Response<'GET /api/v1/ingest/rejections'>['items'];
type Pending = Response<'GET /api/v1/registrations/review-queue'>['items'];
type Rows = Array<Record<string, unknown>>;

let served: Promise<Set<string>> | undefined;
/** The GET routes the server documents (GET /api/openapi.json), fetched once. */
function servedGets(): Promise<Set<string>> {
  served ??= fetch('/api/openapi.json')
    .then((r) => r.json() as Promise<{ paths?: Record<string, Record<string, unknown>> }>)
    .then(
      (d) =>
        new Set(
          Object.entries(d.paths ?? {})
            .filter(([, ops]) => 'get' in ops)
            .map(([p]) => p),
        ),
      () => new Set<string>(),
    );
  return served;
}

/**
 * A supervision area served by a plugin this deployment may not have yet: the shortest documented GET
 * route (without path parameters) matching `pattern`, asked only when there is one, so a missing area shows
 * as such and never as a 404.
 */
function useArea(
  ctx: Ctx,
  pattern: RegExp,
  query: Record<string, string | number | undefined>,
  refresh = 0,
): { path?: string; data?: unknown; note?: string } {
  const [out, setOut] = useState<{ path?: string; data?: unknown; note?: string }>({});
  const q = JSON.stringify(query);
  const source = pattern.source;
  useEffect(() => {
    let live = true;
    servedGets().then((paths) => {
      const path = [...paths]
        .filter((p) => new RegExp(source).test(p) && !p.includes('{'))
        .sort((a, b) => a.length - b.length || a.localeCompare(b))[0];
      if (!path) {
        if (live) setOut({ note: 'not available on this server' });
        return;
      }
      ctx.api.untyped('GET', path, JSON.parse(q) as Record<string, string | number | undefined>).then(
        (data) => {
          if (live) setOut({ path, data });
        },
        (e: Error) => {
          if (live) setOut({ path, note: e.message });
        },
      );
    });
    return () => {
      live = false;
    };
  }, [ctx.api, source, q, refresh]);
  return out;
}

function Table({ rows }: { rows: Rows }) {
  if (rows.length === 0) return <p className="muted">None.</p>;
  const cols = [...new Set(rows.slice(0, 20).flatMap((r) => Object.keys(r)))].slice(0, 7);
  return (
    <table>
      <thead>
        <tr>
          {cols.map((c) => (
            <th key={c}>{c}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.slice(0, 200).map((r, i) => (
          <tr key={i}>
            {cols.map((c) => (
              <td key={c}>{typeof r[c] === 'object' && r[c] !== null ? JSON.stringify(r[c]) : String(r[c] ?? '')}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** An audit record in a few readable columns (the full record, with its hash chain, is in the API). */
function auditRow(r: Record<string, unknown>): Record<string, unknown> {
  const actor = r['actor'] as { kind?: string; role?: string; id?: string } | undefined;
  const target = r['target'] as { kind?: string; id?: string } | undefined;
  return {
    seq: r['seq'],
    at: typeof r['at'] === 'string' ? r['at'].replace('T', ' ').slice(0, 19) : r['at'],
    actor: actor ? `${actor.role ?? actor.kind ?? ''} ${String(actor.id ?? '').slice(0, 8)}`.trim() : '',
    action: r['action'],
    target: target ? `${target.kind ?? ''} ${String(target.id ?? '').slice(0, 24)}`.trim() : '',
    outcome: r['outcome'],
  };
}

const itemsOf = (d: unknown): Rows =>
  d && typeof d === 'object' && Array.isArray((d as { items?: unknown }).items) ? (d as { items: Rows }).items : [];

/** The operator's review queue: terminals registered by tenants that wait for approval, oldest first. */
function ReviewQueue({ ctx, onReviewed }: { ctx: Ctx; onReviewed: () => void }) {
  const [items, setItems] = useState<Pending>([]);
  const [reason, setReason] = useState('');
  const [message, setMessage] = useState<{ text: string; error: boolean } | undefined>();
  const [round, setRound] = useState(0);
  useEffect(() => {
    ctx.api.call('GET /api/v1/registrations/review-queue', { query: { tenantId: ctx.tenantId, limit: 100 } }).then(
      (r) => setItems(r.items),
      (e: Error) => setMessage({ text: e.message, error: true }),
    );
  }, [ctx.api, ctx.tenantId, round]);
  const review = (action: 'approve' | 'reject', devEuis: string[]) => {
    if (action === 'reject' && !reason.trim()) {
      setMessage({ text: 'A rejection needs a reason.', error: true });
      return;
    }
    ctx.api
      .call('POST /api/v1/registrations/review', {
        body: { action, devEuis, ...(reason.trim() ? { reason: reason.trim() } : {}) },
      })
      .then(
        (r) => {
          setMessage({
            text: `${action === 'approve' ? 'Approved' : 'Rejected'} ${r.done}${
              r.failed
                ? `, ${r.failed} failed: ${r.results
                    .filter((x) => x.code)
                    .map((x) => `${x.devEui ?? ''} ${x.code ?? ''}`)
                    .join(', ')}`
                : ''
            }.`,
            error: r.failed > 0,
          });
          setRound((n) => n + 1);
          onReviewed();
        },
        (e: Error) => setMessage({ text: e.message, error: true }),
      );
  };
  return (
    <div className="card" aria-label="review queue">
      <h3>Waiting for review ({items.length})</h3>
      {message ? (
        <p className={message.error ? 'error' : 'muted'} role={message.error ? 'alert' : 'status'}>
          {message.text}
        </p>
      ) : null}
      {items.length === 0 ? (
        <p className="muted">No terminal waits for review.</p>
      ) : (
        <>
          <label>
            Reason (needed to reject){' '}
            <input value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} />
          </label>
          <table>
            <thead>
              <tr>
                <th>terminal</th>
                <th>owner</th>
                <th>scenario</th>
                <th>registered</th>
                <th>review</th>
              </tr>
            </thead>
            <tbody>
              {items.map((r) => (
                <tr key={r.devEui}>
                  <td>
                    <code>{r.devEui}</code>
                  </td>
                  <td>
                    {r.owner
                      ? `${r.owner.name ?? ''} (${r.owner.kind ?? ''}` +
                        `${r.owner.idNumberMasked ? `, ${r.owner.idNumberMasked}` : ''})`
                      : '—'}
                  </td>
                  <td>
                    {r.scenario.sector ?? ''} · {r.scenario.mobility ?? ''} · {r.scenario.expectedMessagesPerDay ?? 0}
                    /day
                  </td>
                  <td>{r.createdAt.replace('T', ' ').slice(0, 16)}</td>
                  <td>
                    <button type="button" onClick={() => review('approve', [r.devEui])}>
                      Approve
                    </button>{' '}
                    <button type="button" onClick={() => review('reject', [r.devEui])}>
                      Reject
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <button
            type="button"
            onClick={() =>
              review(
                'approve',
                items.map((r) => r.devEui),
              )
            }
          >
            Approve all {items.length}
          </button>
        </>
      )}
    </div>
  );
}

/** For regulators and operators: terminals by registration state, rejections and anomalies, the audit trail. */
export function SupervisionView({ ctx }: { ctx: Ctx }) {
  const [rejections, setRejections] = useState<Rejections>([]);
  useEffect(() => {
    ctx.api.call('GET /api/v1/ingest/rejections').then(
      (r) => setRejections(r.items),
      () => setRejections([]),
    );
  }, [ctx.api]);
  const [reviewed, setReviewed] = useState(0);
  const registrations = useArea(ctx, /^\/api\/v1\/supervision\/registrations$/, { tenantId: ctx.tenantId }, reviewed);
  const anomalies = useArea(ctx, /anomal/, {});
  const audit = useArea(ctx, /^\/api\/v1\/audit/, { limit: 100 });
  const report = registrations.data as
    { total?: number; byState?: Record<string, number>; suspended?: Rows } | undefined;
  return (
    <section className="page" tabIndex={0}>
      <h2>Supervision</h2>
      <ClusterPanel ctx={ctx} />
      <div className="grid">
        <div className="card">
          <h3>Terminals by registration state</h3>
          {report?.byState ? (
            <>
              <table>
                <tbody>
                  {Object.entries(report.byState).map(([s, n]) => (
                    <tr key={s}>
                      <td>{s}</td>
                      <td>{n}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <p className="muted">
                {report.total ?? 0} terminals; {report.suspended?.length ?? 0} suspended
              </p>
            </>
          ) : (
            <p className="muted">{registrations.note ?? 'loading…'}</p>
          )}
        </div>
        <div className="card">
          <h3>Rejected frames</h3>
          <Table rows={rejections as Rows} />
        </div>
        <div className="card">
          <h3>Anomalies</h3>
          {anomalies.data ? (
            <Table rows={itemsOf(anomalies.data)} />
          ) : (
            <p className="muted">{anomalies.note ?? 'loading…'}</p>
          )}
        </div>
      </div>
      {can.reviewRegistrations(ctx.session.role) ? (
        <ReviewQueue ctx={ctx} onReviewed={() => setReviewed((n) => n + 1)} />
      ) : null}
      <div className="card">
        <h3>Audit trail</h3>
        {audit.data ? (
          <Table rows={itemsOf(audit.data).map(auditRow)} />
        ) : (
          <p className="muted">{audit.note ?? 'loading…'}</p>
        )}
      </div>
    </section>
  );
}
