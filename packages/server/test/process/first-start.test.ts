/**
 * The README's newcomer path, with the real process: an empty database and
 * no SEMAUTH_ADMIN_PASSWORD. The server makes up the first admin's password
 * and shows it once, on the console (stderr) — never in the JSON log lines
 * (stdout), which are the ones shipped to log stores. The password works;
 * a second start of the same database shows nothing and changes nothing.
 *
 * @dialects sqlite postgres
 */
import { describe, expect, it } from 'vitest';
import { freshDatabaseEnv } from '../support/database.js';
import { http, login } from '../support/http.js';
import { startServerProcess } from '../support/server-process.js';

const ANNOUNCEMENT = /semauth: created user "admin" with password: (\S+)\n/g;

/** The forms a secret could be written in: as is, JSON-escaped, percent-encoded, base64. */
function forms(secret: string): string[] {
  return [secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret), Buffer.from(secret).toString('base64').replace(/=+$/, '')];
}

/** Every stdout line must be a JSON log line. */
function logLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      try {
        return JSON.parse(l) as Record<string, unknown>;
      } catch {
        throw new Error(`stdout line is not JSON: ${l}`);
      }
    });
}

describe('first start without SEMAUTH_ADMIN_PASSWORD', () => {
  it('prints a random admin password once on the console, never in the log, and it works; a second start prints nothing', async () => {
    const dbEnv = await freshDatabaseEnv();
    // The default log level (info), so that every line the server would log is there to be searched.
    const env = { SEMAUTH_LOG_LEVEL: 'info' };
    const first = await startServerProcess({ dbEnv, env, adminPassword: null });
    let password: string;
    try {
      const announced = [...first.stderr().matchAll(ANNOUNCEMENT)].map((m) => m[1]!);
      expect(announced, first.stderr()).toHaveLength(1);
      password = announced[0]!;
      // 18 random bytes, base64url: not a fixed or guessable default.
      expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);

      const cookie = await login(`${first.url}/api`, 'admin', password);
      const me = await http('GET', `${first.url}/api/user`, { headers: { cookie } });
      expect(me.json()).toMatchObject({ username: 'admin', admin: true });
      expect((await http('POST', `${first.url}/api/auth/login`, { body: { auth: 'admin', password: 'admin-password-1' } })).status).toBe(401);
    } finally {
      await first.stop();
    }
    const lines = logLines(first.stdout());
    expect(lines.some((l) => l.msg === 'semauth listening')).toBe(true);
    expect(lines.some((l) => l.msg === 'request')).toBe(true);
    for (const form of forms(password)) {
      expect(first.stdout().includes(form), `the password (as ${form}) is in the log lines`).toBe(false);
    }
    // Once: nothing else on stderr carries it.
    expect(first.stderr().split(password).length - 1).toBe(1);

    const second = await startServerProcess({ dbEnv, env, adminPassword: null });
    try {
      expect((await login(`${second.url}/api`, 'admin', password)).startsWith('semaphore=')).toBe(true);
    } finally {
      await second.stop();
    }
    expect(second.stderr()).not.toMatch(/created user|password/i);
    expect(second.output()).not.toContain(password);
    logLines(second.stdout());
  }, 60_000);
});
