/**
 * The auth cache with a signal that answers later (PostgreSQL's look at
 * auth_epoch is a round trip): a cached answer is only ever vouched for by
 * a look that began after the read asked. The signal here is a stand-in
 * whose looks the test holds and releases, so that the moments that matter
 * (a commit while a look is under way) happen every time, not by luck; the
 * cache is the real one. The multi-instance tests on a real PostgreSQL are
 * test/postgres/cache-revocation.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { withAuthCache } from '../../src/storage/auth-cache.js';
import type { Storage, TokenRecord } from '../../src/storage/types.js';
import { newToken } from '../support/storage.js';

const T = 1_700_000_000_000;

/** A token table and an epoch counter that every "foreign commit" moves, read by looks the test releases. */
function epochStorage() {
  const rows = new Map<string, TokenRecord>();
  let epoch = 0;
  let last: number | undefined;
  let holding = false;
  const held: (() => void)[] = [];
  let looks = 0;
  let loads = 0;
  const gates = new Map<string, Promise<void>>();
  const tokens = {
    async findByHash(hash: string) {
      loads++;
      const row = rows.get(hash);
      await gates.get(hash);
      return row && { ...row };
    },
  };
  const base = { dialect: 'postgres', stats: { writes: 0, cacheLooks: 0 }, tokens, users: {}, sessions: {}, throttle: {}, audit: {} } as unknown as Storage;
  const changed = () => {
    looks++;
    // The value is read when the look begins (PostgreSQL takes its snapshot then); the answer comes later.
    const seen = epoch;
    return new Promise<boolean>((resolve) => {
      const answer = () => {
        const moved = seen !== last;
        last = seen;
        resolve(moved);
      };
      if (holding) held.push(answer);
      else queueMicrotask(answer);
    });
  };
  const cached = withAuthCache(base, { maxEntries: 10, changed });
  return {
    cached,
    rows,
    /** Another instance revokes `hash` and commits: the row and the epoch change together. */
    revokeElsewhere(hash: string) {
      rows.set(hash, { ...rows.get(hash)!, revokedAt: T });
      epoch++;
    },
    hold: () => (holding = true),
    /** Waits until `n` looks are under way and held. */
    async heldLooks(n: number) {
      for (let i = 0; held.length < n; i++) {
        if (i > 1000) throw new Error(`only ${held.length} looks held`);
        await new Promise((r) => setImmediate(r));
      }
    },
    /** Answers the held looks (and later ones at once). */
    release() {
      holding = false;
      held.splice(0).forEach((answer) => answer());
    },
    /** Holds the answers of loads of `hash` that start from now on, until the returned function is called. */
    holdLoads(hash: string): () => void {
      let open!: () => void;
      gates.set(hash, new Promise<void>((r) => (open = r)));
      return () => {
        gates.delete(hash);
        open();
      };
    },
    looks: () => looks,
    loads: () => loads,
  };
}

describe('auth cache with a signal that answers later', () => {
  it('serves from memory once a look vouched for it', async () => {
    const s = epochStorage();
    const t = newToken(1);
    s.rows.set(t.hash, t);
    const first = await s.cached.tokens.findByHash(t.hash);
    expect(await s.cached.tokens.findByHash(t.hash)).toBe(first);
    expect(s.loads()).toBe(1);
  });

  it('a read that arrives while a look is under way waits for the next look, which sees a commit made meanwhile', async () => {
    const s = epochStorage();
    const t = newToken(1);
    s.rows.set(t.hash, t);
    await s.cached.tokens.findByHash(t.hash); // cached, live
    s.hold();
    const before = s.cached.tokens.findByHash(t.hash); // asks first: its look begins and is held
    await s.heldLooks(1);
    s.revokeElsewhere(t.hash); // commits after that look's snapshot…
    const after = s.cached.tokens.findByHash(t.hash); // …and before this read arrived
    s.release();
    // The first read may be answered from the cache or not: it began before the revocation.
    await before;
    // The second must not be: its look began after it asked, saw the move, dropped the cache.
    expect((await after)?.revokedAt).toBe(T);
    expect(s.looks()).toBe(3);
  });

  it('reads asking before a look begins share it: one look for a batch', async () => {
    const s = epochStorage();
    const t = newToken(1);
    s.rows.set(t.hash, t);
    await s.cached.tokens.findByHash(t.hash);
    const looks = s.looks();
    s.hold();
    const batch = Array.from({ length: 8 }, () => s.cached.tokens.findByHash(t.hash));
    await s.heldLooks(1);
    // Arrivals while that look is under way share the one after it.
    const next = Array.from({ length: 8 }, () => s.cached.tokens.findByHash(t.hash));
    s.release();
    await Promise.all([...batch, ...next]);
    expect(s.looks() - looks).toBe(2);
    expect(s.loads()).toBe(1);
  });

  it('does not keep a row read before a look saw the epoch move', async () => {
    const s = epochStorage();
    const t = newToken(1);
    const other = newToken(1);
    s.rows.set(t.hash, t);
    s.rows.set(other.hash, other);
    await s.cached.tokens.findByHash(other.hash);
    // A miss whose load read the live row and answers late…
    const releaseLoad = s.holdLoads(t.hash);
    const stale = s.cached.tokens.findByHash(t.hash);
    for (let i = 0; s.loads() < 2; i++) {
      if (i > 1000) throw new Error('the load did not start');
      await new Promise((r) => setImmediate(r));
    }
    // …while a revocation commits and a later look notices it, before that load answers.
    s.revokeElsewhere(t.hash);
    await s.cached.tokens.findByHash(other.hash);
    releaseLoad();
    expect((await stale)?.revokedAt).toBeNull();
    const loads = s.loads();
    expect((await s.cached.tokens.findByHash(t.hash))?.revokedAt).toBe(T);
    expect(s.loads(), 'the late row was kept in the cache').toBe(loads + 1);
  });
});
