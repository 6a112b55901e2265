import { describe, expect, it } from 'vitest';
import { AuthenticationApi, Configuration, PingApi, UserApi } from '../src/index.js';
import { empty, fakeFetch, json, text, TOKEN } from './support/fake-fetch.js';

const BASE = 'https://sem.example/api';

function setup(...responders: Parameters<typeof fakeFetch>) {
  const fake = fakeFetch(...responders);
  const configuration = new Configuration({ basePath: BASE, fetch: fake.fetch });
  return { fake, configuration, auth: new AuthenticationApi(configuration) };
}

describe('authLoginPost', () => {
  it('POSTs the JSON login body without sending existing credentials', async () => {
    const { fake, configuration, auth } = setup(empty(204));
    configuration.apiKey.bearer = 'old-token';
    configuration.apiKey.cookie = 'old-cookie';
    await auth.authLoginPost({ auth: 'admin', password: 'pw' });
    const call = fake.only();
    expect(call.method).toBe('POST');
    expect(call.url).toBe(`${BASE}/auth/login`);
    expect(call.headers.get('content-type')).toBe('application/json');
    expect(JSON.parse(call.body!)).toEqual({ auth: 'admin', password: 'pw' });
    expect(call.headers.get('authorization')).toBeNull();
    expect(call.headers.get('cookie')).toBeNull();
  });

  it('sends only auth and password, even when the object carries more', async () => {
    const { fake, auth } = setup(empty(204));
    const login = { auth: 'a', password: 'p', remember: true };
    await auth.authLoginPost(login);
    expect(JSON.parse(fake.only().body!)).toEqual({ auth: 'a', password: 'p' });
  });

  it('remembers the semaphore cookie among several Set-Cookie headers', async () => {
    const { configuration, auth } = setup(
      empty(204, [
        ['set-cookie', 'theme=dark; Path=/'],
        ['set-cookie', 'semaphore=42.s3cr3t=; Path=/; HttpOnly; SameSite=Lax'],
      ]),
    );
    await auth.authLoginPost({ auth: 'a', password: 'p' });
    expect(configuration.apiKey.cookie).toBe('42.s3cr3t=');
  });

  it.each([
    ['after', ['semaphore=42.s3cr3t=; Path=/; HttpOnly; SameSite=Lax', 'ui_semaphore=1; Path=/; SameSite=Lax']],
    ['before', ['ui_semaphore=1; Path=/; SameSite=Lax', 'semaphore=42.s3cr3t=; Path=/; HttpOnly; SameSite=Lax']],
  ])('never takes the web UI marker (%s the session cookie) for the session', async (_, lines) => {
    const { configuration, auth } = setup(empty(204, lines.map((line) => ['set-cookie', line] as [string, string])));
    await auth.authLoginPost({ auth: 'a', password: 'p' });
    expect(configuration.apiKey.cookie).toBe('42.s3cr3t=');
  });

  it('falls back to the joined set-cookie header when getSetCookie is missing', async () => {
    const joined = 'theme=dark; Expires=Thu, 01 Jan 2099 00:00:00 GMT, semaphore=7.abc; Path=/; HttpOnly';
    const { configuration, auth } = setup(() => {
      const headers = new Headers({ 'set-cookie': joined });
      Object.defineProperty(headers, 'getSetCookie', { value: undefined });
      return { status: 204, statusText: 'No Content', headers, type: 'basic', text: async () => '' } as unknown as Response;
    });
    await auth.authLoginPost({ auth: 'a', password: 'p' });
    expect(configuration.apiKey.cookie).toBe('7.abc');
  });

  it('leaves the configuration alone when no cookie is visible (browsers hide Set-Cookie)', async () => {
    const { configuration, auth } = setup(empty(204));
    configuration.apiKey.cookie = 'kept';
    await auth.authLoginPost({ auth: 'a', password: 'p' });
    expect(configuration.apiKey.cookie).toBe('kept');
  });

  it('shares the session with other APIs built on the same configuration', async () => {
    const { fake, configuration, auth } = setup(
      empty(204, { 'set-cookie': 'semaphore=1.x; Path=/; HttpOnly' }),
      json(200, { id: 1 }),
    );
    await auth.authLoginPost({ auth: 'a', password: 'p' });
    await new UserApi(configuration).userGet();
    expect(fake.calls[1]!.headers.get('cookie')).toBe('semaphore=1.x');
  });
});

describe('authLogoutPost', () => {
  it('POSTs with the session cookie and no body, then forgets the cookie', async () => {
    const { fake, configuration, auth } = setup(empty(204));
    configuration.apiKey.cookie = 'semaphore=1.x';
    await auth.authLogoutPost();
    const call = fake.only();
    expect(call.method).toBe('POST');
    expect(call.url).toBe(`${BASE}/auth/logout`);
    expect(call.headers.get('cookie')).toBe('semaphore=1.x');
    expect(call.body).toBeUndefined();
    expect(call.headers.get('content-type')).toBeNull();
    expect(configuration.apiKey.cookie).toBeUndefined();
  });

  it('keeps the cookie when logout failed, so it can be retried', async () => {
    const { configuration, auth } = setup(json(403, { error: 'cross-site request' }));
    configuration.apiKey.cookie = 'c';
    await expect(auth.authLogoutPost()).rejects.toMatchObject({ status: 403 });
    expect(configuration.apiKey.cookie).toBe('c');
  });
});

describe('token operations', () => {
  it('userTokensGet sends GET ?extended=true with the bearer token', async () => {
    const { fake, configuration, auth } = setup(json(200, [TOKEN]));
    configuration.apiKey.bearer = 'tok';
    await expect(auth.userTokensGet()).resolves.toEqual([TOKEN]);
    const call = fake.only();
    expect(call.method).toBe('GET');
    expect(call.url).toBe(`${BASE}/user/tokens?extended=true`);
    expect(call.headers.get('authorization')).toBe('Bearer tok');
    expect(call.headers.get('accept')).toBe('application/json');
    expect(call.body).toBeUndefined();
  });

  it('userTokensPost without options sends {} (no extension keys)', async () => {
    const { fake, auth } = setup(json(201, TOKEN));
    await expect(auth.userTokensPost()).resolves.toEqual(TOKEN);
    const call = fake.only();
    expect(call.method).toBe('POST');
    expect(call.url).toBe(`${BASE}/user/tokens?extended=true`);
    expect(call.body).toBe('{}');
    expect(call.headers.get('content-type')).toBe('application/json');
  });

  it('userTokensPost maps name and expiresAt (a Date) to name and expires_at, whole seconds rounded up', async () => {
    const { fake, auth } = setup(json(201, TOKEN));
    await auth.userTokensPost({ name: 'ci', expiresAt: new Date('2030-01-02T03:04:05.250Z') });
    expect(JSON.parse(fake.only().body!)).toEqual({ name: 'ci', expires_at: '2030-01-02T03:04:06Z' });
  });

  it('userTokensPost keeps whole-second Dates and passes strings through unchanged', async () => {
    const { fake, auth } = setup(json(201, TOKEN));
    await auth.userTokensPost({ expiresAt: new Date('2030-01-02T03:04:05Z') });
    await auth.userTokensPost({ expiresAt: '2031-05-06T07:08:09Z', name: '' });
    expect(JSON.parse(fake.calls[0]!.body!)).toEqual({ expires_at: '2030-01-02T03:04:05Z' });
    expect(JSON.parse(fake.calls[1]!.body!)).toEqual({ expires_at: '2031-05-06T07:08:09Z', name: '' });
  });

  it('userTokensPost omits options set to undefined', async () => {
    const { fake, auth } = setup(json(201, TOKEN));
    await auth.userTokensPost({ name: undefined, expiresAt: undefined });
    expect(fake.only().body).toBe('{}');
  });

  it('userTokensPost rejects an invalid Date before sending anything', async () => {
    const { fake, auth } = setup(json(201, TOKEN));
    await expect(auth.userTokensPost({ expiresAt: new Date('nope') })).rejects.toThrow(RangeError);
    expect(fake.calls).toHaveLength(0);
  });

  it('userTokensApiTokenIdDelete percent-encodes the id (= as %3D, / as %2F)', async () => {
    const { fake, auth } = setup(empty(204));
    await auth.userTokensApiTokenIdDelete('kwofd61g93-yuqvex8efmhjkgnbxlo8mp1tin6spyhu=');
    await auth.userTokensApiTokenIdDelete('a/b?c#d');
    expect(fake.calls[0]!.method).toBe('DELETE');
    expect(fake.calls[0]!.url).toBe(`${BASE}/user/tokens/kwofd61g93-yuqvex8efmhjkgnbxlo8mp1tin6spyhu%3D?extended=true`);
    expect(fake.calls[1]!.url).toBe(`${BASE}/user/tokens/a%2Fb%3Fc%23d?extended=true`);
  });

  it('userTokensApiTokenIdDelete refuses an empty id instead of addressing the collection', async () => {
    const { fake, auth } = setup(empty(204));
    await expect(auth.userTokensApiTokenIdDelete('')).rejects.toThrow(TypeError);
    expect(fake.calls).toHaveLength(0);
  });
});

describe('other operations', () => {
  it('authLoginGet is public and returns the metadata', async () => {
    const metadata = { oidc_providers: [{ id: 'sso', name: 'SSO' }], login_with_password: true };
    const { fake, configuration, auth } = setup(json(200, metadata));
    configuration.apiKey.bearer = 'tok';
    await expect(auth.authLoginGet()).resolves.toEqual(metadata);
    expect(fake.only().url).toBe(`${BASE}/auth/login`);
    expect(fake.only().headers.get('authorization')).toBeNull();
  });

  it('userGet sends credentials to /user', async () => {
    const { fake, configuration } = setup(json(200, { id: 1, username: 'admin' }));
    configuration.apiKey.cookie = 'c';
    await expect(new UserApi(configuration).userGet()).resolves.toEqual({ id: 1, username: 'admin' });
    expect(fake.only().url).toBe(`${BASE}/user`);
    expect(fake.only().headers.get('cookie')).toBe('semaphore=c');
  });

  it('pingGet asks for and returns text', async () => {
    const { fake, configuration } = setup(text(200, 'pong'));
    await expect(new PingApi(configuration).pingGet()).resolves.toBe('pong');
    expect(fake.only().url).toBe(`${BASE}/ping`);
    expect(fake.only().headers.get('accept')).toBe('text/plain');
  });
});

describe('every request', () => {
  it('carries the configured extra headers, and credentials override them', async () => {
    const fake = fakeFetch(json(200, []));
    const configuration = new Configuration({
      basePath: BASE,
      fetch: fake.fetch,
      headers: { 'X-Trace': 't-1', Authorization: 'Bearer stale' },
      apiKey: { bearer: 'fresh' },
    });
    await new AuthenticationApi(configuration).userTokensGet();
    expect(fake.only().headers.get('x-trace')).toBe('t-1');
    expect(fake.only().headers.get('authorization')).toBe('Bearer fresh');
  });

  it("uses credentials: 'include' and redirect: 'manual' by default", async () => {
    const { fake, auth } = setup(json(200, []));
    await auth.userTokensGet();
    expect(fake.only().credentials).toBe('include');
    expect(fake.only().redirect).toBe('manual');
  });

  it('honours a configured credentials mode', async () => {
    const fake = fakeFetch(json(200, []));
    const configuration = new Configuration({ fetch: fake.fetch, credentials: 'same-origin' });
    await new AuthenticationApi(configuration).userTokensGet();
    expect(fake.only().credentials).toBe('same-origin');
  });

  it('calls fetch without a `this` (window.fetch throws "Illegal invocation" otherwise)', async () => {
    const { fake, auth } = setup(json(200, []));
    await auth.userTokensGet();
    expect(fake.only().thisArg).toBeUndefined();
  });

  it('uses the global fetch, looked up at call time, when none is configured', async () => {
    const fake = fakeFetch(text(200, 'pong'));
    const original = globalThis.fetch;
    const ping = new PingApi(new Configuration({ basePath: BASE }));
    globalThis.fetch = fake.fetch;
    try {
      await expect(ping.pingGet()).resolves.toBe('pong');
    } finally {
      globalThis.fetch = original;
    }
    expect(fake.only().url).toBe(`${BASE}/ping`);
  });

  it('uses the default basePath when none is given', async () => {
    const fake = fakeFetch(text(200, 'pong'));
    await new PingApi(new Configuration({ fetch: fake.fetch })).pingGet();
    expect(fake.only().url).toBe('http://localhost:3000/api/ping');
  });
});
