/**
 * What an OIDC sign-in must refuse, against a real provider: forged, replayed,
 * expired or misbound states; codes injected into another browser's sign-in;
 * ID tokens for another audience or from another issuer, expired, with
 * another nonce or a signature that is not the provider's; return paths off
 * this site; a provider that is down, hangs, or is unknown. Every refusal is
 * a 307 to the sign-in page with its reason, no session cookie, and no
 * Location that leaves the site.
 *
 * @dialects sqlite postgres
 */
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { STATE_TTL_MS } from '../../src/auth-methods/oidc/service.js';
import type { TestApp } from '../support/app.js';
import { http, type HttpResponse } from '../support/http.js';
import { startOidcApp, startTestProvider, type TestProvider } from '../support/oidc-provider.js';

let idp: TestProvider;
let t: TestApp;
/** Accepts connections and never answers: a provider that hangs. */
let silent: Server;

beforeAll(async () => {
  idp = await startTestProvider();
  idp.addAccount({ sub: 'alice', email: 'alice@example.org', email_verified: true, preferred_username: 'alice', name: 'Alice' });
  idp.addAccount({ sub: 'mallory', email: 'mallory@example.org', email_verified: true, preferred_username: 'mallory', name: 'Mallory' });
  silent = createServer(() => {});
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const closed = await freePort();
  t = await startOidcApp(idp, { others: { down: { provider_url: `http://127.0.0.1:${closed}`, client_id: 'x', client_secret: 'y' } } });
});
afterEach(() => idp.tamper(null));
afterAll(async () => {
  await t?.close();
  await idp?.close();
  silent?.close();
});

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

const startUrl = (provider = 'idp', query = '') => `${t.api}/auth/oidc/${provider}/login${query}`;

function expectRefused(r: HttpResponse, reason: string): void {
  expect(r.status).toBe(307);
  expect(r.headers.location).toBe(`/auth/login?error=${reason}`);
  expect((r.headers['set-cookie'] ?? []).filter((c) => c.startsWith('semaphore='))).toEqual([]);
}

/** A callback URL with one query parameter replaced. */
function withParam(url: string, name: string, value: string): string {
  const u = new URL(url);
  u.searchParams.set(name, value);
  return u.href;
}

async function failuresFor(reason: string): Promise<number> {
  const entries = await t.storage.audit.query({ limit: 1000 });
  return entries.filter((e) => e.event === 'login.failed' && (e.detail as { reason?: string } | null)?.reason === reason).length;
}

describe('the state', () => {
  it('a callback without the state cookie is refused (oidc_state); the sign-in stays pending for the browser that holds it', async () => {
    const flow = await idp.signIn(startUrl(), 'alice');
    const before = await failuresFor('oidc_state');
    expectRefused(await http('GET', flow.callbackUrl), 'oidc_state');
    // Anyone can send that: it costs no audit write. A callback that finds a sign-in in flight is audited (next test).
    expect(await failuresFor('oidc_state')).toBe(before);
    // The state cookie was never presented, so the sign-in is still pending: it succeeds once, with the cookie.
    const ok = await http('GET', flow.callbackUrl, { headers: { cookie: flow.stateCookie } });
    expect(ok.status).toBe(307);
    expect(ok.headers.location).toBe('/');
  });

  it('a tampered state is refused, and burns the sign-in: the right state no longer works either', async () => {
    const flow = await idp.signIn(startUrl(), 'alice');
    const state = new URL(flow.callbackUrl).searchParams.get('state')!;
    const tampered = `${state.slice(0, -1)}${state.endsWith('A') ? 'B' : 'A'}`;
    const before = await failuresFor('oidc_state');
    expectRefused(await http('GET', withParam(flow.callbackUrl, 'state', tampered), { headers: { cookie: flow.stateCookie } }), 'oidc_state');
    expect(await failuresFor('oidc_state')).toBe(before + 1);
    expectRefused(await http('GET', flow.callbackUrl, { headers: { cookie: flow.stateCookie } }), 'oidc_state');
  });

  it('a replayed callback is refused: the state is single-use', async () => {
    const flow = await idp.signIn(startUrl(), 'alice');
    const first = await http('GET', flow.callbackUrl, { headers: { cookie: flow.stateCookie } });
    expect(first.status).toBe(307);
    expect(first.headers['set-cookie']![0]).toMatch(/^semaphore=/);
    expectRefused(await http('GET', flow.callbackUrl, { headers: { cookie: flow.stateCookie } }), 'oidc_state');
  });

  it('concurrent callbacks with the same state: one session at most', async () => {
    const flow = await idp.signIn(startUrl(), 'alice');
    const answers = await Promise.all(Array.from({ length: 4 }, () => http('GET', flow.callbackUrl, { headers: { cookie: flow.stateCookie } })));
    const sessions = answers.filter((r) => (r.headers['set-cookie'] ?? []).some((c) => c.startsWith('semaphore=')));
    expect(sessions).toHaveLength(1);
    for (const r of answers.filter((a) => !sessions.includes(a))) expectRefused(r, 'oidc_state');
  });

  it('an expired state (over 10 minutes) is refused', async () => {
    const flow = await idp.signIn(startUrl(), 'alice');
    t.clock.advance(STATE_TTL_MS + 1000);
    expectRefused(await http('GET', flow.callbackUrl, { headers: { cookie: flow.stateCookie } }), 'oidc_state');
  });

  it('a state cookie of another sign-in (another browser) is refused', async () => {
    const victim = await idp.signIn(startUrl(), 'alice');
    const attacker = await idp.signIn(startUrl(), 'mallory');
    // Login CSRF: the attacker's callback, delivered to the victim's browser.
    expectRefused(await http('GET', attacker.callbackUrl, { headers: { cookie: victim.stateCookie } }), 'oidc_state');
  });

  it('a code injected into another sign-in fails at the provider: the PKCE verifier is not the one it was issued for (oidc_token)', async () => {
    const stolen = await idp.signIn(startUrl(), 'alice');
    const own = await idp.signIn(startUrl(), 'mallory');
    // The attacker's own state and cookie, with the victim's code.
    const injected = withParam(stolen.callbackUrl, 'state', new URL(own.callbackUrl).searchParams.get('state')!);
    expectRefused(await http('GET', injected, { headers: { cookie: own.stateCookie } }), 'oidc_token');
  });

  it('a callback for another provider than the one the sign-in began with is refused', async () => {
    const flow = await idp.signIn(startUrl(), 'alice');
    const elsewhere = flow.callbackUrl.replace('/auth/oidc/idp/redirect', '/auth/oidc/down/redirect');
    expectRefused(await http('GET', elsewhere, { headers: { cookie: flow.stateCookie } }), 'oidc_state');
  });
});

describe('the ID token', () => {
  it.each([
    ['for another audience', 'audience'],
    ['from another issuer', 'issuer'],
    ['expired', 'expired'],
    ['carrying the nonce of another sign-in', 'nonce'],
    ['signed by a key that is not the provider\'s', 'signature'],
  ] as const)('%s is refused (oidc_token), no user created', async (_what, mode) => {
    idp.addAccount({ sub: `victim-${mode}`, email: `victim-${mode}@example.org`, email_verified: true, preferred_username: `victim-${mode}` });
    idp.tamper(mode);
    const flow = await idp.signIn(startUrl(), `victim-${mode}`);
    expectRefused(await http('GET', flow.callbackUrl, { headers: { cookie: flow.stateCookie } }), 'oidc_token');
    expect(await t.services.users.find(`victim-${mode}@example.org`)).toBeUndefined();
  });

  it('the same flow with the token untouched signs in (the doctoring is the only difference)', async () => {
    const flow = await idp.signIn(startUrl(), 'alice');
    const r = await http('GET', flow.callbackUrl, { headers: { cookie: flow.stateCookie } });
    expect(r.status).toBe(307);
    expect(r.headers.location).toBe('/');
  });
});

describe('return paths', () => {
  it.each([
    ['//evil.example', '//evil.example'],
    ['https://evil.example', 'https://evil.example/'],
    ['/\\evil.example', '/\\evil.example'],
    ['\\\\evil.example', '\\\\evil.example'],
    ['javascript:alert(1)', 'javascript:alert(1)'],
    ['a path without a leading slash', 'tokens'],
    ['a tab inside', '/\t/evil.example'],
    ['a line break (header injection)', '/x\r\nSet-Cookie: semaphore=forged'],
    ['two values', ['/tokens', '//evil.example']],
  ])('?redirect= %s is refused before anything starts (oidc_redirect)', async (_what, value) => {
    const query = (Array.isArray(value) ? value : [value]).map((v) => `redirect=${encodeURIComponent(v)}`).join('&');
    const r = await http('GET', startUrl('idp', `?${query}`));
    expectRefused(r, 'oidc_redirect');
    expect(r.headers['set-cookie']).toBeUndefined();
  });

  it('a path whose dot segments climb out is kept on this site', async () => {
    const flow = await idp.signIn(startUrl('idp', `?redirect=${encodeURIComponent('/..//evil.example')}`), 'alice');
    const r = await http('GET', flow.callbackUrl, { headers: { cookie: flow.stateCookie } });
    expect(r.status).toBe(307);
    expect(r.headers.location).toBe('/evil.example');
  });

  it.each([
    ['//evil.example', '/%2Fevil.example'],
    ['/\\evil.example', '/%5Cevil.example'],
  ])('a callback path that would leave the site (%s) is refused without a session', async (_what, path) => {
    const flow = await idp.signIn(startUrl(), 'alice');
    const callback = new URL(flow.callbackUrl);
    const r = await http('GET', `${callback.origin}${callback.pathname}${path}${callback.search}`, { headers: { cookie: flow.stateCookie } });
    expectRefused(r, 'oidc_redirect');
  });
});

describe('providers', () => {
  it('an unknown provider is refused (oidc_provider), at the start and at the callback', async () => {
    expectRefused(await http('GET', startUrl('nobody')), 'oidc_provider');
    expectRefused(await http('GET', `${t.api}/auth/oidc/nobody/redirect?code=x&state=y`), 'oidc_provider');
    expectRefused(await http('GET', startUrl('__proto__')), 'oidc_provider');
  });

  it('a provider that cannot be reached: error=oidc_unavailable, and GET /auth/login still lists it', async () => {
    expectRefused(await http('GET', startUrl('down')), 'oidc_unavailable');
    expect((await http('GET', `${t.api}/auth/login`)).json().oidc_providers.map((p: { id: string }) => p.id)).toContain('down');
  });

  it('a provider that does not answer: error=oidc_unavailable once SEMAUTH_OIDC_TIMEOUT_SECONDS has passed', async () => {
    // An app of its own: a 1-second timeout would fail the real provider's answers too on a busy machine.
    const impatient = await startOidcApp(idp, {
      env: { SEMAUTH_OIDC_TIMEOUT_SECONDS: '1' },
      provider: { provider_url: `http://127.0.0.1:${(silent.address() as AddressInfo).port}` },
    });
    try {
      expectRefused(await http('GET', `${impatient.api}/auth/oidc/idp/login`), 'oidc_unavailable');
    } finally {
      await impatient.close();
    }
  });

  it('a provider that goes down between the start and the callback: error=oidc_unavailable; back up, sign-ins work again', async () => {
    const flow = await idp.signIn(startUrl(), 'alice');
    await idp.stop();
    try {
      expectRefused(await http('GET', flow.callbackUrl, { headers: { cookie: flow.stateCookie } }), 'oidc_unavailable');
    } finally {
      await idp.start();
    }
    const again = await idp.signIn(startUrl(), 'alice');
    expect((await http('GET', again.callbackUrl, { headers: { cookie: again.stateCookie } })).headers.location).toBe('/');
  });
});

describe('a provider down when the server starts', () => {
  let late: TestApp;
  afterAll(() => late?.close());

  it('does not stop the server; sign-ins fail with oidc_unavailable until it is back, then work without a restart', async () => {
    await idp.stop();
    try {
      late = await startOidcApp(idp);
      expect((await http('GET', `${late.api}/auth/login`)).json().oidc_providers).toEqual([{ id: 'idp', name: 'Test provider', color: '', icon: '' }]);
      expectRefused(await http('GET', `${late.api}/auth/oidc/idp/login`), 'oidc_unavailable');
    } finally {
      await idp.start();
    }
    const flow = await idp.signIn(`${late.api}/auth/oidc/idp/login`, 'alice');
    const r = await http('GET', flow.callbackUrl, { headers: { cookie: flow.stateCookie } });
    expect(r.status).toBe(307);
    expect(r.headers.location).toBe('/');
  });
});
