/**
 * POST /users/{user_id}/password (SPEC §11): an administrator sets anyone's
 * password and ends all their sessions; a user changing their own needs the
 * current one — checked like a login, in the same throttle budget — and
 * keeps only the session they changed it from. API tokens stay.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, startTestApp, type TestApp } from '../support/app.js';
import { addAccount, JSON_CT, signIn, tokenOf, whoamiStatus } from '../support/accounts.js';
import { http, login, type HttpResponse } from '../support/http.js';

const MAX_FAILURES = 3;

let t: TestApp;
let admin: Record<string, string>;
let adminId: number;
beforeAll(async () => {
  t = await startTestApp({ env: { SEMAUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT_ADDRESS: String(MAX_FAILURES) } });
  admin = { cookie: await login(t.api, 'admin', ADMIN_PASSWORD) };
  adminId = (await http('GET', `${t.api}/user`, { headers: admin })).json().id;
});
afterAll(() => t.close());

const setPassword = (id: number | string, headers: Record<string, string>, body?: unknown, localAddress?: string) =>
  http('POST', `${t.api}/users/${id}/password`, { headers: { ...JSON_CT, ...headers }, ...(body !== undefined ? { body } : {}), ...(localAddress ? { localAddress } : {}) });
const signInStatus = async (login: string, password: string, localAddress?: string) =>
  (await http('POST', `${t.api}/auth/login`, { headers: JSON_CT, body: { auth: login, password }, ...(localAddress ? { localAddress } : {}) })).status;

function expectError(r: HttpResponse, status: number, code: string): void {
  expect(r.status, r.text).toBe(status);
  expect(r.headers['content-type']).toBe('application/json');
  expect(r.json()).toMatchObject({ error: expect.any(String), code });
}

async function lastAudit(userId: number, event: string) {
  return (await t.storage.audit.query({ userId })).find((e) => e.event === event);
}

describe("an administrator setting someone else's password", () => {
  it("needs no current password, ends all of the user's sessions, keeps their tokens (the seed client's call)", async () => {
    const a = await addAccount(t);
    const cookies = [await signIn(t, a), await signIn(t, a)];
    const token = await tokenOf(t, a);
    const adminToken = await tokenOf(t, { id: adminId, login: 'admin', email: '', password: ADMIN_PASSWORD });
    // users_user_id_password_post(user_id, UsersUserIdPasswordPostRequest(password=…)), token without a scheme.
    const r = await setPassword(`${a.id}`, { authorization: adminToken, 'user-agent': 'OpenAPI-Generator/1.0.0/python' }, JSON.stringify({ password: 'set-by-admin-1' }));
    expect(r.status).toBe(204);
    expect(r.text).toBe('');
    expect(r.headers['content-type']).toBe('application/json');
    for (const cookie of cookies) expect(await whoamiStatus(t, { cookie })).toBe(401);
    expect(await whoamiStatus(t, { authorization: token })).toBe(200);
    expect(await signInStatus(a.login, a.password)).toBe(401);
    expect(await signInStatus(a.login, 'set-by-admin-1')).toBe(204);
    // Three sessions: the two above and the one tokenOf signed in with.
    expect((await lastAudit(a.id, 'password.changed'))?.detail).toEqual({ by: 'admin', actor: adminId, sessions_revoked: 3 });
  });

  it('holds new passwords to the policy, and refuses external users (400)', async () => {
    const a = await addAccount(t);
    expectError(await setPassword(a.id, admin, { password: 'short' }), 400, 'INVALID_USER');
    expectError(await setPassword(a.id, admin, { password: 'x'.repeat(1025) }), 400, 'INVALID_USER');
    const x = await addAccount(t, { external: true });
    expectError(await setPassword(x.id, admin, { password: 'long-enough-password' }), 400, 'INVALID_USER');
    expect(await signInStatus(a.login, a.password)).toBe(204);
  });
});

describe('a user changing their own password', () => {
  it('needs the current one, keeps the session it was changed from and ends every other', async () => {
    const a = await addAccount(t);
    const mine = await signIn(t, a);
    const other = await signIn(t, a);
    const token = await tokenOf(t, a);
    const r = await setPassword(a.id, { cookie: mine }, { password: 'changed-by-me-1', current_password: a.password });
    expect(r.status).toBe(204);
    expect(await whoamiStatus(t, { cookie: mine })).toBe(200);
    expect(await whoamiStatus(t, { cookie: other })).toBe(401);
    expect(await whoamiStatus(t, { authorization: token })).toBe(200);
    expect(await signInStatus(a.login, 'changed-by-me-1')).toBe(204);
    expect((await lastAudit(a.id, 'password.changed'))?.detail).toEqual({ by: 'self', actor: a.id, sessions_revoked: 2 });
  });

  it('with an API token, ends every session (there is no current one)', async () => {
    const a = await addAccount(t);
    const token = await tokenOf(t, a);
    const cookie = await signIn(t, a);
    expect((await setPassword(a.id, { authorization: `Bearer ${token}` }, { password: 'changed-by-token', current_password: a.password })).status).toBe(204);
    expect(await whoamiStatus(t, { cookie })).toBe(401);
    expect(await whoamiStatus(t, { authorization: token })).toBe(200);
  });

  it('applies to administrators too, and works through PUT /users/{id} with the same rules', async () => {
    const boss = await addAccount(t, { admin: true });
    const cookie = await signIn(t, boss);
    expectError(await setPassword(boss.id, { cookie }, { password: 'boss-new-password' }), 400, 'CURRENT_PASSWORD_REQUIRED');
    expectError(await http('PUT', `${t.api}/users/${boss.id}`, { headers: { ...JSON_CT, cookie }, body: { name: 'Boss', password: 'boss-new-password' } }), 400, 'CURRENT_PASSWORD_REQUIRED');
    // Nothing of a refused request is written, the name neither.
    expect((await t.services.users.get({ id: boss.id })).name).toBe(`Name of ${boss.login}`);
    const put = await http('PUT', `${t.api}/users/${boss.id}`, { headers: { ...JSON_CT, cookie }, body: { name: 'Boss', password: 'boss-new-password', current_password: boss.password } });
    expect(put.status).toBe(204);
    expect(await whoamiStatus(t, { cookie })).toBe(200);
    expect(await signInStatus(boss.login, 'boss-new-password')).toBe(204);
  });

  it('refuses a wrong current password with 400 (not 401: the caller is still signed in), changing nothing, audited', async () => {
    const a = await addAccount(t);
    const cookie = await signIn(t, a);
    expectError(await setPassword(a.id, { cookie }, { password: 'never-applied-1', current_password: 'not-the-password' }), 400, 'WRONG_CURRENT_PASSWORD');
    expect(await whoamiStatus(t, { cookie })).toBe(200);
    expect(await signInStatus(a.login, a.password)).toBe(204);
    expect((await lastAudit(a.id, 'password.change_failed'))?.detail).toEqual({ actor: a.id, reason: 'wrong current password' });
  });

  it('is throttled like a login, in the same budget: a stolen session cannot guess the password faster', async () => {
    const a = await addAccount(t);
    const cookie = await signIn(t, a);
    for (let i = 0; i < MAX_FAILURES; i++) {
      expectError(await setPassword(a.id, { cookie }, { password: 'never-applied-1', current_password: `guess-${i}` }), 400, 'WRONG_CURRENT_PASSWORD');
    }
    const right = await setPassword(a.id, { cookie }, { password: 'never-applied-1', current_password: a.password });
    expectError(right, 429, 'TOO_MANY_ATTEMPTS');
    expect(Number(right.headers['retry-after'])).toBeGreaterThan(0);
    // The login form shares the budget…
    expect(await signInStatus(a.login, a.password)).toBe(429);
    // …per address: the owner elsewhere is not locked out.
    expect(await signInStatus(a.login, a.password, '127.0.0.2')).toBe(204);
    expect((await lastAudit(a.id, 'login.throttled'))?.detail).toEqual({ scope: 'account+address' });
  });

  it('spends no attempt on a request that fails anyway (a new password the policy refuses, an invalid field beside it)', async () => {
    const a = await addAccount(t);
    const cookie = await signIn(t, a);
    for (let i = 0; i < MAX_FAILURES + 2; i++) {
      expectError(await setPassword(a.id, { cookie }, { password: 'short', current_password: `guess-${i}` }), 400, 'INVALID_USER');
      const put = await http('PUT', `${t.api}/users/${a.id}`, { headers: { ...JSON_CT, cookie }, body: { email: 'not-an-email', password: 'long-enough-new-1', current_password: `guess-${i}` } });
      expectError(put, 400, 'INVALID_USER');
    }
    expect((await setPassword(a.id, { cookie }, { password: 'long-enough-new-1', current_password: a.password })).status).toBe(204);
  });
});

describe('who may, and bad input', () => {
  it("refuses a non-administrator setting someone else's password with 403", async () => {
    const a = await addAccount(t);
    const b = await addAccount(t);
    expectError(await setPassword(b.id, { cookie: await signIn(t, a) }, { password: 'hijacked-password', current_password: a.password }), 403, 'FORBIDDEN');
    expect(await signInStatus(b.login, b.password)).toBe(204);
  });

  it('answers 401 without credentials, 404 for an unknown id, 400 for a bad id or body', async () => {
    const a = await addAccount(t);
    expectError(await setPassword(a.id, {}, { password: 'whatever-password' }), 401, 'UNAUTHENTICATED');
    expectError(await setPassword(999999, admin, { password: 'whatever-password' }), 404, 'USER_NOT_FOUND');
    expectError(await setPassword('abc', admin, { password: 'whatever-password' }), 400, 'INVALID_USER_ID');
    expectError(await setPassword(a.id, admin), 400, 'INVALID_BODY');
    expectError(await setPassword(a.id, admin, {}), 400, 'INVALID_USER');
    expectError(await setPassword(a.id, admin, { password: 123456789012 }), 400, 'INVALID_USER');
    expectError(await setPassword(a.id, admin, { password: 'long-enough-password', current_password: 5 }), 400, 'INVALID_USER');
    expect(await signInStatus(a.login, a.password)).toBe(204);
  });
});
