/** The first place the chain does not hold. */
export interface AuditBreak {
  readonly seq: number;
  readonly reason:
    | 'hash-mismatch'
    | 'record-missing'
    | 'unexpected-record'
    | 'checkpoint-mismatch'
    | 'checkpoint-signature'
    | 'no-anchor'
    | 'head-mismatch'
    | 'bad-record'
    | 'checkpoint-missing'
    | 'prune-unproven';
  readonly message: string;
  /** The hash the chain says record `seq` must have, and what was found. */
  readonly expected?: string;
  readonly found?: string;
}
