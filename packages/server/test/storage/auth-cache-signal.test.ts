/**
 * The auth cache with a signal that pushes changes and makes writers wait
 * (PostgreSQL's lease, pg-lease.ts): a drop pushed while a read is under way
 * keeps that read out of the cache; every write that can change what a cache
 * holds waits for the other processes (settle) before it answers, creates
 * and "last used" touches do not; no lease, no cache. The signal here is a
 * stand-in the test drives, so that these moments happen every time; the
 * cache is the real one. The same on a real PostgreSQL, with three
 * instances: test/postgres/cache-revocation.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { withAuthCache } from '../../src/storage/auth-cache.js';
import type { SessionRecord, Storage, TokenRecord } from '../../src/storage/types.js';
import { newSession, newToken } from '../support/storage.js';

const T = 1_700_000_000_000;

function pushedStorage() {
  const tokens = new Map<string, TokenRecord>();
  const gates = new Map<string, Promise<void>>();
  let loads = 0;
  const store = {
    async create(t: TokenRecord) {
      tokens.set(t.hash, t);
    },
    async findByHash(hash: string) {
      loads++;
      const row = tokens.get(hash);
      await gates.get(hash);
      return row && { ...row };
    },
    async revoke(hash: string, at: number) {
      tokens.set(hash, { ...tokens.get(hash)!, revokedAt: at });
    },
    async touch(hash: string, at: number) {
      tokens.set(hash, { ...tokens.get(hash)!, lastUsedAt: at });
    },
  };
  const sessions = { async create(_: SessionRecord) {}, async revoke() {} };
  const base = {
    dialect: 'postgres',
    stats: { writes: 0, cacheLooks: 0 },
    tokens: store,
    sessions,
    users: {},
    throttle: {},
    audit: {},
    migrate: async () => {},
  } as unknown as Storage;
  let drop: () => void = () => {};
  let leased = true;
  let readies = 0;
  const settles: { release: () => void }[] = [];
  const cached = withAuthCache(base, {
    maxEntries: 10,
    changed: () => {
      if (!leased) throw new Error('no lease');
      return false;
    },
    subscribe: (d) => (drop = d),
    settle: () => new Promise<void>((release) => settles.push({ release })),
    ready: async () => void readies++,
  });
  return {
    cached,
    tokens,
    /** The database notified a change: the cache drops everything. */
    push: () => drop(),
    setLeased: (v: boolean) => (leased = v),
    settles,
    readies: () => readies,
    loads: () => loads,
    holdLoads(hash: string): () => void {
      let open!: () => void;
      gates.set(hash, new Promise<void>((r) => (open = r)));
      return () => {
        gates.delete(hash);
        open();
      };
    },
  };
}

/** Lets pending promise callbacks and immediates run. */
const settle = () => new Promise((r) => setImmediate(r));

describe('auth cache with a pushed signal', () => {
  it('a change pushed while a read is under way keeps that read out of the cache', async () => {
    const s = pushedStorage();
    const t = newToken(1);
    s.tokens.set(t.hash, t);
    const release = s.holdLoads(t.hash);
    const stale = s.cached.tokens.findByHash(t.hash); // reads the live row, answers late
    for (let i = 0; s.loads() < 1; i++) {
      if (i > 1000) throw new Error('the load did not start');
      await settle();
    }
    s.tokens.set(t.hash, { ...t, revokedAt: T }); // another process revokes…
    s.push(); // …and the notification arrives before the read answers
    release();
    expect((await stale)?.revokedAt).toBeNull();
    expect((await s.cached.tokens.findByHash(t.hash))?.revokedAt).toBe(T);
    expect(s.loads()).toBe(2);
  });

  it('a pushed change drops what is cached', async () => {
    const s = pushedStorage();
    const t = newToken(1);
    s.tokens.set(t.hash, t);
    const first = await s.cached.tokens.findByHash(t.hash);
    expect(await s.cached.tokens.findByHash(t.hash)).toBe(first);
    s.tokens.set(t.hash, { ...t, revokedAt: T });
    s.push();
    expect((await s.cached.tokens.findByHash(t.hash))?.revokedAt).toBe(T);
  });

  it('a write that can change a cached entry answers only once the other processes caught up; creates and touches do not wait', async () => {
    const s = pushedStorage();
    const t = newToken(1);
    await s.cached.tokens.create(t);
    await s.cached.sessions.create(newSession(1));
    await s.cached.tokens.touch(t.hash, T);
    expect(s.settles).toHaveLength(0);

    let answered = false;
    const revoking = s.cached.tokens.revoke(t.hash, T).then(() => (answered = true));
    for (let i = 0; s.settles.length < 1; i++) {
      if (i > 1000) throw new Error('the revocation did not wait');
      await settle();
    }
    await settle();
    expect(answered).toBe(false);
    // Already dropped here, before the wait: this process never serves the old row meanwhile.
    expect((await s.cached.tokens.findByHash(t.hash))?.revokedAt).toBe(T);
    s.settles[0]!.release();
    await revoking;
    expect(answered).toBe(true);
  });

  it('serves nothing from memory without a lease, and keeps nothing it read meanwhile', async () => {
    const s = pushedStorage();
    const t = newToken(1);
    s.tokens.set(t.hash, t);
    const first = await s.cached.tokens.findByHash(t.hash);
    s.setLeased(false);
    const during = await s.cached.tokens.findByHash(t.hash);
    expect(during).not.toBe(first);
    expect(await s.cached.tokens.findByHash(t.hash)).not.toBe(during);
    s.setLeased(true);
    const again = await s.cached.tokens.findByHash(t.hash);
    expect(again).not.toBe(first);
    expect(await s.cached.tokens.findByHash(t.hash)).toBe(again);
    expect(s.loads()).toBe(4);
  });

  it('takes its signal (the lease) once migrated', async () => {
    const s = pushedStorage();
    expect(s.readies()).toBe(0);
    await s.cached.migrate();
    expect(s.readies()).toBe(1);
  });
});
