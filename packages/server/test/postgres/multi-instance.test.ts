/**
 * Several `semauth server` processes on one PostgreSQL database, as behind
 * a load balancer: whatever one instance writes — sessions, tokens,
 * revocations (logout, token delete, a user deleted or disabled, a session
 * ended, a password changed), login failures — every other instance honours
 * on its very next request. PostgreSQL only (skipped in the SQLite pass).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { createServices } from '../../src/services/index.js';
import { openStorage } from '../../src/storage/open.js';
import { FAST_HASHING_ENV, freshDatabaseEnv, testDialect } from '../support/database.js';
import { createToken, http, login } from '../support/http.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';

const MAX_FAILURES = 3;

/** Adds a user straight into the database the instances share. */
async function addUser(dbEnv: Record<string, string>, login: string, password: string): Promise<void> {
  const config = loadConfig({ env: { ...dbEnv, ...FAST_HASHING_ENV } });
  const storage = await openStorage(config);
  try {
    await createServices(storage, config).users.add(
      { login, name: login, email: `${login}@example.org`, password },
      { address: 'test', userAgent: null },
    );
  } finally {
    await storage.close();
  }
}

const user = (api: string, headers: Record<string, string>) => http('GET', `${api}/user`, { headers });
/** Request headers, one set per credential. */
const creds = (...sets: Record<string, string>[]) => sets;

describe.skipIf(testDialect() !== 'postgres')('several instances on one PostgreSQL', () => {
  let dbEnv: Record<string, string>;
  let instances: ServerProcess[] = [];
  let A: string, B: string, C: string;

  beforeAll(async () => {
    dbEnv = await freshDatabaseEnv('postgres');
    // All three start at once on the empty database: they race to migrate and to create the admin.
    instances = await Promise.all(
      [1, 2, 3].map(() => startServerProcess({ dbEnv, env: { SEMAUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT_ADDRESS: String(MAX_FAILURES) } })),
    );
    [A, B, C] = instances.map((s) => `${s.url}/api`) as [string, string, string];
  }, 120_000);

  afterAll(async () => {
    await Promise.all(instances.map((s) => s.stop()));
  });

  it('a session from a login on A works on B and C', async () => {
    const cookie = await login(A, 'admin', instances[0]!.adminPassword);
    for (const api of [A, B, C]) {
      const r = await user(api, { cookie });
      expect(r.status, api).toBe(200);
      expect(r.json().username).toBe('admin');
    }
  });

  it('a token created on B works on C', async () => {
    const cookie = await login(B, 'admin', instances[1]!.adminPassword);
    const token = await createToken(B, { cookie });
    const r = await user(C, { authorization: `Bearer ${token}` });
    expect(r.status).toBe(200);
    expect(r.json().username).toBe('admin');
  });

  it('a token revoked on C is rejected by A and B on their very next request', async () => {
    const cookie = await login(A, 'admin', instances[0]!.adminPassword);
    const token = await createToken(A, { cookie });
    const bearer = { authorization: `Bearer ${token}` };
    // Used everywhere first, so that any per-instance memory of it would be warm.
    for (const api of [A, B, C]) expect((await user(api, bearer)).status).toBe(200);

    expect((await http('DELETE', `${C}/user/tokens/${token.slice(0, 8)}`, { headers: bearer })).status).toBe(204);

    for (const api of [A, B, C]) {
      const r = await user(api, bearer);
      expect(r.status, api).toBe(401);
      expect(r.json().error).toBeTypeOf('string');
    }
    expect((await http('GET', `${B}/user/tokens`, { headers: { cookie } })).json().map((t: { id: string }) => t.id)).not.toContain(token.slice(0, 8));
  });

  it('a session logged out on A is rejected by B and C', async () => {
    const cookie = await login(C, 'admin', instances[2]!.adminPassword);
    for (const api of [A, B, C]) expect((await user(api, { cookie })).status).toBe(200);

    expect((await http('POST', `${A}/auth/logout`, { headers: { cookie } })).status).toBe(204);

    for (const api of [B, C, A]) expect((await user(api, { cookie })).status, api).toBe(401);
  });

  /** A user created through the users API on `api`, with a session and a token made on the others, each used everywhere first. */
  async function warmUser(api: string, name: string): Promise<{ id: number; password: string; cookie: string; other: string; token: string }> {
    const admin = { cookie: await login(api, 'admin', instances[0]!.adminPassword) };
    const password = `${name}-password-1`;
    const created = await http('POST', `${api}/users`, { headers: { ...admin, 'content-type': 'application/json' }, body: { username: name, name, email: `${name}@example.org`, password } });
    expect(created.status, created.text).toBe(201);
    const cookie = await login(B, name, password);
    const other = await login(C, name, password);
    const token = await createToken(C, { cookie: other });
    for (const api of [A, B, C]) for (const headers of creds({ cookie }, { cookie: other }, { authorization: token })) expect((await user(api, headers)).status).toBe(200);
    return { id: created.json().id, password, cookie, other, token };
  }

  it('a user deleted on A: every instance refuses their sessions and tokens on its very next request', async () => {
    const u = await warmUser(A, 'gone');
    const admin = { cookie: await login(A, 'admin', instances[0]!.adminPassword) };
    expect((await http('DELETE', `${A}/users/${u.id}`, { headers: admin })).status).toBe(204);
    for (const api of [B, C, A]) for (const headers of creds({ cookie: u.cookie }, { cookie: u.other }, { authorization: u.token })) expect((await user(api, headers)).status, api).toBe(401);
  });

  it('a user disabled on B: every instance refuses them at once, and enabling them again revives nothing anywhere', async () => {
    const u = await warmUser(B, 'paused');
    const admin = { cookie: await login(B, 'admin', instances[1]!.adminPassword), 'content-type': 'application/json' };
    expect((await http('PUT', `${B}/users/${u.id}`, { headers: admin, body: { disabled: true } })).status).toBe(204);
    for (const api of [A, C, B]) for (const headers of creds({ cookie: u.cookie }, { authorization: u.token })) expect((await user(api, headers)).status, api).toBe(401);
    expect((await http('PUT', `${B}/users/${u.id}`, { headers: admin, body: { disabled: false } })).status).toBe(204);
    for (const api of [A, C, B]) for (const headers of creds({ cookie: u.cookie }, { authorization: u.token })) expect((await user(api, headers)).status, api).toBe(401);
  });

  it('a session ended on C (one, then all others) is refused by every instance on its very next request', async () => {
    const u = await warmUser(A, 'roamer');
    const third = await login(A, 'roamer', u.password);
    for (const api of [A, B, C]) expect((await user(api, { cookie: third })).status).toBe(200);
    const id = u.cookie.slice('semaphore='.length).split('.')[0]!;
    expect((await http('DELETE', `${C}/user/sessions/${id}`, { headers: { cookie: u.other } })).status).toBe(204);
    for (const api of [A, B, C]) expect((await user(api, { cookie: u.cookie })).status, api).toBe(401);
    expect((await http('DELETE', `${C}/user/sessions`, { headers: { cookie: u.other } })).status).toBe(204);
    for (const api of [A, B, C]) {
      expect((await user(api, { cookie: third })).status, api).toBe(401);
      expect((await user(api, { cookie: u.other })).status, api).toBe(200);
    }
  });

  it('a password changed on A ends the user’s other sessions on every instance at once; the token stays', async () => {
    const u = await warmUser(C, 'mover');
    const body = { password: 'mover-password-2', current_password: u.password };
    const r = await http('POST', `${A}/users/${u.id}/password`, { headers: { cookie: u.cookie, 'content-type': 'application/json' }, body });
    expect(r.status, r.text).toBe(204);
    for (const api of [B, C, A]) {
      expect((await user(api, { cookie: u.other })).status, api).toBe(401);
      expect((await user(api, { cookie: u.cookie })).status, api).toBe(200);
      expect((await user(api, { authorization: u.token })).status, api).toBe(200);
    }
  });

  it('200 concurrent token creations spread over the instances all succeed and are all listed by each', async () => {
    await addUser(dbEnv, 'bulk', 'bulk-password-1');
    const apis = [A, B, C];
    const cookies = await Promise.all(apis.map((api) => login(api, 'bulk', 'bulk-password-1')));
    const created = await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        const r = await http('POST', `${apis[i % 3]}/user/tokens`, { headers: { cookie: cookies[i % 3]! } });
        expect(r.status, r.text).toBe(201);
        return r.json().id as string;
      }),
    );
    expect(new Set(created).size).toBe(200);
    const expected = created.map((t) => t.slice(0, 8)).sort();
    for (const [i, api] of apis.entries()) {
      const r = await http('GET', `${api}/user/tokens`, { headers: { cookie: cookies[(i + 1) % 3]! } });
      expect(r.status).toBe(200);
      const listed: { id: string; created: string }[] = r.json();
      expect(listed.map((t) => t.id).sort()).toEqual(expected);
      // Newest first, whichever instance created them.
      const times = listed.map((t) => Date.parse(t.created));
      expect(times).toEqual([...times].sort((a, b) => b - a));
    }
  });

  it('login failures on one instance count on the others: the budget is shared, not multiplied', async () => {
    await addUser(dbEnv, 'victim', 'victim-password-1');
    const fail = (api: string) =>
      http('POST', `${api}/auth/login`, { headers: { 'content-type': 'application/json' }, body: { auth: 'victim', password: 'wrong-password' } });
    // One failure on each instance spends the whole budget…
    for (const api of [A, B, C].slice(0, MAX_FAILURES)) expect((await fail(api)).status).toBe(401);
    // …so every instance now refuses, even the right password.
    for (const api of [A, B, C]) {
      const r = await http('POST', `${api}/auth/login`, {
        headers: { 'content-type': 'application/json' },
        body: { auth: 'victim', password: 'victim-password-1' },
      });
      expect(r.status, api).toBe(429);
      expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
    }
  });

  it('no instance logged an unhandled error', () => {
    for (const s of instances) {
      expect(s.child.exitCode).toBeNull();
      expect(s.output()).not.toMatch(/unhandled|"level":50/);
    }
  });
});

describe.skipIf(testDialect() !== 'postgres')('instances starting together on an empty database', () => {
  it('both migrate (one waits for the other) and come up healthy, with one admin', async () => {
    const dbEnv = await freshDatabaseEnv('postgres');
    const pair = await Promise.all([startServerProcess({ dbEnv }), startServerProcess({ dbEnv })]);
    try {
      for (const s of pair) {
        const cookie = await login(`${s.url}/api`, 'admin', s.adminPassword);
        expect((await user(`${s.url}/api`, { cookie })).status).toBe(200);
      }
      const config = loadConfig({ env: dbEnv });
      const storage = await openStorage(config);
      try {
        expect((await storage.users.list()).map((u) => u.username)).toEqual(['admin']);
      } finally {
        await storage.close();
      }
    } finally {
      await Promise.all(pair.map((s) => s.stop()));
    }
  }, 60_000);
});
