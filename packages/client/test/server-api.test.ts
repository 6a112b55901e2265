/*
 * Every SDK operation against a real semauth process (SQLite file in a temp
 * dir, random loopback port): success and error paths as SPEC.md describes
 * them, seen through the SDK's return values and ApiException.
 */
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthenticationApi, Configuration, PingApi, UserApi, type APIToken } from '../src/index.js';
import { expectApiError } from './support/expect-api-error.js';
import { adminSession, configurationFor, startServer, type ServerProcess } from './support/server.js';

const DATE_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
const WHOLE_TOKEN = /^[a-z0-9_=-]{44}$/;

let server: ServerProcess;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

const auth = (configuration: Configuration) => new AuthenticationApi(configuration);
const anonymous = () => configurationFor(server);

describe('public operations', () => {
  it('pingGet answers pong', async () => {
    await expect(new PingApi(anonymous()).pingGet()).resolves.toBe('pong');
  });

  it('authLoginGet returns the login metadata', async () => {
    await expect(auth(anonymous()).authLoginGet()).resolves.toEqual({
      oidc_providers: [],
      login_with_password: true,
      auth_methods: { totp: { enabled: false, allow_recovery: false } },
    });
  });
});

describe('authLoginPost', () => {
  it('logs in and keeps the session cookie in the configuration', async () => {
    const configuration = anonymous();
    await auth(configuration).authLoginPost({ auth: 'admin', password: server.adminPassword });
    expect(configuration.apiKey.cookie).toMatch(/^[^.;,\s]+\.[^;,\s]+$/);
    const me = await new UserApi(configuration).userGet();
    expect(me).toEqual({
      id: 1,
      created: expect.stringMatching(DATE_TIME),
      username: 'admin',
      name: expect.any(String),
      email: expect.any(String),
      admin: true,
      external: false,
      alert: expect.any(Boolean),
      can_create_project: expect.any(Boolean),
    });
  });

  it('matches the login name or e-mail case-insensitively', async () => {
    const { email } = await new UserApi(await adminSession(server)).userGet();
    for (const login of ['ADMIN', email.toUpperCase()]) {
      const configuration = anonymous();
      await auth(configuration).authLoginPost({ auth: login, password: server.adminPassword });
      expect(configuration.apiKey.cookie).toBeDefined();
    }
  });

  it('rejects a wrong password and an unknown user alike with 401, storing nothing', async () => {
    const configuration = anonymous();
    const wrongPassword = await expectApiError(auth(configuration).authLoginPost({ auth: 'admin', password: 'wrong' }), 401);
    const unknownUser = await expectApiError(auth(configuration).authLoginPost({ auth: 'nobody', password: 'wrong' }), 401);
    expect(unknownUser.body).toEqual(wrongPassword.body);
    expect(wrongPassword.operation).toBe('authLoginPost');
    expect(configuration.apiKey.cookie).toBeUndefined();
  });

  it('rejects an empty login body with 400', async () => {
    await expectApiError(auth(anonymous()).authLoginPost({ auth: '', password: '' }), 400);
  });

  it('accepts the cookie back as a whole echoed Set-Cookie line', async () => {
    const session = await adminSession(server);
    const echoed = configurationFor(server, { cookie: `semaphore=${session.apiKey.cookie}; Path=/; HttpOnly; SameSite=Lax` });
    await expect(new UserApi(echoed).userGet()).resolves.toMatchObject({ username: 'admin' });
  });
});

describe('authLogoutPost', () => {
  it('revokes the session on the server and forgets the cookie', async () => {
    const configuration = await adminSession(server);
    const cookie = configuration.apiKey.cookie;
    await auth(configuration).authLogoutPost();
    expect(configuration.apiKey.cookie).toBeUndefined();
    await expectApiError(new UserApi(configurationFor(server, { cookie: cookie! })).userGet(), 401);
  });

  it('answers 204 without any credentials', async () => {
    await expect(auth(anonymous()).authLogoutPost()).resolves.toBeUndefined();
  });

  it('with only a bearer token, does not revoke the token', async () => {
    const token = await auth(await adminSession(server)).userTokensPost();
    const bearer = configurationFor(server, { bearer: token.id });
    await auth(bearer).authLogoutPost();
    await expect(new UserApi(bearer).userGet()).resolves.toMatchObject({ username: 'admin' });
  });

  it('refuses a cross-site cookie request with 403 and keeps the cookie for a retry', async () => {
    const session = await adminSession(server);
    const withOrigin = new Configuration({
      basePath: session.basePath,
      apiKey: { cookie: session.apiKey.cookie },
      headers: { Origin: 'https://evil.example' },
    });
    await expectApiError(auth(withOrigin).authLogoutPost(), 403);
    expect(withOrigin.apiKey.cookie).toBe(session.apiKey.cookie);
  });
});

describe('userTokensPost', () => {
  it('creates a token: the whole secret plus the extension fields', async () => {
    const token = await auth(await adminSession(server)).userTokensPost();
    expect(token).toEqual({
      id: expect.stringMatching(WHOLE_TOKEN),
      created: expect.stringMatching(DATE_TIME),
      expired: false,
      user_id: 1,
      name: '',
      expires_at: null,
      last_used_at: null,
    });
  });

  it('sends name and expiresAt (a Date) as name and expires_at', async () => {
    const expiresAt = new Date(Date.now() + 3_600_000);
    const token = await auth(await adminSession(server)).userTokensPost({ name: 'ci job', expiresAt });
    expect(token.name).toBe('ci job');
    expect(token.expires_at).toMatch(DATE_TIME);
    expect(Date.parse(token.expires_at!) - expiresAt.getTime()).toBeGreaterThanOrEqual(0);
    expect(Date.parse(token.expires_at!) - expiresAt.getTime()).toBeLessThan(1000);
  });

  it('rejects an expiry in the past, or not a date-time, with 400', async () => {
    const api = auth(await adminSession(server));
    await expectApiError(api.userTokensPost({ expiresAt: new Date(Date.now() - 60_000) }), 400);
    await expectApiError(api.userTokensPost({ expiresAt: 'next tuesday' }), 400);
  });
});

describe('userTokensGet', () => {
  it('lists 8-character ids, newest first, with the extension fields', async () => {
    const api = auth(await adminSession(server));
    const older = await api.userTokensPost({ name: 'older' });
    const newer = await api.userTokensPost({ name: 'newer' });
    const listed = await api.userTokensGet();
    const ids = listed.map((token) => token.id);
    expect(ids).toContain(older.id.slice(0, 8));
    expect(ids.indexOf(newer.id.slice(0, 8))).toBeLessThan(ids.indexOf(older.id.slice(0, 8)));
    for (const token of listed) {
      expect(token.id).toHaveLength(8);
      expect(Object.keys(token).sort()).toEqual(
        ['created', 'expired', 'expires_at', 'id', 'last_used_at', 'name', 'user_id'].sort(),
      );
    }
  });
});

describe('userTokensApiTokenIdDelete', () => {
  it('revokes by the whole token — whose trailing "=" travels as %3D — idempotently', async () => {
    const api = auth(await adminSession(server));
    const token = await api.userTokensPost({ name: 'whole' });
    expect(token.id.endsWith('=')).toBe(true);
    await api.userTokensApiTokenIdDelete(token.id);
    expect((await api.userTokensGet()).map((t) => t.id)).not.toContain(token.id.slice(0, 8));
    await expectApiError(new UserApi(configurationFor(server, { bearer: token.id })).userGet(), 401);
    await expect(api.userTokensApiTokenIdDelete(token.id)).resolves.toBeUndefined();
  });

  it('revokes by the listed 8-character id', async () => {
    const api = auth(await adminSession(server));
    const token = await api.userTokensPost();
    await api.userTokensApiTokenIdDelete(token.id.slice(0, 8));
    await expectApiError(new UserApi(configurationFor(server, { bearer: token.id })).userGet(), 401);
  });

  // SPEC §1: every id that names none of your tokens is 404 ("already gone"), whatever its shape.
  it.each([
    ['an unknown 8-character id', 'zzzzzzzz'],
    ['a 12-character id', 'zzzzzzzzzzzz'],
    ['a 32-character hex id', '0123456789abcdef0123456789abcdef'],
    ['a 52-character Semaphore id', 'mfrggzdfmztwq2lknnwg23tpobyxe43uov3ho6dzpjqwey3e4vlt'],
    ['a 56-character Semaphore id, "=" padded', 'mfrggzdfmztwq2lknnwg23tpobyxe43uov3ho6dzpjqwey3emfrg===='],
    ['256 characters', 'a'.repeat(256)],
  ])('answers 404 for %s that matches none of your tokens', async (_name, id) => {
    await expectApiError(auth(await adminSession(server)).userTokensApiTokenIdDelete(id), 404);
  });

  it('answers 409 for an 8-character id shared by two of your tokens; the whole token still works', async (context) => {
    // Two random tokens never share a prefix by chance, so make them: this
    // reaches into the server's SQLite file (its api_tokens.prefix column).
    if (server.dbPath === '') context.skip('needs the SQLite file (the server runs on PostgreSQL)');
    const api = auth(await adminSession(server));
    const first = await api.userTokensPost();
    const second = await api.userTokensPost();
    const db = new Database(server.dbPath);
    try {
      const changed = db
        .prepare('UPDATE api_tokens SET prefix = ? WHERE prefix = ?')
        .run(first.id.slice(0, 8), second.id.slice(0, 8)).changes;
      expect(changed, 'the server’s api_tokens table no longer has this shape').toBe(1);
    } finally {
      db.close();
    }
    const ambiguous = await expectApiError(api.userTokensApiTokenIdDelete(first.id.slice(0, 8)), 409);
    expect(ambiguous.operation).toBe('userTokensApiTokenIdDelete');
    await api.userTokensApiTokenIdDelete(first.id);
    await api.userTokensApiTokenIdDelete(second.id);
  });

  it('answers 400 only for an id no server could issue: a space, a non-ASCII letter, over 256 characters', async () => {
    const api = auth(await adminSession(server));
    await expectApiError(api.userTokensApiTokenIdDelete('not/a token'), 400);
    await expectApiError(api.userTokensApiTokenIdDelete('ünal-token'), 400);
    await expectApiError(api.userTokensApiTokenIdDelete('a'.repeat(257)), 400);
  });
});

describe('authentication failures', () => {
  const operations: Array<[string, (configuration: Configuration) => Promise<unknown>]> = [
    ['userGet', (c) => new UserApi(c).userGet()],
    ['userTokensGet', (c) => auth(c).userTokensGet()],
    ['userTokensPost', (c) => auth(c).userTokensPost()],
    ['userTokensApiTokenIdDelete', (c) => auth(c).userTokensApiTokenIdDelete('abcdefgh')],
  ];

  it.each(operations)('%s answers 401 without credentials', async (_, call) => {
    await expectApiError(call(anonymous()), 401);
  });

  it.each(operations)('%s answers 401 for an unknown bearer token', async (_, call) => {
    await expectApiError(call(configurationFor(server, { bearer: 'x'.repeat(43) + '=' })), 401);
  });

  it('does not fall back to a valid cookie when the bearer token is invalid', async () => {
    const session = await adminSession(server);
    const both = configurationFor(server, { bearer: 'invalid-token', cookie: session.apiKey.cookie! });
    await expectApiError(auth(both).userTokensGet(), 401);
  });
});

describe('end-to-end flows', () => {
  it('cookie: login → tokens → logout → 401', async () => {
    const configuration = anonymous();
    const api = auth(configuration);
    await api.authLoginPost({ auth: 'admin', password: server.adminPassword });
    await expect(api.userTokensGet()).resolves.toBeInstanceOf(Array);
    const cookie = configuration.apiKey.cookie!;
    await api.authLogoutPost();
    await expectApiError(api.userTokensGet(), 401);
    await expectApiError(auth(configurationFor(server, { cookie })).userTokensGet(), 401);
  });

  it('bearer: token from a session, used alone, revoked by itself → 401', async () => {
    const session = auth(await adminSession(server));
    const token: APIToken = await session.userTokensPost({ name: 'bearer-flow' });
    await session.authLogoutPost();
    const bearer = configurationFor(server, { bearer: token.id });
    await expect(new UserApi(bearer).userGet()).resolves.toMatchObject({ id: token.user_id });
    const listed = await auth(bearer).userTokensGet();
    expect(listed.find((t) => t.id === token.id.slice(0, 8))).toMatchObject({ name: 'bearer-flow', expired: false });
    await auth(bearer).userTokensApiTokenIdDelete(token.id);
    await expectApiError(auth(bearer).userTokensGet(), 401);
  });
});
