/**
 * Property-based fuzzing of every route (fast-check): random methods, paths,
 * ids, header values (CR/LF/NUL included), cookies, Authorization values and
 * bodies (wrong types, deep nesting, invalid UTF-8, huge strings), with live
 * credentials mixed in so that authenticated paths are reached. Every answer
 * must be a well-formed non-5xx (JSON errors, no stray headers, no-store) and
 * the server must still answer /api/ping afterwards. A short run here; the
 * long one is `npm run fuzz-long -w @semauth/server` (scripts/fuzz-long.mjs).
 *
 * Each run draws a new seed and prints it; a failure names it. Replay a run
 * with SEMAUTH_FUZZ_SEED=<seed> (the same requests, in the same order).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error -- plain JavaScript shared with scripts/fuzz-long.mjs
import { LiveCredentials, describe as describeRequest, encode, materialize, problems, requestArbitrary, sendRaw } from '../../scripts/lib/fuzz-requests.mjs';
import { ADMIN_PASSWORD, startTestApp, type TestApp } from '../support/app.js';
import { http } from '../support/http.js';

const apps: TestApp[] = [];
afterAll(async () => {
  await Promise.all(apps.map((a) => a.close()));
});

async function fuzz(t: TestApp, numRuns: number, seed: number) {
  const { hostname, port, pathname } = new URL(t.api);
  const server = { host: hostname, port: Number(port) };
  // The fuzzer's own logins come from an address the fuzz traffic never uses.
  const live = new LiveCredentials({ ...server, apiPath: pathname, password: ADMIN_PASSWORD, localAddress: '127.0.0.250' });
  const statuses = new Map<number, number>();
  const routes = new Map<string, number>();
  let n = 0;
  let creds = await live.get();
  await fc.assert(
    fc.asyncProperty(requestArbitrary({ prefix: t.config.webRoot.prefix, origin: t.origin }), fc.integer({ min: 1, max: 60 }), async (generated: any, host: number) => {
      if (++n % 40 === 0) creds = await live.get();
      const req = materialize(generated, creds);
      const res = await sendRaw({ ...server, localAddress: `127.0.0.${host}` }, encode(req));
      const found: string[] = problems(req, res);
      if (found.length > 0) throw new Error(`${found.join('; ')}\nrequest: ${describeRequest(req)}\nanswer: ${res.head ?? res.error}`);
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      const route = /\/api(\/[a-z]+(?:\/[a-z]+)?)/.exec(req.target)?.[1] ?? 'other';
      routes.set(`${req.method} ${route}`, (routes.get(`${req.method} ${route}`) ?? 0) + 1);
    }),
    { numRuns, seed, endOnFailure: false },
  );
  return { statuses, routes, renewals: live.renewals };
}

describe('fuzzing', () => {
  let plain: TestApp;
  let proxied: TestApp;
  beforeAll(async () => {
    plain = await startTestApp();
    proxied = await startTestApp({ env: { SEMAPHORE_WEB_ROOT: '/semaphore', SEMAUTH_TRUST_PROXY: 'true', SEMAUTH_ALLOWED_ORIGINS: 'https://ui.example.com' } });
    apps.push(plain, proxied);
  });

  it('every route answers random requests with a well-formed non-5xx, and the server stays up', async () => {
    const started = Date.now();
    const seed = fuzzSeed();
    console.log(`fuzz seed ${seed} (replay with SEMAUTH_FUZZ_SEED=${seed})`);
    try {
      await fuzzBothApps(seed, started);
    } catch (e) {
      // Whatever failed — a property, a count, the final checks — the seed reproduces it.
      if (e instanceof Error) e.message = `[fuzz seed ${seed}: replay with SEMAUTH_FUZZ_SEED=${seed}] ${e.message}`;
      throw e;
    }
  }, 120_000);

  async function fuzzBothApps(seed: number, started: number) {
    const a = await fuzz(plain, 1500, seed);
    const b = await fuzz(proxied, 750, seed + 1);
    const seconds = (Date.now() - started) / 1000;
    const statuses = new Map<number, number>();
    for (const m of [a.statuses, b.statuses]) for (const [k, v] of m) statuses.set(k, (statuses.get(k) ?? 0) + v);
    console.log(`fuzz seed ${seed}: 2250 requests in ${seconds.toFixed(1)} s; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}; credential renewals ${a.renewals + b.renewals}`);

    // The run reached the interesting places, not only the parser's 400s.
    for (const s of [200, 201, 204, 400, 401, 403, 404]) expect(statuses.get(s) ?? 0, `no ${s} answers: the generator is not reaching that code path`).toBeGreaterThan(0);
    const routes = new Map<string, number>();
    for (const m of [a.routes, b.routes]) for (const [k, v] of m) routes.set(k, (routes.get(k) ?? 0) + v);
    for (const r of ['GET /ping', 'POST /auth/login', 'GET /auth/login', 'POST /auth/logout', 'GET /user', 'GET /user/tokens', 'POST /user/tokens', 'DELETE /user/tokens', 'GET /users', 'POST /users', 'DELETE /user/sessions']) {
      expect(routes.get(r) ?? 0, `route ${r} was not fuzzed`).toBeGreaterThan(10);
    }

    for (const t of [plain, proxied]) {
      const ping = await http('GET', `${t.api}/ping`);
      expect(ping.status).toBe(200);
      expect(ping.text).toBe('pong');
      expect((await http('POST', `${t.api}/auth/login`, { body: { auth: 'admin', password: ADMIN_PASSWORD }, localAddress: '127.0.0.251' })).status).toBe(204);
    }
  }
});

/** SEMAUTH_FUZZ_SEED when set (a replay), else a fresh one. */
function fuzzSeed(): number {
  const given = process.env.SEMAUTH_FUZZ_SEED;
  if (given === undefined || given === '') return Math.floor(Math.random() * 2 ** 30);
  const seed = Number(given);
  if (!Number.isSafeInteger(seed)) throw new Error(`SEMAUTH_FUZZ_SEED must be an integer, got ${JSON.stringify(given)}`);
  return seed;
}
