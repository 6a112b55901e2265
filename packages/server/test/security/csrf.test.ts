/**
 * Cross-site request forgery and login CSRF. A browser on another origin can
 * make the victim's browser send the `semaphore` cookie with a POST or (via
 * fetch without CORS) a DELETE; it cannot set Authorization or read answers.
 * Every state change authenticated by the cookie — and every login — must
 * therefore come from the service's own origin or the allow-list.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, startTestApp, type TestApp } from '../support/app.js';
import { createToken, http, login, type HttpResponse } from '../support/http.js';

const EVIL = 'https://evil.example';
let t: TestApp;
let cookie: string;
beforeAll(async () => {
  t = await startTestApp({ env: { SEMAUTH_ALLOWED_ORIGINS: 'https://ui.example.com, http://localhost:5173' } });
  cookie = await login(t.api, 'admin', ADMIN_PASSWORD);
});
afterAll(() => t.close());

function expectRefused(r: HttpResponse): void {
  expect(r.status).toBe(403);
  expect(r.headers['content-type']).toBe('application/json');
  expect(r.json()).toEqual({
    error: 'Cross-origin request refused: the Origin or Referer is not allowed for cookie-authenticated requests.',
    code: 'CROSS_ORIGIN_REQUEST',
  });
  expect(r.headers['set-cookie']).toBeUndefined();
  expect(r.headers['access-control-allow-origin']).toBeUndefined();
}

async function tokenCount(): Promise<number> {
  return (await http('GET', `${t.api}/user/tokens`, { headers: { cookie } })).json().length;
}

describe('cookie-authenticated state changes from another origin', () => {
  it.each([
    ['Origin of another site', { origin: EVIL }],
    ['Origin of another port', { origin: 'http://127.0.0.1:1' }],
    ['Origin of another scheme', { origin: 'https://127.0.0.1' }],
    ['Origin: null (sandboxed frame, file://, redirect)', { origin: 'null' }],
    ['a Referer of another site, without Origin', { referer: `${EVIL}/page.html` }],
    ['an unparseable Origin', { origin: 'not a url' }],
    ['an Origin with a non-http scheme', { origin: 'chrome-extension://abcdef' }],
    ['no Origin or Referer, but Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
  ])('POST /user/tokens with %s → 403 JSON, nothing created', async (_what, headers) => {
    const before = await tokenCount();
    expectRefused(await http('POST', `${t.api}/user/tokens`, { headers: { cookie, 'content-type': 'text/plain', ...headers }, body: '{}' }));
    expect(await tokenCount()).toBe(before);
  });

  it('DELETE /user/tokens/{id} from another origin → 403, and the token keeps working', async () => {
    const token = await createToken(t.api, { cookie });
    expectRefused(await http('DELETE', `${t.api}/user/tokens/${token.slice(0, 8)}`, { headers: { cookie, origin: EVIL } }));
    expectRefused(await http('DELETE', `${t.api}/user/tokens/${encodeURIComponent(token)}`, { headers: { cookie, referer: `${EVIL}/x` } }));
    expect((await http('GET', `${t.api}/user`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
  });

  it('POST /auth/logout from another origin → 403, and the session stays valid', async () => {
    const own = await login(t.api, 'admin', ADMIN_PASSWORD);
    expectRefused(await http('POST', `${t.api}/auth/logout`, { headers: { cookie: own, origin: EVIL } }));
    expectRefused(await http('POST', `${t.api}/auth/logout`, { headers: { cookie: own, origin: 'null' } }));
    expect((await http('GET', `${t.api}/user`, { headers: { cookie: own } })).status).toBe(200);
  });

  it('reads are not state changes: GET with a foreign Origin answers, without any CORS header that would let the page read it', async () => {
    const r = await http('GET', `${t.api}/user/tokens`, { headers: { cookie, origin: EVIL } });
    expect(r.status).toBe(200);
    expect(r.headers['access-control-allow-origin']).toBeUndefined();
    expect(r.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('a CORS preflight is not answered with permission', async () => {
    const r = await http('OPTIONS', `${t.api}/user/tokens`, {
      headers: { origin: EVIL, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
    });
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('what passes', () => {
  it('the same origin, by Origin or by Referer, and with the default port spelt out or not', async () => {
    expect((await http('POST', `${t.api}/user/tokens`, { headers: { cookie, origin: t.origin } })).status).toBe(201);
    expect((await http('POST', `${t.api}/user/tokens`, { headers: { cookie, origin: t.origin.toUpperCase() } })).status).toBe(201);
    expect((await http('POST', `${t.api}/user/tokens`, { headers: { cookie, referer: `${t.origin}/project/1?x=y` } })).status).toBe(201);
    expect((await http('POST', `${t.api}/user/tokens`, { headers: { cookie, 'sec-fetch-site': 'same-origin', origin: t.origin } })).status).toBe(201);
    const token = await createToken(t.api, { cookie });
    expect((await http('DELETE', `${t.api}/user/tokens/${token.slice(0, 8)}`, { headers: { cookie, origin: t.origin } })).status).toBe(204);
  });

  it('origins on the allow-list (SEMAUTH_ALLOWED_ORIGINS), compared as scheme, host and port', async () => {
    expect((await http('POST', `${t.api}/user/tokens`, { headers: { cookie, origin: 'https://ui.example.com' } })).status).toBe(201);
    expect((await http('POST', `${t.api}/user/tokens`, { headers: { cookie, origin: 'https://ui.example.com:443' } })).status).toBe(201);
    expect((await http('POST', `${t.api}/user/tokens`, { headers: { cookie, origin: 'http://localhost:5173' } })).status).toBe(201);
    expectRefused(await http('POST', `${t.api}/user/tokens`, { headers: { cookie, origin: 'http://ui.example.com' } }));
    expectRefused(await http('POST', `${t.api}/user/tokens`, { headers: { cookie, origin: 'https://ui.example.com:8443' } }));
    expectRefused(await http('POST', `${t.api}/user/tokens`, { headers: { cookie, origin: 'https://evil-ui.example.com' } }));
    expectRefused(await http('POST', `${t.api}/user/tokens`, { headers: { cookie, origin: 'https://ui.example.com.evil.example' } }));
  });

  it('bearer-authenticated requests, whatever their Origin (a page cannot set Authorization cross-site)', async () => {
    const token = await createToken(t.api, { cookie });
    for (const authorization of [`Bearer ${token}`, token]) {
      const r = await http('POST', `${t.api}/user/tokens`, { headers: { authorization, origin: EVIL } });
      expect(r.status).toBe(201);
      const id = (r.json().id as string).slice(0, 8);
      expect((await http('DELETE', `${t.api}/user/tokens/${id}`, { headers: { authorization, origin: 'null' } })).status).toBe(204);
    }
    // Logout with a bearer is not CSRF-checked (a page cannot send one); it ends the cookie's session if one comes along.
    const own = await login(t.api, 'admin', ADMIN_PASSWORD);
    expect((await http('POST', `${t.api}/auth/logout`, { headers: { authorization: `Bearer ${token}`, cookie: own, origin: EVIL } })).status).toBe(204);
  });

  it('requests with neither Origin nor Referer (curl, the Python client, Terraform)', async () => {
    expect((await http('POST', `${t.api}/user/tokens`, { headers: { cookie, 'content-type': 'application/json', 'content-length': '0' } })).status).toBe(201);
    const token = await createToken(t.api, { cookie });
    expect((await http('DELETE', `${t.api}/user/tokens/${encodeURIComponent(token)}`, { headers: { cookie } })).status).toBe(204);
    const own = await login(t.api, 'admin', ADMIN_PASSWORD);
    expect((await http('POST', `${t.api}/auth/logout`, { headers: { cookie: own } })).status).toBe(204);
  });
});

describe('login CSRF', () => {
  it.each([
    ['Origin of another site', { origin: EVIL }],
    ['Origin: null', { origin: 'null' }],
    ['a Referer of another site', { referer: `${EVIL}/login-as-attacker` }],
    ['Sec-Fetch-Site: cross-site only', { 'sec-fetch-site': 'cross-site' }],
  ])('refuses a login with %s — even with valid credentials, even as a plain form post', async (_what, headers) => {
    for (const contentType of ['application/x-www-form-urlencoded', 'text/plain', 'application/json']) {
      const r = await http('POST', `${t.api}/auth/login`, {
        headers: { 'content-type': contentType, ...headers },
        body: JSON.stringify({ auth: 'admin', password: ADMIN_PASSWORD }),
      });
      expectRefused(r);
    }
  });

  it('lets the own origin, the allow-list and non-browser clients log in', async () => {
    for (const headers of [{ origin: t.origin }, { origin: 'https://ui.example.com' }, { referer: `${t.origin}/auth/login` }, {}]) {
      const r = await http('POST', `${t.api}/auth/login`, { headers: { 'content-type': 'application/json', ...headers }, body: { auth: 'admin', password: ADMIN_PASSWORD } });
      expect(r.status, JSON.stringify(headers)).toBe(204);
    }
  });
});

describe('the own origin', () => {
  it('is the configured web root when there is one, not whatever Host the request names', async () => {
    const w = await startTestApp({ env: { SEMAPHORE_WEB_ROOT: 'https://semaphore.example.com/sem' } });
    try {
      const c = await login(w.api, 'admin', ADMIN_PASSWORD);
      expect((await http('POST', `${w.api}/user/tokens`, { headers: { cookie: c, origin: 'https://semaphore.example.com' } })).status).toBe(201);
      expectRefused(await http('POST', `${w.api}/user/tokens`, { headers: { cookie: c, origin: w.origin } }));
      expectRefused(await http('POST', `${w.api}/auth/login`, { headers: { origin: 'http://semaphore.example.com' }, body: { auth: 'admin', password: ADMIN_PASSWORD } }));
    } finally {
      await w.close();
    }
  });

  it('behind a trusted proxy is the scheme and host the proxy forwarded; untrusted, those headers change nothing', async () => {
    const p = await startTestApp({ env: { SEMAUTH_TRUST_PROXY: 'true' } });
    try {
      const fwd = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'auth.example.com' };
      const c = await login(p.api, 'admin', ADMIN_PASSWORD, { ...fwd, origin: 'https://auth.example.com' });
      expect((await http('POST', `${p.api}/user/tokens`, { headers: { cookie: c, ...fwd, origin: 'https://auth.example.com' } })).status).toBe(201);
      expectRefused(await http('POST', `${p.api}/user/tokens`, { headers: { cookie: c, ...fwd, origin: 'http://auth.example.com' } }));
    } finally {
      await p.close();
    }
    // Not trusted: X-Forwarded-Host cannot make a foreign origin "ours".
    expectRefused(
      await http('POST', `${t.api}/user/tokens`, { headers: { cookie, 'x-forwarded-proto': 'https', 'x-forwarded-host': 'evil.example', origin: EVIL } }),
    );
  });
});
