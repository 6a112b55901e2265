/**
 * Header injection (response splitting) and log forging: CR, LF and NUL —
 * raw, percent-encoded, JSON-escaped, or hidden in Unicode that truncates to
 * them in latin1 — sent in every place a client controls. None may reach a
 * response header, and none may reach the audit log as a control character.
 * Requests are written byte by byte over TCP, since node:http refuses to send
 * most of them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, startTestApp, type TestApp } from '../support/app.js';
import { createToken, http, login } from '../support/http.js';
import { buildRequest, expectWellFormedAnswer, rawRequest } from './support.js';

let t: TestApp;
let proxied: TestApp;
let cookie: string;
let token: string;
beforeAll(async () => {
  t = await startTestApp();
  proxied = await startTestApp({ env: { SEMAUTH_TRUST_PROXY: 'true', SEMAUTH_LOGIN_MAX_FAILURES_PER_ADDRESS: '100000', SEMAUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT_ADDRESS: '100000' } });
  cookie = await login(t.api, 'admin', ADMIN_PASSWORD);
  token = await createToken(t.api, { cookie });
});
afterAll(async () => {
  await t.close();
  await proxied.close();
});

const INJECTIONS: [string, Buffer][] = [
  ['CRLF + header', Buffer.from('a\r\nX-Injected: 1\r\nSet-Cookie: semaphore=pwned')],
  ['bare LF + header', Buffer.from('a\nX-Injected: 1')],
  ['bare CR + header', Buffer.from('a\rX-Injected: 1')],
  ['NUL', Buffer.from('a\u0000X-Injected: 1')],
  ['CRLF CRLF + body', Buffer.from('a\r\n\r\n<html>pwned</html>')],
  ['obs-fold continuation', Buffer.from('a\r\n X-Injected: 1')],
  ['latin1-truncating Unicode (U+010D U+010A)', Buffer.from('a\u010d\u010aX-Injected: 1', 'utf8')],
];

const ROUTES: [string, string][] = [
  ['POST', '/auth/login'],
  ['POST', '/auth/logout'],
  ['GET', '/auth/login'],
  ['GET', '/user'],
  ['GET', '/user/tokens'],
  ['POST', '/user/tokens'],
  ['DELETE', '/user/tokens/abcdefgh'],
  ['GET', '/ping'],
  ['GET', '/nowhere'],
];

const HEADERS = ['Cookie', 'Authorization', 'Origin', 'Referer', 'User-Agent', 'X-Forwarded-For', 'X-Real-IP', 'X-Forwarded-Proto', 'X-Forwarded-Host', 'Content-Type', 'Host', 'X-Request-Id'];

function target(app: TestApp, p: string): string {
  return `${new URL(app.api).pathname}${p}`;
}

describe('raw control characters in request headers', () => {
  it('never reach a response header, on any route, with or without a trusted proxy', async () => {
    let checked = 0;
    for (const app of [t, proxied]) {
      for (const [method, p] of ROUTES) {
        for (const name of HEADERS) {
          for (const [what, value] of INJECTIONS) {
            const headers: [string, string | Buffer][] = [[name, value]];
            if (name !== 'Cookie') headers.push(['Cookie', cookie]);
            const body = method === 'POST' ? JSON.stringify({ auth: 'admin', password: 'wrong-password' }) : undefined;
            const r = await rawRequest(app.api, buildRequest(method, target(app, p), headers, body));
            expectWellFormedAnswer(r, `${method} ${p} ${name}: ${what}`);
            expect(r.head).not.toMatch(/pwned|x-injected/i);
            checked++;
          }
        }
      }
    }
    expect(checked).toBe(2 * ROUTES.length * HEADERS.length * INJECTIONS.length);
  });
});

describe('percent-encoded control characters in the URL', () => {
  it.each([
    '/user/tokens/%0d%0aSet-Cookie:%20semaphore=pwned',
    '/user/tokens/%0D%0AX-Injected:%201',
    '/user/tokens/abc%00defg',
    '/user/tokens/%E5%98%8D%E5%98%8AX-Injected:%201', // U+560D U+560A: "嘍嘊", whose low bytes are CR LF
    '/nowhere%0d%0aX-Injected:%201',
    '/user/tokens?extended=%0d%0aX-Injected:%201',
    '/auth/login?next=%0d%0aLocation:%20https://evil.example',
    '/user%0d%0aX-Injected:1/tokens',
  ])('%s', async (p) => {
    for (const method of ['GET', 'POST', 'DELETE']) {
      const r = await rawRequest(t.api, buildRequest(method, target(t, p), [['Cookie', cookie]]));
      expectWellFormedAnswer(r, `${method} ${p}`);
      expect(r.head).not.toMatch(/pwned|x-injected|evil\.example/i);
    }
  });
});

describe('control characters inside JSON bodies', () => {
  const EVIL_STRINGS = [
    'admin\r\nX-Injected: 1',
    'admin\u0000',
    'admin\u010d\u010aX-Injected: 1',
    '\u001b[2J\u001b[31mFAKE ENTRY\u001b[0m',
    'admin\u009b31m',
    'evil\u202egnp.exe',
    'line\u2028break',
  ];

  it('login names never reach a header, and reach the audit log without control characters', async () => {
    // This test's requests carry their own user agent, so its audit entries are told apart from the earlier tests'.
    const userAgent = Buffer.from('hostile-names ua\u00ff\u0080\u009b', 'latin1');
    for (const auth of EVIL_STRINGS) {
      const r = await rawRequest(
        t.api,
        buildRequest('POST', target(t, '/auth/login'), [['Content-Type', 'application/json'], ['User-Agent', userAgent]], JSON.stringify({ auth, password: 'wrong-password' })),
      );
      expectWellFormedAnswer(r, JSON.stringify(auth));
      expect(r.status).toBe(401);
      expect(r.head).not.toMatch(/x-injected/i);
    }
    const entries = (await t.storage.audit.query({ limit: 500 })).filter((e) => e.event === 'login.failed' && e.userAgent?.startsWith('hostile-names'));
    // One entry per hostile name, each control character replaced by "?", everything else kept.
    expect(entries.map((e) => e.login).sort()).toEqual(
      [
        'admin??X-Injected: 1',
        'admin?',
        'admin\u010d\u010aX-Injected: 1',
        '?[2J?[31mFAKE ENTRY?[0m',
        'admin?31m',
        'evil?gnp.exe',
        'line?break',
      ].sort(),
    );
    for (const e of entries) {
      expect(e.userAgent).toBe('hostile-names ua\u00ff??');
      expect(e.address).toBe('127.0.0.1');
    }
  });

  it('token names with control characters are refused (400), and dates with them too', async () => {
    for (const name of EVIL_STRINGS.filter((s) => /[\u0000-\u001f\u007f]/.test(s))) {
      const r = await rawRequest(t.api, buildRequest('POST', target(t, '/user/tokens'), [['Authorization', token]], JSON.stringify({ name })));
      expectWellFormedAnswer(r, JSON.stringify(name));
      expect(r.status).toBe(400);
    }
    const r = await http('POST', `${t.api}/user/tokens`, { headers: { authorization: token }, body: { expires_at: '2099-01-01T00:00:00Z\r\nX-Injected: 1' } });
    expect(r.status).toBe(400);
    expect(Object.keys(r.headers)).not.toContain('x-injected');
  });
});
