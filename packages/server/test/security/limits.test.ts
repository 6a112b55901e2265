/**
 * Resource limits: bodies, headers, ids, nesting, strings. Every limit is a
 * JSON 4xx, checked before anything expensive happens, and the server answers
 * normally afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, startTestApp, type TestApp } from '../support/app.js';
import { createToken, http, login, type HttpResponse } from '../support/http.js';
import { buildRequest, rawRequest, type RawResponse } from './support.js';

let t: TestApp;
let cookie: string;
let token: string;
beforeAll(async () => {
  t = await startTestApp();
  cookie = await login(t.api, 'admin', ADMIN_PASSWORD);
  token = await createToken(t.api, { cookie });
});
afterAll(() => t.close());

const LIMIT = 64 * 1024;
const path = (p: string) => `${new URL(t.api).pathname}${p}`;

function expectJsonError(r: HttpResponse | RawResponse, status: number, code?: string): void {
  expect(r.status).toBe(status);
  const type = 'header' in r ? r.header('content-type') : r.headers['content-type'];
  expect(type).toBe('application/json');
  const body = r.json();
  expect(typeof body.error).toBe('string');
  if (code) expect(body.code).toBe(code);
}

/** A JSON login body of exactly `size` bytes. */
function loginBodyOfSize(size: number): string {
  const base = JSON.stringify({ auth: 'admin', password: '' });
  return base.replace('"password":""', `"password":"${'p'.repeat(size - base.length)}"`);
}

describe('request bodies', () => {
  it('accepts a body of exactly 64 KiB and answers 413 JSON one byte over, by Content-Length', async () => {
    const at = await http('POST', `${t.api}/auth/login`, { body: loginBodyOfSize(LIMIT) });
    expect(at.status).toBe(401);
    const over = await http('POST', `${t.api}/auth/login`, { body: loginBodyOfSize(LIMIT + 1) });
    expectJsonError(over, 413, 'PAYLOAD_TOO_LARGE');
    expect(over.headers['cache-control']).toBe('no-store');
  });

  it('answers 413 to a chunked body that grows past the limit (no Content-Length to check up front)', async () => {
    const chunk = Buffer.from('x'.repeat(16 * 1024));
    const parts: Buffer[] = [];
    for (let i = 0; i < 8; i++) parts.push(Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n'));
    parts.push(Buffer.from('0\r\n\r\n'));
    for (const [method, p] of [['POST', '/auth/login'], ['POST', '/user/tokens'], ['POST', '/auth/logout']] as const) {
      const r = await rawRequest(t.api, buildRequest(method, path(p), [['Cookie', cookie], ['Content-Type', 'application/json'], ['Transfer-Encoding', 'chunked']], Buffer.concat(parts)));
      expectJsonError(r, 413, 'PAYLOAD_TOO_LARGE');
    }
  });

  it('answers 413 on every route that takes a body, authenticated or not', async () => {
    const big = JSON.stringify({ name: 'n'.repeat(LIMIT) });
    expectJsonError(await http('POST', `${t.api}/user/tokens`, { headers: { cookie }, body: big }), 413);
    expectJsonError(await http('POST', `${t.api}/auth/logout`, { headers: { cookie }, body: big }), 413);
    expectJsonError(await http('DELETE', `${t.api}/user/tokens/${token.slice(0, 8)}`, { headers: { cookie }, body: big }), 413);
  });

  it('answers a lying Content-Length with a JSON 4xx, not a hang', async () => {
    const r = await rawRequest(t.api, buildRequest('POST', path('/auth/login'), [['Content-Length', '10'], ['Content-Length', '20']], '{"a":1}'));
    expect(r.status).toBe(400);
    const short = await rawRequest(t.api, Buffer.from(`POST ${path('/auth/login')} HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\nConnection: close\r\n\r\n{}`));
    expect(short.status).toBeGreaterThanOrEqual(400);
    expect(short.status).toBeLessThan(500);
  });

  it('answers 400 (JSON_TOO_DEEP) to deep nesting before parsing it, and accepts sane nesting', async () => {
    for (const deep of ['['.repeat(33) + ']'.repeat(33), '{"a":'.repeat(5000) + '1' + '}'.repeat(5000), '['.repeat(60_000)]) {
      expectJsonError(await http('POST', `${t.api}/auth/login`, { body: deep }), 400, 'JSON_TOO_DEEP');
      expectJsonError(await http('POST', `${t.api}/user/tokens`, { headers: { cookie }, body: deep }), 400, 'JSON_TOO_DEEP');
    }
    // Brackets inside strings do not count.
    const r = await http('POST', `${t.api}/auth/login`, { body: { auth: '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[', password: '{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{' } });
    expect(r.status).toBe(401);
    const ok = await http('POST', `${t.api}/user/tokens`, { headers: { cookie }, body: `{"name":"n","x":${'['.repeat(30)}${']'.repeat(30)}}` });
    expect(ok.status).toBe(201);
  });

  it('parses bodies as JSON whatever the Content-Type says — also an empty or malformed one (no 415)', async () => {
    for (const type of ['', 'x', ';', 'a b', 'application/json; charset=utf-16', '\u00e9']) {
      const login1 = await rawRequest(t.api, buildRequest('POST', path('/auth/login'), [['Content-Type', Buffer.from(type, 'utf8')]], JSON.stringify({ auth: 'admin', password: ADMIN_PASSWORD })));
      expect(login1.status, JSON.stringify(type)).toBe(204);
      const logout = await rawRequest(t.api, buildRequest('POST', path('/auth/logout'), [['Content-Type', Buffer.from(type, 'utf8')], ['Content-Length', '0']]));
      expect(logout.status, JSON.stringify(type)).toBe(204);
    }
  });

  it('answers 400 to bodies that are not UTF-8 JSON', async () => {
    for (const body of [Buffer.from([0xc3, 0x28]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00]), Buffer.from('{"auth":"\u0000'), Buffer.from([0x7b, 0x22, 0x61, 0x75, 0x74, 0x68, 0x22, 0x3a, 0x22, 0xe9, 0x22, 0x7d])]) {
      const r = await http('POST', `${t.api}/auth/login`, { headers: { 'content-type': 'application/json; charset=latin1' }, body });
      expectJsonError(r, 400);
    }
  });
});

describe('headers', () => {
  it('answers oversized header blocks with a JSON 431 — one huge header, many headers, a huge URL', async () => {
    const huge = await http('GET', `${t.api}/user`, { headers: { cookie: `${cookie}; pad=${'a'.repeat(20_000)}` } });
    expectJsonError(huge, 431, 'HEADERS_TOO_LARGE');
    const many: Record<string, string> = {};
    for (let i = 0; i < 400; i++) many[`x-h${i}`] = 'v'.repeat(60);
    expectJsonError(await http('GET', `${t.api}/user`, { headers: many }), 431);
    const url = await rawRequest(t.api, buildRequest('GET', path(`/user/tokens/${'a'.repeat(20_000)}`), []));
    expectJsonError(url, 431);
    expect(url.header('cache-control')).toBe('no-store');
  });

  it('refuses an absurdly long bearer token or cookie as credentials (401), without hashing megabytes', async () => {
    expectJsonError(await http('GET', `${t.api}/user`, { headers: { authorization: `Bearer ${'a'.repeat(12_000)}` } }), 401);
    expectJsonError(await http('GET', `${t.api}/user`, { headers: { authorization: 'b'.repeat(12_000) } }), 401);
    expectJsonError(await http('GET', `${t.api}/user`, { headers: { cookie: `semaphore=${'c'.repeat(12_000)}` } }), 401);
  });
});

describe('ids and strings', () => {
  it.each([257, 3000, 15_000])('answers 400 to a token id of %i characters', async (length) => {
    const r = await http('DELETE', `${t.api}/user/tokens/${'a'.repeat(length)}`, { headers: { cookie } });
    expectJsonError(r, 400, 'INVALID_TOKEN_ID');
  });

  it.each([9, 43, 45, 129, 256])('answers 404 to an unknown token id of %i characters (SPEC §1: not malformed)', async (length) => {
    const r = await http('DELETE', `${t.api}/user/tokens/${'a'.repeat(length)}`, { headers: { cookie } });
    expectJsonError(r, 404, 'TOKEN_NOT_FOUND');
  });

  it('answers 400 to ids that decode to characters no token has, 404 to path-like ids made of token characters', async () => {
    for (const id of ['%00%00%00%00%00%00%00%00', 'abc%20def', "a'%20OR%201=1--", '%E2%80%AEabcdefg']) {
      expectJsonError(await http('DELETE', `${t.api}/user/tokens/${id}`, { headers: { cookie } }), 400, 'INVALID_TOKEN_ID');
    }
    // Only ever compared with the caller's own tokens: a path never reaches a file.
    for (const id of ['%2F%2E%2E%2Fetc', '..%2F..%2F']) {
      expectJsonError(await http('DELETE', `${t.api}/user/tokens/${id}`, { headers: { cookie } }), 404, 'TOKEN_NOT_FOUND');
    }
  });

  it('answers 400 to a token name over 255 characters or with control characters, and takes 255', async () => {
    expectJsonError(await http('POST', `${t.api}/user/tokens`, { headers: { cookie }, body: { name: 'n'.repeat(256) } }), 400, 'INVALID_TOKEN_OPTIONS');
    expectJsonError(await http('POST', `${t.api}/user/tokens`, { headers: { cookie }, body: { name: 'a\r\nb' } }), 400, 'INVALID_TOKEN_OPTIONS');
    expect((await http('POST', `${t.api}/user/tokens`, { headers: { cookie }, body: { name: 'n'.repeat(255) } })).status).toBe(201);
  });

  it('treats a huge login name or password as a failed login (401), in bounded time', async () => {
    const started = Date.now();
    const a = await http('POST', `${t.api}/auth/login`, { body: { auth: 'u'.repeat(60_000), password: 'x' } });
    const b = await http('POST', `${t.api}/auth/login`, { body: { auth: 'admin', password: 'p'.repeat(60_000) } });
    expect(a.status).toBe(401);
    expect(b.status).toBe(401);
    expect(a.text).toBe(b.text);
    expect(Date.now() - started).toBeLessThan(5000);
    const audit = await t.storage.audit.query({ limit: 5 });
    for (const e of audit) expect((e.login ?? '').length).toBeLessThanOrEqual(256);
  });

  it('rejects an unknown value of ?extended with 400', async () => {
    expectJsonError(await http('GET', `${t.api}/user/tokens?extended=${'x'.repeat(5000)}`, { headers: { cookie } }), 400);
  });

  it('still answers normally after all of the above', async () => {
    expect((await http('GET', `${t.api}/ping`)).text).toBe('pong');
    expect((await http('GET', `${t.api}/user`, { headers: { authorization: token } })).status).toBe(200);
  });
});
