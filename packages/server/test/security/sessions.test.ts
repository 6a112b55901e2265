/**
 * Session management under attack: fixation, replay after logout, deletion,
 * password change, disabling, cookie attributes (including behind a proxy)
 * and caching of answers that carry credentials.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_CONTEXT } from '../../src/services/context.js';
import { ADMIN_PASSWORD, startTestApp, type TestApp } from '../support/app.js';
import { createToken, http, login } from '../support/http.js';

let t: TestApp;
let n = 0;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const JSON_CT = { 'content-type': 'application/json' };
const whoami = (headers: Record<string, string>) => http('GET', `${t.api}/user`, { headers });

async function newUser(password = 'user-password-1'): Promise<{ login: string; password: string }> {
  const name = `victim${++n}`;
  await t.services.users.add({ login: name, name, email: `${name}@example.com`, password }, CLI_CONTEXT);
  return { login: name, password };
}

function attributes(setCookie: string): { pair: string; attrs: string[] } {
  const [pair, ...attrs] = setCookie.split(';').map((s) => s.trim());
  return { pair: pair!, attrs };
}

describe('session fixation', () => {
  it('never adopts a session presented to the login: the victim gets a fresh one, the planted one stays the attacker’s', async () => {
    const victim = await newUser();
    const attacker = await newUser();
    const planted = await login(t.api, attacker.login, attacker.password);
    const forged = 'semaphore=AAAAAAAAAAAAAAAA.BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB';
    for (const presented of [planted, forged]) {
      const r = await http('POST', `${t.api}/auth/login`, { headers: { ...JSON_CT, cookie: presented }, body: { auth: victim.login, password: victim.password } });
      expect(r.status).toBe(204);
      const fresh = r.cookie();
      expect(fresh).not.toBe(presented);
      expect((await whoami({ cookie: fresh })).json().username).toBe(victim.login);
    }
    expect((await whoami({ cookie: planted })).json().username).toBe(attacker.login);
    expect((await whoami({ cookie: forged })).status).toBe(401);
  });

  it('gives every login a different, high-entropy credential', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 20; i++) seen.add(await login(t.api, 'admin', ADMIN_PASSWORD));
    expect(seen.size).toBe(20);
    for (const c of seen) expect(c).toMatch(/^semaphore=[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{32}$/); // 96-bit id + 192-bit secret
  });
});

describe('ending sessions', () => {
  it('logout revokes the session on the server: replaying the old cookie fails, in any of the forms clients send it', async () => {
    const cookie = await login(t.api, 'admin', ADMIN_PASSWORD);
    expect((await http('POST', `${t.api}/auth/logout`, { headers: { cookie } })).status).toBe(204);
    for (const replay of [cookie, `${cookie}; Path=/; HttpOnly`, cookie.slice('semaphore='.length), `other=1, ${cookie}`]) {
      expect((await whoami({ cookie: replay })).status).toBe(401);
    }
    expect((await http('POST', `${t.api}/user/tokens`, { headers: { cookie } })).status).toBe(401);
  });

  it('deleting a user revokes all their sessions and API tokens at once', async () => {
    const u = await newUser();
    const cookies = [await login(t.api, u.login, u.password), await login(t.api, u.login, u.password)];
    const tokens = [await createToken(t.api, { cookie: cookies[0]! }), await createToken(t.api, { cookie: cookies[1]! })];
    for (const c of cookies) expect((await whoami({ cookie: c })).status).toBe(200);
    await t.services.users.delete(u.login, CLI_CONTEXT);
    for (const c of cookies) expect((await whoami({ cookie: c })).status).toBe(401);
    for (const tok of tokens) expect((await whoami({ authorization: `Bearer ${tok}` })).status).toBe(401);
    // A new user with the same name does not inherit anything.
    const again = await newUser();
    await t.services.users.change(again.login, { login: u.login }, CLI_CONTEXT);
    for (const tok of tokens) expect((await whoami({ authorization: tok })).status).toBe(401);
    for (const c of cookies) expect((await whoami({ cookie: c })).status).toBe(401);
  });

  it('an administrator’s password change (the CLI) ends every session of the user; API tokens stay (they are separate credentials)', async () => {
    const u = await newUser();
    const cookies = [await login(t.api, u.login, u.password), await login(t.api, u.login, u.password)];
    const token = await createToken(t.api, { cookie: cookies[0]! });
    await t.services.users.change(u.login, { password: 'a-new-password-2' }, CLI_CONTEXT);
    for (const c of cookies) expect((await whoami({ cookie: c })).status).toBe(401);
    expect((await whoami({ authorization: `Bearer ${token}` })).status).toBe(200);
    expect((await http('POST', `${t.api}/auth/login`, { headers: JSON_CT, body: { auth: u.login, password: u.password } })).status).toBe(401);
    await login(t.api, u.login, 'a-new-password-2');
  });

  it('a user changing their own password keeps the session they did it from and ends all others', async () => {
    const u = await newUser();
    const mine = await login(t.api, u.login, u.password);
    const stolen = await login(t.api, u.login, u.password);
    const me = await t.services.sessions.authenticate(mine.slice('semaphore='.length));
    await t.services.users.change(u.login, { password: 'a-new-password-3' }, CLI_CONTEXT, { keepSessionId: me!.sessionId });
    expect((await whoami({ cookie: mine })).status).toBe(200);
    expect((await whoami({ cookie: stolen })).status).toBe(401);
    const audit = (await t.storage.audit.query({ login: u.login })).find((e) => e.event === 'password.changed');
    expect(audit?.detail).toEqual({ by: 'admin', sessions_revoked: 1 });
  });

  it('disabling a user ends their sessions and tokens at once; enabling them again revives none', async () => {
    const u = await newUser();
    const cookie = await login(t.api, u.login, u.password);
    const token = await createToken(t.api, { cookie });
    await t.services.users.change(u.login, { disabled: true }, CLI_CONTEXT);
    expect((await whoami({ cookie })).status).toBe(401);
    expect((await whoami({ authorization: token })).status).toBe(401);
    expect((await http('POST', `${t.api}/auth/login`, { headers: JSON_CT, body: { auth: u.login, password: u.password } })).status).toBe(401);
    await t.services.users.change(u.login, { disabled: false }, CLI_CONTEXT);
    expect((await whoami({ cookie })).status).toBe(401);
    expect((await whoami({ authorization: token })).status).toBe(401);
    // Revoked, not merely refused: the rows say so.
    const user = (await t.services.users.find(u.login))!;
    expect(await t.storage.sessions.listByUser(user.id)).toEqual([]);
    expect(await t.storage.tokens.listByUser(user.id)).toEqual([]);
    await login(t.api, u.login, u.password);
  });
});

describe('the cookie', () => {
  it('is HttpOnly; SameSite=Lax; Path=/ and not Secure on plain HTTP by default — also when the client claims HTTPS', async () => {
    for (const headers of [{}, { 'x-forwarded-proto': 'https' }]) {
      const r = await http('POST', `${t.api}/auth/login`, { headers: { ...JSON_CT, ...headers }, body: { auth: 'admin', password: ADMIN_PASSWORD } });
      const { pair, attrs } = attributes(r.headers['set-cookie']![0]!);
      expect(pair).toMatch(/^semaphore=[^,; ]+$/);
      expect(attrs).toEqual(expect.arrayContaining(['Path=/', 'HttpOnly', 'SameSite=Lax']));
      expect(attrs).not.toContain('Secure');
      expect(attrs.some((a) => /^domain=/i.test(a))).toBe(false); // host-only: not shared with sibling subdomains
    }
  });

  it('is Secure behind a trusted proxy that forwarded HTTPS, on login and on logout', async () => {
    const p = await startTestApp({ env: { SEMAUTH_TRUST_PROXY: 'true' } });
    try {
      const login1 = await http('POST', `${p.api}/auth/login`, { headers: { ...JSON_CT, 'x-forwarded-proto': 'https' }, body: { auth: 'admin', password: ADMIN_PASSWORD } });
      expect(attributes(login1.headers['set-cookie']![0]!).attrs).toEqual(expect.arrayContaining(['Secure', 'HttpOnly', 'SameSite=Lax', 'Path=/']));
      // Several proxies each appended: the last one (ours) decides.
      const login2 = await http('POST', `${p.api}/auth/login`, { headers: { ...JSON_CT, 'x-forwarded-proto': 'http, https' }, body: { auth: 'admin', password: ADMIN_PASSWORD } });
      expect(attributes(login2.headers['set-cookie']![0]!).attrs).toContain('Secure');
      const logout = await http('POST', `${p.api}/auth/logout`, { headers: { cookie: login1.cookie(), 'x-forwarded-proto': 'https' } });
      expect(attributes(logout.headers['set-cookie']![0]!).attrs).toEqual(expect.arrayContaining(['Secure', 'Path=/', 'Max-Age=0']));
      // Plain HTTP through the same proxy: not Secure (the browser would drop it).
      const plain = await http('POST', `${p.api}/auth/login`, { headers: { ...JSON_CT, 'x-forwarded-proto': 'http' }, body: { auth: 'admin', password: ADMIN_PASSWORD } });
      expect(attributes(plain.headers['set-cookie']![0]!).attrs).not.toContain('Secure');
    } finally {
      await p.close();
    }
  });

  it('is Secure when the operator forces it (SEMAUTH_COOKIE_SECURE=always)', async () => {
    const p = await startTestApp({ env: { SEMAUTH_COOKIE_SECURE: 'always' } });
    try {
      const r = await http('POST', `${p.api}/auth/login`, { headers: JSON_CT, body: { auth: 'admin', password: ADMIN_PASSWORD } });
      expect(attributes(r.headers['set-cookie']![0]!).attrs).toContain('Secure');
    } finally {
      await p.close();
    }
  });
});

describe('caching', () => {
  it('marks the token-creation answer, and every other answer, Cache-Control: no-store', async () => {
    const cookie = await login(t.api, 'admin', ADMIN_PASSWORD);
    const created = await http('POST', `${t.api}/user/tokens`, { headers: { cookie } });
    expect(created.status).toBe(201);
    expect(created.headers['cache-control']).toBe('no-store');
    const token = created.json().id as string;
    const answers = [
      await http('POST', `${t.api}/auth/login`, { headers: JSON_CT, body: { auth: 'admin', password: ADMIN_PASSWORD } }),
      await http('POST', `${t.api}/auth/login`, { headers: JSON_CT, body: { auth: 'admin', password: 'wrong-password' } }),
      await http('GET', `${t.api}/auth/login`),
      await http('GET', `${t.api}/user`, { headers: { cookie } }),
      await http('GET', `${t.api}/user/tokens`, { headers: { authorization: token } }),
      await http('GET', `${t.api}/user/tokens?extended=true`, { headers: { authorization: token } }),
      await http('DELETE', `${t.api}/user/tokens/${token.slice(0, 8)}`, { headers: { cookie } }),
      await http('POST', `${t.api}/auth/logout`, { headers: { cookie } }),
      await http('GET', `${t.api}/ping`),
      await http('GET', `${t.api}/nowhere`),
      await http('GET', `${t.api}/user`),
      await http('HEAD', `${t.api}/user`),
    ];
    for (const r of answers) expect(r.headers['cache-control'], `${r.status} ${r.text}`).toBe('no-store');
  });
});
