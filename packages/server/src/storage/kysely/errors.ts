/** Recognises driver errors that mean something to the services. */
export function isUniqueViolation(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505';
}

/**
 * A transaction that lost a race and may simply be run again: PostgreSQL's
 * serialization failure (40001) and deadlock (40P01); SQLite's stale
 * snapshot (a read-then-write transaction another process committed into).
 */
export function isSerializationFailure(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === '40001' || code === '40P01' || code === 'SQLITE_BUSY_SNAPSHOT';
}

/** Socket errors of a database server that is down or unreachable. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH',
]);

/**
 * PostgreSQL SQLSTATEs by class or code: 08 connection exception, 57P01–03
 * (admin/crash shutdown, cannot connect now — what a stopping or starting
 * server sends), 53 insufficient resources (too many connections, disk full).
 */
const PG_UNAVAILABLE = /^(08...|57P0[1-3]|53...)$/;

/** SQLite: locked past busy_timeout, disk full or failing, file unreachable. */
const SQLITE_UNAVAILABLE = /^SQLITE_(BUSY|FULL|IOERR|CANTOPEN)/;

/**
 * What `pg` itself throws, without a code, when the connection is lost or
 * cannot be had: the socket closed mid-query, a client that already died,
 * the pool's or the client's own timeouts.
 */
const PG_CLIENT_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed and is not queryable|Query read timeout|the database system is (starting up|shutting down|in recovery mode)/i;

/** True for errors that mean "the database is not reachable right now" (→ 503, retry later). */
export function isUnavailable(e: unknown, depth = 0): boolean {
  const err = e as { code?: unknown; message?: unknown; errors?: unknown; cause?: unknown } | null;
  if (!err || typeof err !== 'object' || depth > 3) return false;
  if (typeof err.code === 'string' && (NETWORK_CODES.has(err.code) || PG_UNAVAILABLE.test(err.code) || SQLITE_UNAVAILABLE.test(err.code))) {
    return true;
  }
  if (typeof err.message === 'string' && PG_CLIENT_MESSAGES.test(err.message)) return true;
  // Node reports a failed connect to a name with several addresses (localhost
  // → ::1 and 127.0.0.1) as an AggregateError of one error per address.
  if (Array.isArray(err.errors) && err.errors.length > 0 && err.errors.every((x) => isUnavailable(x, depth + 1))) return true;
  return err.cause !== undefined && isUnavailable(err.cause, depth + 1);
}

/**
 * True for any error a database driver raised (unreachable, timed out, or
 * refused by the database), as opposed to our own errors: what
 * `semauth_db_errors_total` counts. Looks through `cause` like isUnavailable.
 */
export function isDatabaseError(e: unknown, depth = 0): boolean {
  const err = e as { code?: unknown; severity?: unknown; cause?: unknown } | null;
  if (!err || typeof err !== 'object' || depth > 3) return false;
  if (isUnavailable(err)) return true;
  if (typeof err.code === 'string') {
    if (err.code.startsWith('SQLITE_')) return true;
    // A PostgreSQL error: a five-character SQLSTATE with a severity.
    if (typeof err.severity === 'string' && /^[0-9A-Z]{5}$/.test(err.code)) return true;
  }
  return err.cause !== undefined && isDatabaseError(err.cause, depth + 1);
}
