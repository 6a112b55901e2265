import { describe, expect, it } from 'vitest';
import { ApiException, AuthenticationApi, Configuration, NetworkError, PingApi, TimeoutError } from '../src/index.js';
import { createServer } from 'node:net';
import { empty, fakeFetch, json, text, type Responder } from './support/fake-fetch.js';

function auth(...responders: Responder[]) {
  const fake = fakeFetch(...responders);
  return { fake, api: new AuthenticationApi(new Configuration({ fetch: fake.fetch })) };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to reject');
}

describe('ApiException', () => {
  it('carries status, the parsed JSON body and the headers of a non-2xx', async () => {
    const { api } = auth(json(401, { error: 'Invalid credentials' }, { 'x-request-id': 'r1' }));
    const error = await rejection(api.authLoginPost({ auth: 'a', password: 'b' }));
    expect(error).toBeInstanceOf(ApiException);
    expect(error).toBeInstanceOf(Error);
    const e = error as ApiException;
    expect(e.name).toBe('ApiException');
    expect(e.status).toBe(401);
    expect(e.body).toEqual({ error: 'Invalid credentials' });
    expect(e.headers.get('x-request-id')).toBe('r1');
    expect(e.operation).toBe('authLoginPost');
    expect(e.message).toBe('authLoginPost failed: HTTP 401: Invalid credentials');
  });

  it('keeps a text body as text', async () => {
    const { api } = auth(text(502, 'Bad Gateway from proxy'));
    const e = (await rejection(api.userTokensGet())) as ApiException;
    expect(e.status).toBe(502);
    expect(e.body).toBe('Bad Gateway from proxy');
    expect(e.message).toContain('Bad Gateway from proxy');
  });

  it('keeps a body labelled JSON but not parseable as text, rather than hiding the error', async () => {
    const { api } = auth(() => new Response('{oops', { status: 500, headers: { 'content-type': 'application/json' } }));
    const e = (await rejection(api.userTokensGet())) as ApiException;
    expect(e.status).toBe(500);
    expect(e.body).toBe('{oops');
  });

  it('recognises JSON with parameters and +json media types', async () => {
    const { api } = auth(
      () => new Response('{"error":"x"}', { status: 400, headers: { 'content-type': 'application/json; charset=utf-8' } }),
      () => new Response('{"title":"y"}', { status: 400, headers: { 'content-type': 'application/problem+json' } }),
    );
    expect(((await rejection(api.userTokensGet())) as ApiException).body).toEqual({ error: 'x' });
    expect(((await rejection(api.userTokensGet())) as ApiException).body).toEqual({ title: 'y' });
  });

  it('has an empty-string body when the error has none', async () => {
    const { api } = auth(empty(404));
    const e = (await rejection(api.userTokensApiTokenIdDelete('abcdefgh'))) as ApiException;
    expect(e.status).toBe(404);
    expect(e.body).toBe('');
  });

  it('exposes Retry-After of a throttled login', async () => {
    const { api } = auth(json(429, { error: 'Too many attempts' }, { 'retry-after': '30' }));
    const e = (await rejection(api.authLoginPost({ auth: 'a', password: 'b' }))) as ApiException;
    expect(e.status).toBe(429);
    expect(e.headers.get('retry-after')).toBe('30');
  });

  it('is thrown for a 2xx that does not carry the promised JSON', async () => {
    const { api } = auth(text(200, '<html>login page</html>'));
    const e = (await rejection(api.userTokensGet())) as ApiException;
    expect(e).toBeInstanceOf(ApiException);
    expect(e.status).toBe(200);
    expect(e.body).toBe('<html>login page</html>');
  });

  it('is thrown for redirects, which are not followed', async () => {
    const { api } = auth(() => new Response(null, { status: 302, headers: { location: 'https://elsewhere/' } }));
    const e = (await rejection(api.userTokensGet())) as ApiException;
    expect(e.status).toBe(302);
    expect(e.message).toContain('redirect');
    expect(e.headers.get('location')).toBe('https://elsewhere/');
  });

  it('never puts the request URL (which may hold a whole token) in the message', async () => {
    const secret = 'kwofd61g93-yuqvex8efmhjkgnbxlo8mp1tin6spyhu=';
    const { api } = auth(json(404, { error: 'API token not found' }));
    const e = (await rejection(api.userTokensApiTokenIdDelete(secret))) as ApiException;
    expect(e.message).not.toContain('kwofd61g');
    expect(e.message).not.toContain('%3D');
  });
});

describe('NetworkError', () => {
  it('wraps a transport failure and keeps it as cause', async () => {
    const failure = new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    const { api } = auth(() => Promise.reject(failure));
    const e = (await rejection(api.userTokensGet())) as NetworkError;
    expect(e).toBeInstanceOf(NetworkError);
    expect(e).not.toBeInstanceOf(ApiException);
    expect(e).not.toBeInstanceOf(TimeoutError);
    expect(e.name).toBe('NetworkError');
    expect(e.cause).toBe(failure);
    expect(e.operation).toBe('userTokensGet');
    expect(e.message).toBe('userTokensGet failed: fetch failed (ECONNREFUSED)');
  });

  it('covers a connection lost while reading the body', async () => {
    const { api } = auth(() => {
      const body = new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('[{"id":'));
          controller.error(new Error('socket hang up'));
        },
      });
      return new Response(body, { status: 200, headers: { 'content-type': 'application/json' } });
    });
    const e = await rejection(api.userTokensGet());
    expect(e).toBeInstanceOf(NetworkError);
  });

  it('is thrown against a real closed port, through the global fetch', async () => {
    const ping = new PingApi(new Configuration({ basePath: `http://127.0.0.1:${await closedPort()}/api` }));
    const e = await rejection(ping.pingGet());
    expect(e).toBeInstanceOf(NetworkError);
  });
});

/** A loopback port that was free a moment ago: bind, read, close. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}
