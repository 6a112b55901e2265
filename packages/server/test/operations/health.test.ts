/**
 * GET /api/health and /api/ready (SPEC §13): liveness never touches the
 * database; readiness needs a database that answers and holds every
 * migration of this release, and says why when it is not ready. Neither asks
 * for credentials or sets a cookie. @dialects sqlite postgres
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/load.js';
import { createServices } from '../../src/services/index.js';
import { openStorage } from '../../src/storage/open.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { FAST_HASHING_ENV, freshDatabaseEnv } from '../support/database.js';
import { http, type HttpResponse } from '../support/http.js';

function expectJsonWithoutCookie(r: HttpResponse): void {
  expect(r.headers['content-type']).toBe('application/json');
  expect(r.headers['set-cookie']).toBeUndefined();
  expect(r.headers['cache-control']).toBe('no-store');
  expect(r.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
}

describe('a running server with a current schema', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it.each(['/health', '/health/'])('GET %s → 200 {"status":"ok"}, without credentials', async (path) => {
    const r = await http('GET', `${t.api}${path}`);
    expect(r.status).toBe(200);
    expect(r.json()).toEqual({ status: 'ok' });
    expectJsonWithoutCookie(r);
  });

  it.each(['/ready', '/ready/'])('GET %s → 200 {"status":"ready"}, without credentials', async (path) => {
    const r = await http('GET', `${t.api}${path}`);
    expect(r.status).toBe(200);
    expect(r.json()).toEqual({ status: 'ready' });
    expectJsonWithoutCookie(r);
  });

  it('ignores credentials and cookies it is sent (no session is touched, none is set)', async () => {
    const r = await http('GET', `${t.api}/ready`, { headers: { cookie: 'semaphore=garbage', authorization: 'Bearer nonsense' } });
    expect(r.status).toBe(200);
    expect(r.headers['set-cookie']).toBeUndefined();
  });

  it('answers 405 to other methods', async () => {
    expect((await http('POST', `${t.api}/health`)).status).toBe(405);
    expect((await http('DELETE', `${t.api}/ready`)).status).toBe(405);
  });

  it('are not part of the Semaphore API document', async () => {
    const doc = (await http('GET', `${t.api}/openapi.json`)).json();
    expect(Object.keys(doc.paths)).not.toContain('/health');
    expect(Object.keys(doc.paths)).not.toContain('/ready');
  });
});

describe('under a web root', () => {
  it('serves both under the prefix', async () => {
    const t = await startTestApp({ env: { SEMAPHORE_WEB_ROOT: '/semaphore' } });
    try {
      expect((await http('GET', `${t.origin}/semaphore/api/health`)).status).toBe(200);
      expect((await http('GET', `${t.origin}/semaphore/api/ready`)).status).toBe(200);
      expect((await http('GET', `${t.origin}/api/health`)).status).toBe(404);
    } finally {
      await t.close();
    }
  });
});

describe('not ready', () => {
  it('a database without this release\'s migrations: 503 SCHEMA_NOT_CURRENT naming them; health stays 200', async () => {
    const config = loadConfig({ env: { ...(await freshDatabaseEnv()), ...FAST_HASHING_ENV, SEMAUTH_LOG_LEVEL: 'silent' } });
    const storage = await openStorage(config); // never migrated
    const app = buildApp(config, { services: createServices(storage, config) });
    const origin = await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const r = await http('GET', `${origin}/api/ready`);
      expect(r.status).toBe(503);
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.json()).toEqual({ code: 'SCHEMA_NOT_CURRENT', error: expect.stringContaining('0001_initial') });
      expect(r.json().error).toContain('semauth migrate');
      expect((await http('GET', `${origin}/api/health`)).status).toBe(200);

      await storage.migrate();
      expect((await http('GET', `${origin}/api/ready`)).status).toBe(200);
    } finally {
      await app.close();
      await storage.close();
    }
  });

  it('a database that does not answer: 503 DATABASE_UNAVAILABLE with Retry-After; health stays 200', async () => {
    const t = await startTestApp();
    try {
      await t.storage.close();
      const r = await http('GET', `${t.api}/ready`);
      expect(r.status).toBe(503);
      expect(r.headers['retry-after']).toBe('1');
      expect(r.json()).toEqual({ code: 'DATABASE_UNAVAILABLE', error: 'Not ready: the database does not answer.' });
      const health = await http('GET', `${t.api}/health`);
      expect(health.status).toBe(200);
      expect(health.json()).toEqual({ status: 'ok' });
    } finally {
      await t.app.close();
    }
  });
});
