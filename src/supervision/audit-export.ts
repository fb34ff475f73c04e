import type { AuditCheckpoint, AuditReader, AuditRecord } from '../core/ports/audit-store.js';
import { GENESIS_HASH } from '../core/ports/audit-store.js';
import type { AuditChainSource } from './audit-verifier.js';
import { storedRecords } from './audit-verifier.js';
import type { AuditVerifierKey } from './audit-signer.js';

export const AUDIT_EXPORT_FORMAT = 'satiot-audit-export/1';

/** One line of an export (JSON lines). */
export type AuditExportLine =
  | {
      type: 'header';
      format: string;
      from: string;
      to: string;
      exportedAt: string;
      keyId?: string;
      publicKey?: string;
      records: number;
    }
  | { type: 'anchor'; seq: number; hash: string }
  | ({ type: 'record'; inRange: boolean } & AuditRecord)
  | ({ type: 'checkpoint' } & AuditCheckpoint);

/**
 * The records whose time is in [from, to), as an inspector needs them to check the extract on its
 * own: the hash preceding the first record (the anchor), every record between the first and the
 * last in range (seq order, so the chain is unbroken), then the records up to the next signed
 * checkpoint (`inRange: false`) and the checkpoints among them. The newest checkpoint signs the
 * whole extract, anchor included: hash chaining makes each signed hash commit to every record
 * before it.
 */
export async function* exportAudit(
  store: AuditReader,
  from: number,
  to: number,
  key: AuditVerifierKey | undefined,
  now: number,
): AsyncGenerator<AuditExportLine> {
  const range = await store.seqRange(from, to);
  const checkpoints = range ? await store.checkpoints(range.first - 1) : [];
  const closing = range ? checkpoints.find((c) => c.seq >= range.last) : undefined;
  const end = range ? (closing?.seq ?? range.last) : 0;
  yield {
    type: 'header',
    format: AUDIT_EXPORT_FORMAT,
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    exportedAt: new Date(now).toISOString(),
    ...(key ? { keyId: key.keyId, publicKey: key.publicPem() } : {}),
    records: range ? range.last - range.first + 1 : 0,
  };
  if (!range) return;
  const before = range.first > 1 ? (await store.range(range.first - 1, 1))[0] : undefined;
  const anchorCp = checkpoints.find((c) => c.seq === range.first - 1);
  const anchorHash = range.first === 1 ? GENESIS_HASH : before?.seq === range.first - 1 ? before.hash : anchorCp?.hash;
  if (anchorHash !== undefined) yield { type: 'anchor', seq: range.first - 1, hash: anchorHash };
  for await (const r of storedRecords(store, range.first)) {
    if (r.seq > end) break;
    yield { type: 'record', inRange: r.seq <= range.last, ...r };
  }
  for (const c of checkpoints) if (c.seq <= end) yield { type: 'checkpoint', ...c };
}

/** An export's lines back as a chain source for the verifier (throws on a line that is not JSON). */
export function exportSource(
  lines: Iterable<string>,
): AuditChainSource & { header?: Extract<AuditExportLine, { type: 'header' }> } {
  const records: AuditRecord[] = [];
  const checkpoints: AuditCheckpoint[] = [];
  let anchor: { seq: number; hash: string } | undefined;
  let header: Extract<AuditExportLine, { type: 'header' }> | undefined;
  for (const line of lines) {
    if (line.trim() === '') continue;
    const o = JSON.parse(line) as AuditExportLine;
    if (o.type === 'header') header = o;
    else if (o.type === 'anchor') anchor = { seq: o.seq, hash: o.hash };
    else if (o.type === 'checkpoint') {
      const { type: _t, ...c } = o;
      checkpoints.push(c);
    } else if (o.type === 'record') {
      const { type: _t, inRange: _i, ...r } = o;
      records.push(r);
    }
  }
  checkpoints.sort((a, b) => a.seq - b.seq);
  return { records, checkpoints, ...(anchor ? { anchor } : {}), ...(header ? { header } : {}) };
}
