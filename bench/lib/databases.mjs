// Databases for the runs: a fresh SQLite file per server by default, or a
// fresh database on a throwaway PostgreSQL cluster (scripts/pg-test-cluster.sh)
// with --dialect postgres.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './processes.mjs';
import { migrate, seedPostgres, seedSqlite } from './seed.mjs';

const PG_SCRIPT = join(REPO_ROOT, 'scripts/pg-test-cluster.sh');
const PG_CLUSTER = 'bench';

/** The dialect cannot run here; the message says why. */
export class DialectUnavailable extends Error {
  name = 'DialectUnavailable';
}

/** Opens the dialect's database factory, or throws DialectUnavailable. */
export async function openDatabases(dialect) {
  if (dialect === 'sqlite') return sqliteDatabases();
  if (dialect === 'postgres') return postgresDatabases();
  throw new DialectUnavailable(`unknown dialect ${JSON.stringify(dialect)} (sqlite or postgres)`);
}

function sqliteDatabases() {
  const dir = mkdtempSync(join(tmpdir(), 'semauth-bench-'));
  let n = 0;
  return {
    dialect: 'sqlite',
    /** Environment for a new, empty database. */
    async fresh(name) {
      return { SEMAPHORE_DB_DIALECT: 'sqlite', SEMAPHORE_DB_HOST: join(dir, `${name}-${++n}.sqlite`) };
    },
    async seed(dbEnv, sizes) {
      migrate(dbEnv);
      return seedSqlite(dbEnv.SEMAPHORE_DB_HOST, sizes);
    },
    async passwordHash(dbEnv, username) {
      const { default: Database } = await import('better-sqlite3');
      const db = new Database(dbEnv.SEMAPHORE_DB_HOST, { readonly: true });
      try {
        return db.prepare('select password_hash from users where username = ?').pluck().get(username);
      } finally {
        db.close();
      }
    },
    async close() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function postgresDatabases() {
  if (!existsSync(PG_SCRIPT)) throw new DialectUnavailable('scripts/pg-test-cluster.sh is missing');
  const started = spawnSync('bash', [PG_SCRIPT, 'start', PG_CLUSTER], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (started.status !== 0) throw new DialectUnavailable(`scripts/pg-test-cluster.sh could not start PostgreSQL: ${started.stderr.trim()}`);
  const admin = started.stdout.trim().split('\n').pop();
  const { default: pg } = await import('pg');
  const withAdmin = async (fn) => {
    const c = new pg.Client({ connectionString: admin });
    await c.connect();
    try {
      return await fn(c);
    } finally {
      await c.end();
    }
  };
  let n = 0;
  const urlOf = (dbEnv) => dbEnv.SEMAUTH_DB_URL;
  return {
    dialect: 'postgres',
    async fresh(name) {
      const db = `semauth_bench_${name}_${++n}`.replace(/[^a-z0-9_]/g, '_');
      await withAdmin(async (c) => {
        await c.query(`drop database if exists ${db}`);
        await c.query(`create database ${db}`);
      });
      const url = new URL(admin);
      url.pathname = `/${db}`;
      return { SEMAPHORE_DB_DIALECT: 'postgres', SEMAUTH_DB_URL: url.toString() };
    },
    async seed(dbEnv, sizes) {
      migrate(dbEnv);
      return seedPostgres(urlOf(dbEnv), sizes);
    },
    async passwordHash(dbEnv, username) {
      const c = new pg.Client({ connectionString: urlOf(dbEnv) });
      await c.connect();
      try {
        return (await c.query('select password_hash from users where username = $1', [username])).rows[0]?.password_hash;
      } finally {
        await c.end();
      }
    },
    async close() {
      spawnSync('bash', [PG_SCRIPT, 'stop', PG_CLUSTER], { cwd: REPO_ROOT, encoding: 'utf8' });
    },
  };
}
