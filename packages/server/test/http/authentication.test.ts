/** How requests authenticate (SPEC §1 "Authentication of requests", §3) and GET /api/user. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, startTestApp, type TestApp } from '../support/app.js';
import { rowsWritten } from '../support/database-figures.js';
import { createToken, http, login } from '../support/http.js';

let t: TestApp;
let token: string;
let cookie: string;

beforeAll(async () => {
  t = await startTestApp();
  cookie = await login(t.api, 'admin', ADMIN_PASSWORD);
  token = await createToken(t.api, { cookie });
});
afterAll(() => t.close());

const me = (headers: Record<string, string>) => http('GET', `${t.api}/user`, { headers });

describe('GET /api/user', () => {
  it('returns the caller with every field and no password hash', async () => {
    const r = await me({ cookie });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/json');
    const u = r.json();
    expect(Object.keys(u).sort()).toEqual(['admin', 'alert', 'can_create_project', 'created', 'email', 'external', 'id', 'name', 'username']);
    expect(u).toMatchObject({ id: 1, username: 'admin', admin: true, external: false, alert: false, can_create_project: true });
    expect(u.created).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(r.text).not.toMatch(/argon2|\$2[aby]\$/);
  });

  it('answers /api/user/ like /api/user (Swagger spells it with a slash)', async () => {
    expect((await http('GET', `${t.api}/user/`, { headers: { cookie } })).json().username).toBe('admin');
  });

  it('answers 401 JSON without credentials', async () => {
    const r = await me({});
    expect(r.status).toBe(401);
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.json().error).toBeTruthy();
  });
});

describe('bearer tokens', () => {
  it.each([
    ['Bearer', (x: string) => `Bearer ${x}`],
    ['lower-case scheme', (x: string) => `bearer ${x}`],
    ['upper-case scheme', (x: string) => `BEARER ${x}`],
    ['extra spaces', (x: string) => `  Bearer   ${x}  `],
    ['a bare token (the seed client without a prefix)', (x: string) => x],
    ['an upper-cased token', (x: string) => `Bearer ${x.toUpperCase()}`],
  ])('accept %s', async (_n, header) => {
    expect((await me({ authorization: header(token) })).status).toBe(200);
  });

  it('refuse an invalid bearer even with a valid cookie (no fallback)', async () => {
    for (const authorization of ['Bearer nope', 'Bearer', 'nope', `Bearer ${token.slice(0, 43)}x`]) {
      const r = await me({ authorization, cookie });
      expect(r.status, authorization).toBe(401);
      expect(r.json().error).toBeTruthy();
    }
  });

  it('ignore other schemes and use the cookie', async () => {
    expect((await me({ authorization: 'Basic YWRtaW46eA==', cookie })).status).toBe(200);
    expect((await me({ authorization: 'Basic YWRtaW46eA==' })).status).toBe(401);
  });
});

describe('session cookies', () => {
  it.each([
    ['the bare pair', (c: string) => c],
    ['an echoed Set-Cookie line', (c: string) => `${c}; Path=/; Max-Age=2592000; HttpOnly; SameSite=Lax`],
    ['Set-Cookie lines joined by ", "', (c: string) => `${c}; Path=/; HttpOnly, other=1; Path=/`],
    ['among other cookies', (c: string) => `theme=dark; ${c}; lang=en`],
    ['after a stale cleared cookie', (c: string) => `semaphore=; ${c}`],
    ['the value alone, without a name', (c: string) => c.slice('semaphore='.length)],
  ])('authenticate when sent as %s', async (_n, shape) => {
    expect((await me({ cookie: shape(cookie) })).status).toBe(200);
  });

  it('refuse tampered, unknown and malformed cookies with 401', async () => {
    const [id, secret] = cookie.slice('semaphore='.length).split('.');
    for (const bad of [`semaphore=${id}.${'A'.repeat(32)}`, `semaphore=${'B'.repeat(16)}.${secret}`, 'semaphore=x', 'semaphore=', `semaphore=${id}`]) {
      expect((await me({ cookie: bad })).status, bad).toBe(401);
    }
  });

  it('end after 7 days idle', async () => {
    const c = await login(t.api, 'admin', ADMIN_PASSWORD);
    t.clock.advance(6 * 86_400_000);
    expect((await me({ cookie: c })).status).toBe(200);
    t.clock.advance(6 * 86_400_000);
    expect((await me({ cookie: c })).status).toBe(200); // used a day ago: still alive
    t.clock.advance(7 * 86_400_000 + 1000);
    expect((await me({ cookie: c })).status).toBe(401);
  });

  it('end after the absolute lifetime however much they are used', async () => {
    const c = await login(t.api, 'admin', ADMIN_PASSWORD);
    for (let day = 0; day < 29; day++) {
      t.clock.advance(86_400_000);
      expect((await me({ cookie: c })).status).toBe(200);
    }
    t.clock.advance(86_400_000);
    expect((await me({ cookie: c })).status).toBe(401);
  });

  it('cost four writes to open: the reserved attempt, settling it, the session and the audit entry', async () => {
    await login(t.api, 'admin', ADMIN_PASSWORD); // any upgrade of the stored hash happens here, not below
    const before = t.storage.stats.writes;
    await login(t.api, 'admin', ADMIN_PASSWORD);
    expect(t.storage.stats.writes - before).toBe(4);
  });

  it('do not write to the database on every authenticated request (counted by the database itself)', async () => {
    // Its own app: on PostgreSQL the count needs the server on one connection (see rowsWritten).
    const w = await startTestApp({ env: { SEMAUTH_DB_POOL_SIZE: '1' } });
    try {
      const c = await login(w.api, 'admin', ADMIN_PASSWORD);
      const tok = await createToken(w.api, { cookie: c });
      const get = (headers: Record<string, string>) => http('GET', `${w.api}/user`, { headers });
      expect((await get({ cookie: c })).status).toBe(200);
      expect((await get({ authorization: `Bearer ${tok}` })).status).toBe(200);
      const before = await rowsWritten(w.storage);
      for (let i = 0; i < 100; i++) {
        expect((await get({ cookie: c })).status).toBe(200);
        expect((await get({ authorization: `Bearer ${tok}` })).status).toBe(200);
      }
      expect(await rowsWritten(w.storage), 'rows written by 200 authenticated reads').toBe(before);
      w.clock.advance(61_000); // past the touch interval: one row updated for each credential
      await get({ cookie: c });
      await get({ authorization: `Bearer ${tok}` });
      expect((await rowsWritten(w.storage)) - before).toBe(2);
    } finally {
      await w.close();
    }
  });
});

describe('disabled users', () => {
  it('lose their sessions and tokens', async () => {
    await t.services.users.add({ login: 'carol', name: 'C', email: 'carol@example.com', password: 'carol-password' }, { address: 't', userAgent: null });
    const c = await login(t.api, 'carol', 'carol-password');
    const tok = await createToken(t.api, { cookie: c });
    await t.services.users.change('carol', { disabled: true }, { address: 't', userAgent: null });
    expect((await me({ cookie: c })).status).toBe(401);
    expect((await me({ authorization: tok })).status).toBe(401);
  });
});
