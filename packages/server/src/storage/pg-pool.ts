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

export function createPgPool(config: Config): pg.Pool {
  const pool = new pg.Pool({
    ...pgConnectionConfig(config),
    max: config.dbPoolSize,
    types,
    // Notice a database host that vanished without closing the connection.
    keepAlive: true,
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
