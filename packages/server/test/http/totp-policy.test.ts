/**
 * SEMAUTH_TOTP_REQUIRED (admins, all) and SEMAPHORE_TOTP_ENABLED off: who
 * is held to setting TOTP up, what they may still do, and what a server
 * with TOTP off does with enrolments left from when it was on.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecondFactorPolicy } from '../../src/services/second-factor.js';
import type { UserRecord } from '../../src/storage/types.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { addAccount, JSON_CT, signIn, type Account } from '../support/accounts.js';
import { freshDatabaseEnv } from '../support/database.js';
import { http, type HttpResponse } from '../support/http.js';
import { secretOf, totpCode } from '../support/totp.js';

const KEY = randomBytes(32).toString('base64');
const ON = { SEMAPHORE_TOTP_ENABLED: 'true', SEMAUTH_SECRET_KEY: KEY };

const call = (t: TestApp, method: string, path: string, headers: Record<string, string>, body?: unknown) =>
  http(method, `${t.api}${path}`, { headers: { ...JSON_CT, ...headers }, ...(body === undefined ? {} : { body }) });

function expectError(r: HttpResponse, status: number, code: string): void {
  expect(r.status, r.text).toBe(status);
  expect(r.json()).toMatchObject({ error: expect.any(String), code });
}

async function enrol(t: TestApp, a: Account, cookie: string): Promise<{ id: number; secret: string }> {
  const { id, url } = (await call(t, 'POST', `/users/${a.id}/2fas/totp`, { cookie })).json();
  const secret = secretOf(url);
  const r = await call(t, 'POST', `/users/${a.id}/2fas/totp/${id}/confirm`, { cookie }, { passcode: totpCode(secret, t.clock()) });
  expect(r.status, r.text).toBe(200);
  t.clock.advance(30_000);
  return { id, secret };
}

describe('SEMAUTH_TOTP_REQUIRED=admins', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { ...ON, SEMAUTH_TOTP_REQUIRED: 'admins' } });
  });
  afterAll(() => t?.close());

  it('an administrator without TOTP may only set it up, read GET /user and sign out; with it on, everything', async () => {
    const admin = await addAccount(t, { admin: true });
    const cookie = await signIn(t, admin);
    expect((await call(t, 'GET', '/user', { cookie })).status).toBe(200);
    for (const [method, path] of [['GET', '/user/tokens'], ['POST', '/user/tokens'], ['GET', '/users'], ['GET', '/user/sessions']] as const) {
      expectError(await call(t, method, path, { cookie }), 403, 'TOTP_ENROLMENT_REQUIRED');
    }
    const { secret } = await enrol(t, admin, cookie);
    // The session that set it up goes on, fully signed in.
    expect((await call(t, 'GET', '/user/tokens', { cookie })).status).toBe(200);
    // A new sign-in asks for the code, then gets everywhere.
    const next = await signIn(t, admin);
    expectError(await call(t, 'GET', '/user/tokens', { cookie: next }), 401, 'TOTP_REQUIRED');
    expect((await call(t, 'POST', '/auth/verify', { cookie: next }, { passcode: totpCode(secret, t.clock()) })).status).toBe(204);
    expect((await call(t, 'GET', '/users', { cookie: next })).status).toBe(200);
  });

  it('users who are not administrators are not held; API tokens never are', async () => {
    const user = await addAccount(t);
    expect((await call(t, 'GET', '/user/tokens', { cookie: await signIn(t, user) })).status).toBe(200);
    const admin = await addAccount(t, { admin: true });
    const u = await t.services.users.get(admin.login);
    const { secret: token } = await t.services.tokens.create(u, { name: 'ci' }, { address: 'test', userAgent: null });
    expect((await call(t, 'GET', '/user/tokens', { authorization: `Bearer ${token}` })).status).toBe(200);
  });

  it('turning it off puts an administrator back to setting it up', async () => {
    const admin = await addAccount(t, { admin: true });
    const cookie = await signIn(t, admin);
    const { id } = await enrol(t, admin, cookie);
    expect((await call(t, 'DELETE', `/users/${admin.id}/2fas/totp/${id}`, { cookie })).status).toBe(204);
    expectError(await call(t, 'GET', '/user/tokens', { cookie }), 403, 'TOTP_ENROLMENT_REQUIRED');
  });
});

describe('SEMAUTH_TOTP_REQUIRED=all', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { ...ON, SEMAUTH_TOTP_REQUIRED: 'all' } });
  });
  afterAll(() => t?.close());

  it('holds every user without TOTP to setting it up', async () => {
    const user = await addAccount(t);
    const cookie = await signIn(t, user);
    expectError(await call(t, 'GET', '/user/tokens', { cookie }), 403, 'TOTP_ENROLMENT_REQUIRED');
    await enrol(t, user, cookie);
    expect((await call(t, 'GET', '/user/tokens', { cookie })).status).toBe(200);
  });
});

describe('the policy itself (services/second-factor.ts)', () => {
  const user = (over: Partial<UserRecord>): UserRecord => ({
    id: 1, username: 'u', name: 'U', email: 'u@example.org', passwordHash: null, admin: false, external: false, alert: false, disabled: false, createdAt: 0, totpId: null,
    ...over,
  });

  it('an OIDC session (the provider vouches for a second factor) is never held back', () => {
    const policy = new SecondFactorPolicy({ totpEnabled: true, required: 'all' });
    const u = user({});
    expect(policy.initialState(u, true)).toBe('provider');
    expect(policy.access(u, 'provider')).toBe('full');
    expect(policy.access(u, 'none')).toBe('enrolment-required');
    // A user with TOTP signs in with OIDC: no code step either.
    expect(policy.initialState(user({ totpId: 3 }), true)).toBe('provider');
  });

  it('with TOTP off, no sign-in waits for a code, whatever enrolment remains', () => {
    expect(new SecondFactorPolicy({ totpEnabled: false, required: 'off' }).initialState(user({ totpId: 3 }), false)).toBe('none');
    expect(new SecondFactorPolicy({ totpEnabled: true, required: 'off' }).initialState(user({ totpId: 3 }), false)).toBe('pending');
  });
});

describe('a server with TOTP off', () => {
  it('serves none of the TOTP routes, says so in GET /auth/login, and asks no code of users enrolled while it was on', async () => {
    const dbEnv = await freshDatabaseEnv();
    const on = await startTestApp({ dbEnv, env: ON });
    let a: Account;
    try {
      a = await addAccount(on);
      await enrol(on, a, await signIn(on, a));
    } finally {
      await on.close();
    }
    const off = await startTestApp({ dbEnv });
    try {
      expect((await http('GET', `${off.api}/auth/login`)).json().auth_methods).toEqual({ totp: { enabled: false, allow_recovery: false } });
      const cookie = await signIn(off, a);
      expect((await call(off, 'GET', '/user/tokens', { cookie })).status).toBe(200);
      expectError(await call(off, 'POST', '/auth/verify', { cookie }, { passcode: '123456' }), 404, 'ROUTE_NOT_FOUND');
      expectError(await call(off, 'POST', `/users/${a.id}/2fas/totp`, { cookie }), 404, 'ROUTE_NOT_FOUND');
    } finally {
      await off.close();
    }
  });
});
