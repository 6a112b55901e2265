/**
 * PostgreSQL-only test helpers: SQL as the cluster's superuser, and a
 * private cluster (scripts/pg-test-cluster.sh with its own name) for tests
 * that stop the database — never the shared one other suites are using.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { adminUrl } from './postgres.js';
import { REPO_ROOT } from './server-process.js';

const run = promisify(execFile);
export const CLUSTER_SCRIPT = join(REPO_ROOT, 'scripts/pg-test-cluster.sh');

/** Runs one statement as superuser on `url` (default: the shared cluster's admin database). */
export async function adminQuery<T extends pg.QueryResultRow = pg.QueryResultRow>(text: string, params: unknown[] = [], url = adminUrl()) {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {});
  await client.connect();
  try {
    return (await client.query<T>(text, params)).rows;
  } finally {
    await client.end();
  }
}

/** A new empty database on the cluster at `url`; returns its URL. */
export async function createDatabase(url = adminUrl()): Promise<string> {
  const name = `semauth_t_${randomBytes(6).toString('hex')}`;
  await adminQuery(`create database ${name}`, [], url);
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** The PostgreSQL binaries scripts/pg-test-cluster.sh uses (and installs when missing). */
const PGBIN = process.env.PGBIN ?? '/usr/lib/postgresql/15/bin';

/**
 * Everything the database at `url` holds, as `pg_dump` writes it: the schema
 * and every row of every table, in COPY text format.
 */
export async function pgDump(url: string): Promise<string> {
  const { stdout } = await run(join(PGBIN, 'pg_dump'), ['--no-owner', '--no-privileges', `--dbname=${url}`], { maxBuffer: 256 * 1024 * 1024, timeout: 60_000 });
  return stdout;
}

export interface PrivateCluster {
  /** Superuser URL of its `postgres` database. */
  url: string;
  /** pg_ctl stop -m fast, data kept: the database goes away. */
  pause(): Promise<void>;
  /** Starts it again on the same port with the same data. */
  resume(): Promise<void>;
  /** SIGSTOP the server and its backends: connections stay open, nothing answers. */
  freeze(): Promise<void>;
  /** SIGCONT: it answers again. */
  thaw(): Promise<void>;
  /** Stops it and deletes its data. */
  destroy(): Promise<void>;
}

export async function startPrivateCluster(prefix: string): Promise<PrivateCluster> {
  const name = `${prefix}-${process.pid}`;
  const cluster = async (cmd: string) => (await run('bash', [CLUSTER_SCRIPT, cmd, name], { timeout: 120_000 })).stdout.trim();
  const url = await cluster('start');
  return {
    url,
    pause: async () => void (await cluster('pause')),
    resume: async () => {
      const again = await cluster('start');
      if (again !== url) throw new Error(`cluster ${name} came back at ${again}, not ${url}`);
    },
    freeze: async () => void (await cluster('freeze')),
    thaw: async () => void (await cluster('thaw')),
    destroy: async () => {
      // A frozen cluster would not stop: let it run first.
      await cluster('thaw').catch(() => {});
      await cluster('stop');
    },
  };
}
