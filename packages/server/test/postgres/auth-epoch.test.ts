/**
 * What PostgreSQL's auth cache rests on (pg-lease.ts): the database moves
 * `auth_epoch`, and notifies it, in the same transaction as every write that
 * can make a cached token, session or user wrong, whoever writes (any store
 * method, the CLI, plain SQL), and only then; and every such write through
 * the stores waits until every unexpired lease has acknowledged it. The
 * first test lists every method of the three stores: one added to a store
 * fails it until it is listed here with what it must do — the rule
 * auth-cache.ts states for new store methods. PostgreSQL only (skipped on
 * SQLite, whose cache watches data_version).
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { KyselySessionStore } from '../../src/storage/kysely/sessions.js';
import { KyselyTokenStore } from '../../src/storage/kysely/tokens.js';
import { KyselyTotpStore } from '../../src/storage/kysely/totp.js';
import { KyselyUserStore } from '../../src/storage/kysely/users.js';
import { openStorage } from '../../src/storage/open.js';
import type { SessionRecord, Storage, TokenRecord, TotpRecord, UserRecord } from '../../src/storage/types.js';
import { freshDatabaseEnv, testDialect } from '../support/database.js';
import { createUser, newSession, newToken, openFreshStorage } from '../support/storage.js';

const T = 1_700_000_000_000;

interface Fixture {
  user: UserRecord;
  token: TokenRecord;
  session: SessionRecord;
  /** A session revoked before the call (inserted so: no move). */
  dead: SessionRecord;
  /** The user's confirmed TOTP enrolment, with one recovery code `a`. */
  totp: TotpRecord;
}

/**
 * What a call does to the epoch: `moves` it (by exactly one: once per
 * transaction, and the call waits for every lease to acknowledge it) or
 * leaves it (`stays`, and the call waits for nobody).
 */
type Effect = 'moves' | 'stays';
type Call = { effect: Effect; run: (s: Storage, f: Fixture) => Promise<unknown> };

/** Every method of the stores the auth cache wraps, with what it must do to the epoch. */
const CALLS: Record<'tokens' | 'sessions' | 'users' | 'totp', Record<string, Call>> = {
  tokens: {
    // A new row is never in a cache (misses are not cached): nothing to drop.
    create: { effect: 'stays', run: (s, f) => s.tokens.create(newToken(f.user.id)) },
    findByHash: { effect: 'stays', run: (s, f) => s.tokens.findByHash(f.token.hash) },
    findByHashWithUser: { effect: 'stays', run: (s, f) => s.tokens.findByHashWithUser(f.token.hash) },
    listByUser: { effect: 'stays', run: (s, f) => s.tokens.listByUser(f.user.id) },
    findByPrefix: { effect: 'stays', run: (s, f) => s.tokens.findByPrefix(f.user.id, f.token.prefix) },
    revoke: { effect: 'moves', run: (s, f) => s.tokens.revoke(f.token.hash, T) },
    // "Last used" only: other instances learn it within the cache's refresh interval.
    touch: { effect: 'stays', run: (s, f) => s.tokens.touch(f.token.hash, T) },
  },
  sessions: {
    create: { effect: 'stays', run: (s, f) => s.sessions.create(newSession(f.user.id)) },
    findById: { effect: 'stays', run: (s, f) => s.sessions.findById(f.session.id) },
    findByIdWithUser: { effect: 'stays', run: (s, f) => s.sessions.findByIdWithUser(f.session.id) },
    touch: { effect: 'stays', run: (s, f) => s.sessions.touch(f.session.id, T) },
    revoke: { effect: 'moves', run: (s, f) => s.sessions.revoke(f.session.id, T) },
    passSecondFactor: {
      effect: 'moves',
      run: async (s, f) => {
        const waiting = newSession(f.user.id, { secondFactor: 'pending' });
        await s.sessions.create(waiting);
        return s.sessions.passSecondFactor(waiting.id);
      },
    },
    listByUser: { effect: 'stays', run: (s, f) => s.sessions.listByUser(f.user.id) },
    revokeAllForUser: {
      effect: 'moves',
      run: async (s, f) => {
        await s.sessions.create(newSession(f.user.id));
        return s.sessions.revokeAllForUser(f.user.id, T);
      },
    },
    // Deletes rows that can no longer authenticate; moving the epoch for them is harmless (hourly).
    prune: { effect: 'moves', run: async (s, f) => s.sessions.prune(f.dead.revokedAt! + 1) },
  },
  users: {
    create: { effect: 'stays', run: (s) => createUser(s) },
    findById: { effect: 'stays', run: (s, f) => s.users.findById(f.user.id) },
    findByLogin: { effect: 'stays', run: (s, f) => s.users.findByLogin(f.user.username) },
    list: { effect: 'stays', run: (s) => s.users.list() },
    count: { effect: 'stays', run: (s) => s.users.count() },
    update: { effect: 'moves', run: (s, f) => s.users.update(f.user.id, { disabled: true }) },
    delete: { effect: 'moves', run: (s, f) => s.users.delete(f.user.id) },
    identityConflicts: { effect: 'stays', run: (s) => s.users.identityConflicts() },
  },
  // Not cached itself, but confirming and removing change the user's row (totp_id), and removing ends sessions.
  totp: {
    findByUser: { effect: 'stays', run: (s, f) => s.totp.findByUser(f.user.id) },
    startEnrolment: { effect: 'stays', run: async (s) => s.totp.startEnrolment((await createUser(s)).id, 'sealed', T) },
    confirm: {
      effect: 'moves',
      run: async (s) => {
        const u = await createUser(s);
        const e = await s.totp.startEnrolment(u.id, 'sealed', T);
        return s.totp.confirm(e.id, u.id, 1, T, ['a']);
      },
    },
    acceptStep: { effect: 'stays', run: (s, f) => s.totp.acceptStep(f.totp.id, 2) },
    useRecoveryCode: { effect: 'stays', run: (s, f) => s.totp.useRecoveryCode(f.totp.id, 'a', T) },
    recoveryCodesLeft: { effect: 'stays', run: (s, f) => s.totp.recoveryCodesLeft(f.totp.id) },
    remove: { effect: 'moves', run: (s, f) => s.totp.remove(f.user.id, T) },
  },
};

/** The methods an object's class defines (not Object's), e.g. every method of a store. */
function methodsOf(o: object): string[] {
  return Object.getOwnPropertyNames(Object.getPrototypeOf(o)).filter((n) => n !== 'constructor' && typeof (o as Record<string, unknown>)[n] === 'function');
}

let storage: Storage;
let sql: pg.Client;
let url: string;

async function until(done: () => Promise<boolean>, deadlineMs = 10_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}
const epoch = async () => Number((await sql.query<{ value: string }>('select value from auth_epoch')).rows[0]!.value);

async function fixture(): Promise<Fixture> {
  const user = await createUser(storage);
  const token = newToken(user.id);
  const session = newSession(user.id);
  const dead = newSession(user.id, { revokedAt: T });
  await storage.tokens.create(token);
  await storage.sessions.create(session);
  await storage.sessions.create(dead);
  const started = await storage.totp.startEnrolment(user.id, 'sealed', T);
  await storage.totp.confirm(started.id, user.id, 1, T, ['a']);
  const totp = (await storage.totp.findByUser(user.id))!;
  return { user, token, session, dead, totp };
}

describe.skipIf(testDialect() !== 'postgres')('auth_epoch (PostgreSQL)', () => {
  beforeAll(async () => {
    const env = await freshDatabaseEnv('postgres');
    storage = await openFreshStorage(env);
    url = env.SEMAUTH_DB_URL!;
    sql = new pg.Client({ connectionString: url });
    await sql.connect();
  });
  afterAll(async () => {
    await sql?.end();
    await storage?.close();
  });

  it('every store method is listed with its effect on the epoch (a new one must be added here)', () => {
    const stores = { tokens: KyselyTokenStore, sessions: KyselySessionStore, users: KyselyUserStore, totp: KyselyTotpStore };
    for (const [name, Kysely] of Object.entries(stores) as [keyof typeof CALLS, { prototype: object }][]) {
      const listed = Object.keys(CALLS[name]).sort();
      const kysely = Object.getOwnPropertyNames(Kysely.prototype).filter((n) => n !== 'constructor');
      expect(kysely.sort(), `KyselyStore ${name}`).toEqual(listed);
      // The cached wrapper the server really uses: the same methods, none skipped.
      expect(methodsOf(storage[name]).sort(), `cached ${name}`).toEqual(listed);
    }
  });

  for (const [store, calls] of Object.entries(CALLS)) {
    for (const [method, call] of Object.entries(calls)) {
      it(`${store}.${method} ${call.effect === 'moves' ? 'moves it once, and answers only when every lease has caught up' : 'leaves it, and waits for nobody'}`, async () => {
        const f = await fixture();
        const before = await epoch();
        // Another process's lease that acknowledges only when this test says so.
        await sql.query(`insert into auth_cache_leases values ('laggard', now() + interval '1 minute', $1)`, [before]);
        try {
          let answered = false;
          const running = call.run(storage, f).then(() => (answered = true));
          if (call.effect === 'stays') {
            await running;
          } else {
            await until(async () => (await epoch()) > before);
            // Committed, and notified: still waiting for the laggard (checked again after a while, for a late answer).
            await new Promise((r) => setTimeout(r, 100));
            expect(answered, 'answered before every lease acknowledged').toBe(false);
            await sql.query(`update auth_cache_leases set seen_epoch = (select value from auth_epoch) where instance = 'laggard'`);
            await running;
          }
          expect((await epoch()) - before).toBe(call.effect === 'moves' ? 1 : 0);
        } finally {
          await sql.query(`delete from auth_cache_leases where instance = 'laggard'`);
        }
      });
    }
  }

  it('users.update ending credentials (a disabled user, a new password) moves it once for the user, their sessions and tokens together', async () => {
    const f = await fixture();
    let before = await epoch();
    expect(await storage.users.update(f.user.id, { disabled: true }, { endCredentials: { at: T, tokens: true } })).toEqual({ sessions: 1, tokens: 1 });
    expect((await epoch()) - before).toBe(1);
    before = await epoch();
    await storage.sessions.create(newSession(f.user.id));
    await storage.users.update(f.user.id, { passwordHash: 'another-hash' }, { endCredentials: { at: T, tokens: false } });
    expect((await epoch()) - before).toBe(1);
  });

  it('a write waits for a lease that never acknowledges until it has expired', async () => {
    const f = await fixture();
    await sql.query(`insert into auth_cache_leases values ('gone', now() + interval '1 second', 0)`);
    try {
      await storage.tokens.revoke(f.token.hash, T);
      const [row] = (await sql.query<{ expired: boolean }>(`select expires_at <= now() as expired from auth_cache_leases where instance = 'gone'`)).rows;
      expect(row!.expired).toBe(true);
    } finally {
      await sql.query(`delete from auth_cache_leases where instance = 'gone'`);
    }
  });

  it('a process with its own cache off still waits for the processes whose cache is on', async () => {
    const f = await fixture();
    const uncached = await openStorage(loadConfig({ env: { SEMAPHORE_DB_DIALECT: 'postgres', SEMAUTH_DB_URL: url, SEMAUTH_AUTH_CACHE_ENTRIES: '0', SEMAUTH_LOG_LEVEL: 'silent' } }));
    await sql.query(`insert into auth_cache_leases values ('cached elsewhere', now() + interval '1 minute', 0)`);
    try {
      let answered = false;
      const revoking = uncached.tokens.revoke(f.token.hash, T).then(() => (answered = true));
      await until(async () => (await sql.query(`select 1 from api_tokens where token_hash = $1 and revoked_at is not null`, [f.token.hash])).rowCount === 1);
      await new Promise((r) => setTimeout(r, 100));
      expect(answered, 'answered before the cached process acknowledged').toBe(false);
      await sql.query(`update auth_cache_leases set seen_epoch = (select value from auth_epoch) where instance = 'cached elsewhere'`);
      await revoking;
    } finally {
      await sql.query(`delete from auth_cache_leases where instance = 'cached elsewhere'`);
      await uncached.close();
    }
  });

  it('notifies every move, with the new value, when it commits', async () => {
    const f = await fixture();
    const seen: string[] = [];
    const listener = new pg.Client({ connectionString: url });
    await listener.connect();
    listener.on('notification', (n) => seen.push(`${n.channel} ${n.payload}`));
    try {
      await listener.query('listen semauth_auth_epoch');
      await sql.query('begin');
      await sql.query('update users set disabled = 1 where id = $1', [f.user.id]);
      await sql.query('update sessions set revoked_at = $1 where user_id = $2', [T, f.user.id]);
      await new Promise((r) => setTimeout(r, 50));
      expect(seen, 'notified before commit').toEqual([]);
      await sql.query('commit');
      const value = await epoch();
      await until(async () => seen.length > 0);
      expect(seen).toEqual([`semauth_auth_epoch ${value}`]);
    } finally {
      await listener.end();
    }
  });

  it('moves for any write outside semauth too (an operator in psql), once per transaction, and not for a rollback', async () => {
    const f = await fixture();
    const other = await fixture();
    let before = await epoch();
    await sql.query('update users set disabled = 1 where id = $1', [f.user.id]);
    expect(await epoch()).toBe(before + 1);

    before = await epoch();
    await sql.query('begin');
    await sql.query('update api_tokens set revoked_at = $1 where user_id = $2', [T, f.user.id]);
    await sql.query('update sessions set revoked_at = $1 where user_id = $2', [T, f.user.id]);
    await sql.query('delete from users where id = $1', [other.user.id]);
    await sql.query('commit');
    expect(await epoch()).toBe(before + 1);

    before = await epoch();
    await sql.query('begin');
    await sql.query('update api_tokens set revoked_at = $1 where user_id = $2', [T + 1, other.user.id]);
    await sql.query('rollback');
    expect(await epoch()).toBe(before);
  });

  it('leaves it for writes that change nothing a cache holds: "last used" times, no-op updates, deletes of no row', async () => {
    const f = await fixture();
    const before = await epoch();
    await sql.query('update api_tokens set last_used_at = $1 where token_hash = $2', [T, f.token.hash]);
    await sql.query('update sessions set last_active_at = $1 where id = $2', [T, f.session.id]);
    await sql.query('update users set name = name where id = $1', [f.user.id]);
    await sql.query('delete from sessions where id = $1', ['no such session']);
    expect(await epoch()).toBe(before);
  });

  it('moves for a truncate', async () => {
    const scratch = await freshDatabaseEnv('postgres');
    const s = await openFreshStorage(scratch);
    const c = new pg.Client({ connectionString: scratch.SEMAUTH_DB_URL });
    await c.connect();
    try {
      const value = async () => Number((await c.query<{ value: string }>('select value from auth_epoch')).rows[0]!.value);
      const before = await value();
      await c.query('truncate sessions');
      expect(await value()).toBe(before + 1);
    } finally {
      await c.end();
      await s.close();
    }
  });
});
