/**
 * Opens the configured database and assembles the Storage from the shared
 * Kysely stores. The two dialects differ only in how they connect, how
 * concurrent migrations are serialised, and in how their auth caches learn
 * of other processes' changes.
 */
import { dirname, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { CompiledQuery, Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import { ConfigError } from '../config/parsers.js';
import type { Config } from '../config/schema.js';
import { KyselyAuditStore } from './kysely/audit.js';
import { KyselyOidcStateStore } from './kysely/oidc-states.js';
import { KyselySessionStore } from './kysely/sessions.js';
import { KyselyThrottleStore } from './kysely/throttle.js';
import { KyselyTokenStore } from './kysely/tokens.js';
import { KyselyTotpStore } from './kysely/totp.js';
import { KyselyUserStore } from './kysely/users.js';
import { withAuthCache, type AuthCacheHooks } from './auth-cache.js';
import { NewerSchemaError, migrationProvider } from './migrations.js';
import type { Database } from './schema.js';
import { watchCommits, withStatementCache } from './sqlite-handle.js';
import type { MigrationStatus, Storage, StorageStats } from './types.js';
import { createPgPool } from './pg-pool.js';
import { pgConnectionConfig } from './pg-connection.js';
import { LeaseLost, LeaseWatch } from './pg-lease.js';
import { createDirectories, createPrivateFile, pathExists } from './sqlite-file.js';

/** Arbitrary constant: the PostgreSQL advisory lock that serialises migrations across instances. */
const MIGRATION_LOCK_ID = 5_200_771;

/**
 * Drop the whole PostgreSQL auth cache at least this often: "last used"
 * times written by other instances (at most once a minute each) are not
 * notified, and session idle expiry reads them.
 */
const PG_CACHE_REFRESH_MS = 60_000;

export interface StorageHooks extends AuthCacheHooks {
  /** PostgreSQL: the auth cache's lease was taken (true) or lost (false). */
  onAuthSignal?: (up: boolean, error?: Error) => void;
}

export interface OpenOptions extends StorageHooks {
  /**
   * Whether a missing SQLite file may be created (default true). Commands
   * that only read say no: pointed at the wrong place, they must fail rather
   * than answer from a new empty database.
   */
  create?: boolean;
  /** Called with the absolute path when this open created the SQLite file. */
  onCreated?: (file: string) => void;
}

export async function openStorage(config: Config, opts: OpenOptions = {}): Promise<Storage> {
  return config.dialect === 'postgres' ? openPostgres(config, opts) : openSqlite(config.sqlitePath, { ...opts, authCacheEntries: config.authCacheEntries });
}

async function migrationStatus(db: Kysely<Database>, dialect: Storage['dialect']): Promise<MigrationStatus> {
  const known = await new Migrator({ db, provider: migrationProvider(dialect) }).getMigrations();
  const pending = known.filter((m) => m.executedAt === undefined).map((m) => m.name);
  const names = new Set(known.map((m) => m.name));
  // Kysely's own bookkeeping table; absent on a database never migrated.
  const applied = await sql<{ name: string }>`select name from kysely_migration`.execute(db).then(
    (r) => r.rows.map((row) => row.name),
    () => [] as string[],
  );
  return { pending, unknown: applied.filter((name) => !names.has(name)) };
}

/**
 * The connection behind a Storage opened here, for diagnostics and tests that
 * must ask the server's own connection (its pragmas, its change counters)
 * rather than a second one that could be set up differently. The services
 * never use it. Kept under a symbol key, which wrappers that spread the
 * Storage (the auth cache) copy along.
 */
export interface DatabaseHandles {
  kysely: Kysely<Database>;
  /** The better-sqlite3 connection (SQLite only). */
  sqlite?: SQLite.Database;
}

const HANDLES = Symbol('semauth.databaseHandles');

export function databaseHandles(storage: Storage): DatabaseHandles {
  const handles = (storage as Storage & { [HANDLES]?: DatabaseHandles })[HANDLES];
  if (!handles) throw new Error('databaseHandles: this Storage was not opened by openStorage');
  return handles;
}

function assemble(
  db: Kysely<Database>,
  dialect: Storage['dialect'],
  migrate: () => Promise<void>,
  extra: { close?: () => Promise<void>; sqlite?: SQLite.Database } = {},
): Storage {
  const stats: StorageStats = { writes: 0, cacheLooks: 0 };
  const handles: DatabaseHandles = extra.sqlite ? { kysely: db, sqlite: extra.sqlite } : { kysely: db };
  const storage: Storage & { [HANDLES]: DatabaseHandles } = {
    [HANDLES]: handles,
    dialect,
    stats,
    users: new KyselyUserStore(db, stats),
    sessions: new KyselySessionStore(db, stats),
    tokens: new KyselyTokenStore(db, stats),
    throttle: new KyselyThrottleStore(db, stats),
    audit: new KyselyAuditStore(db, stats),
    oidcStates: new KyselyOidcStateStore(db, stats),
    totp: new KyselyTotpStore(db, stats),
    migrate,
    migrationStatus: () => migrationStatus(db, dialect),
    async ping() {
      await sql`select 1`.execute(db);
    },
    async close() {
      await extra.close?.();
      await db.destroy();
    },
  };
  return storage;
}

async function runMigrations(db: Kysely<Database>, dialect: Storage['dialect']): Promise<void> {
  const { error } = await new Migrator({ db, provider: migrationProvider(dialect) }).migrateToLatest();
  if (!error) return;
  // Kysely's words for a database that a later release has migrated (a rollback, say).
  const unknown = /previously executed migration (\S+) is missing/.exec(String((error as Error)?.message));
  throw unknown ? new NewerSchemaError(unknown[1]!) : error;
}

/**
 * `authCacheEntries` > 0 caches token, session and user lookups (see
 * auth-cache.ts): safe here because every commit by another process is seen
 * by watchCommits (SQLite's data_version) on each read.
 */
export function openSqlite(path: string, opts: OpenOptions & { authCacheEntries?: number } = {}): Storage {
  const file = resolve(path);
  if (!pathExists(file)) {
    if (opts.create === false) {
      throw new ConfigError(
        `no SQLite database at ${file} (SEMAPHORE_DB_HOST), and this command does not create one: point SEMAPHORE_DB_HOST (or --config) at the server's database, or create it with \`semauth migrate\``,
      );
    }
    createDirectories(dirname(file));
    // Ours, 0600 whatever the umask: it holds password hashes. SQLite gives
    // its -wal and -shm files the mode of the database file.
    if (createPrivateFile(file)) opts.onCreated?.(file);
  }
  const database = new SQLite(file, { fileMustExist: true });
  // WAL for concurrent readers (the CLI may read while the server runs);
  // synchronous=FULL so that a 2xx survives a crash right after it.
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = FULL');
  database.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
  const storage = assemble(db, 'sqlite', async () => {
    // Kysely runs SQLite migrations outside any transaction and without a
    // lock, so two processes starting on a new file would both try to
    // create the tables. BEGIN IMMEDIATE takes SQLite's write lock first
    // (waiting up to busy_timeout): the second process then finds the
    // migrations done. SQLITE_BUSY can still come at once (e.g. while a WAL
    // checkpoint runs), so retry a few times.
    for (let attempt = 0; ; attempt++) {
      try {
        return await db.connection().execute(async (conn) => {
          await sql`begin immediate`.execute(conn);
          try {
            await runMigrations(conn, 'sqlite');
            await sql`commit`.execute(conn);
          } catch (e) {
            await sql`rollback`.execute(conn).catch(() => {});
            throw e;
          }
        });
      } catch (e) {
        const code = String((e as { code?: unknown }).code ?? '');
        if (!code.startsWith('SQLITE_BUSY') || attempt >= 50) throw e;
        await new Promise((r) => setTimeout(r, 20 + Math.random() * 80));
      }
    }
  }, { sqlite: database });
  const maxEntries = opts.authCacheEntries ?? 0;
  if (maxEntries === 0) return storage;
  const commits = watchCommits(database, file);
  const close = async () => {
    commits.close();
    await storage.close();
  };
  return withAuthCache({ ...storage, close }, { maxEntries, changed: commits.foreignCommitted, onHit: opts.onHit, onMiss: opts.onMiss });
}

/**
 * `config.authCacheEntries` > 0 caches token, session and user lookups
 * (auth-cache.ts) under a lease (pg-lease.ts): exact across instances.
 * Whether or not it caches, every write that can change a cached entry
 * waits until the instances that do have dropped it.
 */
async function openPostgres(config: Config, hooks: StorageHooks): Promise<Storage> {
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: createPgPool(config) }) });
  const storage = assemble(db, 'postgres', async () => {
    // Migrations run on a connection of their own, without the statement
    // timeout of the request pool: waiting for another instance's migration
    // (the lock below) or rewriting a large table may take longer.
    const migrator = new Kysely<Database>({ dialect: new PostgresDialect({ pool: createPgPool(config, { max: 1, timeouts: false }) }) });
    try {
      // Instances starting at the same moment on an empty database take turns:
      // one session-level advisory lock around the whole run, the creation of
      // Kysely's bookkeeping tables included (Kysely's own lock comes after
      // that, and CREATE TABLE IF NOT EXISTS is not safe under concurrency in
      // PostgreSQL; Kysely 0.28 happens to tolerate the race, we do not rely
      // on it). Released below, or by PostgreSQL if this process dies.
      await migrator.connection().execute(async (conn) => {
        await sql`select pg_advisory_lock(${MIGRATION_LOCK_ID})`.execute(conn);
        try {
          await runMigrations(conn, 'postgres');
        } finally {
          await sql`select pg_advisory_unlock(${MIGRATION_LOCK_ID})`.execute(conn);
        }
      });
    } finally {
      await migrator.destroy();
    }
  });
  const connection = pgConnectionConfig(config);
  const lease = new LeaseWatch({
    // Its own name, so that operators (and tests) can tell it from the pool's connections.
    connection: { ...connection, application_name: `${connection.application_name ?? 'semauth'} auth-lease` },
    leaseMs: config.authCacheLeaseSeconds * 1000,
    query: async <R>(text: string, params: unknown[]) => (await db.executeQuery<R>(CompiledQuery.raw(text, params))).rows,
    onStateChange: hooks.onAuthSignal,
  });
  const caching = config.authCacheEntries > 0;
  const close = async () => {
    await lease.close();
    await storage.close();
  };
  // Wrapped even with the cache off: this process's writes must still wait for the instances whose cache is on.
  return withAuthCache(
    { ...storage, close },
    {
      maxEntries: config.authCacheEntries,
      changed: () => {
        if (!lease.usable()) throw new LeaseLost('no auth cache lease');
        return false;
      },
      subscribe: (drop) => lease.onDrop(drop),
      settle: () => lease.settle(),
      ready: caching ? () => lease.start() : undefined,
      refreshMs: PG_CACHE_REFRESH_MS,
      onHit: hooks.onHit,
      onMiss: hooks.onMiss,
    },
  );
}
