/**
 * Figures the database engine keeps itself, read on the server's own
 * connection — not the storage layer's hand-kept counters, which only count
 * what the code remembered to count.
 */
import { sql } from 'kysely';
import { databaseHandles } from '../../src/storage/open.js';
import type { Storage } from '../../src/storage/types.js';

/**
 * Rows inserted, updated or deleted so far, by the engine's count: SQLite's
 * `total_changes()` of the server's connection; PostgreSQL's
 * `pg_stat_user_tables` (n_tup_ins + n_tup_upd + n_tup_del) of the database.
 *
 * PostgreSQL backends report their statistics lazily (at most once a second,
 * when idle). So the server must run with one pooled connection
 * (SEMAUTH_DB_POOL_SIZE=1): that connection is then told to flush at once
 * (`pg_stat_force_next_flush()`, which takes effect before it answers) and
 * the figure is read after it. Any other connection to the database would
 * report on its own schedule, so its presence is an error here — except the
 * auth cache's lease connection (`… auth-lease`, storage/pg-lease.ts), whose
 * only writes are its own lease row, renewed on a timer whatever the
 * requests: that table is left out of the count.
 */
export async function rowsWritten(storage: Storage): Promise<number> {
  const { kysely, sqlite } = databaseHandles(storage);
  if (sqlite) return (sqlite.prepare('select total_changes() as n').get() as { n: number }).n;
  const others = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where datname = current_database() and backend_type = 'client backend' and pid <> pg_backend_pid() and application_name not like '% auth-lease'`.execute(kysely);
  if (others.rows[0]!.n !== 0) {
    throw new Error(`rowsWritten: ${others.rows[0]!.n} other connection(s) to the database; run the server with SEMAUTH_DB_POOL_SIZE=1`);
  }
  await sql`select pg_stat_force_next_flush()`.execute(kysely);
  const r = await sql<{ n: number }>`select coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0)::int8 as n from pg_stat_user_tables where relname <> 'auth_cache_leases'`.execute(kysely);
  return r.rows[0]!.n;
}

/** The SQLite pragmas of the server's own connection that durability rests on. */
export function sqliteDurabilityPragmas(storage: Storage): { journalMode: string; synchronous: number } {
  const { sqlite } = databaseHandles(storage);
  if (!sqlite) throw new Error('sqliteDurabilityPragmas: not a SQLite storage');
  return {
    journalMode: sqlite.pragma('journal_mode', { simple: true }) as string,
    synchronous: sqlite.pragma('synchronous', { simple: true }) as number,
  };
}
