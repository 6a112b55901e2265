import { describe, expect, it } from 'vitest';
import { Configuration, DEFAULT_BASE_PATH } from '../src/index.js';

describe('Configuration', () => {
  it('defaults to a local server, no credentials, no timeout, credentials: include', () => {
    const configuration = new Configuration();
    expect(configuration.basePath).toBe('http://localhost:3000/api');
    expect(DEFAULT_BASE_PATH).toBe('http://localhost:3000/api');
    expect(configuration.apiKey).toEqual({});
    expect(configuration.timeoutMs).toBeUndefined();
    expect(configuration.credentials).toBe('include');
    expect(configuration.authHeaders()).toEqual({});
  });

  it('drops trailing slashes of basePath so paths join cleanly', () => {
    expect(new Configuration({ basePath: 'https://sem.example/api//' }).basePath).toBe('https://sem.example/api');
    expect(new Configuration({ basePath: '/api/' }).basePath).toBe('/api');
  });

  it('sends a bearer token as Authorization: Bearer', () => {
    const configuration = new Configuration({ apiKey: { bearer: 'abc=' } });
    expect(configuration.authHeaders()).toEqual({ Authorization: 'Bearer abc=' });
  });

  it.each([
    ['bare value', 'id.secret='],
    ['name=value pair', 'semaphore=id.secret='],
    ['echoed Set-Cookie line', 'semaphore=id.secret=; Path=/; HttpOnly; SameSite=Lax'],
    ['whole Cookie header', 'theme=dark; semaphore=id.secret='],
    ['padded with spaces', '  semaphore=id.secret=  '],
    // semauth's marker for Semaphore's web UI (SEMAUTH_SEMAPHORE_UI_COMPAT) is never the session.
    ['Cookie header with the UI marker first', 'ui_semaphore=1; semaphore=id.secret='],
    ['Cookie header with the UI marker last', 'semaphore=id.secret=; ui_semaphore=1'],
    ['login’s two Set-Cookie lines joined by ", "', 'semaphore=id.secret=; Path=/; Max-Age=60; HttpOnly; SameSite=Lax, ui_semaphore=1; Path=/; Max-Age=60; SameSite=Lax'],
    ['the same lines in the other order', 'ui_semaphore=1; Path=/; Max-Age=60; SameSite=Lax, semaphore=id.secret=; Path=/; Max-Age=60; HttpOnly'],
  ])('accepts the session cookie as a %s', (_, cookie) => {
    const configuration = new Configuration({ apiKey: { cookie } });
    expect(configuration.apiKey.cookie).toBe('id.secret=');
    expect(configuration.authHeaders()).toEqual({ Cookie: 'semaphore=id.secret=' });
  });

  it.each(['ui_semaphore=1', 'ui_semaphore=id.secret=; Path=/', 'theme=dark'])('never sends another cookie as the session: %s', (cookie) => {
    const configuration = new Configuration({ apiKey: { cookie } });
    expect(configuration.authHeaders()).toEqual({});
  });

  it('normalises a cookie assigned after construction too', () => {
    const configuration = new Configuration();
    configuration.apiKey.cookie = 'semaphore=v; Path=/';
    expect(configuration.authHeaders()).toEqual({ Cookie: 'semaphore=v' });
  });

  it('sends both credentials when both are set (the server prefers the bearer)', () => {
    const configuration = new Configuration({ apiKey: { bearer: 't', cookie: 'c' } });
    expect(configuration.authHeaders()).toEqual({ Authorization: 'Bearer t', Cookie: 'semaphore=c' });
  });

  it('copies apiKey and headers instead of mutating the caller’s objects', () => {
    const apiKey = { cookie: 'semaphore=a' };
    const headers = { 'X-Trace': '1' };
    const configuration = new Configuration({ apiKey, headers });
    configuration.apiKey.cookie = 'b';
    expect(apiKey).toEqual({ cookie: 'semaphore=a' });
    expect(configuration.headers).toEqual({ 'X-Trace': '1' });
    expect(configuration.headers).not.toBe(headers);
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])('rejects timeoutMs %s', (timeoutMs) => {
    expect(() => new Configuration({ timeoutMs })).toThrow(RangeError);
  });
});
