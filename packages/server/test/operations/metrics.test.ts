/**
 * GET /metrics (SPEC §13): off unless SEMAUTH_METRICS=true; Prometheus text
 * format; the counters move by exactly what a scripted session did; no label
 * or value carries a login, a token or a raw URL; on a port of its own with
 * SEMAUTH_METRICS_PORT. @dialects sqlite postgres
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { startServer } from '../../src/main.js';
import { Histogram, Registry } from 'prom-client';
import { Metrics } from '../../src/metrics/registry.js';
import { RequestHistogram } from '../../src/metrics/request-histogram.js';
import type { AuditService } from '../../src/services/audit.js';
import { ADMIN_PASSWORD, startTestApp, type TestApp } from '../support/app.js';
import { FAST_HASHING_ENV, freshDatabaseEnv, testDialect } from '../support/database.js';
import { createToken, http, login } from '../support/http.js';
import { freePort } from '../support/server-process.js';

/** `name{labels} value` lines of an exposition, by `name{labels}` exactly as printed (labels sorted by prom-client). */
function parse(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    values.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return values;
}

async function scrape(url: string): Promise<{ text: string; values: Map<string, number> }> {
  const r = await http('GET', url);
  expect(r.status, r.text).toBe(200);
  expect(r.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
  expect(r.headers['set-cookie']).toBeUndefined();
  return { text: r.text, values: parse(r.text) };
}

const FAILED = 'semauth_logins_total{method="password",result="failure"}';
const SUCCEEDED = 'semauth_logins_total{method="password",result="success"}';
const count = (method: string, route: string, statusClass: string) =>
  `semauth_http_request_duration_seconds_count{method="${method}",route="${route}",status_class="${statusClass}"}`;

describe('with SEMAUTH_METRICS=true', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { SEMAUTH_METRICS: 'true', SEMAUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT_ADDRESS: '3' } });
  });
  afterAll(() => t.close());

  it('counts a scripted session exactly, and never names a login, a token or a URL', async () => {
    const metricsUrl = `${t.origin}/metrics`;
    const before = (await scrape(metricsUrl)).values;
    const delta = (after: Map<string, number>, key: string) => (after.get(key) ?? 0) - (before.get(key) ?? 0);
    const json = { 'content-type': 'application/json' };

    // Two wrong passwords for a real account, three for an unknown login (its budget is 3), then two throttled.
    for (let i = 0; i < 2; i++) expect((await http('POST', `${t.api}/auth/login`, { headers: json, body: { auth: 'admin', password: 'wrong-password-1' } })).status).toBe(401);
    for (let i = 0; i < 3; i++) expect((await http('POST', `${t.api}/auth/login`, { headers: json, body: { auth: 'ghost-login', password: 'wrong-password-1' } })).status).toBe(401);
    for (let i = 0; i < 2; i++) expect((await http('POST', `${t.api}/auth/login`, { headers: json, body: { auth: 'ghost-login', password: 'wrong-password-1' } })).status).toBe(429);
    // One good login, two tokens, one revoked.
    const cookie = await login(t.api, 'admin', ADMIN_PASSWORD);
    const first = await createToken(t.api, { cookie });
    const second = await createToken(t.api, { cookie });
    expect((await http('DELETE', `${t.api}/user/tokens/${encodeURIComponent(first)}`, { headers: { cookie } })).status).toBe(204);
    // Three bearer requests with the other token, and a URL no route has, holding it.
    const afterSetup = (await scrape(metricsUrl)).values;
    for (let i = 0; i < 3; i++) expect((await http('GET', `${t.api}/user`, { headers: { authorization: `Bearer ${second}` } })).status).toBe(200);
    expect((await http('GET', `${t.api}/no/such/${encodeURIComponent(second)}`)).status).toBe(404);

    const { text, values: after } = await scrape(metricsUrl);
    expect(delta(after, FAILED)).toBe(5);
    expect(delta(after, SUCCEEDED)).toBe(1);
    expect(delta(after, 'semauth_login_throttled_total')).toBe(2);
    expect(delta(after, 'semauth_tokens_created_total')).toBe(2);
    expect(delta(after, 'semauth_tokens_revoked_total')).toBe(1);
    expect(delta(after, 'semauth_db_errors_total')).toBe(0);
    expect(delta(after, count('POST', '/api/auth/login', '4xx'))).toBe(7);
    expect(delta(after, count('POST', '/api/auth/login', '2xx'))).toBe(1);
    expect(delta(after, count('POST', '/api/user/tokens', '2xx'))).toBe(2);
    expect(delta(after, count('DELETE', '/api/user/tokens/:api_token_id', '2xx'))).toBe(1);
    expect(delta(after, count('GET', '/api/user', '2xx'))).toBe(3);
    expect(delta(after, count('GET', 'unmatched', '4xx'))).toBe(1);
    expect(after.get('semauth_password_hash_queue')).toBeGreaterThanOrEqual(0);

    if (testDialect() === 'sqlite') {
      // The first bearer request reads the token and its user from the database; the next two find them in memory.
      expect((after.get('semauth_auth_cache_misses_total') ?? 0) - (afterSetup.get('semauth_auth_cache_misses_total') ?? 0)).toBe(1);
      expect((after.get('semauth_auth_cache_hits_total') ?? 0) - (afterSetup.get('semauth_auth_cache_hits_total') ?? 0)).toBe(2);
    } else {
      expect(after.has('semauth_auth_cache_hits_total')).toBe(true);
      expect(after.has('semauth_auth_cache_misses_total')).toBe(true);
    }

    // Node's process metrics are there too.
    expect(after.has('process_cpu_user_seconds_total')).toBe(true);
    expect(after.has('nodejs_eventloop_lag_seconds')).toBe(true);

    // Nothing secret or personal, and no raw URL, in the exposition.
    for (const secret of [first, second, encodeURIComponent(second), first.slice(0, 8), cookie.split('=')[1]!, 'ghost-login', 'admin', ADMIN_PASSWORD, '/no/such']) {
      expect(text, `the scrape contains ${secret}`).not.toContain(secret);
    }
    const routes = new Set([...text.matchAll(/route="([^"]*)"/g)].map((m) => m[1]));
    for (const route of routes) expect(route === 'unmatched' || /^\/[a-z/:_]+$/.test(route!), String(route)).toBe(true);
  });

  it('is not part of the Semaphore API document', async () => {
    const doc = (await http('GET', `${t.api}/openapi.json`)).json();
    expect(JSON.stringify(doc.paths)).not.toContain('metrics');
  });
});

describe('without SEMAUTH_METRICS', () => {
  it('there is no /metrics', async () => {
    const t = await startTestApp();
    try {
      // Nothing answers with metrics (the web UI, when built, answers its own pages outside /api).
      const r = await http('GET', `${t.origin}/metrics`);
      expect(r.headers['content-type']).not.toMatch(/^text\/plain; version=0\.0\.4/);
      expect(r.text).not.toContain('semauth_');
      expect((await http('GET', `${t.api}/metrics`)).status).toBe(404);
    } finally {
      await t.close();
    }
  });
});

describe('the request-duration histogram', () => {
  it("writes exactly what prom-client's own Histogram writes for the same observations", async () => {
    const buckets = [0.001, 0.01, 0.1, 1];
    const observations: [string, string, string, number][] = [
      ['GET', '/api/user', '2xx', 0.0004],
      ['GET', '/api/user', '2xx', 0.02],
      ['GET', '/api/user', '4xx', 0.001],
      ['POST', '/api/auth/login', '2xx', 3],
      ['GET', 'unmatched', '4xx', 0.05],
    ];
    const theirs = new Registry();
    const reference = new Histogram({ name: 'h', help: 'help', labelNames: ['method', 'route', 'status_class'], buckets, registers: [theirs] });
    const ours = new Registry();
    const fast = new RequestHistogram({ name: 'h', help: 'help', buckets, registers: [ours] });
    for (const [method, route, statusClass, seconds] of observations) {
      reference.labels(method, route, statusClass).observe(seconds);
      fast.add(fast.seriesFor(method, route, statusClass), seconds);
    }
    expect(await ours.metrics()).toBe(await theirs.metrics());
    expect(await ours.getMetricsAsJSON()).toEqual(await theirs.getMetricsAsJSON());
  });
});

describe('the password hashing queue', () => {
  it('is read from the hashing limiter when scraped', async () => {
    const metrics = new Metrics();
    const hashing = { queued: 0 };
    metrics.observe({ audit: { onRecord() {} } as unknown as AuditService, hashing });
    hashing.queued = 3;
    expect((await metrics.scrape()).body).toMatch(/^semauth_password_hash_queue 3$/m);
  });
});

describe('with SEMAUTH_METRICS_PORT', () => {
  it('serves /metrics on that port only, and stops it with the server', async () => {
    const [port, metricsPort] = [await freePort(), await freePort()];
    const config = loadConfig({
      env: {
        ...(await freshDatabaseEnv()),
        ...FAST_HASHING_ENV,
        SEMAUTH_LOG_LEVEL: 'silent',
        SEMAUTH_ADMIN_PASSWORD: ADMIN_PASSWORD,
        SEMAPHORE_PORT: String(port),
        SEMAUTH_METRICS: 'true',
        SEMAUTH_METRICS_PORT: String(metricsPort),
      },
    });
    const server = await startServer(config);
    try {
      expect(server.metricsUrl).toBe(`http://127.0.0.1:${metricsPort}`);
      expect((await http('GET', `${server.url}/api/ping`)).status).toBe(200);
      const { values } = await scrape(`${server.metricsUrl}/metrics`);
      expect(values.get(count('GET', '/api/ping', '2xx'))).toBe(1);
      const onApiPort = await http('GET', `${server.url}/metrics`);
      expect(onApiPort.text).not.toContain('semauth_');
      const other = await http('GET', `${server.metricsUrl}/api/user`);
      expect(other.status).toBe(404);
      expect(other.headers['content-type']).toBe('application/json');
      expect((await http('POST', `${server.metricsUrl}/metrics`)).status).toBe(405);
    } finally {
      await server.close();
    }
    // A new connection (http's agent may hold a kept-alive one) is refused.
    const refused = await new Promise<string>((resolve) => {
      const socket = connect(metricsPort, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve('connected');
      });
      socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    });
    expect(refused).toBe('ECONNREFUSED');
  });
});
