/**
 * The audit log: every security event, with who/where/what and never a
 * secret; old entries pruned by retention — at start and periodically while
 * the server runs, not only when it restarts.
 */
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_CONTEXT } from '../../src/services/context.js';
import { Maintenance } from '../../src/services/maintenance.js';
import { ADMIN_PASSWORD, startTestApp, type TestApp } from '../support/app.js';
import { testDialect } from '../support/database.js';
import { createToken, http, login } from '../support/http.js';
import { startServerProcess } from '../support/server-process.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ env: { SEMAUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT_ADDRESS: '3' } });
});
afterAll(() => t.close());

describe('events', () => {
  it('records every security event with login, address, user agent and no secret', async () => {
    const ua = { 'user-agent': 'audit-test/1.0' };
    const pw = 'carol-password-1';
    const carol = await t.services.users.add({ login: 'carol', name: 'Carol', email: 'carol@example.com', password: pw }, CLI_CONTEXT);
    const failed = await http('POST', `${t.api}/auth/login`, { headers: ua, body: { auth: 'Carol', password: 'carol-wrong-guess' } });
    expect(failed.status).toBe(401);
    await http('POST', `${t.api}/auth/login`, { headers: ua, body: { auth: 'no-such-user', password: 'guess-1' } });
    const cookie = await login(t.api, 'carol', pw, ua);
    const token = await createToken(t.api, { cookie, ...ua });
    expect((await http('DELETE', `${t.api}/user/tokens/${encodeURIComponent(token)}`, { headers: { cookie, ...ua } })).status).toBe(204);
    expect((await http('POST', `${t.api}/auth/logout`, { headers: { cookie, ...ua } })).status).toBe(204);
    for (let i = 0; i < 3; i++) await http('POST', `${t.api}/auth/login`, { headers: ua, body: { auth: 'carol', password: `carol-wrong-${i}` } });
    await t.services.users.change('carol', { password: 'carol-password-2' }, CLI_CONTEXT);
    await t.services.users.delete('carol', CLI_CONTEXT);

    const entries = (await t.storage.audit.query({ userId: carol.id, login: 'carol' })).reverse();
    const events = entries.map((e) => e.event);
    expect(events).toEqual([
      'user.created',
      'login.failed',
      'login.succeeded',
      'token.created',
      'token.revoked',
      'logout',
      'login.failed',
      'login.failed',
      'login.failed',
      'login.throttled',
      'password.changed',
      'user.deleted',
    ]);
    const http1 = entries.filter((e) => e.address !== 'cli');
    for (const e of http1) {
      expect(e.address).toBe('127.0.0.1');
      expect(e.userAgent).toBe('audit-test/1.0');
      expect(e.at).toBeGreaterThan(0);
    }
    expect(entries.find((e) => e.event === 'login.failed')).toMatchObject({ login: 'Carol', userId: carol.id }); // the name as typed
    expect(entries.find((e) => e.event === 'token.created')?.detail).toEqual({ token_id: token.slice(0, 8) });
    expect(entries.find((e) => e.event === 'login.throttled')?.detail).toEqual({ scope: 'account+address' });
    // Attempts at logins that do not exist are kept too, by name.
    expect((await t.storage.audit.query({ login: 'no-such-user' })).map((e) => e.event)).toEqual(['login.failed']);

    const all = JSON.stringify(await t.storage.audit.query({}));
    for (const secret of [pw, 'carol-password-2', 'carol-wrong-guess', 'guess-1', token, token.slice(8), cookie.split('=')[1]!, cookie.split('.')[1]!]) {
      expect(all.includes(secret), `audit log holds ${secret}`).toBe(false);
    }
  });
});

describe('retention', () => {
  it('maintenance prunes audit entries past retention, ended throttle windows, dead sessions and abandoned OIDC sign-ins — in batches, idempotently', async () => {
    const m = await startTestApp({ env: { SEMAUTH_AUDIT_RETENTION_DAYS: '7' } });
    try {
      const day = 86_400_000;
      const now = m.clock();
      const old = Array.from({ length: 130 }, (_, i) => ({ at: now - 8 * day - i, event: 'login.failed', userId: null, login: `old${i}`, address: 'x', userAgent: null, detail: null }));
      for (const e of old) await m.storage.audit.append(e);
      await m.storage.audit.append({ at: now - 6 * day, event: 'login.failed', userId: null, login: 'recent', address: 'x', userAgent: null, detail: null });
      await http('POST', `${m.api}/auth/login`, { body: { auth: 'admin', password: 'wrong-password' } });
      const cookie = await login(m.api, 'admin', ADMIN_PASSWORD);
      await http('POST', `${m.api}/auth/logout`, { headers: { cookie } });
      // An OIDC sign-in that never came back, and one still within its 10 minutes.
      const state = { provider: 'kc', redirectUri: 'https://s.example/api/auth/oidc/kc/redirect', returnTo: null, createdAt: now - 700_000 };
      await m.storage.oidcStates.create({ ...state, id: 'a'.repeat(64), expiresAt: now - 100_000 });
      await m.storage.oidcStates.create({ ...state, id: 'b'.repeat(64), expiresAt: now + 100_000 });

      // Batches of 50: three statements for 130 rows.
      const maintenance = new Maintenance(m.storage, m.services.audit, m.services.throttle, 7, m.clock, 50);
      const writes = m.storage.stats.writes;
      const first = await maintenance.runOnce();
      // The account's counter the successful login cleared goes; the address's window still runs.
      expect(first).toEqual({ audit: 130, throttle: 1, sessions: 0, oidcStates: 1 });
      expect(m.storage.stats.writes - writes).toBe(3 + 3);
      expect(await m.storage.oidcStates.consume('b'.repeat(64))).toBeDefined();
      expect((await m.storage.audit.query({ login: 'recent' })).length).toBe(1);

      m.clock.advance(m.config.loginThrottleWindowSeconds * 1000 + 1);
      // The address counter of the failed login; the logged-out session.
      expect(await maintenance.runOnce()).toEqual({ audit: 0, throttle: 1, sessions: 1, oidcStates: 0 });
      expect(await m.services.maintenance.runOnce()).toEqual({ audit: 0, throttle: 0, sessions: 0, oidcStates: 0 });
      await login(m.api, 'admin', ADMIN_PASSWORD);
    } finally {
      await m.close();
    }
  });

  it.runIf(testDialect() === 'sqlite')('a running server prunes periodically, not only at start', async () => {
    const s = await startServerProcess({ env: { SEMAUTH_AUDIT_RETENTION_DAYS: '1', SEMAUTH_MAINTENANCE_INTERVAL_SECONDS: '1' } });
    try {
      const db = new Database(s.dbPath);
      try {
        db.pragma('busy_timeout = 5000');
        const insert = db.prepare('insert into audit_log (at, event, login) values (?, ?, ?)');
        const now = Date.now();
        insert.run(now - 2 * 86_400_000, 'login.failed', 'stale-entry');
        insert.run(now - 3600_000, 'login.failed', 'fresh-entry');
        const count = (login: string) => (db.prepare('select count(*) as n from audit_log where login = ?').get(login) as { n: number }).n;
        expect(count('stale-entry')).toBe(1);
        const deadline = Date.now() + 10_000;
        while (count('stale-entry') > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
        expect(count('stale-entry')).toBe(0);
        expect(count('fresh-entry')).toBe(1);
      } finally {
        db.close();
      }
      expect((await http('GET', `${s.url}/api/ping`)).text).toBe('pong');
    } finally {
      await s.stop();
    }
  });
});
