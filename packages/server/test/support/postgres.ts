/**
 * Fresh databases on the throwaway PostgreSQL cluster started by
 * scripts/pg-test-cluster.sh (its admin URL in SEMAUTH_TEST_PG_URL).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export function adminUrl(): string {
  const url = process.env.SEMAUTH_TEST_PG_URL;
  if (!url) throw new Error('SEMAUTH_TEST_PG_URL is not set: start PostgreSQL with scripts/pg-test-cluster.sh (npm test does)');
  return url;
}

export async function freshPostgresDatabase(): Promise<string> {
  const name = `semauth_t_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    await client.query(`create database ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return url.toString();
}
