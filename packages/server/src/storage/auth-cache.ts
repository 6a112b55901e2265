/**
 * A bounded read cache for the three lookups every authenticated request
 * makes (token by hash, session by id, user by id), wrapped around a
 * Storage so that services and routes do not know it exists.
 *
 * Revocation stays immediate — the rule that decides where this may be used:
 * - Before every cached read, after the request arrived, `changed()` says
 *   whether any *other* database connection committed since it was last
 *   asked (SQLite: `PRAGMA data_version`, which the CLI's writes move). If
 *   so, everything is dropped. Reads arriving in the same turn of the event
 *   loop share one such look (see validate).
 * - Every write made through this Storage updates or drops the entries it
 *   affects before it returns.
 * - A read that overlapped a write or a drop is not cached (generation count),
 *   so a row read just before a revocation can never be stored after it.
 * It is therefore only for a database whose every foreign write `changed()`
 * sees on the very next request: SQLite, not PostgreSQL, where other
 * instances commit without this process learning of it in time.
 */
import { BoundedMap } from './bounded-map.js';
import type { IdentityConflict, SessionRecord, SessionStore, Storage, TokenRecord, TokenStore, UserRecord, UserStore, UserWriteOptions } from './types.js';

export interface AuthCacheOptions {
  /** Most entries kept per kind (tokens, sessions, users). */
  maxEntries: number;
  /** True when another connection committed since the previous call. */
  changed: () => boolean;
  /** Told of each lookup answered from memory / from the database (metrics). */
  onHit?: (() => void) | undefined;
  onMiss?: (() => void) | undefined;
}

class AuthCache {
  readonly tokens: BoundedMap<string, TokenRecord>;
  readonly sessions: BoundedMap<string, SessionRecord>;
  readonly users: BoundedMap<number, UserRecord>;
  /** Moves on every write and every drop; a read caches only if it did not move meanwhile. */
  generation = 0;

  constructor(private readonly opts: AuthCacheOptions) {
    this.tokens = new BoundedMap(opts.maxEntries);
    this.sessions = new BoundedMap(opts.maxEntries);
    this.users = new BoundedMap(opts.maxEntries);
  }

  private check: Promise<void> | null = null;

  /**
   * Resolves once commits by other connections have been looked for (and
   * everything dropped if there were any) at a moment after the caller
   * arrived. Every read asking during one turn of the event loop waits for
   * the same look, taken in that turn's check phase (setImmediate): after
   * every request read from a socket in the turn's poll phase has arrived.
   * Each request is still checked after it arrived — one look per turn
   * instead of one per request. A failing look fails the reads, never
   * lets them through.
   */
  validate(): Promise<void> {
    return (this.check ??= new Promise<void>((resolve, reject) => {
      setImmediate(() => {
        this.check = null;
        try {
          if (this.opts.changed()) this.clear();
          resolve();
        } catch (e) {
          this.clear();
          reject(e);
        }
      });
    }));
  }

  clear(): void {
    this.generation++;
    this.tokens.clear();
    this.sessions.clear();
    this.users.clear();
  }

  /** A read through the cache: `load` runs on a miss and its result is kept if still current. */
  async read<K, V extends object>(map: BoundedMap<K, V>, key: K, load: () => Promise<V | undefined>): Promise<V | undefined> {
    await this.validate();
    const hit = map.get(key);
    if (hit !== undefined) {
      this.opts.onHit?.();
      return hit;
    }
    this.opts.onMiss?.();
    const generation = this.generation;
    const value = await load();
    // Frozen: the same object is handed to every request that hits it.
    if (value !== undefined && generation === this.generation) map.set(key, Object.freeze(value));
    return value;
  }

  /**
   * A record and its user (token or session, then user): one check for
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
    await this.validate();
    const hit = map.get(key);
    const user = hit && this.users.get(hit.userId);
    if (hit !== undefined && user !== undefined) {
      this.opts.onHit?.();
      return join(hit, user);
    }
    this.opts.onMiss?.();
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

  listByUser(userId: number): Promise<SessionRecord[]> {
    return this.inner.listByUser(userId);
  }

  revokeAllForUser(userId: number, at: number, exceptId?: string): Promise<number> {
    // Rare (password changes): dropping every cached session is simplest and safe.
    return this.cache.write(() => this.inner.revokeAllForUser(userId, at, exceptId), () => this.cache.sessions.clear());
  }

  prune(before: number): Promise<number> {
    // Drops exactly the rows the prune deletes (never live sessions, which
    // every request would otherwise have to read again after each run).
    const pruned = (s: SessionRecord) => s.expiresAt < before || (s.revokedAt !== null && s.revokedAt < before);
    return this.cache.write(() => this.inner.prune(before), () => this.cache.sessions.deleteWhere(pruned));
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

  update(id: number, patch: Parameters<UserStore['update']>[1], opts?: UserWriteOptions): Promise<void> {
    return this.cache.write(() => this.inner.update(id, patch, opts), () => this.cache.users.delete(id));
  }

  delete(id: number, opts?: UserWriteOptions): Promise<boolean> {
    // Takes the user's sessions and tokens with it.
    return this.cache.write(() => this.inner.delete(id, opts), () => this.cache.clear());
  }

  identityConflicts(): Promise<IdentityConflict[]> {
    return this.inner.identityConflicts();
  }
}

/** `storage` with its token, session and user lookups cached (see the rules above). */
export function withAuthCache(storage: Storage, opts: AuthCacheOptions): Storage {
  const cache = new AuthCache(opts);
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
