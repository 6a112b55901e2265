/**
 * Readiness follows the database (SPEC §13): /api/ready flips to 503 when
 * PostgreSQL stops and back to 200 when it returns, while /api/health stays
 * 200 throughout. And a database that hangs without closing its connections
 * (frozen with SIGSTOP: what a vanished host looks like) cannot hang requests:
 * the statement timeout answers 503. Both counted in semauth_db_errors_total,
 * both logged with the request's id. A private cluster (stopping the shared
 * one would break the suites beside this one). PostgreSQL only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialect } from '../support/database.js';
import { http, login } from '../support/http.js';
import { createDatabase, startPrivateCluster, type PrivateCluster } from '../support/pg-cluster.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(testDialect() !== 'postgres')('readiness and statement timeouts on PostgreSQL', () => {
  let cluster: PrivateCluster;
  let server: ServerProcess;
  let api: string;

  const status = async (path: string) => (await http('GET', `${api}${path}`, { timeoutMs: 15_000 })).status;
  const dbErrors = async () => {
    const text = (await http('GET', `${server.url}/metrics`)).text;
    return Number(/^semauth_db_errors_total (\d+)$/m.exec(text)?.[1]);
  };

  beforeAll(async () => {
    cluster = await startPrivateCluster('ready');
    const dbEnv = { SEMAPHORE_DB_DIALECT: 'postgres', SEMAUTH_DB_URL: await createDatabase(cluster.url) };
    server = await startServerProcess({
      dbEnv,
      env: { SEMAUTH_DB_POOL_SIZE: '2', SEMAUTH_DB_STATEMENT_TIMEOUT_SECONDS: '1', SEMAUTH_METRICS: 'true', SEMAUTH_LOG_LEVEL: 'info' },
    });
    api = `${server.url}/api`;
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    await cluster?.destroy();
  });

  it('/api/ready: 200, then 503 while PostgreSQL is stopped (health stays 200), then 200 again', async () => {
    expect(await status('/ready')).toBe(200);
    const errorsBefore = await dbErrors();

    await cluster.pause();
    const down = await http('GET', `${api}/ready`, { timeoutMs: 15_000 });
    expect(down.status).toBe(503);
    expect(down.json()).toEqual({ code: 'DATABASE_UNAVAILABLE', error: 'Not ready: the database does not answer.' });
    expect(await status('/health')).toBe(200);
    expect(await dbErrors()).toBeGreaterThan(errorsBefore);

    // The operator learns why, on lines carrying the request's id.
    const id = down.headers['x-request-id'] as string;
    await until('the log lines of the 503', async () => server.output().includes(`"request_id":"${id}","method"`));
    const lines = server.output().split('\n').filter((l) => l.includes(`"request_id":"${id}"`)).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toEqual([
      expect.objectContaining({ level: 40, msg: 'Not ready: the database does not answer.', err: expect.objectContaining({ code: expect.any(String) }) }),
      expect.objectContaining({ msg: 'request', status: 503, code: 'DATABASE_UNAVAILABLE' }),
    ]);

    await cluster.resume();
    await until('/api/ready to answer 200 again', async () => (await status('/ready')) === 200);
    expect(server.child.exitCode).toBeNull();
  }, 90_000);

  it('a frozen database: requests answer 503 after the statement timeout instead of hanging, and recover', async () => {
    const cookie = await login(api, 'admin', server.adminPassword);
    expect((await http('GET', `${api}/user`, { headers: { cookie } })).status).toBe(200);
    const errorsBefore = await dbErrors();

    await cluster.freeze();
    try {
      // Without a timeout these would wait for as long as the database stays frozen.
      // The token list always reads the database; the cookie itself may still be
      // vouched for by the auth cache while its lease lasts (that is not a revocation).
      const tokens = await http('GET', `${api}/user/tokens`, { headers: { cookie }, timeoutMs: 15_000 });
      expect(tokens.status).toBe(503);
      expect(tokens.json().code).toBe('DATABASE_UNAVAILABLE');
      expect(await status('/ready')).toBe(503);
      expect(await status('/health')).toBe(200);
      expect(await dbErrors()).toBeGreaterThan(errorsBefore);
    } finally {
      await cluster.thaw();
    }
    await until('/api/ready to answer 200 after the thaw', async () => (await status('/ready')) === 200);
    await until('the session to work again', async () => (await http('GET', `${api}/user`, { headers: { cookie } })).status === 200);
    expect(server.output()).not.toMatch(/unhandled error|"level":50/);
  }, 90_000);
});
