/**
 * The road to the directory: LDAPS and StartTLS with certificate
 * verification (the test's own CA), and a directory that goes away or hangs —
 * 503 JSON within the timeouts, never 500, local users unaffected, and LDAP
 * sign-in working again as soon as the directory is back. One slapd of its
 * own, since this file stops and freezes it.
 *
 * @dialects sqlite postgres
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, startTestApp, type TestApp } from '../support/app.js';
import { http, login, type HttpResponse } from '../support/http.js';
import { DIRECTORY_START_TIMEOUT, startTestDirectory, type TestDirectory } from '../support/ldap.js';
import { startServerProcess } from '../support/server-process.js';

let dir: TestDirectory;
beforeAll(async () => {
  dir = await startTestDirectory('transport');
}, DIRECTORY_START_TIMEOUT);
afterAll(async () => {
  await dir?.destroy();
});

const apps: TestApp[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
});
async function app(env: Record<string, string>): Promise<TestApp> {
  const t = await startTestApp({ env });
  apps.push(t);
  return t;
}

function attempt(api: string, auth: string, password: string): Promise<HttpResponse> {
  return http('POST', `${api}/auth/login`, { headers: { 'content-type': 'application/json' }, body: { auth, password }, timeoutMs: 30_000 });
}

function expectUnavailable(r: HttpResponse): void {
  expect(r.status).toBe(503);
  expect(r.headers['content-type']).toBe('application/json');
  expect(r.headers['retry-after']).toMatch(/^\d+$/);
  expect(r.headers['set-cookie']).toBeUndefined();
  expect(r.json()).toEqual({ error: expect.any(String), code: 'LDAP_UNAVAILABLE' });
}

async function signsIn(t: TestApp, uid = 'alice'): Promise<void> {
  const r = await attempt(t.api, uid, dir.users[uid]!);
  expect(r.status, r.text).toBe(204);
}

describe('TLS, verified against the test CA', () => {
  it('LDAPS works with the CA file', async () => {
    await signsIn(await app(dir.env({ tls: 'ldaps' })));
  });

  it('StartTLS works with the CA file', async () => {
    await signsIn(await app(dir.env({ tls: 'starttls' })));
  });

  it.each(['ldaps', 'starttls'] as const)('%s without the CA file: the certificate does not verify → 503, and local users still sign in', async (tls) => {
    const t = await app(dir.env({ tls, ca: false }));
    expectUnavailable(await attempt(t.api, 'alice', dir.users.alice!));
    await login(t.api, 'admin', ADMIN_PASSWORD);
  });

  it('SEMAUTH_LDAP_TLS_INSECURE=true skips the verification (as Semaphore always does)', async () => {
    await signsIn(await app({ ...dir.env({ tls: 'ldaps', ca: false }), SEMAUTH_LDAP_TLS_INSECURE: 'true' }));
  });

  it('tells the operator why (the certificate), with no password in the log', async () => {
    const server = await startServerProcess({ env: dir.env({ tls: 'ldaps', ca: false }) });
    try {
      expectUnavailable(await attempt(`${server.url}/api`, 'alice', dir.users.alice!));
    } finally {
      await server.stop();
    }
    // Read once the process has exited: its log lines are then all written.
    const out = server.output();
    expect(out).toMatch(/"level":50.*TLS certificate did not verify/);
    expect(out).not.toContain(dir.users.alice!);
    expect(out).not.toContain(dir.servicePassword);
  });
});

describe('the directory goes away', () => {
  // Short timeouts: a hung directory must cost a login seconds, not minutes.
  const fast = { SEMAUTH_LDAP_CONNECT_TIMEOUT_MS: '500', SEMAUTH_LDAP_TIMEOUT_MS: '500' };

  it('stopped: 503 JSON (audited), local users still sign in; back: LDAP sign-in works again', async () => {
    const t = await app({ ...dir.env(), ...fast });
    await signsIn(t, 'bob');
    await dir.pause();
    try {
      expectUnavailable(await attempt(t.api, 'alice', dir.users.alice!));
      expectUnavailable(await attempt(t.api, 'bob', dir.users.bob!));
      await login(t.api, 'admin', ADMIN_PASSWORD);
      const [failed] = await t.storage.audit.query({ login: 'alice' });
      expect(failed).toMatchObject({ event: 'login.failed', detail: { method: 'ldap', reason: 'unavailable' } });
    } finally {
      await dir.resume();
    }
    await signsIn(t, 'alice');
    await signsIn(t, 'bob');
  });

  it.each(['none', 'ldaps'] as const)('frozen (SIGSTOP), %s: 503 once the timeouts run out, not a hanging login; thawed: works again', async (tls) => {
    const t = await app({ ...dir.env({ tls }), ...fast });
    await dir.freeze();
    try {
      // The kernel still accepts the connection; nothing answers the TLS handshake or the bind.
      expectUnavailable(await attempt(t.api, 'alice', dir.users.alice!));
      await login(t.api, 'admin', ADMIN_PASSWORD);
    } finally {
      await dir.thaw();
    }
    await signsIn(t);
  });
});
