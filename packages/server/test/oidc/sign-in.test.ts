/**
 * OIDC sign-in against a real OpenID provider (oidc-provider on loopback),
 * the whole authorization-code + PKCE flow over real HTTP through the
 * provider's own login and consent pages: Semaphore's `oidc_providers`
 * settings and routes, and semauth's rules — external users made from the
 * e-mail claim, a session cookie exactly as a password login's, same-site
 * returns, no take-over of local or other users, audit entries.
 *
 * @dialects sqlite postgres
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_CONTEXT } from '../../src/services/context.js';
import { ADMIN_PASSWORD, type TestApp } from '../support/app.js';
import { http, login, type HttpResponse } from '../support/http.js';
import { startOidcApp, startTestProvider, type TestProvider } from '../support/oidc-provider.js';

let idp: TestProvider;
let t: TestApp;

beforeAll(async () => {
  idp = await startTestProvider();
  idp.addAccount({ sub: 'alice', email: 'alice@example.org', email_verified: true, preferred_username: 'alice', name: 'Alice Liddell' });
  t = await startOidcApp(idp, { provider: { color: 'teal', icon: 'login', order: 2, name_claim: 'name' }, others: { later: { provider_url: 'https://idp.invalid', client_id: 'x', display_name: 'Later', order: 9 }, first: { provider_url: 'https://idp.invalid', client_id: 'x', order: -1 } } });
});
afterAll(async () => {
  await t?.close();
  await idp?.close();
});

const startUrl = (app: TestApp, redirect?: string) => `${app.api}/auth/oidc/idp/login${redirect === undefined ? '' : `?redirect=${encodeURIComponent(redirect)}`}`;

/** The whole sign-in: semauth → provider (login, consent) → semauth's callback, answered. */
async function signIn(app: TestApp, account: string, redirect?: string): Promise<HttpResponse> {
  const flow = await idp.signIn(startUrl(app, redirect), account);
  return http('GET', flow.callbackUrl, { headers: { cookie: flow.stateCookie } });
}

async function whoami(app: TestApp, cookie: string) {
  const r = await http('GET', `${app.api}/user`, { headers: { cookie } });
  expect(r.status).toBe(200);
  return r.json();
}

function expectRefused(r: HttpResponse, reason: string, prefix = ''): void {
  expect(r.status).toBe(307);
  expect(r.headers.location).toBe(`${prefix}/auth/login?error=${reason}`);
  expect((r.headers['set-cookie'] ?? []).filter((c) => c.startsWith('semaphore='))).toEqual([]);
}

describe('GET /auth/login', () => {
  it('lists the providers by order, then id, with their name, color and icon', async () => {
    const r = await http('GET', `${t.api}/auth/login`);
    expect(r.status).toBe(200);
    expect(r.json()).toEqual({
      oidc_providers: [
        { id: 'first', name: 'first', color: '', icon: '' },
        { id: 'idp', name: 'Test provider', color: 'teal', icon: 'login' },
        { id: 'later', name: 'Later', color: '', icon: '' },
      ],
      login_with_password: true,
      auth_methods: { totp: { enabled: false, allow_recovery: false } },
    });
  });
});

describe('the flow', () => {
  it('starts with a 307 to the authorization endpoint: state, nonce, PKCE S256, and a short-lived state cookie on the callback path', async () => {
    const r = await http('GET', startUrl(t, '/tokens'));
    expect(r.status).toBe(307);
    const to = new URL(r.headers.location!);
    expect(`${to.origin}${to.pathname}`).toBe(`${idp.issuer}/auth`);
    const q = to.searchParams;
    expect(q.get('response_type')).toBe('code');
    expect(q.get('client_id')).toBe((t as TestApp & { clientId: string }).clientId);
    expect(q.get('redirect_uri')).toBe(`${t.api}/auth/oidc/idp/redirect`);
    expect(q.get('scope')).toBe('openid profile email');
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get('nonce')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(new Set([q.get('state'), q.get('nonce'), q.get('code_challenge')]).size).toBe(3);
    expect(r.headers['set-cookie']).toHaveLength(1);
    expect(r.headers['set-cookie']![0]).toMatch(/^semauth_oidc_state=[A-Za-z0-9_-]{43}; Path=\/api\/auth\/oidc\/idp\/redirect; Max-Age=600; HttpOnly; SameSite=Lax$/);
    // The cookie's secret is not in the URL the provider sees.
    expect(r.headers.location).not.toContain(r.headers['set-cookie']![0]!.split(/[=;]/)[1]);
  });

  it('creates the external user from the claims at the first sign-in, with a session cookie like a password login\'s, and returns to ?redirect', async () => {
    expect(await t.services.users.find('alice@example.org')).toBeUndefined();
    const r = await signIn(t, 'alice', '/tokens');
    expect(r.status).toBe(307);
    expect(r.headers.location).toBe('/tokens');
    expect(r.headers['referrer-policy']).toBe('no-referrer');
    const cookies = r.headers['set-cookie']!;
    // The session cookie first, with exactly the attributes of a password login's.
    const password = await http('POST', `${t.api}/auth/login`, { headers: { 'content-type': 'application/json' }, body: { auth: 'admin', password: ADMIN_PASSWORD } });
    const shape = (line: string) => line.replace(/^semaphore=[^;]+/, 'semaphore=VALUE');
    expect(shape(cookies[0]!)).toBe(shape(password.headers['set-cookie']![0]!));
    // …and the state cookie cleared.
    expect(cookies[1]).toMatch(/^semauth_oidc_state=; Path=\/api\/auth\/oidc\/idp\/redirect; Max-Age=0; /);

    const me = await whoami(t, r.cookie());
    expect(me).toMatchObject({ username: 'alice', name: 'Alice Liddell', email: 'alice@example.org', external: true, admin: false });
    // Like a password login's session, it records where it signed in from.
    const sessions = (await http('GET', `${t.api}/user/sessions`, { headers: { cookie: r.cookie() } })).json();
    expect(sessions).toEqual([expect.objectContaining({ current: true, address: '127.0.0.1', user_agent: null })]);
    const audit = await t.storage.audit.query({ userId: me.id });
    expect(audit.map((e) => e.event).sort()).toEqual(['login.succeeded', 'user.created']);
    expect(audit.find((e) => e.event === 'login.succeeded')?.detail).toEqual({ method: 'oidc', provider: 'idp' });
  });

  it('signs the same user in again at the second sign-in, to the web root without ?redirect', async () => {
    const before = (await t.services.users.list()).length;
    const id = (await t.services.users.find('alice@example.org'))!.id;
    const r = await signIn(t, 'alice');
    expect(r.status).toBe(307);
    expect(r.headers.location).toBe('/');
    expect((await whoami(t, r.cookie())).id).toBe(id);
    expect((await t.services.users.list()).length).toBe(before);
  });

  it('follows the provider\'s name claim, and matches the e-mail whatever its case', async () => {
    idp.addAccount({ sub: 'alice', email: 'ALICE@Example.org', preferred_username: 'alice', name: 'Alice Pleasance Liddell' });
    const me = await whoami(t, (await signIn(t, 'alice')).cookie());
    expect(me).toMatchObject({ username: 'alice', name: 'Alice Pleasance Liddell', email: 'alice@example.org' });
    idp.addAccount({ sub: 'alice', email: 'alice@example.org', email_verified: true, preferred_username: 'alice', name: 'Alice Liddell' });
  });

  it('returns to the callback\'s {path} (Semaphore\'s …/redirect/{path}) when the sign-in named none', async () => {
    const flow = await idp.signIn(startUrl(t), 'alice');
    const callback = new URL(flow.callbackUrl);
    const r = await http('GET', `${callback.origin}${callback.pathname}/project/7/history${callback.search}`, { headers: { cookie: flow.stateCookie } });
    expect(r.status).toBe(307);
    expect(r.headers.location).toBe('/project/7/history');
    expect((await whoami(t, r.cookie())).username).toBe('alice');
  });

  it('accepts a trailing slash on its routes, as on every route', async () => {
    const start = await http('GET', `${t.api}/auth/oidc/idp/login/?redirect=%2Ftokens`);
    expect(start.status).toBe(307);
    expect(start.headers.location!.startsWith(`${idp.issuer}/auth?`)).toBe(true);
    const flow = await idp.signIn(startUrl(t), 'alice');
    const callback = new URL(flow.callbackUrl);
    const r = await http('GET', `${callback.origin}${callback.pathname}/${callback.search}`, { headers: { cookie: flow.stateCookie } });
    expect(r.status).toBe(307);
    expect(r.headers.location).toBe('/');
    expect(r.headers['set-cookie']![0]).toMatch(/^semaphore=/);
  });

  it('normalises the return path: dot segments resolved, repeated slashes collapsed, the query kept', async () => {
    const r = await signIn(t, 'alice', '/a/../tokens//x/./?tab=2');
    expect(r.status).toBe(307);
    expect(r.headers.location).toBe('/tokens/x/?tab=2');
  });

  it('a user who cancels at the provider comes back with error=oidc_denied', async () => {
    const flow = await idp.signIn(startUrl(t), 'alice', { deny: true });
    expect(new URL(flow.callbackUrl).searchParams.get('error')).toBe('access_denied');
    expectRefused(await http('GET', flow.callbackUrl, { headers: { cookie: flow.stateCookie } }), 'oidc_denied');
  });
});

describe('accounts', () => {
  it('takes the username from the e-mail when the provider sends no username claim, and the name from the username', async () => {
    idp.addAccount({ sub: 'no-profile', email: 'carol@example.org' });
    const me = await whoami(t, (await signIn(t, 'no-profile')).cookie());
    expect(me).toMatchObject({ username: 'carol', name: 'carol', email: 'carol@example.org', external: true });
  });

  it('refuses a provider without an e-mail claim, or with one it says it has not verified: error=oidc_user', async () => {
    idp.addAccount({ sub: 'mailless', preferred_username: 'mailless' });
    expectRefused(await signIn(t, 'mailless'), 'oidc_user');
    idp.addAccount({ sub: 'unverified', email: 'unverified@example.org', email_verified: false, preferred_username: 'unverified' });
    expectRefused(await signIn(t, 'unverified'), 'oidc_user');
    expect(await t.services.users.find('unverified@example.org')).toBeUndefined();
    const failed = await t.storage.audit.query({ login: 'unverified@example.org' });
    expect(failed.map((e) => [e.event, e.detail])).toEqual([['login.failed', { method: 'oidc', provider: 'idp', reason: 'oidc_user' }]]);
  });

  it('never takes over a local user with the same e-mail: error=oidc_conflict, the local account unchanged', async () => {
    const local = await t.services.users.add({ login: 'dora', name: 'Local Dora', email: 'dora@example.org', password: 'dora-local-password' }, CLI_CONTEXT);
    idp.addAccount({ sub: 'dora', email: 'dora@example.org', email_verified: true, preferred_username: 'dora-sso', name: 'SSO Dora' });
    expectRefused(await signIn(t, 'dora'), 'oidc_conflict');
    expect(await t.services.users.find('dora@example.org')).toMatchObject({ id: local.id, username: 'dora', name: 'Local Dora', external: false });
    expect(await t.services.users.find('dora-sso')).toBeUndefined();
    await login(t.api, 'dora', 'dora-local-password');
  });

  it('never takes over another user\'s username either: error=oidc_conflict, no user created', async () => {
    await t.services.users.add({ login: 'erin', name: 'Local Erin', email: 'erin@local.example', password: 'erin-local-password' }, CLI_CONTEXT);
    idp.addAccount({ sub: 'erin', email: 'erin@example.org', email_verified: true, preferred_username: 'erin' });
    expectRefused(await signIn(t, 'erin'), 'oidc_conflict');
    expect(await t.services.users.find('erin@example.org')).toBeUndefined();
  });

  it('gives a disabled user no session: error=oidc_disabled', async () => {
    idp.addAccount({ sub: 'frank', email: 'frank@example.org', preferred_username: 'frank' });
    await whoami(t, (await signIn(t, 'frank')).cookie());
    await t.services.users.change('frank', { disabled: true }, CLI_CONTEXT);
    expectRefused(await signIn(t, 'frank'), 'oidc_disabled');
  });

  it('an external (OIDC) user still cannot sign in with a password', async () => {
    const r = await http('POST', `${t.api}/auth/login`, { headers: { 'content-type': 'application/json' }, body: { auth: 'alice', password: 'any-password-at-all' } });
    expect(r.status).toBe(401);
  });
});

describe('SEMAUTH_OIDC_LINK_LOCAL=true, client_secret_file, a web root and the Semaphore UI marker', () => {
  let linked: TestApp;
  beforeAll(async () => {
    linked = await startOidcApp(idp, { secretInFile: true, env: { SEMAUTH_OIDC_LINK_LOCAL: 'true', SEMAPHORE_WEB_ROOT: '/semaphore', SEMAUTH_SEMAPHORE_UI_COMPAT: 'true' } });
  });
  afterAll(() => linked?.close());

  it('signs a local user in by the e-mail the provider vouches for, keeping the account local (its password works still)', async () => {
    const local = await linked.services.users.add({ login: 'gina', name: 'Local Gina', email: 'gina@example.org', password: 'gina-local-password' }, CLI_CONTEXT);
    idp.addAccount({ sub: 'gina', email: 'gina@example.org', email_verified: true, preferred_username: 'gina-sso', name: 'SSO Gina' });
    idp.addAccount({ sub: 'hank', email: 'hank@example.org', preferred_username: 'hank', name: 'Hank Hill' });
    // The client secret came from client_secret_file: the provider accepted it at the token endpoint.
    const r = await signIn(linked, 'gina', '/tokens');
    expect(r.status).toBe(307);
    expect(r.headers.location).toBe('/semaphore/tokens');
    // The cookies of a login, the Semaphore UI's marker included, then the state cleared.
    expect(r.headers['set-cookie']).toEqual([expect.stringMatching(/^semaphore=/), expect.stringMatching(/^ui_semaphore=1; Path=\/;/), expect.stringMatching(/^semauth_oidc_state=; /)]);
    expect(await whoami(linked, r.cookie())).toMatchObject({ id: local.id, username: 'gina', name: 'Local Gina', external: false });
    await login(linked.api, 'gina', 'gina-local-password');
  });

  it('names new users by Semaphore\'s default name_claim, preferred_username', async () => {
    const me = await whoami(linked, (await signIn(linked, 'hank')).cookie());
    expect(me).toMatchObject({ username: 'hank', name: 'hank', email: 'hank@example.org', external: true });
  });

  it('sends failures to the sign-in page under the web root, and limits the state cookie to the callback under it', async () => {
    const start = await http('GET', startUrl(linked));
    expect(start.headers['set-cookie']![0]).toContain('; Path=/semaphore/api/auth/oidc/idp/redirect;');
    expectRefused(await http('GET', `${linked.api}/auth/oidc/idp/redirect?code=x&state=y`), 'oidc_state', '/semaphore');
  });
});
