import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ApiClient } from '../api-client.js';
import { runAction } from '../run-action.js';
import { print, withConn, type Conn } from '../server-flags.js';
import { formatTable } from '../table.js';
import { SatiotError } from '../../errors/satiot-error.js';

interface Registration {
  devEui: string;
  tenantId: string;
  status: string;
  statusReason?: string;
  statusBy?: string;
  statusAt?: string;
  declared: boolean;
  owner?: { kind: string; name: string; idNumberMasked?: string };
  scenario: { sector: string; mobility: string; expectedMessagesPerDay: number };
  createdAt: string;
}

const row = (r: Registration) => [
  r.devEui,
  r.tenantId,
  r.status,
  r.scenario.sector,
  r.scenario.mobility,
  String(r.scenario.expectedMessagesPerDay),
  r.owner?.name ?? '',
  r.owner?.idNumberMasked ?? '',
  r.statusReason ?? '',
];
const HEAD = ['devEui', 'tenant', 'status', 'sector', 'mobility', 'per day', 'owner', 'id (masked)', 'reason'];

/**
 * `satiot registrations …` (the review workflow, through a running server) and
 * `satiot master-key …` (rotation: a new file key, the re-wrap, its progress).
 */
export function registerRegistrationCommands(program: Command): void {
  const regs = program
    .command('registrations')
    .description('Terminal registrations and their review (through a running server; operators)');
  withConn(
    regs
      .command('queue')
      .description('Terminals waiting for review, oldest first')
      .option('--tenant <id>')
      .option('--limit <n>', 'at most', '100'),
  ).action(
    runAction(async (o: Conn & { tenant?: string; limit: string }) => {
      const q = new URLSearchParams({ limit: o.limit, ...(o.tenant ? { tenantId: o.tenant } : {}) });
      const r = await ApiClient.fromFlags(o).request<{ items: Registration[] }>(
        'GET',
        `/api/v1/registrations/review-queue?${q}`,
      );
      print(o.format, r, () => formatTable(HEAD, r.items.map(row)));
    }),
  );
  withConn(regs.command('show').description("One terminal's registration").argument('<devEui>')).action(
    runAction(async (devEui: string, o: Conn) => {
      const r = await ApiClient.fromFlags(o).request<Registration>(
        'GET',
        `/api/v1/terminals/${encodeURIComponent(devEui)}/registration`,
      );
      print(o.format, r, () => formatTable(HEAD, [row(r)]));
    }),
  );
  for (const action of ['approve', 'reject', 'suspend', 'reinstate', 'retire'] as const) {
    const needsReason = action === 'reject' || action === 'suspend' || action === 'retire';
    const c = regs
      .command(action)
      .description(`${action[0]!.toUpperCase()}${action.slice(1)} terminals (one or more DevEUIs)`)
      .argument('<devEui...>');
    if (needsReason) c.requiredOption('--reason <text>', 'why (kept in the audit log)');
    else c.option('--reason <text>', 'why (kept in the audit log)');
    withConn(c).action(
      runAction(async (devEuis: string[], o: Conn & { reason?: string }) => {
        const api = ApiClient.fromFlags(o);
        if (action === 'approve' || action === 'reject') {
          const r = await api.request<{
            done: number;
            failed: number;
            results: Array<{ devEui: string; status: string; code?: string; message?: string }>;
          }>('POST', '/api/v1/registrations/review', { action, devEuis, ...(o.reason ? { reason: o.reason } : {}) });
          print(
            o.format,
            r,
            () =>
              formatTable(
                ['devEui', 'status', 'code', 'message'],
                r.results.map((x) => [x.devEui, x.status, x.code ?? '', x.message ?? '']),
              ) + `${r.done} done, ${r.failed} failed\n`,
          );
          if (r.failed > 0) process.exitCode = 6;
          return;
        }
        const out: Registration[] = [];
        for (const d of devEuis)
          out.push(
            await api.request<Registration>('POST', `/api/v1/terminals/${encodeURIComponent(d)}/lifecycle`, {
              action,
              ...(o.reason ? { reason: o.reason } : {}),
            }),
          );
        print(o.format, out, () => formatTable(HEAD, out.map(row)));
      }),
    );
  }
  withConn(
    regs
      .command('import')
      .description('Register terminals with their declarations from a CSV file (one result per row)')
      .requiredOption('--tenant <id>')
      .argument('<file.csv>'),
  ).action(
    runAction(async (file: string, o: Conn & { tenant: string }) => {
      let csv: string;
      try {
        csv = readFileSync(resolve(file), 'utf8');
      } catch {
        throw new SatiotError('FILE_NOT_READABLE', `cannot read ${file}`);
      }
      const r = await ApiClient.fromFlags(o).requestText<{
        created: number;
        rejected: number;
        results: Array<{ line: number; devEui?: string; status: string; code?: string; message?: string }>;
      }>('POST', `/api/v1/registrations/import?tenantId=${encodeURIComponent(o.tenant)}`, csv, 'text/csv');
      print(
        o.format,
        r,
        () =>
          formatTable(
            ['line', 'devEui', 'status', 'code', 'message'],
            r.results.map((x) => [String(x.line), x.devEui ?? '', x.status, x.code ?? '', x.message ?? '']),
          ) + `${r.created} registered, ${r.rejected} rejected\n`,
      );
      if (r.rejected > 0) process.exitCode = 2;
    }),
  );
  withConn(
    regs
      .command('report')
      .description('Supervision report: terminals by state and sector, suspended terminals (operators, regulators)')
      .option('--tenant <id>'),
  ).action(
    runAction(async (o: Conn & { tenant?: string }) => {
      const r = await ApiClient.fromFlags(o).request<{
        total: number;
        byState: Record<string, number>;
        bySector: Array<{ sector: string; total: number; byState: Record<string, number> }>;
        suspended: Array<{
          devEui: string;
          tenantId: string;
          sector: string;
          reason: string | null;
          by: string | null;
          at: string | null;
        }>;
      }>('GET', `/api/v1/supervision/registrations${o.tenant ? `?tenantId=${encodeURIComponent(o.tenant)}` : ''}`);
      print(
        o.format,
        r,
        () =>
          formatTable(
            ['sector', 'total', 'pending', 'approved', 'suspended', 'retired'],
            r.bySector.map((s) => [
              s.sector,
              String(s.total),
              ...['pending', 'approved', 'suspended', 'retired'].map((k) => String(s.byState[k] ?? 0)),
            ]),
          ) +
          (r.suspended.length
            ? `\nsuspended:\n${formatTable(
                ['devEui', 'tenant', 'sector', 'reason', 'by', 'at'],
                r.suspended.map((s) => [s.devEui, s.tenantId, s.sector, s.reason ?? '', s.by ?? '', s.at ?? '']),
              )}`
            : ''),
      );
    }),
  );

  const mk = program
    .command('master-key')
    .description('Master-key rotation: new key, re-wrap every sealed value, check progress');
  mk.command('rotate')
    .description(
      'Make a new file-held master key (<data>/master.key); the old one moves to master.key.previous. ' +
        'Restart the server, then `satiot master-key rewrap`',
    )
    .option('--data <dir>', 'data directory', process.env.SATIOT_DATA ?? './data')
    .action(
      runAction(async (o: { data: string }) => {
        const { rotateMasterKeyFile } = await import('../secrets.js');
        const r = rotateMasterKeyFile(resolve(o.data));
        process.stdout.write(
          `master key rotated: ${r.oldKeyId} -> ${r.newKeyId} (still ` +
            `accepted: ${r.previousKeyIds.join(', ')})\nnext: restart the server, run \`satiot master-key ` +
            `rewrap\`, and when \`satiot master-key status\` shows nothing stale ` +
            `remove ${resolve(o.data)}/master.key.previous\n`,
        );
      }),
    );
  mk.command('generate')
    .description(
      'Print a new random master key (64 hex digits) for SATIOT_MASTER_KEY; store it in your secret store, ' +
        'not in a shell history',
    )
    .action(
      runAction(async () => {
        process.stdout.write(`${randomBytes(32).toString('hex')}\n`);
      }),
    );
  withConn(
    mk.command('rewrap').description("Re-wrap every sealed value under the server's current master key (online)"),
  ).action(
    runAction(async (o: Conn) => {
      const r = await ApiClient.fromFlags(o).request<{
        keyId: string;
        terminalKeys: number;
        identityNumbers: number;
        integrationSecrets: number;
        skipped: number;
      }>('POST', '/api/v1/master-key/rewrap');
      print(
        o.format,
        r,
        () =>
          `re-wrapped under ${r.keyId}: ${r.terminalKeys} terminal key pairs, ${r.identityNumbers} identity ` +
          `numbers, ${r.integrationSecrets} integration ` +
          `secrets${r.skipped ? `; ${r.skipped} changed meanwhile: run again` : ''}\n`,
      );
      if (r.skipped > 0) process.exitCode = 6;
    }),
  );
  withConn(mk.command('status').description('How many sealed values are not yet under the current master key')).action(
    runAction(async (o: Conn) => {
      const r = await ApiClient.fromFlags(o).request<{
        keyId: string;
        keyIds: string[];
        cipher: string;
        terminalKeys: { total: number; stale: number };
        identityNumbers: { total: number; stale: number };
        integrationSecrets: { total: number; stale: number };
        unknownKeyIds: string[];
      }>('GET', '/api/v1/master-key');
      print(
        o.format,
        r,
        () =>
          `current key ${r.keyId} (${r.cipher}); accepted ${r.keyIds.join(', ')}\n` +
          formatTable(
            ['values', 'total', 'stale'],
            [
              ['terminal keys', String(r.terminalKeys.total), String(r.terminalKeys.stale)],
              ['identity numbers', String(r.identityNumbers.total), String(r.identityNumbers.stale)],
              ['integration secrets', String(r.integrationSecrets.total), String(r.integrationSecrets.stale)],
            ],
          ) +
          (r.unknownKeyIds.length
            ? `values under keys this server does not hold: ${r.unknownKeyIds.join(', ')}\n`
            : ''),
      );
    }),
  );
}
