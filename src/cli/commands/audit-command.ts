import type { Command } from 'commander';
import { createWriteStream, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { once } from 'node:events';
import { parseInteger, parseTime } from '../options.js';
import { runAction } from '../run-action.js';
import { SatiotError } from '../../errors/satiot-error.js';
import type { AuditVerification } from '../../supervision/audit-verifier.js';
import { systemClock } from '../../core/ports/clock.js';
import { userInfo } from 'node:os';

/** What the audit commands run, loaded when one runs (the CLI starts without the store and crypto). */
async function auditDeps() {
  const [setup, store, verifier, exporter, signer, log] = await Promise.all([
    import('../audit-setup.js'),
    import('../../store/open-store.js'),
    import('../../supervision/audit-verifier.js'),
    import('../../supervision/audit-export.js'),
    import('../../supervision/audit-signer.js'),
    import('../../supervision/audit-log.js'),
  ]);
  return { ...setup, ...store, ...verifier, ...exporter, ...signer, ...log };
}

interface StoreOptions {
  data: string;
  store: string;
  publicKey?: string;
}

const storeOptions = (c: Command): Command =>
  c
    .option('--data <dir>', 'data directory (SQLite database, audit signing key)', process.env.SATIOT_DATA ?? './data')
    .option(
      '--store <spec>',
      'sqlite (in --data) or postgres://user@host:5432/db',
      process.env.SATIOT_STORE ?? 'sqlite',
    )
    .option(
      '--public-key <file>',
      'the checkpoint public key to trust (PEM), pinned from a copy kept outside the data directory ' +
        "(default: SATIOT_AUDIT_PUBLIC_KEY; without either, the data directory's own key, with a warning)",
      process.env.SATIOT_AUDIT_PUBLIC_KEY,
    );

export function registerAudit(program: Command): void {
  const audit = program
    .command('audit')
    .description('The tamper-evident audit log: verify the chain, export records for an inspector');

  storeOptions(audit.command('verify'))
    .description(
      'Recompute the hash chain, check the signed checkpoints, their cadence and the anchor of pruned ' +
        'records; exit 0, or AUDIT_CHAIN_BROKEN naming the first broken record',
    )
    .option('--file <jsonl>', 'verify an export (satiot audit export) instead of a store')
    .option(
      '--retention-days <n>',
      'records before the first stored one must have been signed at least this long ago (default: ' +
        'SATIOT_AUDIT_RETENTION_DAYS, else 180)',
    )
    .addHelpText(
      'after',
      `
Examples:
  satiot audit verify --data ./data --public-key ~/pinned/audit-signing.pub
  satiot audit verify --store postgres://postgres@127.0.0.1:5432/satiot --public-key audit-signing.pub
  satiot audit verify --file extract.jsonl --public-key audit-signing.pub
`,
    )
    .action(
      runAction(async (o: StoreOptions & { file?: string; retentionDays?: string }) => {
        const {
          resolveAuditVerifierKey,
          auditRetentionDays,
          openStore,
          verifyAuditChain,
          verifyStoredChain,
          exportSource,
          AuditVerifierKey,
        } = await auditDeps();
        const retentionDays =
          o.retentionDays !== undefined
            ? parseInteger(o.retentionDays, '--retention-days', 1, 100_000)
            : auditRetentionDays();
        const dataDir = resolve(o.data);
        let v: AuditVerification;
        if (o.file !== undefined) {
          let text: string;
          try {
            text = readFileSync(o.file, 'utf8');
          } catch {
            throw new SatiotError('FILE_NOT_READABLE', `cannot read ${o.file}`);
          }
          let src: ReturnType<typeof exportSource>;
          try {
            src = exportSource(text.split('\n'));
          } catch {
            throw new SatiotError('AUDIT_CHAIN_BROKEN', `${o.file} is not an audit export (a line is not JSON)`);
          }
          // An inspector pins the key; without --public-key the export's own is only as good as the file.
          const key =
            resolveAuditVerifierKey(dataDir, o.publicKey ?? undefined) ??
            (src.header?.publicKey
              ? { key: AuditVerifierKey.fromPem(src.header.publicKey), source: 'export-file' as const, where: o.file }
              : undefined);
          // The newest records of an export count as unsigned as of the moment it was taken.
          const exportedAt = src.header ? Date.parse(src.header.exportedAt) : NaN;
          v = await verifyAuditChain(src, key, { now: Number.isFinite(exportedAt) ? exportedAt : Date.now() });
        } else {
          const key = resolveAuditVerifierKey(dataDir, o.publicKey);
          const store = await openStore(o.store, { dataDir });
          try {
            v = await verifyStoredChain(store.audit, key, { now: Date.now(), retentionMs: retentionDays * 86_400_000 });
          } finally {
            await store.close();
          }
        }
        if (v.warning) process.stderr.write(`warning: ${v.warning}\n`);
        if (!v.ok && v.broken) {
          const b = v.broken;
          const hashes = b.expected !== undefined ? ` (expected ${b.expected}, found ${b.found ?? 'nothing'})` : '';
          throw new SatiotError('AUDIT_CHAIN_BROKEN', `record ${b.seq}: ${b.message}${hashes} [${b.reason}]`);
        }
        const span = v.firstSeq !== undefined ? `records ${v.firstSeq}–${v.lastSeq}` : 'no records';
        process.stdout.write(
          `audit chain OK: ${v.records} records (${span}), ${v.checkpointsVerified} signed checkpoints verified` +
            `${v.checkpointsUnchecked > 0 ? `, ${v.checkpointsUnchecked} not checked (no key)` : ''}, ` +
            `${v.unsignedTail} records after the last checkpoint\n`,
        );
      }),
    );

  storeOptions(audit.command('export'))
    .description(
      'Write the records of a time range as JSON lines, with the anchor and checkpoints an inspector needs ' +
        'to verify them',
    )
    .requiredOption('--from <time>', 'start (ISO 8601, inclusive)')
    .requiredOption('--to <time>', 'end (ISO 8601, exclusive)')
    .option('--out <file>', 'output file (default: stdout)')
    .addHelpText(
      'after',
      `
Example:
  satiot audit export --from 2026-01-01T00:00:00Z --to 2026-02-01T00:00:00Z --out january.jsonl
`,
    )
    .action(
      runAction(async (o: StoreOptions & { from: string; to: string; out?: string }) => {
        const from = parseTime(o.from, '--from');
        const to = parseTime(o.to, '--to');
        if (!(to > from)) throw new SatiotError('INVALID_TIME', '--to must be after --from');
        const { resolveAuditVerifierKey, existingAuditSigner, openStore, exportAudit, ChainedAuditLog, auditHashAlg } =
          await auditDeps();
        const dataDir = resolve(o.data);
        const key = resolveAuditVerifierKey(dataDir, o.publicKey)?.key;
        const store = await openStore(o.store, { dataDir });
        const out = o.out !== undefined ? createWriteStream(o.out, { mode: 0o600 }) : process.stdout;
        let n = 0,
          written = 0;
        try {
          for await (const line of exportAudit(store.audit, from, to, key, Date.now())) {
            if (line.type === 'record' && line.inRange) n++;
            if (line.type === 'record') written++;
            if (!out.write(`${JSON.stringify(line)}\n`)) await once(out, 'drain');
          }
          // The export itself is audited (who took which range), on the same chain, and signed when the
          // signing key is at hand; otherwise the server's next checkpoint (within 10 minutes) signs it.
          const signer = existingAuditSigner(dataDir);
          const log = new ChainedAuditLog(store.audit, {
            clock: systemClock,
            alg: auditHashAlg(),
            ...(signer ? { signer } : {}),
          });
          await log.append({
            actor: { kind: 'cli', id: userInfo().username },
            action: 'audit.export',
            outcome: 'ok',
            details: { from: o.from, to: o.to, records: n },
          });
          await log.checkpoint();
        } finally {
          await store.close();
          if (out !== process.stdout) {
            out.end();
            await once(out, 'finish');
          }
        }
        if (o.out !== undefined)
          process.stderr.write(
            `${n} records written to ${o.out}` +
              (written > n ? ` (and ${written - n} after the range, up to the signed checkpoint that covers it)` : '') +
              `\n`,
          );
      }),
    );
}
