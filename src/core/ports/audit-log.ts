/**
 * The audit log port: an append-only record of who did what to which object, and how it ended.
 * The supervision layer implements it with a hash-chained, checkpoint-signed table
 * (src/supervision/audit-log.ts); the core and the edges only append.
 *
 * `details` must never carry secrets: no keys (AppKey, NwkSKey, API keys, tokens), no identity
 * document numbers, no payload bytes. Names, ids, counts, codes and reasons are fine.
 */
export type AuditActorKind = 'operator' | 'api-key' | 'station' | 'system' | 'cli';

export interface AuditActor {
  readonly kind: AuditActorKind;
  /** API key id, station id, CLI user... (never the secret itself). */
  readonly id?: string;
  readonly role?: string;
  readonly tenantId?: string;
}

export interface AuditTarget {
  /** e.g. 'terminal', 'station', 'api-key', 'tenant', 'route'. */
  readonly kind: string;
  readonly id: string;
  readonly tenantId?: string;
}

export type AuditOutcome = 'ok' | 'denied' | 'failed';

export interface AuditEntryInput {
  readonly actor: AuditActor;
  /** Dotted verb, e.g. 'terminal.approve', 'api.post', 'auth.failure', 'anomaly.replay'. */
  readonly action: string;
  readonly target?: AuditTarget;
  readonly outcome: AuditOutcome;
  readonly details?: Record<string, unknown>;
  /** Unix milliseconds; the log's clock when absent. */
  readonly at?: number;
  readonly sourceIp?: string;
}

export interface AuditLog {
  /** Appends one entry; resolves once it is durable (and chained). */
  append(entry: AuditEntryInput): Promise<void>;
}

/** An audit log that records nothing (tests and tools that need a Core without supervision). */
export const nullAuditLog: AuditLog = { append: async () => {} };
