/**
 * Exact revocation across instances with the auth cache on, on PostgreSQL:
 * three instances (A, B, C) on one database, continuous load on B and C
 * with their caches warm, a revocation on A — and every request to B or C
 * that starts after A's answer is refused. Then the faults: B's lease
 * connection killed (pg_terminate_backend) or frozen (SIGSTOP) under load.
 * PostgreSQL only (skipped in the SQLite pass).
 *
 * The instances run in this process (buildApp on a real port, as
 * test/support/app.ts does) so that the test can count their cache hits
 * and see their lease come and go.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/load.js';
import { createServices, type Services } from '../../src/services/index.js';
import { openStorage } from '../../src/storage/open.js';
import type { Storage } from '../../src/storage/types.js';
import { ok as cli } from '../cli/run.js';
import { ADMIN_PASSWORD } from '../support/app.js';
import { FAST_HASHING_ENV, freshDatabaseEnv, testDialect } from '../support/database.js';
import { createToken, http, login } from '../support/http.js';
import { adminQuery } from '../support/pg-cluster.js';

const CTX = { address: 'test', userAgent: null };
/** Requests each loaded credential must have started after a revocation's answer before the test stops looking. */
const AFTER = 20;
const DEADLINE_MS = 20_000;

interface Instance {
  name: string;
  api: string;
  services: Services;
  storage: Storage;
  hits: number;
  misses: number;
  /** The lease's ups and downs, in order (true: up). */
  signal: boolean[];
  /** Called at once (synchronously) when the lease is taken or lost. */
  onSignal?: (up: boolean) => void;
  close(): Promise<void>;
}

async function startInstance(dbEnv: Record<string, string>, name: string): Promise<Instance> {
  const env = {
    ...dbEnv,
    ...FAST_HASHING_ENV,
    SEMAUTH_LOG_LEVEL: 'silent',
    SEMAUTH_ADMIN_PASSWORD: ADMIN_PASSWORD,
    // Names its connections, so that the test can find its lease connection: `<name> auth-lease`.
    SEMAPHORE_DB_OPTIONS: `application_name=${name}`,
  };
  const config = loadConfig({ env });
  const instance = { name, hits: 0, misses: 0, signal: [] as boolean[] } as Instance;
  const storage = await openStorage(config, {
    onHit: () => instance.hits++,
    onMiss: () => instance.misses++,
    onAuthSignal: (up) => {
      instance.signal.push(up);
      instance.onSignal?.(up);
    },
  });
  await storage.migrate();
  const services = createServices(storage, config);
  await services.users.bootstrapAdmin(config.adminPassword, CTX);
  const app = buildApp(config, { services });
  const origin = await app.listen({ host: '127.0.0.1', port: 0 });
  return Object.assign(instance, {
    api: `${origin}/api`,
    services,
    storage,
    async close() {
      await app.close();
      await storage.close();
    },
  });
}

type Credential = 'cookie' | 'bearer';

/** A user with a live session cookie and API token, made on `a`. */
interface Victim {
  login: string;
  cookie: string;
  token: string;
  headers: Record<Credential, Record<string, string>>;
}

const VICTIM_PASSWORD = 'victim-password-1';
let seq = 0;
async function newVictim(a: Instance): Promise<Victim> {
  const name = `victim${++seq}x${process.pid}`;
  const password = VICTIM_PASSWORD;
  await a.services.users.add({ login: name, name, email: `${name}@example.org`, password }, CTX);
  const cookie = await login(a.api, name, password);
  const token = await createToken(a.api, { cookie });
  return { login: name, cookie, token, headers: { cookie: { cookie }, bearer: { authorization: `Bearer ${token}` } } };
}

/** The session id a `semaphore=<id>.<secret>` cookie names. */
const sessionId = (cookie: string) => cookie.slice(cookie.indexOf('=') + 1).split('.')[0]!;

interface Sample {
  target: string;
  start: number;
  status: number;
}

/** Continuous load: two request loops per target, each sending the next request as soon as the last answered. */
function startLoad(targets: { label: string; api: string; headers: Record<string, string> }[]) {
  const samples: Sample[] = [];
  let running = true;
  const loops = targets.flatMap((t) =>
    [0, 1].map(async () => {
      while (running) {
        const start = performance.now();
        const status = await http('GET', `${t.api}/user`, { headers: t.headers }).then(
          (r) => r.status,
          () => 0,
        );
        samples.push({ target: t.label, start, status });
      }
    }),
  );
  return {
    samples,
    /** Samples of each target that started after `t`. */
    after: (t: number) => targets.map((x) => samples.filter((s) => s.target === x.label && s.start > t)),
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

async function until(what: string, done: () => boolean, deadlineMs = DEADLINE_MS): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function expect204(response: Promise<{ status: number; text: string }>): Promise<void> {
  const r = await response;
  expect(r.status, r.text).toBe(204);
}

/**
 * Every way a credential ends, as it is triggered on instance A, and which
 * of the victim's credentials it ends. `revoke` resolves when the
 * revocation has answered. One line per way.
 */
const JSON_CT = { 'content-type': 'application/json' };
const idOf = async (a: Instance, v: Victim) => (await a.services.users.get(v.login)).id;
/** A request to A as its administrator (a fresh session each time). */
async function asAdmin(a: Instance, method: string, path: string, body?: unknown) {
  const cookie = await login(a.api, 'admin', ADMIN_PASSWORD);
  return http(method, `${a.api}${path}`, { headers: { cookie, ...JSON_CT }, ...(body === undefined ? {} : { body }) });
}

interface RevocationCase {
  name: string;
  ends: Credential[];
  revoke(a: Instance, v: Victim, dbEnv: Record<string, string>): Promise<void>;
}

const CASES: RevocationCase[] = [
  { name: 'token delete', ends: ['bearer'], revoke: (a, v) => expect204(http('DELETE', `${a.api}/user/tokens/${v.token.slice(0, 8)}`, { headers: v.headers.cookie })) },
  { name: 'logout', ends: ['cookie'], revoke: (a, v) => expect204(http('POST', `${a.api}/auth/logout`, { headers: v.headers.cookie })) },
  { name: 'password change', ends: ['cookie'], revoke: async (a, v) => void (await a.services.users.change(v.login, { password: 'another-password-2' }, CTX)) },
  { name: 'user disabled', ends: ['cookie', 'bearer'], revoke: async (a, v) => void (await a.services.users.change(v.login, { disabled: true }, CTX)) },
  { name: 'user deleted', ends: ['cookie', 'bearer'], revoke: async (a, v) => void (await a.services.users.delete(v.login, CTX)) },
  // The service call behind `semauth user session revoke --id` (and the coming DELETE /user/sessions/{id}).
  { name: 'session end by id', ends: ['cookie'], revoke: async (a, v) => a.services.sessions.end(await a.services.users.get(v.login), sessionId(v.cookie), CTX) },
  { name: 'all sessions ended', ends: ['cookie'], revoke: async (a, v) => void (await a.services.sessions.endAll(await a.services.users.get(v.login), CTX)) },
  // The same through the users and sessions APIs, as their clients call them.
  { name: 'user disabled by PUT /users/{id}', ends: ['cookie', 'bearer'], revoke: async (a, v) => expect204(asAdmin(a, 'PUT', `/users/${await idOf(a, v)}`, { disabled: true })) },
  { name: 'user deleted by DELETE /users/{id}', ends: ['cookie', 'bearer'], revoke: async (a, v) => expect204(asAdmin(a, 'DELETE', `/users/${await idOf(a, v)}`)) },
  { name: 'password set by an administrator', ends: ['cookie'], revoke: async (a, v) => expect204(asAdmin(a, 'POST', `/users/${await idOf(a, v)}/password`, { password: 'set-by-the-admin-1' })) },
  {
    name: 'own password changed (from the token)',
    ends: ['cookie'],
    revoke: async (a, v) =>
      expect204(http('POST', `${a.api}/users/${await idOf(a, v)}/password`, { headers: { ...v.headers.bearer, ...JSON_CT }, body: { password: 'changed-by-me-1', current_password: VICTIM_PASSWORD } })),
  },
  { name: 'session ended by DELETE /user/sessions/{id}', ends: ['cookie'], revoke: (a, v) => expect204(http('DELETE', `${a.api}/user/sessions/${sessionId(v.cookie)}`, { headers: v.headers.bearer })) },
  { name: 'all sessions ended by DELETE /user/sessions (from the token)', ends: ['cookie'], revoke: (a, v) => expect204(http('DELETE', `${a.api}/user/sessions`, { headers: v.headers.bearer })) },
  // Another process writing (the CLI): no instance takes part in the write.
  { name: 'user disabled by the CLI', ends: ['cookie', 'bearer'], revoke: async (_, v, dbEnv) => void (await cli(['user', 'change-by-login', '--login', v.login, '--disable'], { env: { ...dbEnv, ...FAST_HASHING_ENV } })) },
];

describe.skipIf(testDialect() !== 'postgres')('exact revocation across instances with the auth cache on', () => {
  let dbEnv: Record<string, string>;
  let A: Instance, B: Instance, C: Instance;

  beforeAll(async () => {
    dbEnv = await freshDatabaseEnv('postgres');
    A = await startInstance(dbEnv, `semauth-a-${process.pid}`);
    [B, C] = await Promise.all([startInstance(dbEnv, `semauth-b-${process.pid}`), startInstance(dbEnv, `semauth-c-${process.pid}`)]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([A, B, C].map((i) => i?.close()));
  });

  /** Load on B and C with `credentials` of `v` until their caches serve it; returns the load. */
  async function warmLoad(v: Victim, credentials: Credential[], extra: { label: string; api: string; headers: Record<string, string> }[] = []) {
    const targets = [B, C].flatMap((i) => credentials.map((c) => ({ label: `${i.name} ${c}`, api: i.api, headers: v.headers[c] })));
    const hits = [B.hits, C.hits];
    const load = startLoad([...targets, ...extra]);
    try {
      await until(
        'B and C serve the credentials from their caches',
        () => B.hits - hits[0]! >= 20 && C.hits - hits[1]! >= 20 && targets.every((t) => load.samples.some((s) => s.target === t.label && s.status === 200)),
      );
    } catch (e) {
      await load.stop();
      throw e;
    }
    return load;
  }

  for (const c of CASES) {
    it(`${c.name}: every request to B and C that starts after A's answer is refused`, async () => {
      const v = await newVictim(A);
      const load = await warmLoad(v, c.ends);
      let answered: number;
      try {
        await c.revoke(A, v, dbEnv);
        answered = performance.now();
        await until(`${AFTER} requests per credential started after the revocation`, () => load.after(answered).every((s) => s.length >= AFTER));
      } finally {
        await load.stop();
      }
      const late = load.samples.filter((s) => s.start > answered && s.status !== 401);
      expect(late, 'requests started after the revocation answered, and not refused').toEqual([]);
    });
  }

  it('B stops serving from its cache while its lease connection is gone, refuses the revoked token meanwhile, and recovers by itself', async () => {
    const v = await newVictim(A);
    const control = await createToken(A.api, v.headers.cookie);
    const controlHeaders = { authorization: `Bearer ${control}` };
    const extra = [B, C].map((i) => ({ label: `${i.name} control`, api: i.api, headers: controlHeaders }));
    const signalBefore = B.signal.length;
    const load = await warmLoad(v, ['bearer'], extra);
    let answered: number;
    let hitsAtRecovery = 0;
    try {
      const killed = await adminQuery<{ ok: boolean }>('select pg_terminate_backend(pid) as ok from pg_stat_activity where application_name = $1', [
        `${B.name} auth-lease`,
      ]);
      expect(killed).toEqual([{ ok: true }]);
      await expect204(http('DELETE', `${A.api}/user/tokens/${v.token.slice(0, 8)}`, { headers: v.headers.cookie }));
      answered = performance.now();
      await until('B noticed the loss and reconnected', () => B.signal.slice(signalBefore).join() === 'false,true');
      hitsAtRecovery = B.hits;
      await until('B serves from its cache again, and enough requests started after the revocation', () => B.hits - hitsAtRecovery >= 20 && load.after(answered).every((s) => s.length >= AFTER));
    } finally {
      await load.stop();
    }
    const late = load.samples.filter((s) => s.start > answered && !s.target.endsWith('control') && s.status !== 401);
    expect(late, 'revoked token accepted after the revocation answered').toEqual([]);
    // Meanwhile B answered from the database: no request failed.
    const failed = load.samples.filter((s) => s.target.endsWith('control') && s.status !== 200);
    expect(failed, 'the valid token refused or failed').toEqual([]);
  });

  it('reads go to the database from the moment the lease is lost until it is back', async () => {
    const v = await newVictim(A);
    const hash = (await B.storage.tokens.listByUser((await B.services.users.get(v.login)).id))[0]!.hash;
    const cached = await B.storage.tokens.findByHash(hash);
    expect(await B.storage.tokens.findByHash(hash)).toBe(cached);
    const signalBefore = B.signal.length;
    const misses = B.misses;
    // Read the moment B learns of the loss: a new lease is at least a backoff delay away.
    let duringLoss: Promise<unknown> | undefined;
    B.onSignal = (up) => {
      if (!up) duringLoss ??= B.storage.tokens.findByHash(hash);
    };
    try {
      await adminQuery('select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1', [`${B.name} auth-lease`]);
      await until('B noticed the loss', () => duringLoss !== undefined);
    } finally {
      B.onSignal = undefined;
    }
    const read = await duringLoss;
    expect(B.signal[signalBefore]).toBe(false);
    expect(read).toEqual(cached);
    expect(read, 'served from the cache after the signal was lost').not.toBe(cached);
    expect(B.misses).toBe(misses + 1);

    await until('B reconnected', () => B.signal.length > signalBefore + 1);
    const fresh = await B.storage.tokens.findByHash(hash);
    expect(await B.storage.tokens.findByHash(hash)).toBe(fresh);
  });

  it('a frozen lease connection (a database host that vanished): the revocation waits for B, which gives the connection up, and no request after the answer is served the revoked token', async () => {
    const v = await newVictim(A);
    const control = await createToken(A.api, v.headers.cookie);
    const extra = [B, C].map((i) => ({ label: `${i.name} control`, api: i.api, headers: { authorization: `Bearer ${control}` } }));
    const load = await warmLoad(v, ['bearer'], extra);
    const signalBefore = B.signal.length;
    let lostAt = 0;
    B.onSignal = (up) => {
      if (!up) lostAt ||= performance.now();
    };
    const [backend] = await adminQuery<{ pid: number }>('select pid from pg_stat_activity where application_name = $1', [`${B.name} auth-lease`]);
    let answered: number;
    // SIGSTOP: the connection stays open and never answers, as behind a dropped network.
    process.kill(backend!.pid, 'SIGSTOP');
    try {
      await expect204(http('DELETE', `${A.api}/user/tokens/${v.token.slice(0, 8)}`, { headers: v.headers.cookie }));
      answered = performance.now();
    } finally {
      process.kill(backend!.pid, 'SIGCONT');
    }
    try {
      await until('B holds a lease again, and enough requests started after the revocation', () => B.signal.length > signalBefore + 1 && load.after(answered).every((s) => s.length >= AFTER));
    } finally {
      B.onSignal = undefined;
      await load.stop();
    }
    // B could not acknowledge: A answered only after B had given its connection up (and taken a new lease).
    expect(lostAt).toBeGreaterThan(0);
    expect(lostAt).toBeLessThan(answered);
    const late = load.samples.filter((s) => s.start > answered && !s.target.endsWith('control') && s.status !== 401);
    expect(late, 'revoked token accepted after the revocation answered').toEqual([]);
    expect(load.samples.filter((s) => s.target.endsWith('control') && s.status !== 200), 'the valid token refused or failed').toEqual([]);
  });
});
