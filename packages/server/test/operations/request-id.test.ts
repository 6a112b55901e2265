/**
 * X-Request-Id (SPEC §13): on every response — errors answered before
 * routing included — and on the log lines of its request; a client's id is
 * kept only behind a trusted proxy and only when it is short and plain. Error
 * answers name their code on the request's log line. @dialects sqlite postgres
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { http } from '../support/http.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { buildRequest, rawRequest } from '../security/support.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('every response carries a new request id', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { SEMAUTH_BODY_LIMIT_BYTES: '1024' } });
  });
  afterAll(() => t.close());

  it('on answers of every kind, each a new UUID', async () => {
    const path = new URL(t.api).pathname;
    const answers = [
      await http('GET', `${t.api}/ping`),
      await http('GET', `${t.api}/user`),
      await http('GET', `${t.api}/nowhere`),
      await http('PUT', `${t.api}/user`),
      await http('POST', `${t.api}/auth/login`, { body: 'x'.repeat(2048) }),
      await http('POST', `${t.api}/auth/login`, { body: '{"auth": 1}' }),
    ];
    expect(answers.map((r) => r.status)).toEqual([200, 401, 404, 405, 413, 400]);
    // Refused before routing (a malformed URL), and by Node's parser (oversized headers, bad request line).
    const raw = [
      await rawRequest(t.api, buildRequest('GET', `${path}/user/tokens/%E0%A4%A`, [])),
      await rawRequest(t.api, buildRequest('GET', `${path}/ping`, [['X-Big', 'x'.repeat(20 * 1024)]])),
      await rawRequest(t.api, Buffer.from('BREW /api/ping HTTP/1.1\r\nHost: x\r\n\r\n')),
    ];
    expect(raw.map((r) => r.status)).toEqual([400, 431, 400]);
    const ids = [...answers.map((r) => r.headers['x-request-id']), ...raw.map((r) => r.headers.find(([name]) => name === 'x-request-id')?.[1])];
    for (const id of ids) expect(id).toMatch(UUID);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("ignores the client's X-Request-Id when no proxy is trusted", async () => {
    const r = await http('GET', `${t.api}/ping`, { headers: { 'x-request-id': 'chosen-by-client-1' } });
    expect(r.headers['x-request-id']).toMatch(UUID);
  });
});

describe('behind a trusted proxy', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { SEMAUTH_TRUST_PROXY: 'true' } });
  });
  afterAll(() => t.close());

  it.each([
    ['nginx $request_id', 'f0e1d2c3b4a5968778695a4b3c2d1e0f'],
    ['a UUID', randomUUID()],
    ['an AWS trace id', 'Root=1-67891233-abcdef012345678912345678'],
    ['128 characters', 'a'.repeat(128)],
  ])('keeps a safe id (%s)', async (_what, id) => {
    const r = await http('GET', `${t.api}/user`, { headers: { 'x-request-id': id } });
    expect(r.status).toBe(401);
    expect(r.headers['x-request-id']).toBe(id);
  });

  it.each([
    ['129 characters', 'a'.repeat(129)],
    ['a space', 'abc def'],
    ['a quote', 'abc"def'],
    ['markup', '<script>'],
    ['a semicolon', 'Root=1;Parent=2'],
    ['non-ASCII', 'ïd-ünicode'],
    ['an empty value', ''],
  ])('replaces an unsafe one (%s) with a new UUID', async (_what, id) => {
    const r = await http('GET', `${t.api}/ping`, { headers: { 'x-request-id': id } });
    expect(r.headers['x-request-id']).toMatch(UUID);
  });

  it('replaces a header sent twice', async () => {
    const r = await http('GET', `${t.api}/ping`, { headers: { 'x-request-id': ['one-id', 'two-id'] } });
    expect(r.headers['x-request-id']).toMatch(UUID);
  });
});

describe('log lines', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServerProcess({ env: { SEMAUTH_LOG_LEVEL: 'info', SEMAUTH_TRUST_PROXY: 'true' } });
  }, 60_000);
  afterAll(() => server?.stop());

  /** The JSON log lines printed so far that carry `id`, once the request's own line is there. */
  async function linesOf(id: string): Promise<Record<string, unknown>[]> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const lines = server
        .output()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      const mine = lines.filter((l) => l.request_id === id);
      if (mine.some((l) => l.msg === 'request') || Date.now() > deadline) return mine;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it('carry the request id, and an error answer names its code', async () => {
    const cases = [
      { id: `t-${randomUUID()}`, send: (h: Record<string, string>) => http('GET', `${server.url}/api/user`, { headers: h }), status: 401, code: 'UNAUTHENTICATED' },
      {
        id: `t-${randomUUID()}`,
        send: (h: Record<string, string>) => http('POST', `${server.url}/api/auth/login`, { headers: { ...h, 'content-type': 'application/json' }, body: { auth: 'admin', password: 'wrong-password-9' } }),
        status: 401,
        code: 'INVALID_CREDENTIALS',
      },
      { id: `t-${randomUUID()}`, send: (h: Record<string, string>) => http('DELETE', `${server.url}/api/ping`, { headers: h }), status: 405, code: 'METHOD_NOT_ALLOWED' },
      { id: `t-${randomUUID()}`, send: (h: Record<string, string>) => http('GET', `${server.url}/api/ping`, { headers: h }), status: 200, code: undefined },
    ];
    for (const c of cases) {
      const r = await c.send({ 'x-request-id': c.id });
      expect(r.status).toBe(c.status);
      expect(r.headers['x-request-id']).toBe(c.id);
    }
    for (const c of cases) {
      const lines = await linesOf(c.id);
      expect(lines, `no log line for ${c.id}:\n${server.output()}`).toHaveLength(1);
      expect(lines[0]).toMatchObject({ msg: 'request', status: c.status });
      expect(lines[0]!.code).toBe(c.code);
    }
    // Lines that belong to no request (start-up) carry no request id; every request line carries one.
    const all = server.output().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(all.find((l) => String(l.msg).startsWith('semauth 0.'))?.request_id).toBeUndefined();
    for (const l of all.filter((x) => x.msg === 'request')) expect(l.request_id).toEqual(expect.any(String));
  });
});
