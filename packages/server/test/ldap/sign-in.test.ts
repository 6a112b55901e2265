/**
 * LDAP sign-in against a real OpenLDAP (slapd) over real HTTP: Semaphore's
 * flow with Semaphore's settings, and semauth's rules — external users made
 * and refreshed from the directory, filter injection impossible, local users
 * never taken over, one 401 for every refusal, throttling as for passwords.
 *
 * @dialects sqlite postgres
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PasswordHasher } from '../../src/crypto/passwords.js';
import { CLI_CONTEXT } from '../../src/services/context.js';
import { ADMIN_PASSWORD, startTestApp, type TestApp } from '../support/app.js';
import { http, login, type HttpResponse } from '../support/http.js';
import { DIRECTORY_START_TIMEOUT, startTestDirectory, type TestDirectory } from '../support/ldap.js';

let dir: TestDirectory;
let t: TestApp;

beforeAll(async () => {
  dir = await startTestDirectory('sign-in');
  t = await startTestApp({ env: dir.env() });
}, DIRECTORY_START_TIMEOUT);
afterAll(async () => {
  await t?.close();
  await dir?.destroy();
});

function attempt(api: string, auth: string, password: string, from?: string): Promise<HttpResponse> {
  return http('POST', `${api}/auth/login`, { headers: { 'content-type': 'application/json' }, body: { auth, password }, ...(from ? { localAddress: from } : {}) });
}

async function whoami(api: string, cookie: string) {
  const r = await http('GET', `${api}/user`, { headers: { cookie } });
  expect(r.status).toBe(200);
  return r.json();
}

/** The one body of every refused login, taken from an unknown login with no directory entry. */
let refusal: string;
beforeAll(async () => {
  const r = await attempt(t.api, 'nobody-anywhere', 'some-password-1');
  expect(r.status).toBe(401);
  refusal = r.text;
});

function expectRefused(r: HttpResponse): void {
  expect(r.status).toBe(401);
  expect(r.headers['content-type']).toBe('application/json');
  expect(r.headers['set-cookie']).toBeUndefined();
  expect(r.text).toBe(refusal);
}

describe('first and later sign-ins', () => {
  it('creates the external user from the entry at the first sign-in, with a session like a password login', async () => {
    expect(await t.services.users.find('alice')).toBeUndefined();
    const r = await attempt(t.api, 'alice', dir.users.alice!);
    expect(r.status).toBe(204);
    expect(r.headers['set-cookie']).toHaveLength(1);
    expect(r.headers['set-cookie']![0]).toMatch(/^semaphore=[^;]+; /);
    const me = await whoami(t.api, r.cookie());
    expect(me).toMatchObject({ username: 'alice', name: 'Alice Liddell', email: 'alice@example.org', external: true, admin: false });

    const audit = await t.storage.audit.query({ userId: me.id });
    expect(audit.map((e) => e.event).sort()).toEqual(['login.succeeded', 'user.created']);
    expect(audit.find((e) => e.event === 'login.succeeded')?.detail).toEqual({ method: 'ldap' });
  });

  it('signs the same user in again, also by the login in another case', async () => {
    const id = (await t.services.users.find('alice'))!.id;
    const cookie = await login(t.api, 'ALICE', dir.users.alice!);
    expect((await whoami(t.api, cookie)).id).toBe(id);
    expect((await t.services.users.list()).filter((u) => u.username === 'alice')).toHaveLength(1);
  });

  it('copies a changed name and e-mail from the directory at the next sign-in', async () => {
    await dir.addPerson('dora', { cn: 'Dora Explorer', mail: 'dora@example.org', password: 'dora-ldap-password' });
    const first = await whoami(t.api, await login(t.api, 'dora', 'dora-ldap-password'));
    await dir.changePerson('dora', { cn: 'Dora Marquez', mail: 'dora.marquez@example.org' });
    const second = await whoami(t.api, await login(t.api, 'dora', 'dora-ldap-password'));
    expect(second).toMatchObject({ id: first.id, username: 'dora', name: 'Dora Marquez', email: 'dora.marquez@example.org', external: true });
    const updated = (await t.storage.audit.query({ userId: first.id })).find((e) => e.event === 'user.updated');
    expect(updated?.detail).toEqual({ fields: ['name', 'email'] });
  });

  it('answers the same 401 for a wrong LDAP password and for an unknown login', async () => {
    expectRefused(await attempt(t.api, 'bob', 'not-bobs-password'));
    expectRefused(await attempt(t.api, 'no-such-person', dir.users.bob!));
    expect(await t.services.users.find('bob')).toBeUndefined();
    const failed = await t.storage.audit.query({ login: 'bob' });
    expect(failed.map((e) => [e.event, e.detail])).toEqual([['login.failed', { method: 'ldap' }]]);
  });

  it('refuses a disabled external user even with the right LDAP password', async () => {
    await dir.addPerson('erin', { cn: 'Erin Disabled', mail: 'erin@example.org', password: 'erin-ldap-password' });
    await login(t.api, 'erin', 'erin-ldap-password');
    await t.services.users.change('erin', { disabled: true }, CLI_CONTEXT);
    expectRefused(await attempt(t.api, 'erin', 'erin-ldap-password'));
  });

  it('keeps GET /auth/login as it was', async () => {
    const r = await http('GET', `${t.api}/auth/login`);
    expect(r.json()).toEqual({ oidc_providers: [], login_with_password: true, auth_methods: { totp: { enabled: false, allow_recovery: false } } });
  });
});

describe('filter injection', () => {
  // Each of these, pasted into the filter unescaped, would find alice's entry
  // (or several entries) — and alice's password would then sign the caller in.
  it.each([
    ['a wildcard', 'ali*'],
    ['a lone star', '*'],
    ['a closed and reopened clause', '*)(uid=alice'],
    ['an OR over every entry', 'alice)(|(uid=*'],
    ['a NUL byte', 'alice\u0000'],
    ['a backslash escape', 'alic\\65'],
    ['an escaped star', 'ali\\2a'],
  ])('%s (%j) is only ever compared literally: 401', async (_what, auth) => {
    expectRefused(await attempt(t.api, auth, dir.users.alice!));
  });
});

describe('local users', () => {
  it('a local user whose name is also in the directory keeps their account and password', async () => {
    const local = await t.services.users.add({ login: 'bob', name: 'Local Bob', email: 'bob@local.example', password: 'bob-local-password' }, CLI_CONTEXT);
    // The directory's bob, with the directory's password: never takes the local account over.
    expectRefused(await attempt(t.api, 'bob', dir.users.bob!));
    const me = await whoami(t.api, await login(t.api, 'bob', 'bob-local-password'));
    expect(me).toMatchObject({ id: local.id, username: 'bob', name: 'Local Bob', email: 'bob@local.example', external: false });
    expect(await t.services.users.find('bob@example.org')).toBeUndefined();
  });

  it('an entry whose e-mail is a local user\'s does not take that user over either', async () => {
    await t.services.users.add({ login: 'frank-local', name: 'Frank', email: 'frank@example.org', password: 'frank-local-password' }, CLI_CONTEXT);
    await dir.addPerson('frank', { cn: 'Frank LDAP', mail: 'frank@example.org', password: 'frank-ldap-password' });
    expectRefused(await attempt(t.api, 'frank', 'frank-ldap-password'));
    expect(await t.services.users.find('frank')).toBeUndefined();
  });

  it('an external user cannot sign in with a local password, only through the directory', async () => {
    // An external user carrying a password hash, as an imported Semaphore database can hold.
    await dir.addPerson('gina', { cn: 'Gina', mail: 'gina@example.org', password: 'gina-ldap-password' });
    const hash = await new PasswordHasher({ memoryKiB: 8192, timeCost: 1 }).hash('gina-local-password');
    await t.storage.users.create({
      username: 'gina', name: 'Gina', email: 'gina@example.org', passwordHash: hash, admin: false, external: true, alert: false, disabled: false, createdAt: Date.now(),
    });
    expectRefused(await attempt(t.api, 'gina', 'gina-local-password'));
    expect((await whoami(t.api, await login(t.api, 'gina', 'gina-ldap-password'))).username).toBe('gina');
  });

  it('local users sign in as before, with the password method in the audit', async () => {
    await login(t.api, 'admin', ADMIN_PASSWORD);
    const [entry] = await t.storage.audit.query({ login: 'admin', limit: 1 });
    expect(entry).toMatchObject({ event: 'login.succeeded', detail: { method: 'password' } });
  });
});

describe('throttling', () => {
  it('counts wrong LDAP passwords like wrong local ones: 429 even for the right password, and not from another address', async () => {
    const strict = await startTestApp({ env: { ...dir.env(), SEMAUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT_ADDRESS: '3' } });
    try {
      for (let i = 0; i < 3; i++) expect((await attempt(strict.api, 'alice', `wrong-guess-${i}`)).status).toBe(401);
      const throttled = await attempt(strict.api, 'alice', dir.users.alice!);
      expect(throttled.status).toBe(429);
      expect(throttled.headers['retry-after']).toMatch(/^\d+$/);
      // The owner, from elsewhere, is not locked out.
      expect((await attempt(strict.api, 'alice', dir.users.alice!, '127.0.0.2')).status).toBe(204);
    } finally {
      await strict.close();
    }
  });
});

describe('settings', () => {
  it("Semaphore's %[1]s filters work, e.g. signing in by uid or by e-mail", async () => {
    const byMail = await startTestApp({ env: { ...dir.env(), SEMAPHORE_LDAP_SEARCH_FILTER: '(|(uid=%[1]s)(mail=%[1]s))' } });
    try {
      const me = await whoami(byMail.api, await login(byMail.api, 'alice@example.org', dir.users.alice!));
      expect(me).toMatchObject({ username: 'alice', email: 'alice@example.org', external: true });
    } finally {
      await byMail.close();
    }
  });

  it('mappings choose the attributes, with alternatives and templates', async () => {
    const mapped = await startTestApp({
      env: { ...dir.env(), SEMAPHORE_LDAP_MAPPING_MAIL: 'employeeMail | {{ .uid }}@mapped.example', SEMAPHORE_LDAP_MAPPING_CN: 'displayName | sn' },
    });
    try {
      const me = await whoami(mapped.api, await login(mapped.api, 'alice', dir.users.alice!));
      expect(me).toMatchObject({ username: 'alice', name: 'Liddell', email: 'alice@mapped.example' });
    } finally {
      await mapped.close();
    }
  });

  it('password_login_disable closes the login form for directory users too (as Semaphore\'s UI does)', async () => {
    const closed = await startTestApp({ env: { ...dir.env(), SEMAPHORE_PASSWORD_LOGIN_DISABLED: 'true' } });
    try {
      const r = await attempt(closed.api, 'alice', dir.users.alice!);
      expect(r.status).toBe(403);
      expect(r.json().code).toBe('PASSWORD_LOGIN_DISABLED');
    } finally {
      await closed.close();
    }
  });

  it('a service account the directory refuses is a 503 (never a 500), and local users still sign in', async () => {
    const broken = await startTestApp({ env: { ...dir.env(), SEMAPHORE_LDAP_BIND_PASSWORD: 'not-the-service-password' } });
    try {
      const r = await attempt(broken.api, 'alice', dir.users.alice!);
      expect(r.status).toBe(503);
      expect(r.json()).toEqual({ error: expect.any(String), code: 'LDAP_UNAVAILABLE' });
      await login(broken.api, 'admin', ADMIN_PASSWORD);
    } finally {
      await broken.close();
    }
  });
});

describe('with SEMAUTH_SEMAPHORE_UI_COMPAT', () => {
  it("an LDAP sign-in sets the web UI's marker after the session cookie, as a password login does", async () => {
    const ui = await startTestApp({ env: { ...dir.env(), SEMAUTH_SEMAPHORE_UI_COMPAT: 'true' } });
    try {
      const r = await attempt(ui.api, 'alice', dir.users.alice!);
      expect(r.status).toBe(204);
      const lines = r.headers['set-cookie']!;
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(/^semaphore=[^;]+; Path=\/; .*HttpOnly/);
      expect(lines[1]).toMatch(/^ui_semaphore=1; Path=\/; Max-Age=\d+; SameSite=Lax$/);
      expect((await whoami(ui.api, r.cookie())).username).toBe('alice');
    } finally {
      await ui.close();
    }
  });
});
