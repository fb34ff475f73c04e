/**
 * Whether an error says the store could not be reached or was too busy — nothing was changed and
 * the same request may succeed in a moment — rather than that the request itself was wrong: the
 * edges answer it with 503 STORE_UNAVAILABLE and Retry-After (docs/cluster.md, "When things fail").
 */
export function isStoreUnavailable(e: unknown): boolean {
  const err = e as { code?: unknown; message?: unknown; cause?: unknown } | null | undefined;
  if (!err || typeof err !== 'object') return false;
  const code = typeof err.code === 'string' ? err.code : '';
  // PostgreSQL: class 08 (connection exception), 57P01–57P03 (shutting down, cannot connect now), 53300 (too many
  // connections).
  if (/^08[0-9A-Z]{3}$/.test(code) || /^57P0[1-3]$/.test(code) || code === '53300') return true;
  // The network under a driver: refused, reset, unreachable, timed out.
  if (
    [
      'ECONNREFUSED',
      'ECONNRESET',
      'ETIMEDOUT',
      'EPIPE',
      'EHOSTUNREACH',
      'ENETUNREACH',
      'ENOTFOUND',
      'EAI_AGAIN',
    ].includes(code)
  )
    return true;
  // SQLite: another process holds the write lock past the busy timeout.
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') return true;
  const message = typeof err.message === 'string' ? err.message : '';
  // pg's own wording when a connection dies or none can be had in time.
  if (
    /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|terminating connection due to administrator command|Connection ended unexpectedly/i.test(
      message,
    )
  )
    return true;
  return err.cause !== undefined && err.cause !== e && isStoreUnavailable(err.cause);
}
