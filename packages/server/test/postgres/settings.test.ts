/**
 * A real `semauth server` connecting with Semaphore's separate settings
 * (SEMAPHORE_DB_HOST host:port, _USER, _PASS, SEMAPHORE_DB, _OPTIONS) rather
 * than the URL the other suites use, with its pool capped by
 * SEMAUTH_DB_POOL_SIZE. PostgreSQL only.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { testDialect } from '../support/database.js';
import { http, login } from '../support/http.js';
import { adminQuery } from '../support/pg-cluster.js';
import { adminUrl } from '../support/postgres.js';
import { startServerProcess } from '../support/server-process.js';

describe.skipIf(testDialect() !== 'postgres')('PostgreSQL settings', () => {
  it('connects with host:port, user, password, database and options; keeps to its pool size', async () => {
    const id = randomBytes(5).toString('hex');
    const [role, db, app] = [`semauth_role_${id}`, `semauth_db_${id}`, `semauth-${id}`];
    const password = `pa ss'${id}`;
    await adminQuery(`create role ${role} login password '${password.replace(/'/g, "''")}'`);
    await adminQuery(`create database ${db} owner ${role}`);
    // A schema of its own, named by a server option: proves options reach PostgreSQL.
    const admin = new URL(adminUrl());
    const dbAdminUrl = Object.assign(new URL(admin), { pathname: `/${db}` }).toString();
    await adminQuery(`create schema auth authorization ${role}`, [], dbAdminUrl);

    const server = await startServerProcess({
      dbEnv: {
        SEMAPHORE_DB_DIALECT: 'postgres',
        SEMAPHORE_DB_HOST: `${admin.hostname}:${admin.port}`,
        SEMAPHORE_DB_USER: role,
        SEMAPHORE_DB_PASS: password,
        SEMAPHORE_DB: db,
        SEMAPHORE_DB_OPTIONS: JSON.stringify({ sslmode: 'disable', application_name: app, search_path: 'auth' }),
        SEMAUTH_DB_POOL_SIZE: '2',
      },
    });
    try {
      const api = `${server.url}/api`;
      const cookie = await login(api, 'admin', server.adminPassword);
      const answers = await Promise.all(Array.from({ length: 40 }, () => http('GET', `${api}/user`, { headers: { cookie } })));
      expect(answers.map((r) => r.status)).toEqual(Array(40).fill(200));

      const tables = await adminQuery<{ table_schema: string }>(
        `select distinct table_schema from information_schema.tables where table_name = 'api_tokens'`,
        [],
        dbAdminUrl,
      );
      expect(tables.map((t) => t.table_schema)).toEqual(['auth']);

      // Idle pooled connections stay open for a while: count them.
      const conns = await adminQuery<{ n: number }>(
        `select count(*)::int as n from pg_stat_activity where datname = $1 and application_name = $2 and usename = $3`,
        [db, app, role],
      );
      expect(conns[0]!.n).toBeGreaterThanOrEqual(1);
      expect(conns[0]!.n).toBeLessThanOrEqual(2);
    } finally {
      await server.stop();
    }
    // SIGTERM closed the pool: no connection of it is left (a backend may take a moment to exit).
    const left = async () =>
      (await adminQuery<{ n: number }>(`select count(*)::int as n from pg_stat_activity where application_name = $1`, [app]))[0]!.n;
    await expect.poll(left, { timeout: 5000 }).toBe(0);
  }, 60_000);

  it('stops at start with a one-line error naming the problem when the database refuses the login', async () => {
    const admin = new URL(adminUrl());
    const e = await startServerProcess({
      dbEnv: {
        SEMAPHORE_DB_DIALECT: 'postgres',
        SEMAPHORE_DB_HOST: admin.hostname,
        SEMAPHORE_DB_PORT: admin.port,
        SEMAPHORE_DB_USER: 'postgres',
        SEMAPHORE_DB_PASS: 'wrong-password',
        SEMAPHORE_DB: 'postgres',
      },
    }).then(
      (s) => s.stop().then(() => new Error('started')),
      (err: Error) => err,
    );
    expect(e.message).toMatch(/password authentication failed/);
    expect(e.message).not.toMatch(/\n\s+at /);
  }, 60_000);
});
