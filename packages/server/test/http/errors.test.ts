/** Errors and bad input (SPEC §4): always a JSON 4xx, never a 5xx. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERRORS } from '../../src/errors.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { http } from '../support/http.js';

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

  it('400 for deeply nested JSON', async () => {
    const r = await http('POST', `${t.api}/auth/login`, { body: '['.repeat(5000) + ']'.repeat(5000) });
    expect(r.status).toBe(400);
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
      expect(e.message, code).toMatch(/^[A-Z].+\.$/);
    }
    const messages = Object.values(ERRORS).map((e) => e.message);
    expect(new Set(messages).size).toBe(messages.length);
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
