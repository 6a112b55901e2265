// Random HTTP requests against semauth, and what every answer must look like.
// Shared by the unit suite (test/security/fuzz.test.ts, a short run) and
// scripts/fuzz-long.mjs (≥ 100 000 requests). Requests are written byte by
// byte over TCP, so anything goes: CR/LF/NUL in headers, invalid UTF-8,
// unknown methods, huge bodies.
import { connect } from 'node:net';
import fc from 'fast-check';

// ---------------------------------------------------------------- sending

/**
 * Sends one request (`Connection: close`) and resolves with the parsed answer,
 * or with `{ error }` when the server did not answer in time or closed the
 * connection without a word.
 */
export function sendRaw({ host, port, localAddress }, bytes, timeoutMs = 15_000) {
  return new Promise((resolve) => {
    const socket = connect({ host, port, ...(localAddress ? { localAddress } : {}) });
    const chunks = [];
    let settled = false;
    const finish = (result) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => finish({ error: `no answer within ${timeoutMs} ms` }), timeoutMs);
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', (e) => {
      // Answered, then reset (the server stops reading a body it refused): still an answer.
      if (chunks.length) finish(parse(Buffer.concat(chunks)));
      else finish({ error: `connection error before any answer: ${e.code ?? e.message}` });
    });
    socket.on('end', () => finish(chunks.length ? parse(Buffer.concat(chunks)) : { error: 'connection closed without an answer' }));
    // write, not end: a half-closed socket makes Node's server drop the answer to a slow request.
    socket.on('connect', () => socket.write(bytes));
  });
}

function parse(bytes) {
  // Interim answers (100 Continue for `Expect: 100-continue`) precede the real one.
  while (/^HTTP\/1\.[01] 1\d\d /.test(bytes.subarray(0, 16).toString('latin1'))) {
    const end = bytes.indexOf('\r\n\r\n');
    if (end < 0) break;
    bytes = bytes.subarray(end + 4);
  }
  const end = bytes.indexOf('\r\n\r\n');
  if (end < 0) return { error: `incomplete answer: ${JSON.stringify(bytes.toString('latin1').slice(0, 120))}` };
  const head = bytes.subarray(0, end).toString('latin1');
  const [statusLine, ...lines] = head.split('\r\n');
  const m = /^HTTP\/1\.[01] (\d{3}) /.exec(statusLine);
  if (!m) return { error: `bad status line ${JSON.stringify(statusLine)}` };
  const headers = lines.map((l) => {
    const i = l.indexOf(':');
    return [l.slice(0, i).toLowerCase(), l.slice(i + 1).trim()];
  });
  let body = bytes.subarray(end + 4);
  const header = (n) => headers.find(([k]) => k === n)?.[1];
  if (/chunked/i.test(header('transfer-encoding') ?? '')) body = dechunk(body);
  // Whatever follows is the answer to a second request the client's own bytes smuggled in.
  else if (header('content-length') !== undefined) body = body.subarray(0, Number(header('content-length')));
  return { status: Number(m[1]), head, headers, header, body };
}

function dechunk(b) {
  const out = [];
  let i = 0;
  for (;;) {
    const eol = b.indexOf('\r\n', i);
    if (eol < 0) break;
    const size = Number.parseInt(b.subarray(i, eol).toString('latin1'), 16);
    if (!Number.isFinite(size) || size === 0) break;
    out.push(b.subarray(eol + 2, eol + 2 + size));
    i = eol + 2 + size + 2;
  }
  return Buffer.concat(out);
}

/** The bytes of a request. Header values go out exactly as given; Content-Length is always true. */
export function encode(req) {
  const parts = [Buffer.from(`${req.method} ${req.target} HTTP/1.1\r\n`, 'latin1')];
  const names = new Set(req.headers.map(([k]) => k.toLowerCase()));
  const headers = [...req.headers];
  if (!names.has('host')) headers.unshift(['Host', req.host ?? '127.0.0.1']);
  headers.push(['Connection', 'close']);
  if (req.body !== undefined) headers.push(['Content-Length', String(req.body.length)]);
  for (const [k, v] of headers) parts.push(Buffer.from(`${k}: `, 'latin1'), Buffer.isBuffer(v) ? v : Buffer.from(v, 'utf8'), Buffer.from('\r\n'));
  parts.push(Buffer.from('\r\n'));
  if (req.body !== undefined) parts.push(req.body);
  return Buffer.concat(parts);
}

/** A short, printable description of a request for failure reports. */
export function describe(req) {
  const show = (v) => (Buffer.isBuffer(v) ? `<${v.length} bytes>` : JSON.stringify(v.length > 80 ? `${v.slice(0, 80)}…(${v.length})` : v));
  const body = req.body === undefined ? 'no body' : `body ${req.body.length} bytes: ${JSON.stringify(req.body.subarray(0, 80).toString('latin1'))}`;
  return `${req.method} ${req.target.length > 120 ? `${req.target.slice(0, 120)}…(${req.target.length})` : req.target} [${req.headers.map(([k, v]) => `${k}: ${show(v)}`).join('; ')}] ${body}`;
}

// ---------------------------------------------------------------- checking

/** Response headers semauth (with Fastify and Node) ever sends. */
export const KNOWN_HEADERS = new Set(['content-type', 'content-length', 'cache-control', 'set-cookie', 'retry-after', 'allow', 'date', 'connection', 'keep-alive', 'transfer-encoding', 'x-request-id']);

/**
 * Headers only the web UI's pages carry (src/http/web-ui/routes.ts). A GET
 * outside `<prefix>/api` may get a page (index.html), which has them and no
 * API answer ever does.
 */
export const WEB_UI_HEADERS = new Set(['content-security-policy', 'x-frame-options', 'referrer-policy', 'x-content-type-options', 'cross-origin-opener-policy', 'etag', 'vary', 'content-encoding']);
const WEB_UI_TYPES = new Set(['text/html; charset=utf-8', 'text/javascript; charset=utf-8', 'text/css; charset=utf-8', 'image/svg+xml']);
const WEB_UI_CACHING = new Set(['no-cache', 'public, max-age=31536000, immutable']);

/** Problems with one answer; an empty list means it is fine. */
export function problems(req, res) {
  // Node closes CONNECT requests itself when nobody listens for tunnels: no answer, no harm.
  if (res.error && req.method === 'CONNECT' && /closed without an answer|before any answer/.test(res.error)) return [];
  if (res.error) return [res.error];
  const out = [];
  if (res.status >= 500) out.push(`status ${res.status}`);
  if (res.status < 200) out.push(`status ${res.status}`);
  if (res.header('content-security-policy') !== undefined) return [...out, ...webUiProblems(req, res)];
  for (const [k, v] of res.headers) {
    if (!KNOWN_HEADERS.has(k)) out.push(`unexpected response header ${JSON.stringify(k)}`);
    if (/[\u0000-\u001f\u007f]/.test(k + v)) out.push(`control character in response header ${JSON.stringify([k, v])}`);
  }
  // RFC 9110: a 405 names the methods the path takes, and only a 405 does here.
  if ((res.status === 405) !== /^[A-Z]+(, [A-Z]+)*$/.test(res.header('allow') ?? '')) out.push(`status ${res.status} with Allow ${JSON.stringify(res.header('allow'))}`);
  if (res.header('cache-control') !== 'no-store') out.push(`Cache-Control ${JSON.stringify(res.header('cache-control'))}`);
  const type = res.header('content-type');
  const isPing = res.status === 200 && /\/ping\/?(\?|$)/.test(req.target);
  if (isPing ? type !== 'text/plain; charset=utf-8' : type !== 'application/json') out.push(`Content-Type ${JSON.stringify(type)}`);
  if (res.status >= 400 && req.method !== 'HEAD') {
    let body;
    try {
      body = JSON.parse(res.body.toString('utf8'));
    } catch {
      out.push(`error body is not JSON: ${JSON.stringify(res.body.toString('latin1').slice(0, 100))}`);
    }
    if (body && typeof body.error !== 'string') out.push('error body has no "error" string');
    if (body && /\bat .+:\d+:\d+|node_modules|Error:/.test(JSON.stringify(body))) out.push(`error body leaks internals: ${JSON.stringify(body).slice(0, 200)}`);
  }
  const cookies = res.headers.filter(([k]) => k === 'set-cookie').map(([, v]) => v);
  for (const c of cookies) if (!/^semaphore=[^,; ]*; Path=\/; /.test(c) || !/HttpOnly/.test(c) || !/SameSite=Lax/.test(c)) out.push(`odd Set-Cookie ${JSON.stringify(c)}`);
  if (cookies.length > 1) out.push('more than one Set-Cookie');
  return out;
}

/** A web UI answer: only to GET/HEAD outside the API, with the page headers, never a cookie. */
function webUiProblems(req, res) {
  const out = [];
  const path = req.target.split('?', 1)[0].replace(/\/{2,}/g, '/');
  if (/\/api(\/|$)/.test(path)) out.push('a web UI page answered a path under /api');
  if (req.method !== 'GET' && req.method !== 'HEAD') out.push(`a web UI page answered ${req.method}`);
  if (res.status !== 200 && res.status !== 304) out.push(`web UI status ${res.status}`);
  for (const [k, v] of res.headers) {
    if (!KNOWN_HEADERS.has(k) && !WEB_UI_HEADERS.has(k)) out.push(`unexpected response header ${JSON.stringify(k)}`);
    if (/[\u0000-\u001f\u007f]/.test(k + v)) out.push(`control character in response header ${JSON.stringify([k, v])}`);
  }
  if (/unsafe-inline|unsafe-eval/.test(res.header('content-security-policy'))) out.push('CSP allows inline code');
  if (res.header('x-frame-options') !== 'DENY') out.push(`X-Frame-Options ${JSON.stringify(res.header('x-frame-options'))}`);
  if (res.header('x-content-type-options') !== 'nosniff') out.push('no X-Content-Type-Options: nosniff');
  if (!WEB_UI_CACHING.has(res.header('cache-control'))) out.push(`web UI Cache-Control ${JSON.stringify(res.header('cache-control'))}`);
  if (res.status === 200 && !WEB_UI_TYPES.has(res.header('content-type'))) out.push(`web UI Content-Type ${JSON.stringify(res.header('content-type'))}`);
  if (res.header('set-cookie') !== undefined) out.push('a web UI page set a cookie');
  return out;
}

// ---------------------------------------------------------------- generating

/** Markers for live credentials inside generated requests. */
export const M = {
  cookie: '@@COOKIE@@',
  cookieValue: '@@COOKIEVALUE@@',
  sessionId: '@@SESSIONID@@',
  token: '@@TOKEN@@',
  tokenUpper: '@@TOKENUPPER@@',
  victimPrefix: '@@VICTIMPREFIX@@',
  victimEncoded: '@@VICTIMENCODED@@',
  victimUpper: '@@VICTIMUPPER@@',
  password: '@@PASSWORD@@',
};

/** Replaces the markers with live values. `creds`: { cookie: 'semaphore=…', token, victim, password }. */
export function materialize(req, creds) {
  const cookieValue = creds.cookie.slice('semaphore='.length);
  const values = {
    [M.cookie]: creds.cookie,
    [M.cookieValue]: cookieValue,
    [M.sessionId]: cookieValue.split('.')[0],
    [M.token]: creds.token,
    [M.tokenUpper]: creds.token.toUpperCase(),
    [M.victimPrefix]: creds.victim.slice(0, 8),
    [M.victimEncoded]: encodeURIComponent(creds.victim),
    [M.victimUpper]: creds.victim.toUpperCase(),
    [M.password]: creds.password,
  };
  const re = /@@[A-Z]+@@/g;
  const sub = (text) => text.replace(re, (m) => values[m] ?? m);
  const subBuf = (b) => (b.includes('@@') ? Buffer.from(sub(b.toString('latin1')), 'latin1') : b);
  return {
    ...req,
    target: sub(req.target),
    headers: req.headers.map(([k, v]) => [k, Buffer.isBuffer(v) ? subBuf(v) : sub(v)]),
    body: req.body === undefined ? undefined : subBuf(req.body),
  };
}

/**
 * Keeps a working cookie, token and victim token for `materialize()`,
 * renewing whatever the fuzzer revoked. Logs in from `localAddress`
 * (reserved for it, so the fuzz traffic's throttling never locks it out).
 */
export class LiveCredentials {
  constructor({ host, port, apiPath, password, localAddress }) {
    Object.assign(this, { server: { host, port, localAddress }, apiPath, password });
    this.creds = null;
    this.renewals = 0;
  }

  async send(method, path, headers, body) {
    const req = { method, target: `${this.apiPath}${path}`, headers, body: body === undefined ? undefined : Buffer.from(body) };
    const res = await sendRaw(this.server, encode(req));
    if (res.error) throw new Error(`${method} ${path}: ${res.error}`);
    return res;
  }

  async works(headers) {
    return (await this.send('GET', '/user', headers)).status === 200;
  }

  async newToken(cookie) {
    const r = await this.send('POST', '/user/tokens', [['Cookie', cookie]]);
    if (r.status !== 201) throw new Error(`token creation failed: ${r.status} ${r.body}`);
    return JSON.parse(r.body.toString('utf8')).id;
  }

  /** Current credentials, renewed first if any stopped working. Concurrent callers share one check. */
  get() {
    return (this.pending ??= this.check().finally(() => {
      this.pending = undefined;
    }));
  }

  async check() {
    const c = this.creds;
    const ok =
      c &&
      (await this.works([['Cookie', c.cookie]])) &&
      (await this.works([['Authorization', `Bearer ${c.token}`]])) &&
      (await this.works([['Authorization', `Bearer ${c.victim}`]]));
    if (ok) return c;
    this.renewals++;
    // The fuzz traffic runs meanwhile and may log this very session out
    // between two steps: start over a few times before giving up.
    for (let attempt = 1; ; attempt++) {
      try {
        const r = await this.send('POST', '/auth/login', [['Content-Type', 'application/json']], JSON.stringify({ auth: 'admin', password: this.password }));
        if (r.status !== 204) throw new Error(`fuzzer login failed: ${r.status} ${r.body}`);
        const cookie = r.header('set-cookie').split(';')[0];
        const token = c && (await this.works([['Authorization', `Bearer ${c.token}`]])) ? c.token : await this.newToken(cookie);
        const victim = c && (await this.works([['Authorization', `Bearer ${c.victim}`]])) ? c.victim : await this.newToken(cookie);
        this.creds = { cookie, token, victim, password: this.password };
        return this.creds;
      } catch (e) {
        if (attempt >= 5) throw e;
      }
    }
  }
}

const EVIL_BYTES = ['\r\n', '\n', '\r', '\u0000', '\r\nX-Injected: 1', '\r\n\r\nHTTP/1.1 200 OK', '\u010d\u010a', '\u00ff', '\u0085', '\u2028', '\ud800'];

/** Strings of every kind, mostly short, sometimes hostile, sometimes (unless `huge` is 0) huge. */
function nasty(max = 200, huge = 1) {
  return fc.oneof(
    { weight: 4, arbitrary: fc.string({ maxLength: max }) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: max }) },
    { weight: 2, arbitrary: fc.constantFrom('', ' ', 'null', 'undefined', '0', '-1', 'true', '[]', '{}', '__proto__', 'constructor', '%', '%00', '%zz', '..', '../..', '\\', "'", '"', '<script>', '${7*7}', '{{7*7}}', 'admin', 'ADMIN', 'admin@localhost') },
    { weight: 1, arbitrary: fc.tuple(fc.string({ maxLength: 20 }), fc.constantFrom(...EVIL_BYTES), fc.string({ maxLength: 20 })).map(([a, b, c]) => a + b + c) },
    ...(huge ? [{ weight: huge, arbitrary: fc.integer({ min: 1000, max: 70_000 }).map((n) => 'x'.repeat(n)) }] : []),
  );
}

function percentJunk() {
  return fc.oneof(
    fc.string({ unit: 'binary', maxLength: 60 }).map((s) => encodeURIComponent(s)),
    fc.constantFrom('%', '%2', '%zz', '%00', '%0d%0a', '%ff', '%c0%ae%c0%ae', '%2F', '%3D', '%25', '%E2%80%AE', '%F0%9F%98%80'),
    fc.string({ maxLength: 40 }).map((s) => s.replace(/[\s?#]/g, '')),
  );
}

function tokenId() {
  return fc.oneof(
    fc.constant(M.victimPrefix),
    fc.constant(M.victimEncoded),
    fc.constant(M.victimUpper),
    fc.stringMatching(/^[a-z0-9_=-]{8}$/),
    fc.stringMatching(/^[a-z0-9_=-]{44}$/),
    fc.stringMatching(/^[A-Za-z0-9_=%-]{0,60}$/),
    percentJunk(),
    fc.integer({ min: 100, max: 12_000 }).map((n) => 'a'.repeat(n)),
  );
}

/**
 * User ids for /users/{id}: any but the fuzzer's own account (1, the
 * administrator it signs in as), which a random PUT could rename or a random
 * password change lock out — the fuzzer would lose its credentials, not find
 * a bug. The server's own rules for one's account are tested elsewhere.
 */
function userId() {
  return fc.oneof(
    fc.integer({ min: 2, max: 12 }).map(String),
    fc.constantFrom('0', '-1', '1.5', '1e3', 'abc', '2147483647', '2147483648', '99999999999999999999', '%32', '%', '%00', '0x2', ' 2', '2%2F'),
    fc.integer({ min: 100, max: 5000 }).map((n) => '9'.repeat(n)),
  );
}

function target(ctx) {
  const api = fc.oneof(
    { weight: 20, arbitrary: fc.constant(`${ctx.prefix}/api`) },
    { weight: 1, arbitrary: fc.constantFrom(`${ctx.prefix}//api`, `${ctx.prefix}/API`, `${ctx.prefix}/api/.`, `${ctx.prefix}/api/..`, '', '/') },
  );
  const route = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom('/ping', '/auth/login', '/auth/logout', '/user', '/user/tokens', '/openapi.json', '/auth/login/', '/user/', '/user/tokens/', '/user//tokens') },
    { weight: 4, arbitrary: tokenId().map((id) => `/user/tokens/${id}`) },
    { weight: 1, arbitrary: fc.constantFrom('/users', '/users/', '/user/sessions', '/user/sessions/') },
    { weight: 1, arbitrary: fc.tuple(userId(), fc.constantFrom('', '/', '/password', '/password/')).map(([id, tail]) => `/users/${id}${tail}`) },
    { weight: 1, arbitrary: fc.oneof(fc.constant(M.sessionId), tokenId()).map((id) => `/user/sessions/${id}`) },
    { weight: 1, arbitrary: fc.array(percentJunk(), { maxLength: 5 }).map((segs) => `/${segs.join('/')}`) },
  );
  const query = fc.oneof(
    { weight: 5, arbitrary: fc.constant('') },
    { weight: 2, arbitrary: fc.constantFrom('?extended=true', '?extended=1', '?extended=false', '?extended=', '?extended=yes', '?extended=true&extended=false', '?extended[]=true') },
    { weight: 1, arbitrary: percentJunk().map((q) => `?${q}`) },
  );
  return fc.tuple(api, route, query).map(([a, r, q]) => `${a}${r}${q}`);
}

function headerValue(options) {
  // Mostly values a client would send, sometimes hostile ones; rarely a header
  // block past 16 KiB (which ends the request at 431 before any route runs).
  return fc.oneof(
    { weight: 190, arbitrary: fc.constantFrom(...options) },
    { weight: 12, arbitrary: nasty(100, 0) },
    { weight: 1, arbitrary: fc.integer({ min: 1000, max: 40_000 }).map((n) => 'h'.repeat(n)) },
  );
}

/** `[name, value]` present in `percent` % of requests, else null. */
function maybe(name, percent, value) {
  return fc.oneof({ weight: 100 - percent, arbitrary: fc.constant(null) }, { weight: percent, arbitrary: value.map((v) => [name, v]) });
}

function headers(ctx) {
  const entries = fc.tuple(
    maybe('Content-Type', 60, headerValue(['application/json', 'application/json; charset=utf-8', 'application/json; charset=latin1', 'application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=x', '*/*', ''])),
    maybe('Cookie', 50, headerValue([M.cookie, M.cookie, `${M.cookie}; Path=/; HttpOnly`, `other=1, ${M.cookie}`, `ui_semaphore=1; ${M.cookie}`, `ui_semaphore=${M.cookieValue}`, 'semaphore=', 'semaphore=garbage', `semaphore=${M.sessionId}.${'A'.repeat(32)}`, M.cookieValue])),
    maybe('Authorization', 40, headerValue([`Bearer ${M.token}`, `Bearer ${M.token}`, M.token, `bearer ${M.tokenUpper}`, 'Bearer', 'Bearer ', `Bearer ${M.token}x`, 'Basic YWRtaW46YWRtaW4=', `Token ${M.token}`, 'Bearer a b c'])),
    maybe('Origin', 15, headerValue([ctx.origin, ctx.origin, 'https://evil.example', 'null', 'http://127.0.0.1', 'file://', 'https://ui.example.com'])),
    maybe('Referer', 8, headerValue([`${ctx.origin}/x`, 'https://evil.example/x', 'about:blank'])),
    maybe('Sec-Fetch-Site', 5, headerValue(['same-origin', 'cross-site', 'none', 'same-site'])),
    maybe('X-Forwarded-For', 15, headerValue(['203.0.113.1', '203.0.113.1, 10.0.0.1', '2001:db8::1', 'unknown', '::ffff:1.2.3.4'])),
    maybe('X-Forwarded-Proto', 8, headerValue(['https', 'http', 'https, http', 'javascript'])),
    maybe('X-Forwarded-Host', 5, headerValue(['example.com', 'evil.example:1', ''])),
    maybe('X-Real-IP', 5, headerValue(['198.51.100.1', 'garbage'])),
    maybe('User-Agent', 30, headerValue(['python-requests/2.31', 'Mozilla/5.0', ''])),
    maybe('Accept', 20, headerValue(['application/json', '*/*', 'text/html'])),
    maybe('Expect', 2, headerValue(['100-continue'])),
  );
  // Framing headers are left alone: a lying Content-Length just makes the server wait for bytes that never come.
  const framing = /^(content-length|transfer-encoding|connection|host|expect|upgrade|te|trailer)$/i;
  const extra = fc.oneof(
    { weight: 4, arbitrary: fc.constant([]) },
    { weight: 1, arbitrary: fc.array(fc.tuple(fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,20}$/).filter((n) => !framing.test(n)), nasty(60, 0)), { minLength: 1, maxLength: 3 }) },
  );
  return fc.tuple(entries, extra).map(([e, x]) => [...e.filter((h) => h !== null), ...x]);
}

function deep() {
  return fc.tuple(fc.integer({ min: 1, max: 400 }), fc.constantFrom('[', '{"a":'), fc.boolean()).map(([n, open, closed]) => {
    const close = open === '[' ? ']' : '}';
    return open.repeat(n) + '1' + (closed ? close.repeat(n) : '');
  });
}

function anyJson() {
  return fc.jsonValue({ maxDepth: 4 });
}

function body() {
  const text = fc.oneof(
    { weight: 3, arbitrary: fc.record({ auth: fc.oneof(nasty(), anyJson(), fc.constantFrom('admin', 'admin@localhost', 'nobody')), password: fc.oneof(nasty(), anyJson(), fc.constant(M.password)) }, { requiredKeys: [] }).map((o) => JSON.stringify(o)) },
    { weight: 2, arbitrary: fc.record({ name: fc.oneof(nasty(300), anyJson()), expires_at: fc.oneof(fc.constantFrom('2099-01-01T00:00:00Z', '2000-01-01T00:00:00Z', '2099-13-45T99:99:99Z', '', 'tomorrow'), anyJson(), nasty()) }, { requiredKeys: [] }).map((o) => JSON.stringify(o)) },
    {
      weight: 2,
      arbitrary: fc
        .record(
          {
            username: fc.oneof(nasty(300), anyJson()),
            name: fc.oneof(nasty(300), anyJson()),
            email: fc.oneof(fc.constantFrom('fuzz@example.org', 'admin@localhost', 'not-an-email'), nasty(), anyJson()),
            password: fc.oneof(fc.constantFrom('fuzz-password-1', '', 'short'), nasty(2000), anyJson()),
            current_password: fc.oneof(fc.constant(M.password), nasty(), anyJson()),
            admin: fc.oneof(fc.boolean(), anyJson()),
            alert: fc.oneof(fc.boolean(), anyJson()),
            disabled: fc.oneof(fc.boolean(), anyJson()),
            external: fc.oneof(fc.boolean(), anyJson()),
          },
          { requiredKeys: [] },
        )
        .map((o) => JSON.stringify(o)),
    },
    { weight: 2, arbitrary: anyJson().map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: deep() },
    { weight: 1, arbitrary: nasty(2000) },
    { weight: 1, arbitrary: fc.constantFrom('{"__proto__":{"admin":true},"auth":"admin","password":"x"}', '{"constructor":{"prototype":{"x":1}}}', '1e999', '-0', '\ufeff{"auth":"admin","password":"x"}', '{"auth":"admin","auth":"nobody","password":"x"}', '{"auth":"\\ud800","password":"\\u0000"}') },
    { weight: 1, arbitrary: fc.integer({ min: 60_000, max: 70_000 }).map((n) => JSON.stringify({ auth: 'admin', password: 'p'.repeat(n) })) },
  ).map((s) => Buffer.from(s, 'utf8'));
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.constant(Buffer.alloc(0)) },
    { weight: 8, arbitrary: text },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)) },
    { weight: 1, arbitrary: fc.constantFrom(Buffer.from([0xc3, 0x28]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('{"auth":"\u00e9"}', 'latin1'), Buffer.from('{"auth":"admin","password":"x"}', 'utf16le')) },
  );
}

/**
 * A random request. `ctx`: the API's path prefix (`''` or `/semaphore`) and
 * the service origin. Live credentials appear as markers (`M`), replaced by
 * `materialize()` at send time with a session cookie, an API token, a second
 * "victim" token for DELETEs and the admin password that work at that moment
 * (the fuzzer logs itself out and revokes tokens now and then), so that
 * authenticated code paths are reached too.
 */
export function requestArbitrary(ctx) {
  const method = fc.oneof(
    { weight: 12, arbitrary: fc.constantFrom('GET', 'POST', 'DELETE') },
    { weight: 3, arbitrary: fc.constantFrom('PUT', 'PATCH', 'OPTIONS', 'HEAD', 'TRACE', 'PROPFIND', 'CONNECT') },
    { weight: 1, arbitrary: fc.constantFrom('get', 'X', 'GET\u0000', 'P OST') },
  );
  return fc.record({ method, target: target(ctx), headers: headers(ctx), body: body() }).map((r) => ({
    ...r,
    // GET and HEAD rarely carry bodies; keep a few.
    body: (r.method === 'GET' || r.method === 'HEAD') && r.body && r.body.length > 100 ? undefined : r.body,
  }));
}
