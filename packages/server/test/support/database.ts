/**
 * A fresh, empty database for one test, on the dialect under test:
 * SQLite (a new file in a temp dir) by default, PostgreSQL when
 * SEMAUTH_TEST_DIALECT=postgres (a new database on the cluster that
 * scripts/pg-test-cluster.sh started; its URL in SEMAUTH_TEST_PG_URL).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type TestDialect = 'sqlite' | 'postgres';

export function testDialect(): TestDialect {
  return process.env.SEMAUTH_TEST_DIALECT === 'postgres' ? 'postgres' : 'sqlite';
}

export function tempDir(prefix = 'semauth-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Environment variables that point semauth at a new empty database. */
export async function freshDatabaseEnv(dialect: TestDialect = testDialect()): Promise<Record<string, string>> {
  if (dialect === 'sqlite') {
    return { SEMAPHORE_DB_DIALECT: 'sqlite', SEMAPHORE_DB_HOST: join(tempDir(), 'semauth.sqlite') };
  }
  const { freshPostgresDatabase } = await import('./postgres.js');
  return { SEMAPHORE_DB_DIALECT: 'postgres', SEMAUTH_DB_URL: await freshPostgresDatabase() };
}

/** Fast password hashing for tests that are not about hashing cost. */
export const FAST_HASHING_ENV = { SEMAUTH_ARGON2_MEMORY_KIB: '8192', SEMAUTH_ARGON2_TIME_COST: '1' };
