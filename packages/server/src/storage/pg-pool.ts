/**
 * The `pg` pool behind the PostgreSQL storage, set up so that losing the
 * database is an error answered with 503, never a crash, and so that the
 * pool heals by itself when the database comes back.
 */
import pg from 'pg';
import type { Config } from '../config/schema.js';
import { pgConnectionConfig } from './pg-connection.js';

/**
 * int8 (bigint) columns hold epoch milliseconds and counts: well inside
 * Number.MAX_SAFE_INTEGER, so plain numbers, like SQLite gives. Set per
 * pool rather than on the global `pg.types`, which other code may share.
 */
const types = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === pg.types.builtins.INT8 && format !== 'binary' ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

const ignore = () => {};

/**
 * `timeouts` (default on): SEMAUTH_DB_STATEMENT_TIMEOUT_SECONDS twice over.
 * PostgreSQL's `statement_timeout` ends a statement that runs too long on a
 * live server (and frees its locks); the client-side `query_timeout`, a
 * second later, gives up on a server that no longer answers at all — frozen,
 * or gone without closing the connection — where the server-side limit can
 * never fire. Either way the request gets a 503 instead of hanging.
 */
export function createPgPool(config: Config, opts: { max?: number; timeouts?: boolean } = {}): pg.Pool {
  const limitMs = opts.timeouts === false ? 0 : config.dbStatementTimeoutSeconds * 1000;
  const pool = new pg.Pool({
    ...pgConnectionConfig(config),
    max: opts.max ?? config.dbPoolSize,
    types,
    // Notice a database host that vanished without closing the connection.
    keepAlive: true,
    ...(limitMs > 0 ? { statement_timeout: limitMs, query_timeout: limitMs + 1000 } : {}),
  });
  // When the server goes away, every client emits 'error'. The pool listens
  // on idle clients and re-emits on itself; a client checked out (between
  // the statements of a transaction) has no listener at all, and an
  // unhandled 'error' event would kill the process. In both cases the dead
  // client is dropped on release and the query in flight fails with the
  // error the HTTP layer turns into 503, so there is nothing else to do.
  pool.on('error', ignore);
  pool.on('connect', (client) => client.on('error', ignore));
  return pool;
}
