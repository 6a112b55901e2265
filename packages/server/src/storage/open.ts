/**
 * Opens the configured database and assembles the Storage from the shared
 * Kysely stores. The two dialects differ only in how they connect and how
 * concurrent migrations are serialised.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import type { Config } from '../config/schema.js';
import { KyselyAuditStore } from './kysely/audit.js';
import { KyselySessionStore } from './kysely/sessions.js';
import { KyselyThrottleStore } from './kysely/throttle.js';
import { KyselyTokenStore } from './kysely/tokens.js';
import { KyselyUserStore } from './kysely/users.js';
import { migrationProvider } from './migrations.js';
import type { Database } from './schema.js';
import type { Storage, StorageStats } from './types.js';
import { pgConnectionConfig } from './pg-connection.js';

/** Arbitrary constant: the PostgreSQL advisory lock that serialises migrations across instances. */
const MIGRATION_LOCK_ID = 5_200_771;

export async function openStorage(config: Config): Promise<Storage> {
  return config.dialect === 'postgres' ? openPostgres(config) : openSqlite(config.sqlitePath);
}

function assemble(db: Kysely<Database>, dialect: Storage['dialect'], migrate: () => Promise<void>, extra: { close?: () => Promise<void> } = {}): Storage {
  const stats: StorageStats = { writes: 0 };
  return {
    dialect,
    stats,
    users: new KyselyUserStore(db, stats),
    sessions: new KyselySessionStore(db, stats),
    tokens: new KyselyTokenStore(db, stats),
    throttle: new KyselyThrottleStore(db, stats),
    audit: new KyselyAuditStore(db, stats),
    migrate,
    async ping() {
      await sql`select 1`.execute(db);
    },
    async close() {
      await extra.close?.();
      await db.destroy();
    },
  };
}

async function runMigrations(db: Kysely<Database>, dialect: Storage['dialect']): Promise<void> {
  const { error } = await new Migrator({ db, provider: migrationProvider(dialect) }).migrateToLatest();
  if (error) throw error;
}

export function openSqlite(path: string): Storage {
  const file = resolve(path);
  mkdirSync(dirname(file), { recursive: true });
  const database = new SQLite(file);
  // WAL for concurrent readers (the CLI may read while the server runs);
  // synchronous=FULL so that a 2xx survives a crash right after it.
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = FULL');
  database.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
  return assemble(db, 'sqlite', async () => {
    // Two processes starting on a new file can collide; SQLite tells one of
    // them SQLITE_BUSY at once instead of waiting, so retry a few times.
    for (let attempt = 0; ; attempt++) {
      try {
        return await runMigrations(db, 'sqlite');
      } catch (e) {
        const code = String((e as { code?: unknown }).code ?? '');
        if (!code.startsWith('SQLITE_BUSY') || attempt >= 50) throw e;
        await new Promise((r) => setTimeout(r, 20 + Math.random() * 80));
      }
    }
  });
}

async function openPostgres(config: Config): Promise<Storage> {
  // int8 (bigint) columns hold epoch milliseconds: safe as JS numbers.
  pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
  const pool = new pg.Pool({ ...pgConnectionConfig(config), max: config.dbPoolSize });
  // An idle client losing its connection emits 'error' on the pool; without a
  // listener that would crash the process. The next query reconnects.
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return assemble(db, 'postgres', async () => {
    await db.connection().execute(async (conn) => {
      await sql`select pg_advisory_lock(${MIGRATION_LOCK_ID})`.execute(conn);
      try {
        await runMigrations(conn, 'postgres');
      } finally {
        await sql`select pg_advisory_unlock(${MIGRATION_LOCK_ID})`.execute(conn);
      }
    });
  });
}
