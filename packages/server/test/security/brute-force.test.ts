/**
 * Brute force against the login: throttling per (account, address) and per
 * address, kept in the database, 429 with Retry-After and one body for every
 * throttled answer — and never a lock-out of the owner from another address.
 * Other client addresses are real: the test binds its sockets to other
 * loopback addresses (127.0.0.0/8 is all loopback on Linux), or — behind a
 * trusted proxy — sends X-Forwarded-For.
 *
 * @dialects sqlite postgres
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, startTestApp, type TestApp } from '../support/app.js';
import { http, type HttpResponse } from '../support/http.js';
import { startServerProcess } from '../support/server-process.js';

const WRONG = 'not-the-password';
const apps: TestApp[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
});
async function app(env: Record<string, string> = {}): Promise<TestApp> {
  const t = await startTestApp({ env });
  apps.push(t);
  return t;
}

function attempt(api: string, auth: string, password: string, opts: { from?: string; headers?: Record<string, string> } = {}): Promise<HttpResponse> {
  return http('POST', `${api}/auth/login`, {
    headers: { 'content-type': 'application/json', ...opts.headers },
    body: { auth, password },
    ...(opts.from ? { localAddress: opts.from } : {}),
  });
}

function expectThrottled(r: HttpResponse, windowSeconds: number): void {
  expect(r.status).toBe(429);
  expect(r.headers['content-type']).toBe('application/json');
  expect(r.headers['cache-control']).toBe('no-store');
  expect(r.headers['set-cookie']).toBeUndefined();
  const retryAfter = Number(r.headers['retry-after']);
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(windowSeconds);
}

describe('brute force from one address', () => {
  it('answers 429 with Retry-After and the same body after the limit, for hundreds of attempts, and the owner still logs in from another address', async () => {
    const t = await app();
    const limit = t.config.loginMaxFailuresPerAccountAddress;
    const statuses: number[] = [];
    const throttledBodies = new Set<string>();
    for (let i = 0; i < 300; i++) {
      // Wrong passwords, and now and then the right one: throttled is throttled.
      const r = await attempt(t.api, 'admin', i % 50 === 49 ? ADMIN_PASSWORD : `${WRONG}-${i}`, { from: '127.0.0.1' });
      statuses.push(r.status);
      if (r.status === 429) {
        expectThrottled(r, t.config.loginThrottleWindowSeconds);
        throttledBodies.add(r.text);
      }
    }
    expect(statuses.slice(0, limit)).toEqual(Array(limit).fill(401));
    expect(statuses.slice(limit)).toEqual(Array(300 - limit).fill(429));
    expect([...throttledBodies]).toEqual([JSON.stringify({ error: 'Too many failed login attempts. Try again later.', code: 'TOO_MANY_ATTEMPTS' })]);

    // The owner, from elsewhere, is not locked out.
    const owner = await attempt(t.api, 'admin', ADMIN_PASSWORD, { from: '127.0.0.2' });
    expect(owner.status).toBe(204);
    expect(owner.cookie()).toMatch(/^semaphore=/);
  });

  it('cannot beat the limit with a burst of concurrent attempts (the attempt is counted before the hash is checked)', async () => {
    const t = await app();
    const limit = t.config.loginMaxFailuresPerAccountAddress;
    const rs = await Promise.all(Array.from({ length: 60 }, (_, i) => attempt(t.api, 'admin', `${WRONG}-${i}`, { from: '127.0.0.3' })));
    const byStatus = (s: number) => rs.filter((r) => r.status === s).length;
    expect(byStatus(401)).toBe(limit);
    expect(byStatus(429)).toBe(60 - limit);
    expect(byStatus(401) + byStatus(429)).toBe(60);
  });

  it('counts failures per address over all accounts: spraying many logins from one address is throttled too', async () => {
    const t = await app({ SEMAUTH_LOGIN_MAX_FAILURES_PER_ADDRESS: '25' });
    const statuses: number[] = [];
    for (let i = 0; i < 60; i++) statuses.push((await attempt(t.api, `user-${i}`, WRONG, { from: '127.0.0.4' })).status);
    expect(statuses.slice(0, 25)).toEqual(Array(25).fill(401));
    expect(statuses.slice(25)).toEqual(Array(35).fill(429));
    // That address is now throttled for every account; others are not.
    expect((await attempt(t.api, 'admin', ADMIN_PASSWORD, { from: '127.0.0.4' })).status).toBe(429);
    expect((await attempt(t.api, 'admin', ADMIN_PASSWORD, { from: '127.0.0.5' })).status).toBe(204);
  });

  it('a successful login resets the account counter for that address, and does not use up the address budget', async () => {
    const t = await app({ SEMAUTH_LOGIN_MAX_FAILURES_PER_ADDRESS: '25' });
    const limit = t.config.loginMaxFailuresPerAccountAddress;
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < limit - 1; i++) expect((await attempt(t.api, 'admin', WRONG, { from: '127.0.0.6' })).status).toBe(401);
      expect((await attempt(t.api, 'admin', ADMIN_PASSWORD, { from: '127.0.0.6' })).status).toBe(204);
    }
    // Successful logins alone never throttle an address (think of a NAT'd office): 30 > 25.
    for (let i = 0; i < 30; i++) expect((await attempt(t.api, 'admin', ADMIN_PASSWORD, { from: '127.0.0.7' })).status).toBe(204);
  });

  it('lets attempts in again once the window has passed, and says how long to wait', async () => {
    const t = await app({ SEMAUTH_LOGIN_THROTTLE_WINDOW_SECONDS: '600' });
    const limit = t.config.loginMaxFailuresPerAccountAddress;
    for (let i = 0; i < limit; i++) await attempt(t.api, 'admin', WRONG, { from: '127.0.0.8' });
    const first = await attempt(t.api, 'admin', WRONG, { from: '127.0.0.8' });
    expectThrottled(first, 600);
    expect(Number(first.headers['retry-after'])).toBeGreaterThan(590);
    t.clock.advance(400_000);
    const later = await attempt(t.api, 'admin', WRONG, { from: '127.0.0.8' });
    expectThrottled(later, 600);
    expect(Number(later.headers['retry-after'])).toBeLessThanOrEqual(200);
    t.clock.advance(200_001);
    expect((await attempt(t.api, 'admin', ADMIN_PASSWORD, { from: '127.0.0.8' })).status).toBe(204);
  });

  it('audits the attempt that spends the budget once, not every throttled request', async () => {
    const t = await app();
    const limit = t.config.loginMaxFailuresPerAccountAddress;
    for (let i = 0; i < limit + 40; i++) await attempt(t.api, 'admin', WRONG, { from: '127.0.0.9', headers: { 'user-agent': 'hammer/1.0' } });
    const entries = await t.storage.audit.query({});
    expect(entries.filter((e) => e.event === 'login.failed')).toHaveLength(limit);
    const throttled = entries.filter((e) => e.event === 'login.throttled');
    expect(throttled).toHaveLength(1);
    expect(throttled[0]).toMatchObject({ login: 'admin', address: '127.0.0.9', userAgent: 'hammer/1.0', detail: { scope: 'account+address' } });
  });
});

describe('client addresses behind a proxy', () => {
  it('ignores X-Forwarded-For and X-Real-IP unless the proxy is trusted', async () => {
    const t = await app();
    const limit = t.config.loginMaxFailuresPerAccountAddress;
    const statuses: number[] = [];
    for (let i = 0; i < limit + 5; i++) {
      const r = await attempt(t.api, 'admin', WRONG, { from: '127.0.0.10', headers: { 'x-forwarded-for': `10.1.0.${i}`, 'x-real-ip': `10.2.0.${i}` } });
      statuses.push(r.status);
    }
    expect(statuses.filter((s) => s === 401)).toHaveLength(limit);
    expect(statuses.slice(limit)).toEqual(Array(5).fill(429));
  });

  it('with SEMAUTH_TRUST_PROXY=true takes the address the proxy appended: the owner logs in from another address, and client-written entries do not help the attacker', async () => {
    const t = await app({ SEMAUTH_TRUST_PROXY: 'true' });
    const limit = t.config.loginMaxFailuresPerAccountAddress;
    const statuses: number[] = [];
    for (let i = 0; i < 200; i++) {
      // The attacker writes a fresh X-Forwarded-For every time; the proxy appends the address it saw.
      const r = await attempt(t.api, 'admin', `${WRONG}-${i}`, { headers: { 'x-forwarded-for': `10.9.${i >> 8}.${i & 255}, 203.0.113.7` } });
      statuses.push(r.status);
    }
    expect(statuses.slice(0, limit)).toEqual(Array(limit).fill(401));
    expect(statuses.slice(limit)).toEqual(Array(200 - limit).fill(429));
    // X-Real-IP does not override the X-Forwarded-For the proxy wrote.
    expect((await attempt(t.api, 'admin', ADMIN_PASSWORD, { headers: { 'x-forwarded-for': '203.0.113.7', 'x-real-ip': '198.51.100.1' } })).status).toBe(429);
    // The owner, behind the same proxy but at another address, logs in.
    expect((await attempt(t.api, 'admin', ADMIN_PASSWORD, { headers: { 'x-forwarded-for': '198.51.100.20' } })).status).toBe(204);
    expect((await attempt(t.api, 'admin', ADMIN_PASSWORD, { headers: { 'x-real-ip': '198.51.100.21' } })).status).toBe(204);
    const addresses = new Set((await t.storage.audit.query({})).filter((e) => e.event.startsWith('login.')).map((e) => e.address));
    expect([...addresses].sort()).toEqual(['198.51.100.20', '198.51.100.21', '203.0.113.7']);
  });

  it('with two trusted proxies takes the second entry from the right', async () => {
    const t = await app({ SEMAUTH_TRUST_PROXY: '2' });
    const limit = t.config.loginMaxFailuresPerAccountAddress;
    for (let i = 0; i < limit; i++) {
      expect((await attempt(t.api, 'admin', WRONG, { headers: { 'x-forwarded-for': `10.0.0.${i}, 203.0.113.8, 10.255.0.1` } })).status).toBe(401);
    }
    expect((await attempt(t.api, 'admin', WRONG, { headers: { 'x-forwarded-for': '203.0.113.8, 10.255.0.2' } })).status).toBe(429);
    expect((await attempt(t.api, 'admin', ADMIN_PASSWORD, { headers: { 'x-forwarded-for': '203.0.113.9, 10.255.0.1' } })).status).toBe(204);
  });

  it('counts IPv6 clients per /64 and IPv4-mapped addresses as IPv4', async () => {
    const t = await app({ SEMAUTH_TRUST_PROXY: 'true' });
    const limit = t.config.loginMaxFailuresPerAccountAddress;
    for (let i = 0; i < limit; i++) {
      expect((await attempt(t.api, 'admin', WRONG, { headers: { 'x-forwarded-for': `2001:db8:1:2:${i.toString(16)}::1` } })).status).toBe(401);
    }
    expect((await attempt(t.api, 'admin', WRONG, { headers: { 'x-forwarded-for': '2001:db8:1:2:ffff:ffff:ffff:ffff' } })).status).toBe(429);
    expect((await attempt(t.api, 'admin', ADMIN_PASSWORD, { headers: { 'x-forwarded-for': '2001:db8:1:3::1' } })).status).toBe(204);

    for (let i = 0; i < limit; i++) await attempt(t.api, 'admin', WRONG, { headers: { 'x-forwarded-for': '192.0.2.44' } });
    expect((await attempt(t.api, 'admin', WRONG, { headers: { 'x-forwarded-for': '::ffff:192.0.2.44' } })).status).toBe(429);
  });

  it('falls back to the socket address for forwarded values that are not addresses', async () => {
    const t = await app({ SEMAUTH_TRUST_PROXY: 'true' });
    const limit = t.config.loginMaxFailuresPerAccountAddress;
    for (let i = 0; i < limit; i++) await attempt(t.api, 'admin', WRONG, { from: '127.0.0.11', headers: { 'x-forwarded-for': `garbage-${i}` } });
    expect((await attempt(t.api, 'admin', WRONG, { from: '127.0.0.11', headers: { 'x-real-ip': 'not an address' } })).status).toBe(429);
  });
});

describe('throttling state', () => {
  it('survives a restart of the server process (counters are in the database)', async () => {
    const first = await startServerProcess();
    const api = `${first.url}/api`;
    const limit = 10; // the default
    try {
      const statuses: number[] = [];
      for (let i = 0; i < limit; i++) statuses.push((await attempt(api, 'admin', WRONG)).status);
      expect(statuses).toEqual(Array(limit).fill(401));
      expect((await attempt(api, 'admin', WRONG)).status).toBe(429);
    } finally {
      await first.stop();
    }
    const dbEnv = Object.fromEntries(Object.entries(first.env).filter(([k]) => k.startsWith('SEMAPHORE_DB') || k === 'SEMAUTH_DB_URL'));
    const second = await startServerProcess({ dbEnv });
    try {
      const api2 = `${second.url}/api`;
      const r = await attempt(api2, 'admin', second.adminPassword);
      expectThrottled(r, 15 * 60);
      expect((await attempt(api2, 'admin', second.adminPassword, { from: '127.0.0.12' })).status).toBe(204);
    } finally {
      await second.stop();
    }
  });
});
