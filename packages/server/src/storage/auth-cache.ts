/**
 * A bounded read cache for the three lookups every authenticated request
 * makes (token by hash, session by id, user by id), wrapped around a
 * Storage so that services and routes do not know it exists. One
 * implementation for both dialects; each brings its own signal for "has
 * another connection changed anything?" (`changed`): SQLite's
 * `PRAGMA data_version` (sqlite-handle.ts), PostgreSQL's `auth_epoch`
 * counter (pg-epoch.ts).
 *
 * Revocation stays exact — on every instance, from the request after it:
 * - Before every cached read, after the request arrived, a look at the
 *   signal says whether another connection committed a change since the
 *   previous look. If so, everything is dropped. Reads share looks
 *   (shared-looks.ts): a read waits for the next look that has not yet begun.
 * - Every write made through this Storage updates or drops the entries it
 *   affects before it returns.
 * - A read that overlapped a write or a drop is not cached (generation count),
 *   so a row read just before a revocation can never be stored after it.
 * - A look that fails (e.g. PostgreSQL's signal connection was lost) drops
 *   everything, and the reads waiting for it go to the database uncached,
 *   until a look succeeds again.
 *
 * THE RULE FOR NEW STORE METHODS. A signal only works if every change that
 * can make a cached entry wrong moves it. On SQLite every commit does. On
 * PostgreSQL the database moves `auth_epoch` itself, by triggers on
 * `users`, `api_tokens` and `sessions` (migrations.ts): a new write method on
 * those tables needs nothing more. A new table or column that authentication
 * reads through this cache needs the same trigger in a migration, and the
 * test that lists every store method (test/postgres/auth-epoch.test.ts)
 * fails until each one is listed with what it must do to the epoch. Here,
 * each wrapper below must implement every method of its interface (the
 * compiler insists); a write goes through `write`, dropping what it touches.
 */
import { BoundedMap } from './bounded-map.js';
import { SharedLooks } from './shared-looks.js';
import type { SessionRecord, SessionStore, Storage, StorageStats, TokenRecord, TokenStore, UserRecord, UserStore } from './types.js';

/** Optional observers, e.g. for metrics. Called once per cached lookup. */
export interface AuthCacheHooks {
  /** Served from memory. */
  onHit?: () => void;
  /** Read from the database (not cached yet, or no look could vouch for the cache). */
  onMiss?: () => void;
}

export interface AuthCacheOptions extends AuthCacheHooks {
  /** Most entries kept per kind (tokens, sessions, users). */
  maxEntries: number;
  /**
   * True when another connection may have changed what this cache holds
   * since the previous call. It must look at the database after it is
   * called. Throwing (or rejecting) means "cannot tell".
   */
  changed: () => boolean | Promise<boolean>;
  /**
   * Drop everything at least this often (ms), whether or not the signal
   * moved. For PostgreSQL, where "last used" times written by other
   * instances do not move the signal (so that they reach this cache within
   * a minute). Never needed for revocation.
   */
  refreshMs?: number;
}

const noop = () => {};

class AuthCache {
  readonly tokens: BoundedMap<string, TokenRecord>;
  readonly sessions: BoundedMap<string, SessionRecord>;
  readonly users: BoundedMap<number, UserRecord>;
  /** Moves on every write and every drop; a read caches only if it did not move meanwhile. */
  generation = 0;
  readonly hit: () => void;
  readonly miss: () => void;
  private readonly looks: SharedLooks;
  private clearedAt = Date.now();

  constructor(opts: AuthCacheOptions, stats: StorageStats) {
    this.tokens = new BoundedMap(opts.maxEntries);
    this.sessions = new BoundedMap(opts.maxEntries);
    this.users = new BoundedMap(opts.maxEntries);
    this.hit = opts.onHit ?? noop;
    this.miss = opts.onMiss ?? noop;
    this.looks = new SharedLooks({
      changed: opts.changed,
      drop: () => this.clear(),
      beforeLook: () => {
        stats.cacheLooks++;
        if (opts.refreshMs !== undefined && Date.now() - this.clearedAt >= opts.refreshMs) this.clear();
      },
    });
  }

  clear(): void {
    this.generation++;
    this.clearedAt = Date.now();
    this.tokens.clear();
    this.sessions.clear();
    this.users.clear();
  }

  /**
   * A read through the cache: `load` runs on a miss and its result is kept
   * if still current; when no look could vouch for the cache (validate
   * resolved false), the database is read and nothing kept.
   */
  async read<K, V extends object>(map: BoundedMap<K, V>, key: K, load: () => Promise<V | undefined>): Promise<V | undefined> {
    if (!(await this.looks.validate())) {
      this.miss();
      return load();
    }
    const hit = map.get(key);
    if (hit !== undefined) {
      this.hit();
      return hit;
    }
    this.miss();
    const generation = this.generation;
    const value = await load();
    // Frozen: the same object is handed to every request that hits it.
    if (value !== undefined && generation === this.generation) map.set(key, Object.freeze(value));
    return value;
  }

  /**
   * A record and its user (token or session, then user): one look for
   * foreign commits and two map lookups on a hit; on a miss, one joined read
   * whose two parts are kept if still current.
   */
  async readWithUser<K, V extends { userId: number }, R>(
    map: BoundedMap<K, V>,
    key: K,
    load: () => Promise<R | undefined>,
    split: (r: R) => [V, UserRecord],
    join: (v: V, u: UserRecord) => R,
  ): Promise<R | undefined> {
    if (!(await this.looks.validate())) {
      this.miss();
      return load();
    }
    const hit = map.get(key);
    const user = hit && this.users.get(hit.userId);
    if (hit !== undefined && user !== undefined) {
      this.hit();
      return join(hit, user);
    }
    this.miss();
    const generation = this.generation;
    const loaded = await load();
    if (loaded !== undefined && generation === this.generation) {
      const [v, u] = split(loaded);
      map.set(key, Object.freeze(v));
      this.users.set(u.id, Object.freeze(u));
    }
    return loaded;
  }

  /**
   * A "last used" write: the cached entry (if any) is updated at once; if
   * the write fails it is dropped, so the next request reads the database.
   */
  async touch<K, V extends object>(map: BoundedMap<K, V>, key: K, update: (v: V) => V, run: () => Promise<void>): Promise<void> {
    const cached = map.peek(key);
    if (cached !== undefined) map.set(key, Object.freeze(update(cached)));
    try {
      await run();
    } catch (e) {
      map.delete(key);
      throw e;
    } finally {
      this.generation++;
    }
  }

  /** A write by this process: `forget` drops what it affects, whatever the outcome. */
  async write<T>(run: () => Promise<T>, forget: () => void): Promise<T> {
    try {
      return await run();
    } finally {
      this.generation++;
      forget();
    }
  }
}

class CachedTokenStore implements TokenStore {
  constructor(private readonly inner: TokenStore, private readonly cache: AuthCache) {}

  create(token: TokenRecord): Promise<void> {
    return this.cache.write(() => this.inner.create(token), () => this.cache.tokens.delete(token.hash));
  }

  findByHash(hash: string): Promise<TokenRecord | undefined> {
    return this.cache.read(this.cache.tokens, hash, () => this.inner.findByHash(hash));
  }

  findByHashWithUser(hash: string): Promise<{ token: TokenRecord; user: UserRecord } | undefined> {
    return this.cache.readWithUser(
      this.cache.tokens,
      hash,
      () => this.inner.findByHashWithUser(hash),
      (r) => [r.token, r.user],
      (token, user) => ({ token, user }),
    );
  }

  listByUser(userId: number): Promise<TokenRecord[]> {
    return this.inner.listByUser(userId);
  }

  findByPrefix(userId: number, prefix: string): Promise<TokenRecord[]> {
    return this.inner.findByPrefix(userId, prefix);
  }

  revoke(hash: string, at: number): Promise<void> {
    return this.cache.write(() => this.inner.revoke(hash, at), () => this.cache.tokens.delete(hash));
  }

  touch(hash: string, at: number): Promise<void> {
    // The cached copy is updated first, so that the requests arriving while
    // the write runs do not all decide to record "last used" again.
    return this.cache.touch(this.cache.tokens, hash, (t) => ({ ...t, lastUsedAt: at }), () => this.inner.touch(hash, at));
  }
}

class CachedSessionStore implements SessionStore {
  constructor(private readonly inner: SessionStore, private readonly cache: AuthCache) {}

  create(session: SessionRecord): Promise<void> {
    return this.cache.write(() => this.inner.create(session), () => this.cache.sessions.delete(session.id));
  }

  findById(id: string): Promise<SessionRecord | undefined> {
    return this.cache.read(this.cache.sessions, id, () => this.inner.findById(id));
  }

  findByIdWithUser(id: string): Promise<{ session: SessionRecord; user: UserRecord } | undefined> {
    return this.cache.readWithUser(
      this.cache.sessions,
      id,
      () => this.inner.findByIdWithUser(id),
      (r) => [r.session, r.user],
      (session, user) => ({ session, user }),
    );
  }

  touch(id: string, at: number): Promise<void> {
    return this.cache.touch(this.cache.sessions, id, (s) => ({ ...s, lastActiveAt: at }), () => this.inner.touch(id, at));
  }

  revoke(id: string, at: number): Promise<void> {
    return this.cache.write(() => this.inner.revoke(id, at), () => this.cache.sessions.delete(id));
  }

  revokeAllForUser(userId: number, at: number, exceptId?: string): Promise<number> {
    // Rare (password changes): dropping every cached session is simplest and safe.
    return this.cache.write(() => this.inner.revokeAllForUser(userId, at, exceptId), () => this.cache.sessions.clear());
  }

  prune(before: number): Promise<number> {
    return this.cache.write(() => this.inner.prune(before), () => this.cache.sessions.clear());
  }
}

class CachedUserStore implements UserStore {
  constructor(private readonly inner: UserStore, private readonly cache: AuthCache) {}

  create(user: Parameters<UserStore['create']>[0]): Promise<UserRecord> {
    return this.cache.write(() => this.inner.create(user), () => {});
  }

  findById(id: number): Promise<UserRecord | undefined> {
    return this.cache.read(this.cache.users, id, () => this.inner.findById(id));
  }

  findByLogin(login: string): Promise<UserRecord | undefined> {
    return this.inner.findByLogin(login);
  }

  list(): Promise<UserRecord[]> {
    return this.inner.list();
  }

  count(): Promise<number> {
    return this.inner.count();
  }

  update(id: number, patch: Parameters<UserStore['update']>[1]): Promise<void> {
    return this.cache.write(() => this.inner.update(id, patch), () => this.cache.users.delete(id));
  }

  delete(id: number): Promise<boolean> {
    // Takes the user's sessions and tokens with it.
    return this.cache.write(() => this.inner.delete(id), () => this.cache.clear());
  }
}

/** `storage` with its token, session and user lookups cached (see the rules above). */
export function withAuthCache(storage: Storage, opts: AuthCacheOptions): Storage {
  const cache = new AuthCache(opts, storage.stats);
  return {
    ...storage,
    users: new CachedUserStore(storage.users, cache),
    sessions: new CachedSessionStore(storage.sessions, cache),
    tokens: new CachedTokenStore(storage.tokens, cache),
    async migrate() {
      try {
        await storage.migrate();
      } finally {
        cache.clear();
      }
    },
  };
}
