import { useCallback, useEffect, useState } from 'react';
import type { Response } from '../api/client';
import { linkProps } from '../router';
import { can, type Ctx } from '../session';
import { explainEvidence } from '../evidence';

type Decision = Response<'GET /api/v1/decisions'>['items'][number];
type State = Decision['state'];
type Policy = Response<'GET /api/v1/decisions/policy'>['policy'];
const when = (iso: string | null | undefined) => (iso ? iso.replace('T', ' ').slice(0, 19) : '—');
const STATES: ReadonlyArray<State | 'all'> = ['proposed', 'executed', 'rejected', 'undone', 'failed', 'all'];

/** What the decision does, in words: the command and its bytes (when the key sees payloads). */
function command(d: Decision): string {
  const a = d.action;
  const bytes = a.payloadHex ? ` ${a.payloadHex.length > 24 ? `${a.payloadHex.slice(0, 24)}…` : a.payloadHex}` : '';
  return (
    `${a.command ? `${a.command}: ` : ''}downlink port ${a.fPort ?? '?'}${bytes}` +
    `${a.confirmed ? ', confirmed' : ''}${a.priority && a.priority !== 'normal' ? `, ${a.priority}` : ''}`
  );
}

/**
 * Automated decisions (docs/intelligence.md): the queue waiting for a person (proposed) first, each with
 * its inputs, model and confidence; approve, reject or undo for the roles that may, with a reason; the
 * tenant's policy (auto or suggest).
 */
export function DecisionsView({ ctx }: { ctx: Ctx }) {
  const { api, session, tenantId } = ctx;
  const [state, setState] = useState<State | 'all'>('proposed');
  const [items, setItems] = useState<Decision[]>([]);
  const [policy, setPolicy] = useState<Policy | undefined>();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | undefined>();
  /** The outcome of the last approve, reject or undo (a refusal stays until the next one). */
  const [done, setDone] = useState<{ ok: boolean; text: string } | undefined>();
  const [names, setNames] = useState<Record<string, string>>({});
  const admin = can.handleAlarms(session.role);
  useEffect(() => {
    if (!tenantId) return;
    api.call('GET /api/v1/rules', { query: { tenantId } }).then(
      (r) => setNames(Object.fromEntries(r.items.map((x) => [x.id, String(x['name'] ?? x.id)]))),
      () => setNames({}),
    );
    api.call('GET /api/v1/decisions/policy', { query: { tenantId } }).then(
      (r) => setPolicy(r.policy),
      () => setPolicy(undefined),
    );
  }, [api, tenantId]);
  const load = useCallback(() => {
    api
      .call('GET /api/v1/decisions', { query: { tenantId, state: state === 'all' ? undefined : state, limit: 200 } })
      .then(
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
  const act = (d: Decision, step: 'approve' | 'reject' | 'undo') => {
    const op =
      step === 'approve'
        ? ('POST /api/v1/decisions/{id}/approve' as const)
        : step === 'reject'
          ? ('POST /api/v1/decisions/{id}/reject' as const)
          : ('POST /api/v1/decisions/{id}/undo' as const);
    // An approval takes no reason; a rejection or an undo keeps the one typed.
    api
      .call(op, {
        params: { id: d.id },
        ...(step !== 'approve' && reason.trim() ? { body: { reason: reason.trim() } } : {}),
      })
      .then(
        (r) => {
          setDone({ ok: true, text: `Decision on ${r.devEui}: ${r.state}${r.reason ? ` (${r.reason})` : ''}.` });
          if (step !== 'approve') setReason('');
          load();
        },
        (e: Error) => {
          setDone({ ok: false, text: `Not ${step === 'undo' ? 'undone' : `${step}d`}: ${e.message}` });
          load();
        },
      );
  };
  const changePolicy = (p: Policy) => {
    if (!tenantId) return;
    api.call('PUT /api/v1/decisions/policy', { body: { tenantId, policy: p } }).then(
      (r) => setPolicy(r.policy as Policy),
      (e: Error) => setDone({ ok: false, text: `Policy not changed: ${e.message}` }),
    );
  };
  return (
    <section className="page" aria-label="decisions" tabIndex={0}>
      <h2>Decisions</h2>
      <p className="muted">
        What the rules decided to do. Under <em>suggest</em> a person approves each command; under <em>auto</em> it is
        sent at once and can be undone until it leaves.
      </p>
      <div className="toolbar">
        <label>
          Show{' '}
          <select value={state} onChange={(e) => setState(e.target.value as State | 'all')}>
            {STATES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        {policy ? (
          <label>
            Policy{' '}
            <select
              value={policy}
              disabled={!admin}
              onChange={(e) => changePolicy(e.target.value as Policy)}
              data-testid="decision-policy"
            >
              <option value="auto">auto: act at once</option>
              <option value="suggest">suggest: wait for approval</option>
            </select>
          </label>
        ) : null}
        {admin ? (
          <label>
            Reason{' '}
            <input
              value={reason}
              maxLength={500}
              onChange={(e) => setReason(e.target.value)}
              placeholder="for reject or undo (optional)"
            />
          </label>
        ) : null}
      </div>
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
      {done ? (
        <p role={done.ok ? 'status' : 'alert'} className={done.ok ? undefined : 'error'} data-testid="decision-result">
          {done.text}
        </p>
      ) : null}
      <table aria-label="decision list">
        <thead>
          <tr>
            <th>state</th>
            <th>since</th>
            <th>terminal</th>
            <th>rule</th>
            <th>command</th>
            <th>model</th>
            <th>confidence</th>
            <th>why</th>
            <th>decided by</th>
            {admin ? <th>actions</th> : null}
          </tr>
        </thead>
        <tbody>
          {items.map((d) => (
            <tr key={d.id} data-state={d.state}>
              <td>
                <span className={`pill ${d.state}`}>{d.state}</span>
              </td>
              <td>{when(d.decidedAt ?? d.createdAt)}</td>
              <td>
                <a {...linkProps(`/terminals/${d.devEui}`)}>{d.devEui}</a>
              </td>
              <td>{names[d.ruleId] ?? d.ruleId.slice(0, 8)}</td>
              <td>{command(d)}</td>
              <td>
                <code>{d.model}</code>
              </td>
              <td>{Math.round(d.confidence * 100)} %</td>
              <td>{explainEvidence(d.inputs)}</td>
              <td>
                {d.undoneBy ? `${d.decidedBy ?? '—'}; undone by ${d.undoneBy}` : (d.decidedBy ?? '—')}
                {d.reason ? `: ${d.reason}` : ''}
              </td>
              {admin ? (
                <td>
                  {d.state === 'proposed' ? (
                    <>
                      <button type="button" onClick={() => act(d, 'approve')}>
                        Approve
                      </button>{' '}
                      <button type="button" onClick={() => act(d, 'reject')}>
                        Reject
                      </button>
                    </>
                  ) : null}
                  {d.state === 'executed' ? (
                    <button type="button" onClick={() => act(d, 'undo')}>
                      Undo
                    </button>
                  ) : null}
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
      {items.length === 0 ? <p className="muted">No {state === 'all' ? '' : `${state} `}decisions.</p> : null}
    </section>
  );
}
