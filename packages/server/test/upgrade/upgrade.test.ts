/**
 * Upgrading: a database made by semauth 0.1.0 (its schema and rows, frozen as
 * SQL in v0.1.0/) is migrated by this release — whatever migrations it has
 * added — and every user, token and session works as before: live ones go on
 * working, dead ones stay dead, passwords of every kind still verify, new
 * users get fresh ids. @dialects sqlite postgres
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, fails, ok } from '../cli/run.js';
import { freshDatabaseEnv, testDialect } from '../support/database.js';
import { http } from '../support/http.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';

const FIXTURE = join(dirname(fileURLToPath(import.meta.url)), 'v0.1.0');

/** Builds the 0.1.0 database from the frozen SQL. */
async function loadFixture(dbEnv: Record<string, string>): Promise<void> {
  const dialect = testDialect();
  const sqlText = [
    readFileSync(join(FIXTURE, `schema-${dialect}.sql`), 'utf8'),
    readFileSync(join(FIXTURE, 'data.sql'), 'utf8').replaceAll('{NOW}', String(Date.now())),
  ].join('\n');
  if (dialect === 'sqlite') {
    const db = new SQLite(dbEnv.SEMAPHORE_DB_HOST!);
    try {
      db.pragma('journal_mode = WAL'); // as 0.1.0 left its files
      db.exec(sqlText);
    } finally {
      db.close();
    }
    return;
  }
  const client = new pg.Client({ connectionString: dbEnv.SEMAUTH_DB_URL });
  await client.connect();
  try {
    await client.query(sqlText);
  } finally {
    await client.end();
  }
}

const ALICE_COOKIE = 'semaphore=aliceSession0001.sessionsecretofalice0123456789ab';
const LEGACY_COOKIE = 'semaphore=legacySession001.sessionsecretoflegacy0123456789a';
const ALICE_TOKEN = 'alicetok_created-by-v0-1-0-for-the-upgrade0=';
const ADMIN_EXPIRED_TOKEN = 'admintok_expired-in-the-fixture000000000000=';
const ALICE_REVOKED_TOKEN = 'alicerev_revoked-in-the-fixture000000000000=';

describe('a database of semauth 0.1.0', () => {
  let env: Record<string, string>;
  let server: ServerProcess;
  let api: string;

  beforeAll(async () => {
    const dbEnv = await freshDatabaseEnv();
    await loadFixture(dbEnv);
    env = await cliEnv(dbEnv);
    // `semauth migrate` first, as an operator upgrading would; the server then finds nothing to do.
    const migrated = await ok(['migrate'], { env });
    expect(migrated.stdout).toMatch(/up to date/);
    server = await startServerProcess({ dbEnv });
    api = `${server.url}/api`;
  }, 120_000);
  afterAll(() => server?.stop());

  it('is ready: every migration of this release applied', async () => {
    expect((await http('GET', `${api}/ready`)).status).toBe(200);
  });

  it('keeps every user, with their flags', async () => {
    const users = JSON.parse((await ok(['user', 'list', '--json'], { env })).stdout) as Array<Record<string, unknown>>;
    expect(users.map((u) => [u.id, u.username, u.email, u.admin, u.external])).toEqual([
      [1, 'admin', 'admin@localhost', true, false],
      [2, 'alice', 'alice@example.com', false, false],
      [3, 'legacy', 'legacy@example.com', false, false],
      [4, 'ext', 'ext@example.com', false, true],
      [5, 'off', 'off@example.com', false, false],
    ]);
  });

  it("keeps sessions: alice's still works, the logged-out one stays refused", async () => {
    const me = await http('GET', `${api}/user`, { headers: { cookie: ALICE_COOKIE } });
    expect(me.status).toBe(200);
    expect(me.json()).toMatchObject({ id: 2, username: 'alice', name: 'Alice Example', alert: true });
    // Migration 0006: sessions from before TOTP wait for no code, and nobody has TOTP on.
    expect(me.json()).not.toHaveProperty('totp');
    expect((await http('GET', `${api}/user`, { headers: { cookie: LEGACY_COOKIE } })).status).toBe(401);
  });

  it('keeps tokens: the live one works and is listed, the expired and the revoked ones stay refused', async () => {
    const me = await http('GET', `${api}/user`, { headers: { authorization: `Bearer ${ALICE_TOKEN}` } });
    expect(me.status).toBe(200);
    expect(me.json().username).toBe('alice');
    const listed = await http('GET', `${api}/user/tokens?extended=true`, { headers: { authorization: ALICE_TOKEN } });
    expect(listed.json()).toEqual([expect.objectContaining({ id: 'alicetok', name: 'ci', expired: false, user_id: 2 })]);
    expect((await http('GET', `${api}/user`, { headers: { authorization: `Bearer ${ADMIN_EXPIRED_TOKEN}` } })).status).toBe(401);
    expect((await http('GET', `${api}/user`, { headers: { authorization: `Bearer ${ALICE_REVOKED_TOKEN}` } })).status).toBe(401);
  });

  it('keeps passwords: Argon2id of both strengths and $2y$ bcrypt log in; external and disabled users do not', async () => {
    const attempt = (auth: string, password: string) =>
      http('POST', `${api}/auth/login`, { headers: { 'content-type': 'application/json' }, body: { auth, password } });
    expect((await attempt('admin', 'admin-password-2025')).status).toBe(204);
    expect((await attempt('alice@example.com', 'alice-password-2025')).status).toBe(204);
    expect((await attempt('legacy', 'legacy-password-2025')).status).toBe(204);
    // Upgraded hashes (alice's and legacy's) verify again.
    expect((await attempt('alice', 'alice-password-2025')).status).toBe(204);
    expect((await attempt('legacy', 'legacy-password-2025')).status).toBe(204);
    expect((await attempt('ext', 'anything-at-all-1')).status).toBe(401);
    expect((await attempt('off', 'alice-password-2025')).status).toBe(401);
  });

  it('keeps the audit log, and gives new rows fresh ids', async () => {
    const added = await ok(['user', 'add', '--login', 'newbie', '--name', 'New', '--email', 'new@example.com', '--password', 'newbie-password-1'], { env });
    expect(added.code).toBe(0);
    const newbie = JSON.parse((await ok(['user', 'get', '--login', 'newbie', '--json'], { env })).stdout) as { id: number };
    expect(newbie.id).toBe(6);
    const audit = JSON.parse((await ok(['audit', '--json', '--user', 'alice'], { env })).stdout) as Array<{ event: string }>;
    expect(audit.map((e) => e.event)).toEqual(expect.arrayContaining(['login.succeeded', 'token.created']));
  });
});

describe('a database a later release has migrated', () => {
  it('is refused with one line that says so (rolling back needs the backup), by the CLI and the server', async () => {
    const dbEnv = await freshDatabaseEnv();
    const env = await cliEnv(dbEnv);
    await ok(['migrate'], { env });
    const stamp = "insert into kysely_migration (name, timestamp) values ('9999_from_the_future', '2099-01-01T00:00:00.000Z')";
    if (testDialect() === 'sqlite') {
      const db = new SQLite(dbEnv.SEMAPHORE_DB_HOST!);
      db.exec(stamp);
      db.close();
    } else {
      const client = new pg.Client({ connectionString: dbEnv.SEMAUTH_DB_URL });
      await client.connect();
      await client.query(stamp);
      await client.end();
    }
    for (const command of [['migrate'], ['server']]) {
      const line = await fails(command, { env: { ...env, SEMAPHORE_PORT: '0' } });
      expect(line).toMatch(/^semauth: the database was migrated by a later semauth release \(its migration 9999_from_the_future is unknown to this one\): .*restore a backup/);
    }
  }, 60_000);
});
