/**
 * The better-sqlite3 handle as Kysely sees it, plus the cheap change signal
 * the auth cache needs. Kysely's SQLite driver prepares every query anew;
 * compiling the same few statements thousands of times a second costs more
 * than running them, so prepared statements are kept per SQL text.
 * And the auth cache needs to know, on every request and cheaply, whether
 * another process has committed (watchCommits).
 */
import { closeSync, openSync, readSync, realpathSync } from 'node:fs';
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

/** Tells whether another connection committed since it was last asked. */
export interface CommitWatch {
  /**
   * True when another connection (another process: the CLI, a second
   * server) committed to the database since the previous call.
   */
  foreignCommitted(): boolean;
  /** Whether the cheap WAL-index check is in use (else every call asks SQLite). */
  readonly headerWatch: boolean;
  close(): void;
}

/**
 * `PRAGMA data_version` is SQLite's documented answer: it changes when
 * another connection commits, never for this connection's own commits. It
 * starts a read transaction, though: two fcntl locks and an fstat, which
 * cost more than the rest of a cached request. So it is asked only when the
 * WAL-index header has moved: the first 48 bytes of the `-shm` file, which
 * every commit in WAL mode rewrites (its change counter and last frame
 * number; wal.c walIndexWriteHdr, walformat.html §2.2) and which one pread
 * returns. Unchanged bytes mean no commit completed since the last look;
 * changed bytes (a commit, ours or another's, or a torn read) mean "ask
 * SQLite". Linux only, where reads of a file and its shared mappings are
 * coherent; elsewhere, or without the file, every call asks SQLite.
 */
export function watchCommits(database: SQLite.Database, file: string): CommitWatch {
  const version = database.prepare('pragma data_version').pluck();
  version.get(); // A read transaction: in WAL mode the -shm file exists after it.
  // The header first, then the version: a commit between the two is then
  // already counted in the version, and the header moves past it next time.
  const header = walIndexHeader(file);
  let lastVersion = version.get();
  const versionMoved = () => {
    const now = version.get();
    if (now === lastVersion) return false;
    lastVersion = now;
    return true;
  };
  return {
    headerWatch: header !== null,
    foreignCommitted: header ? () => !header.unchanged() && versionMoved() : versionMoved,
    close: () => header?.close(),
  };
}

const HEADER_BYTES = 48;

function walIndexHeader(file: string): { unchanged(): boolean; close(): void } | null {
  if (process.platform !== 'linux') return null;
  let fd: number;
  try {
    // SQLite names the -shm file after the database's real path.
    fd = openSync(`${realpathSync(file)}-shm`, 'r');
  } catch {
    return null;
  }
  const last = Buffer.alloc(HEADER_BYTES);
  const now = Buffer.alloc(HEADER_BYTES);
  const read = (into: Buffer) => {
    try {
      return readSync(fd, into, 0, HEADER_BYTES, 0) === HEADER_BYTES;
    } catch {
      return false;
    }
  };
  if (!read(last)) {
    closeSync(fd);
    return null;
  }
  return {
    unchanged() {
      if (read(now) && now.equals(last)) return true;
      // Remembered before SQLite is asked: a commit landing in between moves
      // data_version now, or these bytes again on the next call.
      now.copy(last);
      return false;
    },
    close: () => closeSync(fd),
  };
}
