/**
 * A database as an older semauth left it: only the migrations up to `last`
 * applied (Kysely's Migrator.migrateTo over the real migration list), then
 * rows written with that schema's SQL. Upgrade tests open it afterwards the
 * way the server does. On the dialect under test (freshDatabaseEnv).
 */
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import { loadConfig } from '../../src/config/load.js';
import { PasswordHasher } from '../../src/crypto/passwords.js';
import { migrationProvider } from '../../src/storage/migrations.js';
import { createPgPool } from '../../src/storage/pg-pool.js';
import { freshDatabaseEnv } from './database.js';

/** A user row of migration 0001's `users` table. */
export interface LegacyUser {
  username: string;
  email: string;
  password?: string;
  admin?: boolean;
}

/** The raw database handle at the old schema, for rows other than users. */
export type LegacyDb = Kysely<Record<string, Record<string, unknown>>>;

/**
 * A fresh database migrated up to `last` only, with `users` inserted as they
 * are (no checks of today's rules), then whatever `more` writes with that
 * schema's SQL. Returns the environment that points at it.
 */
export async function legacyDatabase(last: string, users: LegacyUser[], more?: (db: LegacyDb) => Promise<void>): Promise<Record<string, string>> {
  const env = { ...(await freshDatabaseEnv()), SEMAUTH_LOG_LEVEL: 'silent' };
  const config = loadConfig({ env });
  const db = new Kysely<Record<string, Record<string, unknown>>>({
    dialect:
      config.dialect === 'postgres'
        ? new PostgresDialect({ pool: createPgPool(config) })
        : new SqliteDialect({ database: new SQLite(config.sqlitePath) }),
  });
  try {
    const { error } = await new Migrator({ db, provider: migrationProvider(config.dialect) }).migrateTo(last);
    if (error) throw error;
    const hasher = new PasswordHasher({ memoryKiB: 8192, timeCost: 1, threads: 1 });
    for (const u of users) {
      await db
        .insertInto('users')
        .values({
          username: u.username,
          name: u.username,
          email: u.email,
          password_hash: u.password === undefined ? null : await hasher.hash(u.password),
          admin: u.admin ? 1 : 0,
          external: 0,
          alert: 0,
          disabled: 0,
          created_at: 1_700_000_000_000,
        })
        .execute();
    }
    await more?.(db);
  } finally {
    await db.destroy();
  }
  return env;
}
