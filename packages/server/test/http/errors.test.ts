/** Errors and bad input (SPEC §4): always a JSON 4xx, never a 5xx. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERRORS, LITERAL_ERRORS } from '../../src/errors.js';
import { MAX_JSON_DEPTH } from '../../src/http/body-parser.js';
import { ADMIN_PASSWORD, startTestApp, type TestApp } from '../support/app.js';
import { logCollector, withFaultyMethod } from '../support/faults.js';
import { createToken, http, login } from '../support/http.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

describe('error answers', () => {
  it('404 JSON for unknown paths, 405 for a known path with another method', async () => {
    const a = await http('GET', `${t.api}/nope`);
    expect(a.status).toBe(404);
    expect(a.headers['content-type']).toBe('application/json');
    expect(a.json().error).toBeTruthy();
    const b = await http('PUT', `${t.api}/user/tokens`);
    expect(b.status).toBe(405);
    expect(b.json().error).toBeTruthy();
  });

  it.each([
    ['PUT', '/user/tokens', 'GET, HEAD, POST'],
    ['DELETE', '/user/tokens/', 'GET, HEAD, POST'],
    ['POST', '/user', 'GET, HEAD'],
    ['DELETE', '/auth/login', 'GET, HEAD, POST'],
    ['GET', '/auth/logout', 'POST'],
    ['OPTIONS', '/ping', 'GET, HEAD'],
    ['PATCH', '/user/tokens/abcdefgh', 'DELETE'],
    ['POST', '//user//tokens//abcdefgh/', 'DELETE'],
  ])('405 for %s %s names the methods the path takes in Allow (RFC 9110)', async (method, path, allow) => {
    const r = await http(method, `${t.api}${path}`);
    expect(r.status).toBe(405);
    expect(r.headers.allow).toBe(allow);
    expect(r.json().code).toBe('METHOD_NOT_ALLOWED');
  });

  it('400 JSON for a malformed percent-encoding', async () => {
    const r = await http('DELETE', `${t.api}/user/tokens/%E0%A4%A`);
    expect(r.status).toBe(400);
    expect(r.headers['content-type']).toBe('application/json');
  });

  it('a JSON 4xx for oversized headers', async () => {
    const r = await http('GET', `${t.api}/user`, { headers: { cookie: `x=${'a'.repeat(40_000)}` } });
    expect(r.status).toBe(431);
    expect(r.json().error).toBeTruthy();
  });

  it('400 JSON_TOO_DEEP for a body nested one level past the limit; the limit itself is parsed', async () => {
    // A login body whose extra key holds objects nested `depth` levels in all.
    const loginNested = (depth: number) => `{"auth":"admin","password":"wrong-password","n":${'{"n":'.repeat(depth - 1)}1${'}'.repeat(depth - 1)}}`;
    const atLimit = await http('POST', `${t.api}/auth/login`, { body: loginNested(MAX_JSON_DEPTH) });
    expect(atLimit.status, atLimit.text).toBe(401); // parsed, and refused as a wrong password
    for (const body of [loginNested(MAX_JSON_DEPTH + 1), '['.repeat(5000) + ']'.repeat(5000), `{"a":[${'{"b":['.repeat(40)}${']}'.repeat(40)}]}`]) {
      const r = await http('POST', `${t.api}/auth/login`, { body });
      expect(r.status).toBe(400);
      expect(r.json()).toEqual({ error: 'The request body is nested too deeply.', code: 'JSON_TOO_DEEP' });
    }
  });

  it.each([
    ['__proto__', '{"auth":"admin","password":"wrong-password","__proto__":{"admin":true}}'],
    ['__proto__ spelt with escapes', '{"auth":"admin","password":"wrong-password","\\u005f_proto__":{"admin":true}}'],
    ['a nested __proto__', '{"name":"ci","x":{"__proto__":{"polluted":1}}}'],
    ['constructor.prototype', '{"name":"ci","constructor":{"prototype":{"polluted":1}}}'],
  ])('400 JSON_PROTOTYPE_KEY for a body with %s, on every route that reads a body', async (_n, body) => {
    for (const path of ['/auth/login', '/user/tokens', '/auth/logout']) {
      const r = await http('POST', `${t.api}${path}`, { body });
      expect(r.status, `${path}: ${r.text}`).toBe(400);
      expect(r.json().code, path).toBe('JSON_PROTOTYPE_KEY');
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('keeps such words as values, and a constructor key without a prototype', async () => {
    const r = await http('POST', `${t.api}/auth/login`, { body: '{"auth":"__proto__","password":"constructor","constructor":{"name":1}}' });
    expect(r.status, r.text).toBe(401);
  });

  it('GET and DELETE with a JSON content type and no body are not errors (contract tests send them)', async () => {
    const r = await http('GET', `${t.api}/ping`, { headers: { 'content-type': 'application/json', 'content-length': '0' } });
    expect(r.status).toBe(200);
    expect(r.text).toBe('pong');
    expect(r.headers['content-type']).toBe('text/plain; charset=utf-8');
  });

  it('keeps the catalogue consistent: every code has a 4xx/5xx status and a sentence', () => {
    for (const [code, e] of Object.entries(ERRORS)) {
      expect(e.status, code).toBeGreaterThanOrEqual(400);
      expect(e.status, code).toBeLessThan(600);
      // Semaphore's literal errors (TOTP_REQUIRED) are their code; every other one a sentence.
      if (LITERAL_ERRORS.has(code as keyof typeof ERRORS)) expect(e.message, code).toBe(code);
      else expect(e.message, code).toMatch(/^[A-Z].+\.$/);
    }
    const messages = Object.values(ERRORS).map((e) => e.message);
    expect(new Set(messages).size).toBe(messages.length);
  });
});

describe('the last-resort error handler', () => {
  // A fault no code path expects: a plain Error from the storage, carrying
  // details that must stay on the server (a path, a statement, a secret-looking word).
  const fault = new Error('disk on fire at /var/lib/semauth/semauth.sqlite: SELECT secret_hash FROM sessions');

  it.each([
    ['in the route (GET /user/tokens lists through tokens.listByUser)', 'tokens', 'listByUser', 'cookie'],
    ['in the authenticate guard (a bearer looks up tokens.findByHashWithUser)', 'tokens', 'findByHashWithUser', 'bearer'],
  ] as const)('answers 500 that reveals nothing, and logs the fault at error level with the request id, for a fault %s', async (_n, store, method, credential) => {
    const log = logCollector();
    const f = await startTestApp({ env: { SEMAUTH_LOG_LEVEL: 'info' }, wrapStorage: (s) => withFaultyMethod(s, store, method, fault), logDestination: log });
    try {
      const cookie = await login(f.api, 'admin', ADMIN_PASSWORD);
      const headers = credential === 'cookie' ? { cookie } : { authorization: `Bearer ${await createToken(f.api, { cookie })}` };
      const r = await http('GET', `${f.api}/user/tokens`, { headers });

      expect(r.status).toBe(500);
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers['cache-control']).toBe('no-store');
      expect(r.text).toBe(JSON.stringify({ error: 'Internal server error.', code: 'INTERNAL' }));
      expect(JSON.stringify(r.headers)).not.toMatch(/fire|semauth\.sqlite|secret_hash|SELECT/);

      const lines = log.lines();
      const failed = lines.filter((l) => l.msg === 'request' && l.status === 500);
      expect(failed, JSON.stringify(lines)).toHaveLength(1);
      const errors = lines.filter((l) => l.level >= 50);
      expect(errors, JSON.stringify(lines)).toHaveLength(1);
      const [line] = errors;
      // The request's own id, the one its request line carries, so the two can be joined.
      expect(line!.request_id).toBeDefined();
      expect(line!.request_id).toBe(failed[0]!.request_id);
      // …and the one its answer carries in X-Request-Id.
      expect(line!.request_id).toBe(r.headers['x-request-id']);
      // The operator gets what the client did not.
      expect(line!.err?.message).toBe(fault.message);
    } finally {
      await f.close();
    }
  });
});

describe('web root', () => {
  it('serves the API under SEMAPHORE_WEB_ROOT', async () => {
    const w = await startTestApp({ env: { SEMAPHORE_WEB_ROOT: 'http://127.0.0.1/semaphore' } });
    try {
      expect(w.api).toMatch(/\/semaphore\/api$/);
      expect((await http('GET', `${w.api}/ping`)).text).toBe('pong');
      expect((await http('GET', `${w.origin}/api/ping`)).status).toBe(404);
    } finally {
      await w.close();
    }
  });
});
