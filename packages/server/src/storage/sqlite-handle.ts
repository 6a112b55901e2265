/**
 * The better-sqlite3 handle as Kysely sees it, plus the cheap change signal
 * the auth cache needs. Kysely's SQLite driver prepares every query anew;
 * compiling the same few statements thousands of times a second costs more
 * than running them, so prepared statements are kept per SQL text.
 */
import type SQLite from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

/** Statements kept at most; the stores use a few dozen distinct SQL texts. */
const MAX_STATEMENTS = 500;

export function withStatementCache(database: SQLite.Database): SqliteDatabase {
  const statements = new Map<string, SQLite.Statement>();
  return {
    close: () => {
      statements.clear();
      database.close();
    },
    prepare(sql: string) {
      let stmt = statements.get(sql);
      // A statement still being iterated cannot run again: prepare another.
      if (stmt === undefined || stmt.busy) {
        stmt = database.prepare(sql);
        if (statements.size >= MAX_STATEMENTS) statements.clear();
        statements.set(sql, stmt);
      }
      return stmt;
    },
  };
}

/**
 * A function that is true when another connection (another process: the CLI,
 * a second server) committed to the database since it was last called.
 * `PRAGMA data_version` changes on such commits and not on this connection's own.
 */
export function foreignCommitSignal(database: SQLite.Database): () => boolean {
  const version = database.prepare('pragma data_version').pluck();
  let last = version.get();
  return () => {
    const now = version.get();
    if (now === last) return false;
    last = now;
    return true;
  };
}
