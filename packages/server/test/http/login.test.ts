/** POST/GET /api/auth/login and POST /api/auth/logout (SPEC §1, §2, §3). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, startTestApp, type TestApp } from '../support/app.js';
import { http, login } from '../support/http.js';

const JSON_CT = { 'content-type': 'application/json' };
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
  await t.services.users.add({ login: 'alice', name: 'Alice', email: 'Alice@Example.com', password: 'alice-password' }, { address: 't', userAgent: null });
  await t.services.users.add({ login: 'ext', name: 'Ext', email: 'ext@example.com', external: true }, { address: 't', userAgent: null });
  await t.services.users.add({ login: 'gone', name: 'Gone', email: 'gone@example.com', password: 'gone-password' }, { address: 't', userAgent: null });
  await t.services.users.change('gone', { disabled: true }, { address: 't', userAgent: null });
});
afterAll(() => t.close());

async function whoami(cookie: string) {
  return http('GET', `${t.api}/user`, { headers: { cookie } });
}

describe('GET /api/auth/login', () => {
  it('returns the login metadata', async () => {
    const r = await http('GET', `${t.api}/auth/login`);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.json()).toEqual({ oidc_providers: [], login_with_password: true, auth_methods: { totp: { enabled: false, allow_recovery: false } } });
  });
});

describe('POST /api/auth/login', () => {
  it('answers 204 with exactly one cookie, first, with the required attributes', async () => {
    const r = await http('POST', `${t.api}/auth/login`, { headers: JSON_CT, body: { auth: 'admin', password: ADMIN_PASSWORD } });
    expect(r.status).toBe(204);
    expect(r.text).toBe('');
    expect(r.headers['content-type']).toBe('application/json');
    const cookies = r.headers['set-cookie']!;
    expect(cookies).toHaveLength(1);
    const [pair, ...attrs] = cookies[0]!.split('; ');
    expect(pair).toMatch(/^semaphore=[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{32}$/);
    expect(pair!.slice('semaphore='.length)).not.toMatch(/[,; ]/);
    expect(attrs).toEqual(expect.arrayContaining(['Path=/', 'HttpOnly', 'SameSite=Lax']));
    expect(attrs).not.toContain('Secure'); // plain HTTP: a Secure cookie would be dropped by the client
    expect((await whoami(pair!)).status).toBe(200);
  });

  it('matches login and e-mail case-insensitively', async () => {
    for (const auth of ['ALICE', 'alice', 'alice@example.com', 'ALICE@EXAMPLE.COM']) {
      const cookie = await login(t.api, auth, 'alice-password');
      expect((await whoami(cookie)).json().username).toBe('alice');
    }
  });

  it('parses the JSON body whatever the content type says, or without one', async () => {
    const body = JSON.stringify({ auth: 'alice', password: 'alice-password' });
    for (const headers of [
      { 'content-type': 'application/x-www-form-urlencoded' },
      { 'content-type': 'text/plain' },
      { 'content-type': 'application/json; charset=latin1' },
      {},
    ]) {
      const r = await http('POST', `${t.api}/auth/login`, { headers, body });
      expect(r.status, JSON.stringify(headers)).toBe(204);
    }
  });

  it('creates a new session on every login and never adopts a presented cookie', async () => {
    const first = await login(t.api, 'alice', 'alice-password');
    const second = await login(t.api, 'alice', 'alice-password', { cookie: first });
    expect(second).not.toBe(first);
    expect((await whoami(first)).status).toBe(200);
    expect((await whoami(second)).status).toBe(200);
  });

  it.each([
    ['malformed JSON', '{"auth": "admin",'],
    ['an array', '[]'],
    ['a string', '"admin"'],
    ['a number', '42'],
    ['null', 'null'],
    ['an empty body', ''],
    ['whitespace', '  \n'],
    ['missing auth', '{"password":"x"}'],
    ['missing password', '{"auth":"admin"}'],
    ['empty auth', '{"auth":"","password":"x"}'],
    ['empty password', '{"auth":"admin","password":""}'],
    ['non-string auth', '{"auth":1,"password":"x"}'],
    ['non-string password', '{"auth":"admin","password":["x"]}'],
  ])('answers 400 with a JSON error for %s', async (_name, body) => {
    const r = await http('POST', `${t.api}/auth/login`, { headers: JSON_CT, body });
    expect(r.status).toBe(400);
    expect(r.headers['content-type']).toBe('application/json');
    expect(typeof r.json().error).toBe('string');
    expect(r.headers['set-cookie']).toBeUndefined();
  });

  it('answers 400 for a body that is not UTF-8', async () => {
    const r = await http('POST', `${t.api}/auth/login`, { headers: JSON_CT, body: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]) });
    expect(r.status).toBe(400);
    expect(r.json().error).toMatch(/UTF-8/);
  });

  it('answers 413 for a body over the limit', async () => {
    const r = await http('POST', `${t.api}/auth/login`, { headers: JSON_CT, body: { auth: 'admin', password: 'x'.repeat(70_000) } });
    expect(r.status).toBe(413);
    expect(r.json().error).toBeTruthy();
  });

  it('answers every credential failure with the same 401', async () => {
    const attempts = [
      { auth: 'nobody', password: 'whatever-pw' },
      { auth: 'alice', password: 'wrong-password' },
      { auth: 'ext', password: 'whatever-pw' },
      { auth: 'gone', password: 'gone-password' },
      // PostgreSQL text cannot hold NUL: a login carrying one must still be just an unknown login.
      { auth: 'alice\u0000', password: 'alice-password' },
    ];
    const answers = [];
    for (const body of attempts) {
      const r = await http('POST', `${t.api}/auth/login`, { headers: { ...JSON_CT, 'x-forwarded-for': '1.2.3.4' }, body });
      expect(r.status).toBe(401);
      expect(r.headers['set-cookie']).toBeUndefined();
      answers.push(r.text);
    }
    expect(new Set(answers).size).toBe(1);
    expect(JSON.parse(answers[0]!)).toEqual({ error: 'Invalid login or password.', code: 'INVALID_CREDENTIALS' });
  });

  it('accepts a trailing slash', async () => {
    const r = await http('POST', `${t.api}/auth/login/`, { headers: JSON_CT, body: { auth: 'alice', password: 'alice-password' } });
    expect(r.status).toBe(204);
  });
});

describe('POST /api/auth/logout', () => {
  it('revokes the session server-side and clears the cookie', async () => {
    const cookie = await login(t.api, 'alice', 'alice-password');
    // The seed's client: JSON content type, Content-Length: 0, no body.
    const r = await http('POST', `${t.api}/auth/logout`, { headers: { ...JSON_CT, cookie, 'content-length': '0' } });
    expect(r.status).toBe(204);
    expect(r.headers['content-type']).toBe('application/json');
    const cleared = r.headers['set-cookie']![0]!;
    expect(cleared).toMatch(/^semaphore=;/);
    expect(cleared).toContain('Path=/');
    expect(cleared).toContain('Max-Age=0');
    expect(cleared).toMatch(/Expires=Thu, 01 Jan 1970 00:00:00 GMT/);
    const after = await whoami(cookie);
    expect(after.status).toBe(401);
    expect(after.json().error).toBeTruthy();
  });

  it('answers 204 without credentials, with a garbage cookie, and with a bearer token (which stays valid)', async () => {
    expect((await http('POST', `${t.api}/auth/logout`)).status).toBe(204);
    expect((await http('POST', `${t.api}/auth/logout`, { headers: { cookie: 'semaphore=garbage' } })).status).toBe(204);
    const cookie = await login(t.api, 'alice', 'alice-password');
    const token = (await http('POST', `${t.api}/user/tokens`, { headers: { cookie } })).json().id as string;
    const r = await http('POST', `${t.api}/auth/logout`, { headers: { authorization: `Bearer ${token}`, ...JSON_CT } });
    expect(r.status).toBe(204);
    expect((await http('GET', `${t.api}/user`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
  });
});

describe('password login disabled', () => {
  it('is reported by GET and enforced by POST /auth/login', async () => {
    const d = await startTestApp({ env: { SEMAPHORE_PASSWORD_LOGIN_DISABLED: 'true' } });
    try {
      expect((await http('GET', `${d.api}/auth/login`)).json().login_with_password).toBe(false);
      const r = await http('POST', `${d.api}/auth/login`, { headers: JSON_CT, body: { auth: 'admin', password: ADMIN_PASSWORD } });
      expect(r.status).toBe(403);
      expect(r.json().code).toBe('PASSWORD_LOGIN_DISABLED');
      expect(r.headers['set-cookie']).toBeUndefined();
    } finally {
      await d.close();
    }
  });
});
