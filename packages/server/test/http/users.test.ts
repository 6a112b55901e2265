/**
 * The users administration API (SPEC §11): GET/POST /users and
 * GET/PUT/DELETE /users/{user_id} — who sees what, who may change what,
 * bad input, and that a failed request writes nothing. Password changes:
 * user-password.test.ts; sessions: user-sessions.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, startTestApp, type TestApp } from '../support/app.js';
import { addAccount, JSON_CT, signIn, tokenOf, whoamiStatus, type Account } from '../support/accounts.js';
import { http, login, type HttpResponse } from '../support/http.js';

const RFC3339_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const USER_KEYS = ['admin', 'alert', 'can_create_project', 'created', 'email', 'external', 'id', 'name', 'username'];

let t: TestApp;
let admin: Record<string, string>;
let adminId: number;
beforeAll(async () => {
  t = await startTestApp();
  admin = { cookie: await login(t.api, 'admin', ADMIN_PASSWORD) };
  adminId = (await http('GET', `${t.api}/user`, { headers: admin })).json().id;
});
afterAll(() => t.close());

const call = (method: string, path: string, headers: Record<string, string>, body?: unknown) =>
  http(method, `${t.api}${path}`, { headers: { ...JSON_CT, ...headers }, ...(body !== undefined ? { body } : {}) });

function expectError(r: HttpResponse, status: number, code: string): void {
  expect(r.status, r.text).toBe(status);
  expect(r.headers['content-type']).toBe('application/json');
  expect(r.json()).toMatchObject({ error: expect.any(String), code });
}

async function userCount(): Promise<number> {
  return (await t.services.users.list()).length;
}

async function auditOf(userId: number, event: string) {
  return (await t.storage.audit.query({ userId })).filter((e) => e.event === event);
}

describe('GET /users', () => {
  it('shows administrators every field of every user, by id', async () => {
    const a = await addAccount(t);
    const r = await call('GET', '/users/', admin);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/json');
    const users: Array<Record<string, unknown>> = r.json();
    expect(users.map((u) => u.id)).toEqual([...users.map((u) => u.id as number)].sort((x, y) => x - y));
    const listed = users.find((u) => u.id === a.id)!;
    expect(Object.keys(listed).sort()).toEqual([...USER_KEYS, 'disabled'].sort());
    expect(listed).toMatchObject({ username: a.login, email: a.email, admin: false, external: false, disabled: false });
    expect(listed.created).toMatch(RFC3339_Z);
    expect(r.text).not.toMatch(/argon2|password/i);
  });

  it('shows everyone else only {id, username, name} of each user', async () => {
    const a = await addAccount(t);
    const r = await call('GET', '/users', { cookie: await signIn(t, a) });
    expect(r.status).toBe(200);
    const users: Array<Record<string, unknown>> = r.json();
    expect(users.length).toBe(await userCount());
    for (const u of users) expect(Object.keys(u).sort()).toEqual(['id', 'name', 'username']);
    expect(users).toContainEqual({ id: adminId, username: 'admin', name: 'Administrator' });
  });

  it('is 401 without credentials', async () => {
    expectError(await call('GET', '/users', {}), 401, 'UNAUTHENTICATED');
  });
});

describe('GET /users/{user_id}', () => {
  it('gives a user their own profile, the same JSON as GET /user (trailing slash or not)', async () => {
    const a = await addAccount(t);
    const headers = { authorization: await tokenOf(t, a) };
    const me = (await call('GET', '/user', headers)).json();
    for (const path of [`/users/${a.id}`, `/users/${a.id}/`]) {
      const r = await call('GET', path, headers);
      expect(r.status).toBe(200);
      expect(r.json()).toEqual(me);
    }
  });

  it('gives an administrator anyone, with `disabled`', async () => {
    const a = await addAccount(t);
    const r = await call('GET', `/users/${a.id}/`, admin);
    expect(r.status).toBe(200);
    expect(r.json()).toMatchObject({ id: a.id, username: a.login, disabled: false });
  });

  it("refuses someone else's profile to a non-administrator with 403, not 401", async () => {
    const a = await addAccount(t);
    expectError(await call('GET', `/users/${adminId}`, { cookie: await signIn(t, a) }), 403, 'FORBIDDEN');
  });

  it('answers 404 for an unknown id, 400 for one that is not a user id, and 401 before either without credentials', async () => {
    expectError(await call('GET', '/users/999999', admin), 404, 'USER_NOT_FOUND');
    for (const bad of ['abc', '0', '-1', '1.5', '1e3', '2147483648', '99999999999999999999999', '%20', 'x'.repeat(5000)]) {
      expectError(await call('GET', `/users/${bad}`, admin), 400, 'INVALID_USER_ID');
    }
    expect((await call('GET', '/users/007', admin)).status).toBe(404);
    expectError(await call('GET', '/users/abc', {}), 401, 'UNAUTHENTICATED');
  });
});

describe('POST /users', () => {
  it('lets an administrator create a user, answered 201 with the user; the user can sign in', async () => {
    const body = { name: 'Integration Test User', username: 'test-user', email: 'test@ansiblesemaphore.test', alert: true, admin: true, password: 'test-user-password' };
    const r = await call('POST', '/users', admin, body);
    expect(r.status).toBe(201);
    expect(r.headers['content-type']).toBe('application/json');
    const created = r.json();
    expect(created).toMatchObject({ username: 'test-user', name: 'Integration Test User', email: 'test@ansiblesemaphore.test', alert: true, admin: true, external: false, disabled: false });
    expect(created.id).toBeGreaterThan(1);
    expect(created.created).toMatch(RFC3339_Z);
    expect(r.text).not.toContain('test-user-password');
    const cookie = await login(t.api, 'TEST-USER', 'test-user-password');
    expect((await call('GET', '/user', { cookie })).json()).toMatchObject({ id: created.id, admin: true });
    const [entry] = await auditOf(created.id, 'user.created');
    expect(entry?.detail).toEqual({ admin: true, actor: adminId });
  });

  it("creates a local user without a password (Semaphore's example does): nobody can sign in as them until one is set", async () => {
    const r = await call('POST', '/users', admin, { name: 'No Password', username: 'nopass', email: 'nopass@example.org' });
    expect(r.status).toBe(201);
    const id = r.json().id;
    for (const password of ['', 'anything-at-all', ' ']) {
      expect((await call('POST', '/auth/login', {}, { auth: 'nopass', password })).status).not.toBe(204);
    }
    expect((await call('POST', `/users/${id}/password`, admin, { password: 'nopass-password-1' })).status).toBe(204);
    await login(t.api, 'nopass', 'nopass-password-1');
  });

  it('creates external users without a password, and refuses one with a password', async () => {
    const r = await call('POST', '/users', admin, { name: 'Ext', username: 'ext-made', email: 'ext-made@example.org', external: true });
    expect(r.status).toBe(201);
    expect(r.json()).toMatchObject({ external: true });
    expectError(await call('POST', '/users', admin, { name: 'Ext2', username: 'ext2', email: 'ext2@example.org', external: true, password: 'ext2-password-1' }), 400, 'INVALID_USER');
  });

  it('refuses a non-administrator with 403 and creates nothing', async () => {
    const a = await addAccount(t);
    const before = await userCount();
    const r = await call('POST', '/users', { authorization: `Bearer ${await tokenOf(t, a)}` }, { name: 'X', username: 'sneaky', email: 'sneaky@example.org', password: 'sneaky-password-1', admin: true });
    expectError(r, 403, 'FORBIDDEN');
    expect(await userCount()).toBe(before);
    expect(await t.services.users.find('sneaky')).toBeUndefined();
  });

  it('refuses a taken username or e-mail (regardless of case and Unicode form, logins against e-mails too) with 409, creating nothing', async () => {
    const a = await addAccount(t);
    await call('POST', '/users', admin, { name: 'Ünal', username: 'Ünal', email: 'unal@example.org', password: 'unal-password-1' });
    const before = await userCount();
    const clashes = [
      { username: a.login.toUpperCase(), email: 'fresh1@example.org' },
      { username: 'fresh2', email: a.email.toUpperCase() },
      { username: a.email, email: 'fresh3@example.org' },
      { username: 'U\u0308NAL', email: 'fresh4@example.org' },
    ];
    for (const c of clashes) expectError(await call('POST', '/users', admin, { name: 'Clash', password: 'clash-password-1', ...c }), 409, 'USER_EXISTS');
    expect(await userCount()).toBe(before);
  });

  it('answers 400 with a clear message for missing, wrongly typed or invalid fields, creating nothing', async () => {
    const good = { name: 'Valid', username: 'valid-name', email: 'valid@example.org', password: 'valid-password-1' };
    const before = await userCount();
    const cases: Array<[unknown, string, RegExp]> = [
      [undefined, 'INVALID_BODY', /JSON object/],
      ['[]', 'INVALID_BODY', /JSON object/],
      ['"text"', 'INVALID_BODY', /JSON object/],
      [{ ...good, username: undefined }, 'INVALID_USER', /"username" is required/],
      [{ ...good, email: 42 }, 'INVALID_USER', /"email" must be a string/],
      [{ ...good, admin: 'yes' }, 'INVALID_USER', /"admin" must be true or false/],
      [{ ...good, alert: 1 }, 'INVALID_USER', /"alert" must be true or false/],
      [{ ...good, password: 12345678901234 }, 'INVALID_USER', /"password" must be a string/],
      [{ ...good, password: 'short' }, 'INVALID_USER', /12 to 1024 characters/],
      [{ ...good, email: 'not-an-email' }, 'INVALID_USER', /email/],
      [{ ...good, username: 'has space' }, 'INVALID_USER', /spaces/],
      [{ ...good, name: 'bidi\u202eeman' }, 'INVALID_USER', /U\+202E/],
    ];
    for (const [body, code, message] of cases) {
      const r = await http('POST', `${t.api}/users`, { headers: { ...JSON_CT, ...admin }, ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }) });
      expectError(r, 400, code);
      expect(r.json().error, JSON.stringify(body)).toMatch(message);
    }
    expect(await userCount()).toBe(before);
  });

  it('refuses a cookie-authenticated request from another origin (CSRF)', async () => {
    const r = await call('POST', '/users', { ...admin, origin: 'https://evil.example' }, { name: 'C', username: 'csrf', email: 'csrf@example.org', password: 'csrf-password-1', admin: true });
    expectError(r, 403, 'CROSS_ORIGIN_REQUEST');
    expect(await t.services.users.find('csrf')).toBeUndefined();
  });
});

describe('PUT /users/{user_id}', () => {
  it('lets a user change their own name, username and e-mail; absent fields stay as they are', async () => {
    const a = await addAccount(t);
    await t.services.users.change({ id: a.id }, { alert: true }, { address: 'test', userAgent: null });
    const cookie = await signIn(t, a);
    const r = await call('PUT', `/users/${a.id}/`, { cookie }, { name: 'Renamed', username: `${a.login}-new`, email: `new-${a.email}` });
    expect(r.status).toBe(204);
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.text).toBe('');
    expect((await call('GET', '/user', { cookie })).json()).toMatchObject({ name: 'Renamed', username: `${a.login}-new`, email: `new-${a.email}`, alert: true, admin: false });
    const [entry] = await auditOf(a.id, 'user.updated');
    expect(entry?.detail).toEqual({ fields: ['login', 'name', 'email'], actor: a.id });
  });

  it("accepts Semaphore's web UI sending the whole user back, and ignores keys it does not use", async () => {
    const a = await addAccount(t);
    const cookie = await signIn(t, a);
    const me = (await call('GET', '/user', { cookie })).json();
    const r = await call('PUT', `/users/${a.id}`, { cookie }, { ...me, name: 'From the UI', pro: false, totp: null, password: '' });
    expect(r.status).toBe(204);
    expect((await call('GET', '/user', { cookie })).json()).toEqual({ ...me, name: 'From the UI' });
  });

  it('refuses a non-administrator changing someone else, or their own admin flag, with 403 and changes nothing', async () => {
    const a = await addAccount(t);
    const b = await addAccount(t);
    const cookie = await signIn(t, a);
    expectError(await call('PUT', `/users/${b.id}`, { cookie }, { name: 'Hijacked' }), 403, 'FORBIDDEN');
    expectError(await call('PUT', `/users/${a.id}`, { cookie }, { name: 'Me', admin: true }), 403, 'FORBIDDEN');
    expectError(await call('PUT', `/users/${a.id}`, { cookie }, { disabled: true }), 403, 'FORBIDDEN');
    expect((await t.services.users.get({ id: b.id })).name).toBe(`Name of ${b.login}`);
    expect(await t.services.users.get({ id: a.id })).toMatchObject({ name: `Name of ${a.login}`, admin: false });
    // The value they already have is no change.
    expect((await call('PUT', `/users/${a.id}`, { cookie }, { admin: false, disabled: false })).status).toBe(204);
  });

  it('lets an administrator change others’ admin flag, but nobody their own', async () => {
    const a = await addAccount(t);
    expect((await call('PUT', `/users/${a.id}`, admin, { admin: true })).status).toBe(204);
    expect((await t.services.users.get({ id: a.id })).admin).toBe(true);
    const [entry] = await auditOf(a.id, 'user.updated');
    expect(entry?.detail).toEqual({ fields: ['admin'], actor: adminId });
    const cookie = await signIn(t, a);
    expectError(await call('PUT', `/users/${a.id}`, { cookie }, { admin: false }), 403, 'FORBIDDEN');
    expectError(await call('PUT', `/users/${a.id}`, { cookie }, { disabled: true }), 403, 'FORBIDDEN');
    expect((await call('PUT', `/users/${a.id}`, admin, { admin: false })).status).toBe(204);
    expect((await t.services.users.get({ id: a.id })).admin).toBe(false);
  });

  it('disabling a user ends all their sessions and tokens at once; enabling them again revives none', async () => {
    const a = await addAccount(t);
    const cookie = await signIn(t, a);
    const token = await tokenOf(t, a);
    expect((await call('PUT', `/users/${a.id}`, admin, { disabled: true })).status).toBe(204);
    expect(await whoamiStatus(t, { cookie })).toBe(401);
    expect(await whoamiStatus(t, { authorization: token })).toBe(401);
    expect((await call('POST', '/auth/login', {}, { auth: a.login, password: a.password })).status).toBe(401);
    expect((await call('GET', `/users/${a.id}`, admin)).json().disabled).toBe(true);
    const [entry] = await auditOf(a.id, 'user.updated');
    expect(entry?.detail).toEqual({ fields: ['disabled'], actor: adminId, sessions_revoked: 2, tokens_revoked: 1 });

    expect((await call('PUT', `/users/${a.id}`, admin, { disabled: false })).status).toBe(204);
    expect(await whoamiStatus(t, { cookie })).toBe(401);
    expect(await whoamiStatus(t, { authorization: token })).toBe(401);
    expect(await whoamiStatus(t, { cookie: await signIn(t, a) })).toBe(200);
  });

  it('keeps an external user’s username (400) but lets their name change', async () => {
    const x = await addAccount(t, { external: true });
    expectError(await call('PUT', `/users/${x.id}`, admin, { username: `${x.login}-renamed` }), 400, 'INVALID_USER');
    expectError(await call('PUT', `/users/${x.id}`, admin, { external: false }), 400, 'INVALID_USER');
    expectError(await call('PUT', `/users/${x.id}`, admin, { password: 'a-new-password-1' }), 400, 'INVALID_USER');
    expect((await call('PUT', `/users/${x.id}`, admin, { username: x.login, external: true, name: 'Still External' })).status).toBe(204);
    expect(await t.services.users.get({ id: x.id })).toMatchObject({ username: x.login, name: 'Still External', external: true });
  });

  it('refuses a taken username or e-mail with 409, and writes none of the other fields of that request', async () => {
    const a = await addAccount(t);
    const b = await addAccount(t);
    for (const clash of [{ email: b.email.toUpperCase() }, { username: b.login }, { username: b.email }]) {
      expectError(await call('PUT', `/users/${a.id}`, admin, { name: 'Half Written', alert: true, ...clash }), 409, 'USER_EXISTS');
    }
    expect(await t.services.users.get({ id: a.id })).toMatchObject({ name: `Name of ${a.login}`, alert: false, email: a.email });
  });

  it('answers 400 for a body that is not an object or a field of the wrong type, 404 for an unknown id, changing nothing', async () => {
    const a = await addAccount(t);
    expectError(await http('PUT', `${t.api}/users/${a.id}`, { headers: { ...JSON_CT, ...admin } }), 400, 'INVALID_BODY');
    expectError(await call('PUT', `/users/${a.id}`, admin, '[1]'), 400, 'INVALID_BODY');
    expectError(await call('PUT', `/users/${a.id}`, admin, { name: 7 }), 400, 'INVALID_USER');
    expectError(await call('PUT', `/users/${a.id}`, admin, { name: 'OK', disabled: 'true' }), 400, 'INVALID_USER');
    expectError(await call('PUT', `/users/${a.id}`, admin, { name: '' }), 400, 'INVALID_USER');
    expectError(await call('PUT', '/users/999999', admin, { name: 'Nobody' }), 404, 'USER_NOT_FOUND');
    expectError(await call('PUT', '/users/zero', admin, { name: 'Nobody' }), 400, 'INVALID_USER_ID');
    expect((await t.services.users.get({ id: a.id })).name).toBe(`Name of ${a.login}`);
    expect((await call('PUT', `/users/${a.id}`, admin, {})).status).toBe(204);
  });
});

describe('DELETE /users/{user_id}', () => {
  it('lets an administrator delete a user with all their sessions and tokens at once', async () => {
    const a = await addAccount(t);
    const cookie = await signIn(t, a);
    const token = await tokenOf(t, a);
    const r = await http('DELETE', `${t.api}/users/${a.id}/`, { headers: admin });
    expect(r.status).toBe(204);
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.headers['set-cookie']).toBeUndefined();
    expect(await whoamiStatus(t, { cookie })).toBe(401);
    expect(await whoamiStatus(t, { authorization: token })).toBe(401);
    expectError(await call('GET', `/users/${a.id}`, admin), 404, 'USER_NOT_FOUND');
    expectError(await call('DELETE', `/users/${a.id}`, admin), 404, 'USER_NOT_FOUND');
    const [entry] = await auditOf(a.id, 'user.deleted');
    expect(entry).toMatchObject({ login: a.login, detail: { admin: false, actor: adminId } });
  });

  it("lets a user delete their own account (Semaphore's rule), signing that browser out; never someone else's", async () => {
    const a = await addAccount(t);
    const b = await addAccount(t);
    const cookie = await signIn(t, a);
    expectError(await call('DELETE', `/users/${b.id}`, { cookie }), 403, 'FORBIDDEN');
    expect((await t.services.users.get({ id: b.id })).id).toBe(b.id);
    const r = await call('DELETE', `/users/${a.id}`, { cookie });
    expect(r.status).toBe(204);
    expect(r.headers['set-cookie']?.[0]).toMatch(/^semaphore=; Path=\/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT/);
    expect(await whoamiStatus(t, { cookie })).toBe(401);
    expect((await call('POST', '/auth/login', {}, { auth: a.login, password: a.password })).status).toBe(401);
  });

  it('never deletes the last enabled administrator (409), who stays signed in', async () => {
    const solo = await startTestApp();
    try {
      const cookie = await login(solo.api, 'admin', ADMIN_PASSWORD);
      const me = (await http('GET', `${solo.api}/user`, { headers: { cookie } })).json();
      // Another administrator who is disabled does not count.
      const other = await addAccount(solo, { admin: true });
      await solo.services.users.change({ id: other.id }, { disabled: true }, { address: 'test', userAgent: null });
      const r = await http('DELETE', `${solo.api}/users/${me.id}`, { headers: { cookie } });
      expectError(r, 409, 'LAST_ADMIN');
      expect(r.headers['set-cookie']).toBeUndefined();
      expect((await http('GET', `${solo.api}/user`, { headers: { cookie } })).status).toBe(200);
    } finally {
      await solo.close();
    }
  });
});

describe('the last administrator', () => {
  it('two administrators demoting each other at once: one wins, one enabled administrator always remains', async () => {
    const pair = await startTestApp();
    try {
      const cookie = await login(pair.api, 'admin', ADMIN_PASSWORD);
      const first = (await http('GET', `${pair.api}/user`, { headers: { cookie } })).json().id as number;
      const second: Account = await addAccount(pair, { admin: true });
      const secondCookie = await signIn(pair, second);
      const [a, b] = await Promise.all([
        http('PUT', `${pair.api}/users/${second.id}`, { headers: { ...JSON_CT, cookie }, body: { admin: false } }),
        http('PUT', `${pair.api}/users/${first}`, { headers: { ...JSON_CT, cookie: secondCookie }, body: { admin: false } }),
      ]);
      const statuses = [a.status, b.status].sort();
      // The loser is refused as the last administrator (409), or — if it arrives after the
      // winner's commit — as no longer an administrator (403).
      expect(statuses[0]).toBe(204);
      expect([403, 409]).toContain(statuses[1]);
      const admins = (await pair.services.users.list()).filter((u) => u.admin && !u.disabled);
      expect(admins).toHaveLength(1);
    } finally {
      await pair.close();
    }
  });
});
