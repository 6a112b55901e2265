/**
 * Secrets at rest: after a scripted session against a real server process
 * logging at `trace`, no password, session secret or API token secret is in
 * the database — on SQLite its files (main file, WAL and shared memory), on
 * PostgreSQL every row of every table as `pg_dump` writes them, read both
 * while the server runs and after it stopped — in anything the process
 * printed, or in the audit log as `semauth audit --json` shows it.
 *
 * @dialects sqlite postgres
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { semauth } from '../cli/run.js';
import { freshDatabaseEnv, testDialect } from '../support/database.js';
import { http, login } from '../support/http.js';
import { pgDump } from '../support/pg-cluster.js';
import { startServerProcess } from '../support/server-process.js';

function dbFiles(path: string): string {
  return [path, `${path}-wal`, `${path}-shm`]
    .filter(existsSync)
    .map((f) => readFileSync(f).toString('latin1'))
    .join('\n');
}

/** What the database holds: the SQLite files' bytes, or a dump of every PostgreSQL row. */
async function databaseContents(env: Record<string, string>): Promise<string> {
  return testDialect() === 'sqlite' ? dbFiles(env.SEMAPHORE_DB_HOST!) : pgDump(env.SEMAUTH_DB_URL!);
}

/** The forms a secret could be written in: as is, JSON-escaped, percent-encoded, base64. */
function forms(secret: string): string[] {
  return [secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret), Buffer.from(secret).toString('base64').replace(/=+$/, '')];
}

describe('secrets', () => {
  it.each(['json', 'pretty'] as const)('appear in neither the database (its files, or its rows), nor the trace-level logs (%s), nor the audit log', async (format) => {
    const dbEnv = await freshDatabaseEnv();
    const adminPassword = 'Admin-Secret-Pw-7f3a';
    const s = await startServerProcess({ dbEnv, env: { SEMAUTH_LOG_LEVEL: 'trace', SEMAUTH_LOG_FORMAT: format, SEMAUTH_ADMIN_PASSWORD: adminPassword } });
    const api = `${s.url}/api`;
    const secrets: Record<string, string> = { adminPassword };
    try {
      // A second user, created with the password on standard input (never on a command line).
      const userPassword = 'Dora-Secret-Pw-91c2';
      const add = await semauth(['user', 'add', '--login', 'dora', '--name', 'Dora', '--email', 'dora@example.com', '--password-stdin'], {
        env: { ...s.env, SEMAUTH_LOG_LEVEL: 'trace' },
        stdin: `${userPassword}\n`,
      });
      expect(add.code, add.stderr).toBe(0);
      secrets.userPassword = userPassword;
      secrets.wrongPassword = 'Dora-Wrong-Guess-55e1';
      expect((await http('POST', `${api}/auth/login`, { body: { auth: 'dora', password: secrets.wrongPassword } })).status).toBe(401);

      const cookie = await login(api, 'dora', userPassword);
      const cookieValue = cookie.slice('semaphore='.length);
      secrets.cookieValue = cookieValue;
      secrets.cookieSecret = cookieValue.split('.')[1]!;
      const adminCookie = await login(api, 'admin', adminPassword, { 'content-type': 'application/x-www-form-urlencoded' });
      secrets.adminCookieSecret = adminCookie.split('.')[1]!;

      const created = await http('POST', `${api}/user/tokens`, { headers: { cookie }, body: { name: 'ci' } });
      expect(created.status).toBe(201);
      const token = created.json().id as string;
      const byBearer = await http('POST', `${api}/user/tokens?extended=true`, { headers: { authorization: `Bearer ${token}` } });
      const token2 = byBearer.json().id as string;
      const bare = await http('POST', `${api}/user/tokens`, { headers: { authorization: token2 }, body: '' });
      const token3 = bare.json().id as string;
      // A token's secret is everything after its 8-character listed id (which is stored on purpose).
      for (const [k, v] of [['token', token], ['token2', token2], ['token3', token3]] as const) secrets[k] = v.slice(8, 43);

      expect((await http('GET', `${api}/user/tokens`, { headers: { authorization: `bearer ${token}` } })).json()).toHaveLength(3);
      expect((await http('GET', `${api}/user`, { headers: { authorization: token2.toUpperCase() } })).status).toBe(200);
      expect((await http('DELETE', `${api}/user/tokens/${encodeURIComponent(token)}`, { headers: { cookie } })).status).toBe(204);
      expect((await http('DELETE', `${api}/user/tokens/${token2}`, { headers: { authorization: token3 } })).status).toBe(204);
      expect((await http('DELETE', `${api}/user/tokens/${token3.slice(0, 8)}`, { headers: { authorization: `Bearer ${token3}` } })).status).toBe(204);
      // Paths the router forgives (doubled slashes) or does not know (typos) carry tokens too.
      const t4 = (await http('POST', `${api}/user/tokens`, { headers: { cookie } })).json().id as string;
      const t5 = (await http('POST', `${api}/user/tokens`, { headers: { cookie } })).json().id as string;
      secrets.token4 = t4.slice(8, 43);
      secrets.token5 = t5.slice(8, 43);
      expect((await http('DELETE', `${api}/user//tokens/${encodeURIComponent(t4)}`, { headers: { cookie } })).status).toBe(204);
      expect((await http('DELETE', `${api}/user/tokens//${t5}`, { headers: { cookie } })).status).toBe(204);
      expect((await http('DELETE', `${api}/users/tokens/${t5}?again=1`, { headers: { cookie } })).status).toBe(404);
      expect((await http('GET', `${api}/user?token=${t5}`, { headers: { cookie } })).status).toBe(200);
      expect((await http('GET', `${api}/user`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
      expect((await http('POST', `${api}/auth/logout`, { headers: { cookie } })).status).toBe(204);
      expect((await http('POST', `${api}/auth/logout`, { headers: { cookie: adminCookie } })).status).toBe(204);

      const check = (where: string, text: string) => {
        expect(text.length, `${where} is empty: nothing was checked`).toBeGreaterThan(0);
        for (const [name, secret] of Object.entries(secrets)) {
          for (const form of forms(secret)) expect(text.includes(form), `${name} found in ${where}`).toBe(false);
        }
      };
      const live = await databaseContents(s.env);
      expect(live).toContain('dora@example.com'); // the data is there to be searched
      expect(live).toContain('login.failed');
      check('the database of the running server', live);
      const audit = await semauth(['audit', '--json'], { env: s.env });
      expect(audit.code, audit.stderr).toBe(0);
      const events = (JSON.parse(audit.stdout) as { event: string }[]).map((e) => e.event);
      expect(events).toEqual(expect.arrayContaining(['login.failed', 'login.succeeded', 'token.created', 'token.revoked', 'logout', 'user.created']));
      check('the audit log', audit.stdout + audit.stderr);
      check('the output of the CLI', add.stdout + add.stderr);
    } finally {
      await s.stop();
    }
    const logs = s.output();
    // One line per request was written (the most detailed logging semauth does, even at trace).
    if (format === 'json') {
      expect(logs.match(/"msg":"request"/g)?.length ?? 0).toBeGreaterThanOrEqual(12);
      expect(logs).toMatch(/"url":"\/api\/user\/tokens\/\[redacted\]"/);
    } else {
      expect(logs.match(/^\S+ INFO {2}(GET|POST|DELETE) \/api\S* \d{3} /gm)?.length ?? 0).toBeGreaterThanOrEqual(12);
      expect(logs).toMatch(/ DELETE \/api\/user\/tokens\/\[redacted\] 204 /);
    }
    for (const [name, secret] of Object.entries(secrets)) {
      for (const form of forms(secret)) expect(logs.includes(form), `${name} found in the server output`).toBe(false);
    }
    const after = await databaseContents(s.env);
    expect(after).toContain('dora@example.com');
    for (const [name, secret] of Object.entries(secrets)) {
      for (const form of forms(secret)) expect(after.includes(form), `${name} found in the database after stop`).toBe(false);
    }
  });
});
