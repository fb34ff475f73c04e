import { useEffect, useState } from 'react';
import type { Response } from '../api/client';
import { can, type Ctx } from '../session';

type Cluster = Response<'GET /api/v1/cluster'>;
type DeadLetters = Response<'GET /api/v1/dead-letters'>['items'];

/** How often the panel asks again, ms: lag and leases move by the second. */
const REFRESH_MS = 5_000;

const age = (iso: string): string => {
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  return s < 120 ? `${s} s ago` : `${Math.round(s / 60)} min ago`;
};

/**
 * The cluster at a glance (docs/cluster.md): nodes and their heartbeats, which node runs which
 * singleton work, the outbox's and the consumers' lag, and dead letters — with a replay for
 * operators. States are words, not only colours.
 */
export function ClusterPanel({ ctx }: { ctx: Ctx }) {
  const [cluster, setCluster] = useState<Cluster | undefined>();
  const [dead, setDead] = useState<DeadLetters>([]);
  const [note, setNote] = useState<{ text: string; error: boolean } | undefined>();
  const [round, setRound] = useState(0);
  useEffect(() => {
    let live = true;
    const load = () => {
      ctx.api.call('GET /api/v1/cluster').then(
        (c) => {
          if (live) setCluster(c);
        },
        (e: Error) => {
          if (live) setNote({ text: e.message, error: true });
        },
      );
      ctx.api.call('GET /api/v1/dead-letters', { query: { state: 'open', limit: 20 } }).then(
        (d) => {
          if (live) setDead(d.items);
        },
        () => undefined,
      );
    };
    load();
    const timer = setInterval(load, REFRESH_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [ctx.api, round]);
  const replay = (id: string) => {
    ctx.api.call('POST /api/v1/dead-letters/{id}/replay', { params: { id } }).then(
      () => {
        setNote({ text: `Replayed ${id.slice(0, 8)}: resolved.`, error: false });
        setRound((n) => n + 1);
      },
      (e: Error) => {
        setNote({ text: `Replay of ${id.slice(0, 8)} failed: ${e.message}`, error: true });
        setRound((n) => n + 1);
      },
    );
  };
  if (!cluster)
    return (
      <div className="card" aria-label="cluster">
        <h3>Cluster</h3>
        <p className="muted">{note?.text ?? 'loading…'}</p>
      </div>
    );
  const lagging = cluster.consumers.filter((c) => c.pending + c.unacknowledged > 0);
  return (
    <div className="card" aria-label="cluster">
      <h3>
        Cluster: {cluster.nodes.filter((n) => n.state === 'up').length} of {cluster.nodes.length} nodes up
      </h3>
      {note ? (
        <p className={note.error ? 'error' : 'muted'} role={note.error ? 'alert' : 'status'}>
          {note.text}
        </p>
      ) : null}
      <table aria-label="nodes">
        <thead>
          <tr>
            <th>node</th>
            <th>state</th>
            <th>heartbeat</th>
            <th>runs</th>
          </tr>
        </thead>
        <tbody>
          {cluster.nodes.map((n) => (
            <tr key={n.nodeId}>
              <td>
                <code>{n.nodeId}</code>
                {n.nodeId === cluster.node ? ' (this one)' : ''}
              </td>
              <td className={n.state === 'up' ? 'ok' : 'warn'}>{n.state}</td>
              <td>{age(n.heartbeatAt)}</td>
              <td>{n.leases.join(', ') || '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        Outbox: <strong>{cluster.outbox.pending}</strong> event{cluster.outbox.pending === 1 ? '' : 's'} waiting
        {cluster.outbox.oldestAgeMs !== null ? `, oldest ${(cluster.outbox.oldestAgeMs / 1000).toFixed(1)} s` : ''} ·
        bus {cluster.bus.kind} <strong>{cluster.bus.connected ? 'connected' : 'disconnected'}</strong> · store{' '}
        {cluster.store.backend} · dead letters open: <strong>{cluster.deadLetters.open}</strong>
      </p>
      <p className="muted">
        {lagging.length === 0
          ? 'Every consumer is caught up.'
          : `Behind: ${lagging.map((c) => `${c.consumer} ${c.pending + c.unacknowledged}`).join(', ')}`}
      </p>
      {dead.length > 0 ? (
        <table aria-label="dead letters">
          <thead>
            <tr>
              <th>consumer</th>
              <th>subject</th>
              <th>failed</th>
              <th>error</th>
              <th>{can.reviewRegistrations(ctx.session.role) ? 'replay' : ''}</th>
            </tr>
          </thead>
          <tbody>
            {dead.map((d) => (
              <tr key={d.id}>
                <td>{d.consumer}</td>
                <td>
                  <code>{d.subject}</code>
                </td>
                <td>{age(d.failedAt)}</td>
                <td>{(d.lastReplayError ?? d.error).slice(0, 80)}</td>
                <td>
                  {can.reviewRegistrations(ctx.session.role) ? (
                    <button type="button" onClick={() => replay(d.id)}>
                      Replay
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}
