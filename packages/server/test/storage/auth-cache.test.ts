/**
 * The auth cache (storage/auth-cache.ts) must never make a revocation late:
 * writes by another connection (the CLI, another process) and by this one
 * are seen by the very next read, on both dialects.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { withAuthCache } from '../../src/storage/auth-cache.js';
import { openStorage } from '../../src/storage/open.js';
import type { Storage, TokenRecord } from '../../src/storage/types.js';
import { freshDatabaseEnv } from '../support/database.js';
import { createUser, newSession, newToken } from '../support/storage.js';

const T = 1_700_000_000_000;
let env: Record<string, string>;
/** The server's view (cached on SQLite) and a second connection standing for the CLI. */
let server: Storage;
let other: Storage;

const open = (extra: Record<string, string> = {}) => openStorage(loadConfig({ env: { ...env, SEMAUTH_LOG_LEVEL: 'silent', ...extra } }));

beforeAll(async () => {
  env = await freshDatabaseEnv();
  server = await open();
  await server.migrate();
  other = await open();
});
afterAll(async () => {
  await other?.close();
  await server?.close();
});

describe('auth cache', () => {
  it('is used: the same record comes back without a query', async () => {
    const u = await createUser(server);
    const t = newToken(u.id);
    await server.tokens.create(t);
    const first = await server.tokens.findByHash(t.hash);
    const second = await server.tokens.findByHash(t.hash);
    expect(second).toEqual(first);
    expect(second).toBe(first);
  });

  it('sees a token revoked by another connection on the next read', async () => {
    const u = await createUser(server);
    const t = newToken(u.id);
    await server.tokens.create(t);
    expect((await server.tokens.findByHash(t.hash))?.revokedAt).toBeNull();
    await other.tokens.revoke(t.hash, T);
    expect((await server.tokens.findByHash(t.hash))?.revokedAt).toBe(T);
  });

  it('sees a user disabled, changed or deleted by another connection on the next read', async () => {
    const u = await createUser(server);
    const t = newToken(u.id);
    await server.tokens.create(t);
    expect((await server.users.findById(u.id))?.disabled).toBe(false);
    await other.users.update(u.id, { disabled: true });
    expect((await server.users.findById(u.id))?.disabled).toBe(true);
    await other.users.update(u.id, { name: 'Renamed' });
    expect((await server.users.findById(u.id))?.name).toBe('Renamed');
    await other.users.delete(u.id);
    expect(await server.users.findById(u.id)).toBeUndefined();
    expect(await server.tokens.findByHash(t.hash)).toBeUndefined();
  });

  it('joined lookups see foreign revocations and a user disabled elsewhere on the next read', async () => {
    const u = await createUser(server);
    const t = newToken(u.id);
    const s = newSession(u.id);
    await server.tokens.create(t);
    await server.sessions.create(s);
    expect((await server.tokens.findByHashWithUser(t.hash))?.user.disabled).toBe(false);
    expect((await server.sessions.findByIdWithUser(s.id))?.user.disabled).toBe(false);
    await other.users.update(u.id, { disabled: true });
    expect((await server.tokens.findByHashWithUser(t.hash))?.user.disabled).toBe(true);
    expect((await server.sessions.findByIdWithUser(s.id))?.user.disabled).toBe(true);
    await other.tokens.revoke(t.hash, T);
    await other.sessions.revoke(s.id, T);
    expect((await server.tokens.findByHashWithUser(t.hash))?.token.revokedAt).toBe(T);
    expect((await server.sessions.findByIdWithUser(s.id))?.session.revokedAt).toBe(T);
    // And this process's own writes, through the entries the joined reads filled.
    await server.users.update(u.id, { disabled: false });
    expect((await server.tokens.findByHashWithUser(t.hash))?.user.disabled).toBe(false);
    await server.users.delete(u.id);
    expect(await server.tokens.findByHashWithUser(t.hash)).toBeUndefined();
    expect(await server.sessions.findByIdWithUser(s.id)).toBeUndefined();
  });

  it('sees sessions revoked by another connection on the next read', async () => {
    const u = await createUser(server);
    const a = newSession(u.id);
    const b = newSession(u.id);
    await server.sessions.create(a);
    await server.sessions.create(b);
    await server.sessions.findById(a.id);
    await server.sessions.findById(b.id);
    await other.sessions.revoke(a.id, T);
    expect((await server.sessions.findById(a.id))?.revokedAt).toBe(T);
    await other.sessions.revokeAllForUser(u.id, T + 1);
    expect((await server.sessions.findById(b.id))?.revokedAt).toBe(T + 1);
  });

  it('drops the cached sessions and tokens a user write ends (a disabled user, a new password), whoever writes', async () => {
    for (const [writer, reader] of [
      [server, server],
      [other, server],
    ] as const) {
      const u = await createUser(server);
      const t = newToken(u.id);
      const s = newSession(u.id);
      await server.tokens.create(t);
      await server.sessions.create(s);
      expect((await reader.tokens.findByHashWithUser(t.hash))?.token.revokedAt).toBeNull();
      expect((await reader.sessions.findByIdWithUser(s.id))?.session.revokedAt).toBeNull();
      await writer.users.update(u.id, { disabled: true }, { endCredentials: { at: T, tokens: true } });
      expect((await reader.tokens.findByHashWithUser(t.hash))?.token.revokedAt).toBe(T);
      expect((await reader.sessions.findByIdWithUser(s.id))?.session.revokedAt).toBe(T);
      // Enabled again: the cache must not hand back the copies from before.
      await writer.users.update(u.id, { disabled: false });
      expect((await reader.tokens.findByHash(t.hash))?.revokedAt).toBe(T);
      expect((await reader.sessions.findById(s.id))?.revokedAt).toBe(T);
    }
  });

  it('reflects its own writes at once: revoke, touch, update, revokeAllForUser, delete', async () => {
    const u = await createUser(server);
    const t = newToken(u.id);
    const s = newSession(u.id);
    await server.tokens.create(t);
    await server.sessions.create(s);
    await server.tokens.findByHash(t.hash);
    await server.sessions.findById(s.id);
    await server.users.findById(u.id);

    await server.tokens.touch(t.hash, T + 5);
    expect((await server.tokens.findByHash(t.hash))?.lastUsedAt).toBe(T + 5);
    expect((await other.tokens.findByHash(t.hash))?.lastUsedAt).toBe(T + 5);
    await server.sessions.touch(s.id, T + 6);
    expect((await server.sessions.findById(s.id))?.lastActiveAt).toBe(T + 6);
    await server.users.update(u.id, { admin: true });
    expect((await server.users.findById(u.id))?.admin).toBe(true);
    await server.tokens.revoke(t.hash, T + 7);
    expect((await server.tokens.findByHash(t.hash))?.revokedAt).toBe(T + 7);
    await server.sessions.revokeAllForUser(u.id, T + 8);
    expect((await server.sessions.findById(s.id))?.revokedAt).toBe(T + 8);
    await server.users.delete(u.id);
    expect(await server.users.findById(u.id)).toBeUndefined();
    expect(await server.sessions.findById(s.id)).toBeUndefined();
  });

  it('a prune (maintenance) drops the sessions it deleted and keeps live ones cached', async () => {
    const u = await createUser(server);
    const live = newSession(u.id, { expiresAt: T + 100 * 86_400_000 });
    const revoked = newSession(u.id, { revokedAt: T - 10 });
    const expired = newSession(u.id, { expiresAt: T - 10 });
    for (const s of [live, revoked, expired]) await server.sessions.create(s);
    const cached = await server.sessions.findById(live.id);
    for (const s of [revoked, expired]) expect(await server.sessions.findById(s.id)).toBeDefined();

    expect(await server.sessions.prune(T)).toBeGreaterThanOrEqual(2);
    expect(await server.sessions.findById(revoked.id)).toBeUndefined();
    expect(await server.sessions.findById(expired.id)).toBeUndefined();
    const after = await server.sessions.findById(live.id);
    expect(after).toEqual(cached);
    // SQLite: the very same cached object, not a fresh read after a dropped cache.
    if (server.dialect === 'sqlite') expect(after).toBe(cached);
  });

  it('never keeps a row read while a revocation was under way', async () => {
    const u = await createUser(server);
    const t = newToken(u.id);
    await server.tokens.create(t);
    for (let i = 0; i < 20; i++) {
      // A non-hex marker keeps these distinct from t.hash (whose last digits could equal i).
      const hash = `${t.hash.slice(0, -3)}x${i.toString(16).padStart(2, '0')}`;
      await server.tokens.create({ ...t, hash });
      // The read starts first; the revocation lands before or after it, never lost.
      const reading = server.tokens.findByHash(hash);
      const revoking = server.tokens.revoke(hash, T + i);
      await Promise.all([reading, revoking]);
      expect((await server.tokens.findByHash(hash))?.revokedAt).toBe(T + i);
    }
  });

  it('never lets a caller change what later reads return', async () => {
    const u = await createUser(server);
    const t = newToken(u.id);
    await server.tokens.create(t);
    const user = (await server.users.findById(u.id)) as { admin: boolean };
    const joined = (await server.tokens.findByHashWithUser(t.hash)) as { token: { revokedAt: number | null }; user: { disabled: boolean } };
    // A caller that writes into a record it got (records held in a cache are frozen: the write throws).
    const scribble = (write: () => void) => {
      try {
        write();
      } catch {
        /* frozen */
      }
    };
    scribble(() => (user.admin = true));
    scribble(() => (joined.token.revokedAt = T));
    scribble(() => (joined.user.disabled = true));
    expect((await server.users.findById(u.id))?.admin).toBe(false);
    expect((await server.tokens.findByHash(t.hash))?.revokedAt).toBeNull();
    expect((await server.tokens.findByHashWithUser(t.hash))?.user.disabled).toBe(false);
  });

  it('is off with SEMAUTH_AUTH_CACHE_ENTRIES=0', async () => {
    const uncached = await open({ SEMAUTH_AUTH_CACHE_ENTRIES: '0' });
    try {
      const u = await createUser(uncached);
      const first = await uncached.users.findById(u.id);
      expect(await uncached.users.findById(u.id)).not.toBe(first);
    } finally {
      await uncached.close();
    }
  });
});

describe('auth cache, with reads held back on purpose', () => {
  /** A token store whose reads can be held until the test lets them answer. */
  function slowStorage() {
    const rows = new Map<string, TokenRecord>();
    const held: (() => void)[] = [];
    let holding = false;
    let foreignCommit = false;
    let looks = 0;
    const tokens = {
      async create(t: TokenRecord) {
        rows.set(t.hash, t);
      },
      findByHash(hash: string) {
        const snapshot = rows.get(hash) && { ...rows.get(hash)! };
        if (!holding) return Promise.resolve(snapshot);
        return new Promise<TokenRecord | undefined>((resolve) => held.push(() => resolve(snapshot)));
      },
      async revoke(hash: string, at: number) {
        rows.set(hash, { ...rows.get(hash)!, revokedAt: at });
      },
    };
    const base = { dialect: 'sqlite', stats: { writes: 0, cacheLooks: 0 }, tokens, users: {}, sessions: {}, throttle: {}, audit: {} } as unknown as Storage;
    const changed = () => {
      looks++;
      const was = foreignCommit;
      foreignCommit = false;
      return was;
    };
    const cached = withAuthCache(base, { maxEntries: 10, changed });
    return {
      cached,
      rows,
      hold: () => (holding = true),
      /** Waits until `n` reads are held (they reach the store after the cache's look). */
      async heldReads(n: number) {
        for (let i = 0; held.length < n; i++) {
          if (i > 1000) throw new Error(`only ${held.length} reads held`);
          await new Promise((r) => setImmediate(r));
        }
      },
      /** Lets held reads answer, in order or newest first, and stops holding. */
      release(newestFirst = false) {
        holding = false;
        const all = held.splice(0);
        (newestFirst ? all.reverse() : all).forEach((r) => r());
      },
      commitElsewhere: () => (foreignCommit = true),
      looks: () => looks,
    };
  }

  it('does not keep a row read before its own revocation completed', async () => {
    const s = slowStorage();
    const t = newToken(1);
    await s.cached.tokens.create(t);
    s.hold();
    const stale = s.cached.tokens.findByHash(t.hash); // reads "live", answers later
    await s.heldReads(1);
    await s.cached.tokens.revoke(t.hash, T);
    s.release();
    expect((await stale)?.revokedAt).toBeNull();
    expect((await s.cached.tokens.findByHash(t.hash))?.revokedAt).toBe(T);
  });

  it('does not keep a row read before a foreign commit was noticed', async () => {
    const s = slowStorage();
    const t = newToken(1);
    await s.cached.tokens.create(t);
    s.hold();
    const stale = s.cached.tokens.findByHash(t.hash);
    await s.heldReads(1);
    // Another process revokes; a later request notices (and drops the cache) before the first read returns.
    s.rows.set(t.hash, { ...t, revokedAt: T });
    s.commitElsewhere();
    const noticing = s.cached.tokens.findByHash(t.hash);
    await s.heldReads(2);
    s.release(true);
    expect((await noticing)?.revokedAt).toBe(T);
    expect((await stale)?.revokedAt).toBeNull();
    expect((await s.cached.tokens.findByHash(t.hash))?.revokedAt).toBe(T);
  });

  it('looks for foreign commits after every read asked, once for all reads asking in the same turn', async () => {
    const s = slowStorage();
    const t = newToken(1);
    await s.cached.tokens.create(t);
    await s.cached.tokens.findByHash(t.hash);
    const before = s.looks();
    // A foreign commit lands before these reads ask: all of them must see it.
    s.rows.set(t.hash, { ...t, revokedAt: T });
    s.commitElsewhere();
    const reads = await Promise.all(Array.from({ length: 5 }, () => s.cached.tokens.findByHash(t.hash)));
    expect(reads.map((r) => r?.revokedAt)).toEqual([T, T, T, T, T]);
    expect(s.looks() - before).toBe(1);
  });

  it('reads the database, and drops everything, when the look fails', async () => {
    const t = newToken(1);
    let broken = false;
    let reads = 0;
    const tokens = { findByHash: async () => (reads++, { ...t }) };
    const base = { dialect: 'sqlite', stats: { writes: 0, cacheLooks: 0 }, tokens, users: {}, sessions: {}, throttle: {}, audit: {} } as unknown as Storage;
    const cached = withAuthCache(base, {
      maxEntries: 10,
      changed: () => {
        if (broken) throw new Error('SQLITE_BUSY');
        return false;
      },
    });
    const first = await cached.tokens.findByHash(t.hash);
    expect(await cached.tokens.findByHash(t.hash)).toBe(first);
    expect(reads).toBe(1);
    broken = true;
    // No look vouches for the cache: every read goes to the database, and nothing is kept.
    expect(await cached.tokens.findByHash(t.hash)).toEqual(t);
    expect(await cached.tokens.findByHash(t.hash)).toEqual(t);
    expect(reads).toBe(3);
    broken = false;
    const again = await cached.tokens.findByHash(t.hash);
    expect(again).not.toBe(first);
    expect(await cached.tokens.findByHash(t.hash)).toBe(again);
    expect(reads).toBe(4);
  });

  it('evicts the least recently used entry when full', async () => {
    const s = slowStorage();
    const tokens = Array.from({ length: 11 }, () => newToken(1));
    for (const t of tokens) await s.cached.tokens.create(t);
    for (const t of tokens.slice(0, 10)) await s.cached.tokens.findByHash(t.hash);
    await s.cached.tokens.findByHash(tokens[0]!.hash); // now the most recently used
    await s.cached.tokens.findByHash(tokens[10]!.hash); // evicts tokens[1]
    s.rows.set(tokens[0]!.hash, { ...tokens[0]!, name: 'changed behind the cache' });
    s.rows.set(tokens[1]!.hash, { ...tokens[1]!, name: 'changed behind the cache' });
    expect((await s.cached.tokens.findByHash(tokens[0]!.hash))?.name).toBe('');
    expect((await s.cached.tokens.findByHash(tokens[1]!.hash))?.name).toBe('changed behind the cache');
  });
});
