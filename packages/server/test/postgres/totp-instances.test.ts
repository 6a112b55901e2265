/**
 * TOTP across instances on PostgreSQL, with every instance's auth cache on:
 * the code step passed on A signs the session in on B at once; turning TOTP
 * off on A is seen by B at once (no `totp` in GET /user, no code asked, the
 * sessions that waited for a code ended); a code used on A is refused on B.
 * PostgreSQL only (skipped in the SQLite pass).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { addAccount, JSON_CT, signIn } from '../support/accounts.js';
import { freshDatabaseEnv, testDialect } from '../support/database.js';
import { http } from '../support/http.js';
import { secretOf, totpCode } from '../support/totp.js';

const ENV = { SEMAPHORE_TOTP_ENABLED: 'true', SEMAUTH_SECRET_KEY: randomBytes(32).toString('base64') };

describe.skipIf(testDialect() !== 'postgres')('TOTP on two instances (PostgreSQL)', () => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    const dbEnv = await freshDatabaseEnv('postgres');
    a = await startTestApp({ dbEnv, env: ENV });
    b = await startTestApp({ dbEnv, env: ENV });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  const call = (t: TestApp, method: string, path: string, cookie: string, body?: unknown) =>
    http(method, `${t.api}${path}`, { headers: { ...JSON_CT, cookie }, ...(body === undefined ? {} : { body }) });

  it('verify on A: the session works on B at once; a code used on A is refused on B; disable on A: B sees it at once', async () => {
    const user = await addAccount(a);
    const setup = await signIn(a, user);
    const { id, url } = (await call(a, 'POST', `/users/${user.id}/2fas/totp`, setup)).json();
    const secret = secretOf(url);
    expect((await call(a, 'POST', `/users/${user.id}/2fas/totp/${id}/confirm`, setup, { passcode: totpCode(secret, a.clock()) })).status).toBe(200);
    // B saw the user before and after: GET /user there shows TOTP on (its cache learnt of the change).
    expect((await call(b, 'GET', '/user', setup)).json().totp).toEqual({ id });

    a.clock.advance(30_000);
    b.clock.advance(30_000);
    const cookie = await signIn(b, user);
    // Warm B's cache with the waiting session.
    expect((await call(b, 'GET', '/user', cookie)).status).toBe(401);
    expect((await call(b, 'GET', '/user', cookie)).json().code).toBe('TOTP_REQUIRED');
    const passcode = totpCode(secret, a.clock());
    expect((await call(a, 'POST', '/auth/verify', cookie, { passcode })).status).toBe(204);
    expect((await call(b, 'GET', '/user', cookie)).status).toBe(200);

    const other = await signIn(b, user);
    expect((await call(b, 'POST', '/auth/verify', other, { passcode })).json().code).toBe('WRONG_PASSCODE');

    const waiting = await signIn(a, user);
    expect((await call(b, 'GET', '/user', waiting)).json().code).toBe('TOTP_REQUIRED');
    expect((await call(a, 'DELETE', `/users/${user.id}/2fas/totp/${id}`, cookie)).status).toBe(204);
    expect((await call(b, 'GET', '/user', cookie)).json()).not.toHaveProperty('totp');
    expect((await call(b, 'GET', '/user', waiting)).json().code).toBe('UNAUTHENTICATED');
    expect((await call(b, 'GET', '/user/tokens', await signIn(b, user))).status).toBe(200);
  });
});
