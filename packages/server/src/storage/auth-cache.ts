/**
 * A bounded read cache for the three lookups every authenticated request
 * makes (token by hash, session by id, user by id), wrapped around a
 * Storage so that services and routes do not know it exists. One
 * implementation for both dialects; each brings its own way of learning
 * that another process changed something:
 * - SQLite: before the reads of each event-loop turn, a look at
 *   `PRAGMA data_version` (sqlite-handle.ts), which every commit by another
 *   connection moves; if it moved, everything is dropped.
 * - PostgreSQL: a lease (pg-lease.ts). The database notifies every process
 *   of every change a cache must drop (the `auth_epoch` counter, moved by
 *   triggers); a process drops its cache, then acknowledges; and a write
 *   through this cache answers only once every other process has
 *   acknowledged it or lost its lease (settle). The look before each turn's
 *   reads only checks that the lease is held.
 *
 * Revocation stays exact — on every instance, from the request after it:
 * - A request is answered from memory only after a look that came after it
 *   arrived (in the check phase of the loop turn that read it, shared by
 *   all the reads of that turn) found the cache current.
 * - Every write made through this Storage updates or drops the entries it
 *   affects, and (PostgreSQL) waits for the other processes, before it
 *   returns.
 * - A read that overlapped a write or a drop is not cached (generation count),
 *   so a row read just before a revocation can never be stored after it.
 * - A look that fails (PostgreSQL: no lease) drops everything, and the reads
 *   go to the database uncached until a look succeeds again.
 *
 * THE RULE FOR NEW STORE METHODS. Every change that can make a cached entry
 * wrong must reach the other processes. On SQLite every commit does. On
 * PostgreSQL the database moves `auth_epoch` itself, by triggers on `users`,
 * `api_tokens` and `sessions` (migrations.ts), so a new write method on those
 * tables needs nothing more there; here it goes through `write`, which drops
 * what it names and waits for the other processes (only creates and "last
 * used" touches, which change nothing a cache holds, skip the wait). Each
 * wrapper in auth-cache-stores.ts must implement every method of its
 * interface (the compiler insists), and test/postgres/auth-epoch.test.ts
 * lists every store method with what it must do: a method added later fails
 * it until it is listed.
 * A new table or column that authentication reads through this cache needs
 * the same trigger in a migration.
 */
import { CachedSessionStore, CachedTokenStore, CachedTotpStore, CachedUserStore } from './auth-cache-stores.js';
import { BoundedMap } from './bounded-map.js';
import type { SessionRecord, Storage, StorageStats, TokenRecord, UserRecord } from './types.js';

/** Optional observers, e.g. for metrics. Called once per cached lookup. */
export interface AuthCacheHooks {
  /** Served from memory. */
  onHit?: () => void;
  /** Read from the database (not cached yet, or the cache could not vouch for itself). */
  onMiss?: () => void;
}

export interface AuthCacheOptions extends AuthCacheHooks {
  /**
   * Most entries kept per kind (tokens, sessions, users). 0 keeps nothing:
   * every read goes to the database, and writes still wait for the other
   * processes (settle), whose caches may be on.
   */
  maxEntries: number;
  /**
   * The look before each turn's reads: true when another process may have
   * changed what this cache holds since the previous call (everything is
   * dropped). Throwing means "cannot vouch for the cache now": the reads go
   * to the database and keep nothing.
   */
  changed: () => boolean;
  /** Hands over the cache's drop, for a signal that pushes changes (PostgreSQL). */
  subscribe?: (drop: () => void) => void;
  /** After every write that may move the signal: resolves when the other processes have caught up. */
  settle?: () => Promise<void>;
  /** After the storage is migrated: resolves when the signal is ready (the first lease attempt has ended). */
  ready?: () => Promise<void>;
  /**
   * Drop everything at least this often (ms), whether or not the signal
   * moved. For PostgreSQL, where "last used" times written by other
   * instances move nothing (so that they reach this cache within a minute).
   * Never needed for revocation.
   */
  refreshMs?: number;
}

const noop = () => {};

/** The entries and their rules; the store wrappers (auth-cache-stores.ts) go through it. */
export class AuthCache {
  readonly tokens: BoundedMap<string, TokenRecord>;
  readonly sessions: BoundedMap<string, SessionRecord>;
  readonly users: BoundedMap<number, UserRecord>;
  /** Moves on every write and every drop; a read caches only if it did not move meanwhile. */
  generation = 0;
  readonly hit: () => void;
  readonly miss: () => void;
  private check: Promise<boolean> | null = null;
  private clearedAt = Date.now();
  /** Nothing is kept (maxEntries 0): reads go straight to the database. */
  private readonly off: boolean;

  constructor(
    private readonly opts: AuthCacheOptions,
    private readonly stats: StorageStats,
  ) {
    this.tokens = new BoundedMap(opts.maxEntries);
    this.sessions = new BoundedMap(opts.maxEntries);
    this.users = new BoundedMap(opts.maxEntries);
    this.hit = opts.onHit ?? noop;
    this.miss = opts.onMiss ?? noop;
    this.off = opts.maxEntries === 0;
    opts.subscribe?.(() => this.clear());
  }

  /**
   * Resolves true once the signal has been looked at at a moment after the
   * caller arrived (and everything dropped if it moved), false when the
   * cache cannot vouch for itself: then the caller reads the database and
   * keeps nothing. Every read asking during one turn of the event loop waits
   * for the same look, taken in that turn's check phase (setImmediate):
   * after every request read from a socket in the turn's poll phase — and
   * after every notification or connection error read with them. Each
   * request is still checked after it arrived: one look per turn instead of
   * one per request.
   */
  validate(): Promise<boolean> {
    return (this.check ??= new Promise<boolean>((resolve) => {
      setImmediate(() => {
        this.check = null;
        this.stats.cacheLooks++;
        try {
          if (this.opts.refreshMs !== undefined && Date.now() - this.clearedAt >= this.opts.refreshMs) this.clear();
          if (this.opts.changed()) this.clear();
          resolve(true);
        } catch {
          this.clear();
          resolve(false);
        }
      });
    }));
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
    if (this.off) return load();
    if (!(await this.validate())) {
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
    if (this.off) return load();
    if (!(await this.validate())) {
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

  /**
   * A write by this process: `forget` drops what it affects, whatever the
   * outcome; then, unless it only `creates`, it waits until the other
   * processes have caught up with it (settle).
   */
  async write<T>(run: () => Promise<T>, forget: () => void, kind: 'changes' | 'creates' = 'changes'): Promise<T> {
    let result: T;
    try {
      result = await run();
    } finally {
      this.generation++;
      forget();
    }
    if (kind === 'changes') await this.opts.settle?.();
    return result;
  }

  /** Waits for the signal after a migration (PostgreSQL: takes the lease). */
  async ready(): Promise<void> {
    this.clear();
    await this.opts.ready?.();
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
    totp: new CachedTotpStore(storage.totp, cache),
    async migrate() {
      try {
        await storage.migrate();
      } finally {
        cache.clear();
      }
      await cache.ready();
    },
  };
}
