import type { Command } from 'commander';
import { ApiClient } from '../api-client.js';
import { runAction } from '../run-action.js';
import { print, withConn, type Conn } from '../server-flags.js';
import { formatTable } from '../table.js';

interface DeadLetter {
  id: string;
  consumer: string;
  subject: string;
  eventId: string | null;
  attempts: number;
  error: string;
  failedAt: string;
  state: string;
  replays: number;
  lastReplayError: string | null;
  event?: unknown;
}
interface ClusterView {
  node: string;
  nodes: Array<{ nodeId: string; address: string | null; state: string; heartbeatAt: string; leases: string[] }>;
  leases: Array<{ name: string; holder: string | null; epoch: number; expiresAt: string }>;
  outbox: { pending: number; oldestAgeMs: number | null };
  consumers: Array<{ consumer: string; pending: number; unacknowledged: number }>;
  deadLetters: { open: number };
  bus: { kind: string; connected: boolean };
}

const DL_HEAD = ['id', 'consumer', 'subject', 'attempts', 'failed at', 'state', 'replays', 'error'];
const dlRow = (d: DeadLetter) => [
  d.id,
  d.consumer,
  d.subject,
  String(d.attempts),
  d.failedAt,
  d.state,
  String(d.replays),
  (d.lastReplayError ?? d.error).slice(0, 60),
];

/**
 * `satiot cluster` (the nodes, leases and lag of a running cluster) and `satiot dead-letters
 * list|show|replay` (events consumers gave up on), through any node of it.
 */
export function registerClusterCommands(program: Command): void {
  withConn(
    program
      .command('cluster')
      .description(
        'The cluster as one view: nodes, leases held, outbox and consumer lag, dead letters (operators, regulators)',
      ),
  ).action(
    runAction(async (o: Conn) => {
      const c = await ApiClient.fromFlags(o).request<ClusterView>('GET', '/api/v1/cluster');
      print(o.format, c, () =>
        [
          formatTable(
            ['node', 'address', 'state', 'last heartbeat', 'leases'],
            c.nodes.map((n) => [
              n.nodeId + (n.nodeId === c.node ? ' (answered)' : ''),
              n.address ?? '',
              n.state,
              n.heartbeatAt,
              n.leases.join(', '),
            ]),
          ),
          formatTable(
            ['lease', 'holder', 'epoch', 'expires'],
            c.leases.map((l) => [l.name, l.holder ?? '(free)', String(l.epoch), l.expiresAt]),
          ),
          formatTable(
            ['consumer', 'pending', 'unacknowledged'],
            c.consumers.map((x) => [x.consumer, String(x.pending), String(x.unacknowledged)]),
          ),
          `outbox: ${c.outbox.pending} event(s) waiting` +
            `${c.outbox.oldestAgeMs !== null ? `, oldest ${(c.outbox.oldestAgeMs / 1000).toFixed(1)} s` : ''}; ` +
            `dead letters open: ${c.deadLetters.open}; ` +
            `bus ${c.bus.kind} ${c.bus.connected ? 'connected' : 'DISCONNECTED'}\n`,
        ].join('\n'),
      );
    }),
  );

  const dl = program
    .command('dead-letters')
    .description('Events consumers gave up on after their retries (through a running server)');
  withConn(
    dl
      .command('list')
      .description('Newest first')
      .option('--consumer <name>', "only this consumer's (e.g. satiot-rules)")
      .option('--state <open|resolved>')
      .option('--limit <n>', 'at most', '100'),
  ).action(
    runAction(async (o: Conn & { consumer?: string; state?: string; limit: string }) => {
      const q = new URLSearchParams({
        limit: o.limit,
        ...(o.consumer ? { consumer: o.consumer } : {}),
        ...(o.state ? { state: o.state } : {}),
      });
      const r = await ApiClient.fromFlags(o).request<{ items: DeadLetter[] }>('GET', `/api/v1/dead-letters?${q}`);
      print(o.format, r, () => formatTable(DL_HEAD, r.items.map(dlRow)));
    }),
  );
  withConn(dl.command('show').description('One dead letter with its event').argument('<id>')).action(
    runAction(async (id: string, o: Conn) => {
      const d = await ApiClient.fromFlags(o).request<DeadLetter>(
        'GET',
        `/api/v1/dead-letters/${encodeURIComponent(id)}`,
      );
      print(o.format, d, () => `${formatTable(DL_HEAD, [dlRow(d)])}\n${JSON.stringify(d.event, null, 2)}\n`);
    }),
  );
  withConn(
    dl
      .command('replay')
      .description('Run dead letters through their consumers again (operators); exits 6 when one fails again')
      .argument('<id...>'),
  ).action(
    runAction(async (ids: string[], o: Conn) => {
      const api = ApiClient.fromFlags(o);
      const out: Array<{ id: string; state: string; error?: string }> = [];
      for (const id of ids) {
        try {
          const d = await api.request<DeadLetter>('POST', `/api/v1/dead-letters/${encodeURIComponent(id)}/replay`);
          out.push({ id, state: d.state });
        } catch (e) {
          out.push({ id, state: 'failed', error: (e as Error).message });
          process.exitCode = 6;
        }
      }
      print(o.format, out, () =>
        formatTable(
          ['id', 'state', 'error'],
          out.map((x) => [x.id, x.state, x.error ?? '']),
        ),
      );
    }),
  );
}
