/** Recognises driver errors that mean something to the services. */
export function isUniqueViolation(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505';
}

const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'SQLITE_BUSY', 'SQLITE_FULL',
  'SQLITE_IOERR', 'SQLITE_CANTOPEN', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006', '53300',
]);

/** True for errors that mean "the database is not reachable right now" (→ 503, retry later). */
export function isUnavailable(e: unknown): boolean {
  const err = e as { code?: unknown; message?: unknown } | null;
  if (typeof err?.code === 'string' && (UNAVAILABLE_CODES.has(err.code) || err.code.startsWith('SQLITE_IOERR'))) return true;
  const msg = typeof err?.message === 'string' ? err.message : '';
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|the database system is (starting up|shutting down)/i.test(msg);
}
